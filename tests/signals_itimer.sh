# Interval timers survive checkpoint/restart: ITIMER_REAL (50 ms, still
# ticking afterwards), ITIMER_PROF and ITIMER_VIRTUAL are reported by
# getitimer().
# Plain checkpoint first (the program goes on and checks itself), then a
# checkpoint with --kill and a restart from that context file.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
cont_kill_test $d signals_itimer
echo ok
