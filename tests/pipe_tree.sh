# A pipeline is checkpointed as a tree and killed: after restart the data
# buffered in its pipe, the pipe's size, a closed pipe's contents and EOF,
# and a log offset shared across processes all come back (see
# tests/cmd/pipe_tree.c).  The tree's stdout is a pipe to a reader outside
# the checkpoint: after restart it writes to cr_restart's stdout instead.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
n=3000
"$CR_TESTS/cmd/pipe_tree" $d $n | cat > $d/stdout-before &
poll 40 - test -e $d/ready || fail "the consumer did not start"
pid=$(pgrep -o -f "pipe_tree $d") || fail "no pipe_tree process"
cr_checkpoint --tree -f $d/ctx --kill $pid || fail "cr_checkpoint exited $?"
wait
[ -e $d/result ] && fail "the tree finished before the checkpoint"
[ -s $d/stdout-before ] && fail "the tree wrote to stdout too early"
cr_restart $d/ctx > $d/stdout-after || fail "cr_restart exited $?"
grep -qx ok $d/result || fail "after restart: $(cat $d/result 2>/dev/null)"
grep -qx "pipe_tree: done" $d/stdout-after ||
	fail "the tree's stdout did not come to cr_restart's"
echo "the pipeline finished with every value in order"
