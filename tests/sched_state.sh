# Scheduling policy, priority, nice, CPU affinity, parent-death signal,
# timer slack (per thread), child-subreaper and dumpable (per process)
# come back after restart (tests/cmd/sched_state.c checks them itself).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'kill $pid 2> /dev/null; rm -rf $d' EXIT
start_ready $d "$CR_TESTS/cmd/sched_state"
ckpt_kill $d/ctx
restart_go $d sched_state
echo ok
