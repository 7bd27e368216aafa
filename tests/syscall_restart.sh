# Threads blocked in nanosleep, clock_nanosleep(TIMER_ABSTIME), poll,
# select, pthread_cond_timedwait, FUTEX_WAIT and pause() while checkpointed:
# running on after the checkpoint, or restarted after --kill, each call
# completes as if nothing happened (0, no EINTR, full duration; pause
# returns only for the signal sent later).
. "$CR_TESTS/lib.sh"

# check OUT RESTARTED(yes|no): a restart must have caught every call blocked
check() {
	grep -qx "restarted $2" $1 || fail "restart seen: $(grep ^restarted $1), want $2"
	if [ $2 = yes ]; then
		grep -qx "calls across the restart 7 of 7" $1 ||
			fail "not every call was blocked across the restart"
	fi
}

d=$(mktemp -d)
report_test $d check "$CR_TESTS/cmd/syscall_restart" 4000 5000
rm -rf $d
