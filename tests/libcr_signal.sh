# A program's own handler for libcr's signal (tests/cmd/libcr_signal.c)
# is recorded, not installed: a checkpoint it survives, then one with
# --kill and a restart, run libcr's callbacks and never its handler.
# Each callback's cr_get_checkpoint_info()->dest is the file as given to
# cr_checkpoint -f, made absolute: the final name of an --atomic one
# (written under a temporary one), the path of a --clobber one.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
start_reporting $d/out "$CR_TESTS/cmd/libcr_signal"
(cd $d && ckpt -f ctx1 $pid)
wait_file $d/out.cont $pid ||
	fail "callbacks did not all return 0: $(cat $d/out 2> /dev/null)"
ckpt_kill $d/ctx2 --clobber
cr_restart $d/ctx2
report_ok $d/out $? cr_restart
printf '%s\n' $(realpath $d)/ctx1 $(realpath $d)/ctx2 | cmp - $d/out.dest ||
	fail "dest: $(cat $d/out.dest)"
rm -rf $d
