# fork() and libcr (tests/cmd/libcr_fork.c, issue 22): callbacks that fork
# do not hang the checkpoint, and the program goes on and is restarted;
# a child forked from a libcr program, which never calls cr_init(), runs
# none of its parent's callbacks when it is checkpointed itself, and is
# restarted.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
prog=$CR_TESTS/cmd/libcr_fork

step "fork in callbacks"
"$prog" $d/out $d/marks &
pid=$!
wait_file $d/out.ready $pid || fail "libcr_fork did not start"
timeout 60 cr_checkpoint -f $d/ctx1 $pid ||
	fail "cr_checkpoint exited $? (callbacks that fork hung it?)"
wait_file $d/out.cont $pid ||
	fail "callbacks did not all go on: $(cat $d/out 2> /dev/null)"
timeout 60 cr_checkpoint -f $d/ctx2 --kill $pid ||
	fail "cr_checkpoint --kill exited $?"
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "not killed (exit $rc): $(cat $d/out 2> /dev/null)"
timeout 120 cr_restart $d/ctx2
report_ok $d/out $? cr_restart
grep -qx "cb $pid" $d/marks || fail "the callbacks left no mark"

step "a forked child without cr_init"
"$prog" child $d/kid $d/marks &
ppid=$!
wait_file $d/kid.ready $ppid || fail "the child did not start"
kid=$(cat $d/kid.ready)
timeout 60 cr_checkpoint -f $d/ctx3 --kill $kid || fail "cr_checkpoint exited $?"
wait $ppid || fail "the parent exited $?"
cat $d/marks
grep -qx "cb $kid" $d/marks && fail "the parent's callbacks ran in the child"
touch $d/kid.go
timeout 120 cr_restart $d/ctx3
report_ok $d/kid $? cr_restart
rm -rf $d
