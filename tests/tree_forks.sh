# A shell that forks all the time (a $(...) running expr per step) is
# checkpointed with --tree again and again.  A child forked after the
# module gathered the tree, before its parent stopped, would be missing
# from the file: the module refuses such a checkpoint (EAGAIN, before
# anything is written) and cr_checkpoint asks again.  Every context is
# restarted once the run is over and must write the rest of the output
# exactly as the run did; a missed child shows as a step with no sum.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'pkill -KILL -f "$d/"; rm -rf $d' EXIT
n=100

cat > $d/run.sh <<'EOF2'
# run.sh OUT N: line i is "i s", s the sum of 0..i, each step by expr.
s=0
for ((i = 0; i < $2; i++)); do
	s=$(expr $s + $i)
	echo "$i $s"
done > $1
EOF2
s=0
for ((i = 0; i < n; i++)); do
	s=$((s + i))
	echo "$i $s"
done > $d/want

step "four checkpoints of the running tree, then one with --kill"
bash $d/run.sh $d/out $n &
pid=$!
for k in 1 2 3 4; do
	wait_until 60 "the run did not reach line $((k * 20))" \
		has_lines $((k * 20)) $d/out
	ckpt -f $d/ctx$k --tree $pid
done
wait_until 60 "the run did not reach line 90" has_lines 90 $d/out
ckpt_kill $d/ctx5 --tree

step "each context restarted"
restart_each $d/want $d/out 5 4 3 2 1
