# cr_checkpoint --incremental: the module remembers what each process's
# last incremental image held, and the next one writes only the pages
# that changed.  A chain of 20 of a program that rewrites a few pages at a
# time restarts from its last image with every page right; so do a
# compressed chain (its parents' pages inflated by cr_restart), a program
# whose memory is shared (an object saved by value, its unchanged pages
# referred to), one whose memory moves (mremap) between checkpoints, and
# a tree of two such programs under a shell checkpointed by tree, group,
# session and the shell alone in turn.  An image written to a pipe names
# its parent file by its full path, and one after it is full again (a
# pipe has no name to refer to).  What the module kept of each process
# goes when it exits (each held the module: its count comes back).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
ready_secs=120
n=20
ref0=$(module_refs)

# restarts $d/$1 ($2: the programs' directories) and checks every page:
# the programs write their verdicts to $d/log, their output (emptied:
# each writes at the offset it had)
restart_check() {
	local dir
	for dir in ${2:-$d}; do
		rm -f $dir/go
		touch $dir/go
	done
	: > $d/log
	cr_restart $d/$1 || fail "restart of $1 exited $?"
	tr -d '\0' < $d/log
	[ "$(grep -a -c ' 0 bad pages' $d/log)" = "$(echo ${2:-$d} | wc -w)" ] ||
		fail "bad pages after the restart of $1"
}

parent_of() {
	cr_info $d/$1 | grep -o 'parent image: [^ ]*' | cut -d' ' -f3
}

step "a chain of $n images"
start_ready $d "$CR_TESTS/cmd/mem_dirty" 8
ckpt --incremental -f $d/k.0 $pid
[ "$(parent_of k.0)" = none ] || fail "the first image is not full"
for i in $(seq 1 $n); do
	sleep 0.2
	if [ $i -lt $n ]; then
		cr_checkpoint --incremental -f $d/k.$i $pid || fail "checkpoint $i"
	else
		ckpt_kill $d/k.$i --incremental
	fi
	[ "$(parent_of k.$i)" = k.$((i - 1)) ] ||
		fail "image $i names $(parent_of k.$i)"
done
full=$(stat -c %s $d/k.0)
inc=$(stat -c %s $d/k.$n)
echo "first image $full bytes, last $inc"
[ $inc -lt $((full / 4)) ] || fail "the incremental image is not smaller"
restart_check k.$n

step "pipes: the parent named by its full path, then a full image"
start_ready $d "$CR_TESTS/cmd/mem_dirty" 8
ckpt --incremental -f $d/p.0 $pid
cr_checkpoint --incremental -F 1 $pid | cat > $d/p.1 || fail "to a pipe"
[ "$(parent_of p.1)" = $d/p.0 ] || fail "p.1 names $(parent_of p.1)"
cr_checkpoint --incremental -F 1 $pid | cat > $d/p.2 || fail "to a pipe"
[ "$(parent_of p.2)" = none ] || fail "p.2 names $(parent_of p.2)"
cr_checkpoint --incremental -f $d/p.3 $pid || fail "after the pipes"
[ "$(parent_of p.3)" = none ] || fail "p.3 names $(parent_of p.3)"
ckpt_kill $d/p.4 --incremental
[ "$(parent_of p.4)" = p.3 ] || fail "p.4 names $(parent_of p.4)"
restart_check p.4
restart_check p.1
if have_zstd; then
	step "compressed: the chain's pages inflated by cr_restart"
	start_ready $d "$CR_TESTS/cmd/mem_dirty" 8
	ckpt --incremental --compress -f $d/z.0 $pid
	sleep 0.2
	cr_checkpoint --incremental --compress -f $d/z.1 $pid || fail "z.1"
	sleep 0.2
	ckpt_kill $d/z.2 --incremental --compress
	[ "$(parent_of z.2)" = z.1 ] || fail "z.2 names $(parent_of z.2)"
	cr_info $d/z.0 | grep -q '^compression: zstd, [1-9]' ||
		fail "z.0 is not compressed"
	cr_merge -o $d/z.m $d/z.2 || fail "cr_merge of a compressed chain"
	restart_check z.2
	restart_check z.m
fi

step "shared memory: an object's unchanged pages referred to"
start_ready $d "$CR_TESTS/cmd/mem_dirty" 8 shared
ckpt --incremental -f $d/s.0 $pid
sleep 0.2
ckpt_kill $d/s.1 --incremental
cr_info $d/s.1 | grep 'objects saved by value' -A1
full=$(stat -c %s $d/s.0)
inc=$(stat -c %s $d/s.1)
echo "first image $full bytes, second $inc"
[ $inc -lt $((full / 4)) ] || fail "the object was written whole again"
restart_check s.1

step "memory that moves between checkpoints"
start_ready $d "$CR_TESTS/cmd/mem_dirty" 4 move
ckpt --incremental -f $d/m.0 $pid
for i in 1 2 3 4 5; do
	sleep 0.3
	cr_checkpoint --incremental -f $d/m.$i $pid || fail "checkpoint $i"
done
ckpt_kill $d/m.6 --incremental
[ "$(parent_of m.6)" = m.5 ] || fail "m.6 names $(parent_of m.6)"
restart_check m.6

step "a tree: two programs under a shell, every scope"
mkdir $d/a $d/b
setsid sh -c "\"$CR_TESTS/cmd/mem_dirty\" $d/a 4 & \"$CR_TESTS/cmd/mem_dirty\" $d/b 4 & wait" \
	> $d/log 2>&1 &
pid=$!
wait_file $d/a/ready $pid $ready_secs && wait_file $d/b/ready $pid $ready_secs ||
	fail "the tree did not get ready"
[ "$(awk '{ print $6 }' /proc/$pid/stat)" = $pid ] ||
	fail "the shell leads no session"
ckpt --incremental --tree -f $d/t.0 $pid
# the same three processes by group and by session; then the shell
# alone, after which the programs' last image is not the parent: whole
i=1
for scope in --pgid --sid --tree --pid --tree; do
	sleep 0.2
	cr_checkpoint --incremental $scope -f $d/t.$i $pid ||
		fail "$scope $i"
	[ "$(parent_of t.$i)" = t.$((i - 1)) ] ||
		fail "t.$i ($scope) names $(parent_of t.$i)"
	i=$((i + 1))
done
ckpt_kill $d/t.6 --incremental --tree
[ "$(parent_of t.6)" = t.5 ] || fail "t.6 names $(parent_of t.6)"
cr_info $d/t.6 | grep 'parent image'
restart_check t.6 "$d/a $d/b"
refs_back $ref0
echo "ok"
