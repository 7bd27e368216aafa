# Threads blocked in nanosleep, clock_nanosleep(TIMER_ABSTIME), poll,
# select, pthread_cond_timedwait, FUTEX_WAIT and pause() while checkpointed:
# running on after the checkpoint, or restarted after --kill, each call
# completes as if nothing happened (0, no EINTR, full duration; pause
# returns only for the signal sent later).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
prog=$CR_TESTS/cmd/syscall_restart

# wait_ready FILE PID: until FILE exists (false if PID died or 30 s passed)
wait_ready() {
	local i
	for i in $(seq 300); do
		[ -e "$1" ] && return 0
		kill -0 $2 2> /dev/null || return 1
		sleep 0.1
	done
	return 1
}

# check OUT RESTARTED(yes|no): the program's own report
check() {
	grep -qx OK $1 || fail "$(cat $1)"
	grep -qx "restarted $2" $1 || fail "restart seen: $(grep ^restarted $1), want $2"
	if [ $2 = yes ]; then
		grep -qx "calls across the restart 7 of 7" $1 ||
			fail "not every call was blocked across the restart"
	fi
}

# 1. checkpoint --kill, restart
$prog $d/out1 4000 5000 &
pid=$!
wait_ready $d/out1.ready $pid || fail "syscall_restart never got going"
t0=$(date +%s.%N)
cr_checkpoint -f $d/ctx1 --kill $pid || fail "cr_checkpoint exited $?"
echo "cr_checkpoint took $(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo ?) s"
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "the program was not killed (exit $rc)"
[ ! -e $d/out1 ] || fail "the run ended before the checkpoint: $(cat $d/out1)"
cr_restart $d/ctx1
rc=$?
[ -f $d/out1 ] || fail "cr_restart exited $rc and the program wrote no report"
echo "--- checkpoint --kill, restart:"
cat $d/out1
[ $rc -eq 0 ] || fail "cr_restart exited $rc"
check $d/out1 yes

# 2. checkpoint and let it run on: it must notice nothing
$prog $d/out2 4000 5000 &
pid=$!
wait_ready $d/out2.ready $pid || fail "syscall_restart never got going (2)"
t0=$(date +%s.%N)
cr_checkpoint -f $d/ctx2 $pid || fail "cr_checkpoint (no kill) exited $?"
echo "cr_checkpoint took $(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo ?) s"
wait $pid
rc=$?
[ -f $d/out2 ] || fail "the continued program exited $rc without a report"
echo "--- checkpoint, run on:"
cat $d/out2
[ $rc -eq 0 ] || fail "the continued program exited $rc"
check $d/out2 no

# 3. that second context restarts as well (the original is gone)
rm -f $d/out2
cr_restart $d/ctx2
rc=$?
[ -f $d/out2 ] || fail "restart of the run-on context exited $rc, no report"
echo "--- restart of the run-on checkpoint:"
cat $d/out2
[ $rc -eq 0 ] || fail "restart of the run-on context exited $rc"
check $d/out2 yes
rm -rf $d
