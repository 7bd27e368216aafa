# The README demo with the module DKMS installed for the guest's kernel,
# loaded by modprobe, not the build tree's blcr.ko (make check-dkms, make
# check-packages run it with vmrun --no-module); with CR_INSTALLED_TOOLS=1
# also with the installed tools and libcr, not the build tree's.
. "$CR_TESTS/lib.sh"

step "modprobe blcr"
f=$(modinfo -n blcr 2>&1) || fail "no blcr module for $(uname -r): $f"
case $f in
*/updates/dkms/blcr.ko*) echo "module: $f" ;;
*) fail "blcr is $f, not the one DKMS installed" ;;
esac
modprobe blcr || fail "modprobe blcr failed"
grep -q '^blcr ' /proc/modules || fail "blcr is not loaded"
if [ "${CR_INSTALLED_TOOLS:-0}" = 1 ]; then
	export PATH=/usr/bin:$PATH
	unset LD_LIBRARY_PATH
	[ "$(command -v cr_checkpoint)" = /usr/bin/cr_checkpoint ] ||
		fail "cr_checkpoint is not the installed one"
fi
echo "tools: $(command -v cr_checkpoint) $(command -v cr_restart)"

step "demo"
bash "$CR_TESTS/demo.sh" || fail "the demo failed"

step "rmmod blcr"
rmmod blcr || fail "rmmod blcr failed"
