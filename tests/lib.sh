# Shared by the shell tests; sourced, not run.
set -u

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "$*"
	exit 77
}

# The module under test, as the runner loaded it.
CR_MODULE=$CR_TOP/blcr.ko

# start_counter DIR LIMIT DELAY_MS [STATUS]: runs cr_counter writing
# DIR/out in the background and waits until it has written a line; sets pid.
# A command in counter_wrap (e.g. "cr_run --omit") runs it.
start_counter() {
	${counter_wrap:-} "$CR_TESTS/cmd/cr_counter" "$1/out" "$2" "$3" ${4:+"$4"} &
	pid=$!
	for _ in $(seq 100); do
		[ -s "$1/out" ] && return 0
		sleep 0.1
	done
	fail "the counter did not start"
}

# check_counter DIR LIMIT: every number below LIMIT exactly once, in order.
check_counter() {
	seq 0 $(($2 - 1)) | cmp -s - "$1/out" ||
		fail "the counter's output is not 0..$(($2 - 1)): $(tr '\n' ' ' < "$1/out")"
}

# wait_file FILE PID [SECS]: until FILE exists; false if PID died first or
# SECS (default 30) passed.
wait_file() {
	local i
	for i in $(seq $((${3:-30} * 10))); do
		[ -e "$1" ] && return 0
		kill -0 $2 2> /dev/null || return 1
		sleep 0.1
	done
	return 1
}
