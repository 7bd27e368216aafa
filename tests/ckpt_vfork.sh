# Checkpoints of a parent whose child is in its vfork (the parent blocked
# in the kernel until the child execs), as make and shells run programs
# through posix_spawn.  Neither can be saved before the exec: the
# checkpoint waits for it instead of timing out.  Each checkpoint is taken
# while a child pauses in its vfork; every context is restarted once the
# run is over and must write the rest of the output exactly as the run did.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'pkill -KILL -f "$d/"; rm -rf $d' EXIT
n=6

s=0
for ((i = 0; i < n; i++)); do
	echo "vfork $i"
	echo "$i $((i * i))"
	s=$((s + i * i))
done > $d/want
echo "done $s" >> $d/want

# in_vfork K: step K's child is in its vfork (its parent wrote "vfork K",
# the child nothing yet).
in_vfork() {
	has_lines $((2 * $1 + 1)) $d/out && ! has_lines $((2 * $1 + 2)) $d/out
}

step "checkpoints while a child is in its vfork, the last with --kill"
cp "$CR_TESTS/cmd/vfork_exec" $d/
$d/vfork_exec $n 1500 > $d/out &
pid=$!
for k in 1 2 3; do
	wait_until 60 "step $k's child did not vfork" in_vfork $k
	if [ $k = 3 ]; then
		ckpt_kill $d/ctx$k --tree
	else
		ckpt -f $d/ctx$k --tree $pid
	fi
done

step "each context restarted"
restart_each $d/want $d/out 3 2 1
