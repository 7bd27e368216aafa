# cr_hold_ctrl() and the *_NO_CALLBACKS hooks (tests/cmd/libcr_hold.c): a
# checkpoint the program survives, then one with --kill and a restart;
# the program checks which threads were held while its callback ran on,
# and where each hook ran.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill -KILL $pid 2> /dev/null; rm -rf $d' EXIT
"$CR_TESTS/cmd/libcr_hold" $d/out &
pid=$!
wait_file $d/out.ready $pid || fail "libcr_hold did not start"
step "a checkpoint it goes on from"
ckpt -f $d/ctx1 $pid
wait_file $d/out.cont $pid ||
	fail "the callback did not return 0: $(cat $d/out 2> /dev/null)"
step "a checkpoint with --kill, and a restart"
ckpt_kill $d/ctx2
pid=
cr_restart $d/ctx2
report_ok $d/out $? cr_restart
