# libcr callbacks (tests/cmd/libcr_callbacks.c): a checkpoint the program
# survives, then one with --kill and a restart; the program checks that
# each callback saw cr_checkpoint() return 0 once, then > 0 once.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
"$CR_TESTS/cmd/libcr_callbacks" $d/out &
pid=$!
wait_file $d/out.ready $pid || fail "libcr_callbacks did not start"
cr_checkpoint -f $d/ctx1 $pid || fail "cr_checkpoint exited $?"
wait_file $d/out.cont $pid ||
	fail "callbacks did not all return 0: $(cat $d/out 2> /dev/null)"
cr_checkpoint -f $d/ctx2 --kill $pid || fail "cr_checkpoint --kill exited $?"
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "not killed (exit $rc): $(cat $d/out 2> /dev/null)"
cr_restart $d/ctx2
rc=$?
[ -f $d/out ] || fail "cr_restart exited $rc, no report"
cat $d/out
[ $rc -eq 0 ] && grep -qx OK $d/out || fail "restarted program exited $rc"
rm -rf $d
