# A statically linked program is checkpointed and restarted like any other.
. "$CR_TESTS/lib.sh"

prog=$CR_TESTS/cmd/cr_counter_static
[ -x $prog ] || skip "no static build of cr_counter"
file -L $prog 2>/dev/null | grep -q 'statically linked' ||
	ldd $prog 2>&1 | grep -q 'not a dynamic' || fail "$prog is not static"
d=$(mktemp -d)
counter_exe=$prog start_counter $d 40 100
ckpt_kill $d/ctx
cr_restart $d/ctx || fail "cr_restart exited $?"
check_counter $d 40
echo "static program restarted"
