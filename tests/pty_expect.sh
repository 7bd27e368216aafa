# tests/cmd/pty_expect: a pty whose master is held (packet mode, locked,
# watched by an epoll, at fd 7) by the process that writes the input and
# whose slave is the terminal of a session with its counter in the
# foreground, checkpointed as a tree with an answer left in the master.
# Once it goes on; once it is killed and restarted with its groups: each
# time the answer and the rounds after it must come exactly once, with
# the session, foreground group, termios and window size of the start.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill $pid 2> /dev/null; rm -rf $d' EXIT
prog=$CR_TESTS/cmd/pty_expect

step cont
mkdir $d/cont
start_ready $d/cont $prog 3
ckpt -f $d/cont/ctx --tree $pid
go_on $d/cont pty_expect

step kill
mkdir $d/kill
start_ready $d/kill $prog 3
ckpt_kill $d/kill/ctx --tree
touch $d/kill/go
cr_restart $d/kill/ctx
rc=$?
echo "--- after restart:"
cat $d/kill/log
[ $rc -eq 0 ] || fail "cr_restart exited $rc"
said_ok $d/kill pty_expect
echo ok
