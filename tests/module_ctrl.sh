# The control file exists with the expected mode and the ioctls answer.
. "$CR_TESTS/lib.sh"

ctrl=/proc/checkpoint/ctrl
[ -e $ctrl ] || fail "$ctrl missing"
mode=$(stat -c %a $ctrl)
[ "$mode" = 666 ] || fail "$ctrl has mode $mode, wanted 666"
[ "$(stat -c %U $ctrl)" = root ] || fail "$ctrl not owned by root"

t=$CR_TESTS/cmd/cr_test_ioctl
$t version || fail "version ioctl"
$t unknown || fail "unknown ioctls"
$t efault || fail "bad pointer"
# An unprivileged user may open it and ask the version too.
"${nobody[@]}" $t version ||
	fail "version ioctl as nobody"
echo "control file ok"
