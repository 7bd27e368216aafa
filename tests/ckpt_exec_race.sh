# Checkpoints that race execve.  tests/cmd/exec_chain replaces itself
# every 25 ms (60 times), every other time from a thread other than the
# leader, and is checkpointed over and over while it does.  A checkpoint
# that meets an exec half done is asked again by cr_checkpoint (EAGAIN),
# so every one must succeed and hold one whole generation: restarted on
# its own (every other one is), it must append the rest of the count from
# where the program was while it was checkpointed.  The program itself must count to its
# end, and so must one killed by --kill and restarted.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
limit=60

# lines FILE: how many lines FILE has (no fork: this runs between
# checkpoints of a program that execs every 25 ms).
lines() {
	local l
	mapfile -t l < "$1"
	echo ${#l[@]}
}

step "checkpoints while it execs"
"$CR_TESTS/cmd/exec_chain" $d/out $limit 25 3 &
pid=$!
wait_until 30 "the program started" test -s $d/out
good=""
for i in $(seq 8); do
	before=$(lines $d/out)
	[ $before -lt $((limit - 15)) ] || break
	ckpt -f $d/ctx.$i $pid
	good="$good $i:$before:$(lines $d/out)"
	sleep 0.$((RANDOM % 3))
done
wait $pid || fail "the program exited $?"
check_seq $d/out $limit "the program"
echo "contexts (ctx:lines before:after):$good"
[ -n "$good" ] || fail "the program ended before any checkpoint"

step "every other context restarted"
for g in $good; do
	IFS=: read -r i before after <<< "$g"
	# half of them: a restart runs the rest of the chain, slow under KASAN
	[ $((i % 2)) = 1 ] || continue
	: > $d/out
	cr_restart $d/ctx.$i || fail "cr_restart of ctx.$i exited $?"
	read -r first < $d/out || fail "ctx.$i's restart wrote nothing"
	[ $first -ge $before ] && [ $first -le $after ] ||
		fail "ctx.$i went on from $first, not from $before..$after"
	seq $first $((limit - 1)) | cmp -s - $d/out ||
		fail "ctx.$i's restart wrote $(tr '\n' ' ' < $d/out)"
done

step "--kill while it execs"
for round in 1 2 3; do
	rm -f $d/ctx
	"$CR_TESTS/cmd/exec_chain" $d/out $limit 25 2 &
	pid=$!
	wait_until 30 "the program started" test -s $d/out
	sleep 0.$((RANDOM % 5))
	ckpt_kill $d/ctx
	cr_restart $d/ctx || fail "cr_restart exited $?"
	check_seq $d/out $limit "round $round"
done
