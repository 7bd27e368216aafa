# A callback fails a checkpoint (tests/cmd/libcr_fail.c): cr_checkpoint
# exits with the callback's code, 42, and leaves no file; the program
# runs on and a second checkpoint succeeds.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
"$CR_TESTS/cmd/libcr_fail" $d/out &
pid=$!
wait_file $d/out.ready $pid || fail "libcr_fail did not start"
cr_checkpoint -f $d/ctx1 $pid 2> $d/msg
rc=$?
cat $d/msg
[ $rc -eq 42 ] || fail "cr_checkpoint exited $rc, not 42"
[ ! -e $d/ctx1 ] || fail "a failed checkpoint left its file"
kill -0 $pid || fail "the program did not survive the failed checkpoint"
cr_checkpoint -f $d/ctx2 $pid || fail "the second cr_checkpoint exited $?"
wait $pid
rc=$?
cat $d/out
[ $rc -eq 0 ] && grep -qx OK $d/out || fail "libcr_fail exited $rc"
rm -rf $d
