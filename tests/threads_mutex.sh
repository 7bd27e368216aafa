# 8 threads add to shared counters under a mutex and signal a condvar the
# main thread waits on.  Checkpointed mid-run and killed, then restarted:
# every thread is joined with its own return value and the totals are exact.
# Then the plain path: a checkpoint without --kill must not disturb the run,
# and that context restarts too once the original has exited.
. "$CR_TESTS/lib.sh"

# check OUT RESTARTED(yes|no): restarted_at is the total the first worker
# saw once its parent had changed (-1: never)
check() {
	local ra
	ra=$(sed -n 's/^restarted_at //p' $1)
	if [ $2 = yes ]; then
		[ "$ra" -gt 0 ] && [ "$ra" -lt 4000 ] ||
			fail "restart not seen mid-run (restarted_at $ra)"
	else
		[ "$ra" = -1 ] || fail "parent changed without a restart ($ra)"
	fi
}

d=$(mktemp -d)
report_test $d check "$CR_TESTS/cmd/threads_mutex" 500
rm -rf $d
