# cr_forward_checkpoint() and CR_CHECKPOINT_OMIT.
# forward: a checkpoint of tests/cmd/libcr_forward alone also takes,
# through its callbacks, an unrelated cr_counter (its process) and a
# tree_counter (its tree).  The program goes on across the first
# checkpoint; the second, --kill, kills all three, and the restart of that
# one file brings all three back: every count ends complete and in order,
# and the tree reaps its children.
# omit: in a tree, a counter under cr_run --omit leaves itself out: the
# checkpoint succeeds without it and --kill spares it, and the file
# restarts (with its pids) while the omitted counter still runs.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=80

step forward
mkdir $d/c $d/t
start_counter $d/c $limit 100
counter=$pid
"$CR_TESTS/cmd/tree_counter" $d/t 2 $limit 100 &
tree=$!
wait_until 30 "the tree counted" has_lines 1 $d/t/out.0 $d/t/out.1 $d/t/out.2
start_reporting $d/out "$CR_TESTS/cmd/libcr_forward" $counter $tree
ckpt --pid -f $d/ctx1 $pid
wait_file $d/out.cont $pid ||
	fail "the program did not go on: $(cat $d/out 2> /dev/null)"
ckpt --pid -f $d/ctx2 --kill $pid
for p in $pid $counter $tree; do
	wait $p
	rc=$?
	[ $rc -eq 137 ] || fail "pid $p was not killed (exit $rc)"
done
sleep 0.5
pgrep -f "tree_counter $d" && fail "a forwarded child survived --kill"
for f in $d/c/out $d/t/out.0 $d/t/out.1 $d/t/out.2; do
	[ $(wc -l < $f) -lt $limit ] || fail "$f finished before the checkpoint"
done
cr_restart $d/ctx2
report_ok $d/out $? cr_restart
check_counter $d/c $limit
grep -qx ok $d/t/result || fail "tree_counter: $(cat $d/t/result 2> /dev/null)"
for k in 0 1 2; do
	check_seq $d/t/out.$k $limit "tree_counter's process $k"
done

step omit
mkdir $d/o $d/k
# the kept counter is the omitted one's parent: its tree holds both
bash -c "cr_run --omit '$CR_TESTS/cmd/cr_counter' $d/o/out 300 100 &
	exec '$CR_TESTS/cmd/cr_counter' $d/k/out $limit 100" &
pid=$!
wait_until 30 "both counted" has_lines 3 $d/o/out $d/k/out
omitted=$(children $pid)
[ -n "$omitted" ] || fail "no omitted counter"
ckpt --tree -f $d/ctx3 --kill $pid
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "the kept counter was not killed (exit $rc)"
kill -0 $omitted || fail "the omitted counter did not survive --kill"
cr_restart $d/ctx3 || fail "cr_restart exited $?"
check_counter $d/k $limit
kill -0 $omitted || fail "the omitted counter ended too soon"
wait_until 90 "the omitted counter ended" eval "! kill -0 $omitted 2> /dev/null"
check_seq $d/o/out 300 "the omitted counter"
rm -rf $d
echo "forwarded and omitted processes"
