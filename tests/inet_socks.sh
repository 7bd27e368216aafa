# TCP sockets (tests/cmd/inet_socks.c) in what a restart cannot or need
# not bring back whole: a connection whose peer is outside the checkpoint
# is refused, naming the process, fd and both addresses, the program left
# running; with --tcp-close it comes back reset.  A listener's port taken
# at restart fails the restart naming the address, and leaves no process.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
hold=
trap 'kill $pid $hold 2> /dev/null; rm -rf $d' EXIT
prog="$CR_TESTS/cmd/inet_socks"

step outside
start_ready $d "$prog" outside
ckpt_refused $d/ctx "pid $pid fd 10: TCP connection 127.0.0.1:[0-9]* -> 127.0.0.1:[0-9]* has its peer outside the checkpoint"
touch $d/go
wait $pid || fail "the program failed after the refusal"
said_ok $d inet_socks

step reset
start_ready $d "$prog" reset
ckpt_kill $d/ctx --tcp-close
restart_go $d inet_socks

step port
rm -f $d/ctx
start_ready $d "$prog" port
ckpt_kill $d/ctx
port=$(cat $d/port)
mkdir $d/hold
"$prog" $d/hold hold $port &
hold=$!
wait_file $d/hold/ready $hold 30 || fail "cannot hold port $port"
out=$(cr_restart $d/ctx 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "the restart succeeded"
echo "$out" | grep -q "127.0.0.1:$port" || fail "the message does not name 127.0.0.1:$port"
kill -0 $pid 2> /dev/null && fail "pid $pid is left running"
echo ok
