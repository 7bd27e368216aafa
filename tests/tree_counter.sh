# A parent and its children are checkpointed together (--tree) and killed;
# after restart every process finishes its count from where it stopped,
# and the parent reaps its restored children with their exit statuses.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=60
"$CR_TESTS/cmd/tree_counter" $d 3 $limit 100 &
pid=$!
poll 30 - test -s $d/out.3 || fail "the children did not start"
cr_checkpoint --tree -f $d/ctx --kill $pid || fail "cr_checkpoint exited $?"
wait $pid
[ $? -eq 137 ] || fail "the parent was not killed"
sleep 0.5
pgrep -f "tree_counter $d" && fail "a child survived --kill"
for k in 0 1 2 3; do
	n=$(wc -l < $d/out.$k)
	[ $n -lt $limit ] || fail "process $k finished before the checkpoint"
done
cr_restart $d/ctx || fail "cr_restart exited $?"
grep -qx ok $d/result || fail "parent: $(cat $d/result 2>/dev/null)"
for k in 0 1 2 3; do
	seq 0 $((limit - 1)) | cmp -s - $d/out.$k ||
		fail "process $k: $(tr '\n' ' ' < $d/out.$k)"
done
echo "a tree of 4 processes restarted and finished"
