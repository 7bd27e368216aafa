# cr_run: with --omit the counter leaves itself out, so cr_checkpoint
# fails with ESRCH (exit 3) and the counter runs on undisturbed; with
# --run, or --omit overridden by a later --run, checkpoints work.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=100
counter_wrap="cr_run --omit" start_counter $d $limit 100
sleep 0.5
grep -q libcr_omit /proc/$pid/maps || fail "libcr_omit is not loaded"
cr_checkpoint -f $d/ctx $pid 2> $d/msg
rc=$?
cat $d/msg
[ $rc -eq 3 ] || fail "cr_checkpoint of an omitted process exited $rc, not 3"
[ ! -e $d/ctx ] || fail "a context file was written"
wait $pid || fail "the omitted counter exited $?"
check_counter $d $limit

for opts in "--run" "--omit --run --"; do
	rm -f $d/out
	counter_wrap="cr_run $opts" start_counter $d $limit 100
	sleep 0.5
	grep -q libcr_run /proc/$pid/maps || fail "cr_run $opts: no libcr_run"
	cr_checkpoint -f $d/ctx $pid || fail "cr_run $opts: cr_checkpoint exited $?"
	wait $pid || fail "cr_run $opts: the counter exited $?"
	check_counter $d $limit
done
rm -rf $d
