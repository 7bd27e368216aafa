# POSIX timers survive checkpoint/restart with their ids, clocks, signals
# and time left (tests/cmd/ptimers checks itself): a checkpoint the
# program runs on across, then a checkpoint with --kill and a restart 5 s
# later, which the timers' time left must not count.  A timer on a
# CPU-time clock is refused by name.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
prog=$CR_TESTS/cmd/ptimers

step cont
mkdir $d/cont
start_ready $d/cont $prog cont
ckpt_cont $d/cont/ctx
go_on $d/cont ptimers

step kill
mkdir $d/kill
start_ready $d/kill $prog restart
ckpt_kill $d/kill/ctx
sleep 5
restart_go $d/kill ptimers

step refused
mkdir $d/cpu
start_ready $d/cpu $prog cpu
ckpt_refused $d/cpu/ctx "pid $pid: POSIX timer .* CPU-time"
kill -9 $pid
wait $pid 2>/dev/null
echo ok
