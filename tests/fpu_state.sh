# x87/SSE/AVX(/AVX-512) registers loaded with patterns and a non-default
# MXCSR and x87 control word are checked in an asm loop that never touches
# them, while another thread keeps double/long double sums in registers:
# after a checkpoint --kill and restart, and across a checkpoint that lets
# the process run on, every register is intact and the sums are exact.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
prog=$CR_TESTS/cmd/fpu_state

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
	ra=$(sed -n "s/^restarted_at //p" $1)
	if [ $2 = yes ]; then
		[ "$ra" -gt 1 ] || fail "restart not seen mid-sum (restarted_at $ra)"
	else
		[ "$ra" = -1 ] || fail "parent changed without a restart ($ra)"
	fi
}

# 1. checkpoint --kill, restart
$prog $d/out1 2500 &
pid=$!
wait_ready $d/out1.ready $pid || fail "fpu_state never got going"
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
$prog $d/out2 2500 &
pid=$!
wait_ready $d/out2.ready $pid || fail "fpu_state never got going (2)"
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
