# A stopped job (SIGSTOP) is checkpointed and stays stopped; continued, it
# finishes its count.  Restarted from a checkpoint taken while it was
# stopped, it comes back stopped, writes nothing until continued, and then
# finishes.
. "$CR_TESTS/lib.sh"

# state PID: the one-letter state in /proc/PID/stat
state() {
	sed 's/.*) //' /proc/$1/stat | cut -d' ' -f1
}

# still_stopped PID DIR: stopped, and its output does not grow for 1 s
still_stopped() {
	local n
	n=$(wc -l < $2/out)
	sleep 1
	[ "$(state $1)" = T ] || fail "pid $1 is not stopped (state $(state $1))"
	[ $(wc -l < $2/out) -eq $n ] || fail "pid $1 ran while stopped"
}

d=$(mktemp -d)
start_counter $d 40 100
kill -STOP $pid
sleep 0.3
cr_checkpoint -f $d/ctx $pid || fail "cr_checkpoint of a stopped process exited $?"
still_stopped $pid $d
kill -CONT $pid
wait $pid || fail "the counter failed after it was continued"
check_counter $d 40

d=$(mktemp -d)
start_counter $d 40 100
kill -STOP $pid
sleep 0.3
cr_checkpoint -f $d/ctx --kill $pid || fail "cr_checkpoint --kill exited $?"
wait $pid
[ $? -eq 137 ] || fail "the counter was not killed"
cr_restart $d/ctx &
rpid=$!
poll 30 - prints T state $pid 2> /dev/null
still_stopped $pid $d
kill -CONT $pid
wait $rpid || fail "cr_restart exited $?"
check_counter $d 40
echo "stopped before the checkpoint, stopped after it and after restart"
