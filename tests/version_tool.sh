# The tools report the loaded module, and say so when it is not loaded.
. "$CR_TESTS/lib.sh"

for tool in cr_checkpoint cr_restart; do
	out=$($tool --version) || fail "$tool --version exited $?: $out"
	echo "$out"
	echo "$out" | grep -q "^module: blcr [0-9.]*, interface 2\." ||
		fail "$tool --version did not report the module"
done

rmmod blcr || fail "rmmod blcr"
out=$(cr_checkpoint --version)
rc=$?
insmod "$CR_MODULE" || fail "insmod after the test"
echo "$out"
[ $rc -ne 0 ] || fail "cr_checkpoint --version exited 0 without the module"
echo "$out" | grep -q "module: not loaded" ||
	fail "cr_checkpoint --version did not say the module is not loaded"
