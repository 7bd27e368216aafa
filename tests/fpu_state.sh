# x87/SSE/AVX(/AVX-512) registers loaded with patterns and a non-default
# MXCSR and x87 control word are checked in an asm loop that never touches
# them, while another thread keeps double/long double sums in registers:
# after a checkpoint --kill and restart, and across a checkpoint that lets
# the process run on, every register is intact and the sums are exact.
. "$CR_TESTS/lib.sh"

# check OUT RESTARTED(yes|no): restarted_at is the sum step at which the
# program saw its parent change (-1: never)
check() {
	local ra
	ra=$(sed -n "s/^restarted_at //p" $1)
	if [ $2 = yes ]; then
		[ "$ra" -gt 1 ] || fail "restart not seen mid-sum (restarted_at $ra)"
	else
		[ "$ra" = -1 ] || fail "parent changed without a restart ($ra)"
	fi
}

d=$(mktemp -d)
report_test $d check "$CR_TESTS/cmd/fpu_state" 2500
rm -rf $d
