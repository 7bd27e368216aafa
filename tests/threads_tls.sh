# Threads keep __thread values, errno, pthread_self(), gettid() and names and
# check them in a loop: after a checkpoint --kill and restart, and across a
# checkpoint that lets them run on, nothing has changed (the restart
# restores the thread ids); /proc/self/task lists exactly the same ids.
. "$CR_TESTS/lib.sh"

# check OUT RESTARTED(yes|no)
check() {
	grep -qx "restarted $2" $1 || fail "restart seen: $(grep ^restarted $1), want $2"
}

d=$(mktemp -d)
report_test $d check "$CR_TESTS/cmd/threads_tls" 1000
rm -rf $d
