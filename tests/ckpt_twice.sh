# A counter is checkpointed and goes on (stopped meanwhile with --stop so the
# script can copy its output as of the checkpoint, then continued), is
# checkpointed again and killed; the second context file is restarted three
# times in a row and the first one once, each time from the output as it was
# at that checkpoint: every run must finish the count, each number once.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
limit=250
# wait_lines N: the counter has written N lines.
wait_lines() {
	poll 30 - lines_over $(($1 - 1)) $d/out
}

"$CR_TESTS/cmd/cr_counter" $d/out $limit 50 &
pid=$!
wait_lines 5 || fail "the counter did not start"
cr_checkpoint -f $d/ctx1 --stop $pid || fail "first cr_checkpoint exited $?"
cp $d/out $d/out1
kill -CONT $pid
n1=$(wc -l < $d/out1)
wait_lines $((n1 + 10)) || fail "the counter did not go on after the first checkpoint"
grep -E '^(State|Pid|TracerPid)' /proc/$pid/status | tr '\n' ' '; echo
cr_checkpoint -f $d/ctx2 --kill $pid || fail "second cr_checkpoint exited $?"
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "the counter was not killed (exit $rc)"
cp $d/out $d/out2
n2=$(wc -l < $d/out2)
echo "first checkpoint after $n1 numbers, second after $n2, of $limit"
[ $n1 -gt 0 ] && [ $n1 -lt $n2 ] && [ $n2 -lt $limit ] || fail "bad counts"
seq 0 $((n1 - 1)) | cmp - $d/out1 || fail "output at the first checkpoint is wrong"
seq 0 $((n2 - 1)) | cmp - $d/out2 || fail "output at the second checkpoint is wrong"

for i in 1 2 3; do
	cp $d/out2 $d/out
	cr_restart $d/ctx2 || fail "restart $i of the second context exited $?"
	seq 0 $((limit - 1)) | cmp - $d/out || fail "restart $i of the second context: output differs from 0..$((limit - 1))"
	echo "second context, restart $i: ok"
done
cp $d/out1 $d/out
cr_restart $d/ctx1 || fail "restart of the first context exited $?"
seq 0 $((limit - 1)) | cmp - $d/out || fail "restart of the first context: output differs from 0..$((limit - 1))"
echo "first context, restart: ok"
