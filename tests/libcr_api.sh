# libcr calls that need no checkpoint (tests/cmd/libcr_api.c): errors
# before cr_init() and outside callbacks, argument checks, critical
# sections with nothing pending, spinlocks, hooks, cr_strerror().
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
"$CR_TESTS/cmd/libcr_api" $d/out
rc=$?
cat $d/out
[ $rc -eq 0 ] && grep -qx OK $d/out || fail "libcr_api exited $rc"
rm -rf $d
