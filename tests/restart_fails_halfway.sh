# A restart that fails half-way leaves nothing behind.  A tree of four
# processes whose third (child 2) cannot be rebuilt: a file it had open is
# now a directory, or is gone from a tmpfs that is now full (the restart
# must make it again, as it was, and has no room), or its address-space
# limit (RLIMIT_AS, lowered while it ran, is restored before its memory)
# is too small for its memory.  Or a 48 MiB program restarted in a memory
# cgroup limited to 16 MiB, where the OOM killer ends it.  cr_restart
# fails with a message, and no process is left, nor a module reference.
# With the file back, room made, or the limit raised, the contexts
# restart.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
mkdir $d/tree $d/mem
third=
refs0=$(module_refs)
limit=60

# restart_fails CTX [WRAPPER...]: cr_restart CTX, run by WRAPPER, must
# fail with a message and leave no test program running.
restart_fails() {
	local rc left
	timeout 120 "${@:2}" cr_restart $1 > $d/msg 2>&1
	rc=$?
	cat $d/msg
	[ $rc -ne 124 ] || fail "cr_restart hung"
	[ $rc -ne 0 ] && [ $rc -lt 128 ] || fail "cr_restart exited $rc"
	grep -q "^Restart failed" $d/msg || fail "no message"
	sleep 0.5
	left=$(pgrep -f "$CR_TESTS/cmd/")
	[ -z "$left" ] || fail "processes left: $(ps -o pid,stat,args -p "$left")"
	refs_back $refs0
}

# "${in_cgroup[@]}" CMD...: CMD in the test's memory cgroup.
in_cgroup=(sh -c 'echo $$ > /sys/fs/cgroup/crtest/cgroup.procs && exec "$@"' sh)

# start_tree DIR: tree_counter in DIR, every process counting; sets pid.
start_tree() {
	"$CR_TESTS/cmd/tree_counter" $1 3 $limit 100 &
	pid=$!
	wait_until 60 "the tree did not start" has_lines 3 $1/out.{0,1,2,3}
}

# tree_ok DIR: the restarted tree in DIR counted on to its end.
tree_ok() {
	local k
	grep -qx ok $1/result || fail "parent: $(cat $1/result)"
	for k in 0 1 2 3; do
		check_seq $1/out.$k $limit "process $k"
	done
}

step "a file of the third process is now a directory"
start_tree $d/tree
ckpt_kill $d/tree/ctx --tree
mv $d/tree/out.2 $d/tree/saved.2
mkdir $d/tree/out.2
restart_fails $d/tree/ctx
grep -qi "out.2" $d/msg || fail "the message does not name the file"
rmdir $d/tree/out.2
mv $d/tree/saved.2 $d/tree/out.2
cr_restart $d/tree/ctx || fail "with the file back, cr_restart exited $?"
tree_ok $d/tree

step "a file of the third process must be made again, on a full tmpfs"
mkdir $d/full
mount -t tmpfs -o size=4m tmpfs $d/full || fail "cannot mount a tmpfs"
trap 'umount $d/full; rm -rf $d' EXIT
start_tree $d/full
ckpt_kill $d/full.ctx --tree
rm $d/full/out.2
cat /dev/zero > $d/full/filler 2> /dev/null
restart_fails $d/full.ctx
grep -q "No space left" $d/msg || fail "the message does not say so"
[ ! -e $d/full/out.2 ] || fail "the failed restart left out.2"
rm $d/full/filler
cr_restart $d/full.ctx || fail "with room again, cr_restart exited $?"
tree_ok $d/full
umount $d/full
trap 'rm -rf $d' EXIT

step "the third process's memory is over its RLIMIT_AS"
start_tree $d/mem
for c in $(children $pid); do
	[ "$(readlink /proc/$c/fd/3)" = $d/mem/out.2 ] && third=$c
done
prlimit --pid $third --as=$((1 << 20)):unlimited ||
	fail "cannot lower the limit of $third"
ckpt_kill $d/mem/ctx --tree
restart_fails $d/mem/ctx

step "the restart's memory is over its memory cgroup's limit"
cg=/sys/fs/cgroup
[ -e $cg/cgroup.controllers ] || mount -t cgroup2 none $cg ||
	fail "cannot mount cgroup2"
echo +memory > $cg/cgroup.subtree_control || fail "no memory controller"
mkdir -p $cg/crtest $d/cg
trap 'rmdir $cg/crtest; rm -rf $d' EXIT
echo 16M > $cg/crtest/memory.max
echo 0 > $cg/crtest/memory.swap.max 2> /dev/null
start_ready $d/cg "$CR_TESTS/cmd/mem_checksum" 48
ckpt_kill $d/cg/ctx
# The OOM killer's report has a call trace: it is kept out of the
# runner's check, once it is known to hold nothing worse.
mark="guest-run[oom$$]"
echo "$mark: begin oom" > /dev/kmsg
restart_fails $d/cg/ctx "${in_cgroup[@]}"
echo "$mark: end oom" > /dev/kmsg
klog=$(dmesg | awk -v b="$mark: begin" -v e="$mark: end" \
	'index($0, b) { on = 1 } on { print } index($0, e) { on = 0 }')
echo "$klog" | grep -E "BUG:|WARNING:|Oops|general protection" &&
	fail "the kernel complained of more than memory"
echo "$klog" | grep -q "invoked oom-killer" ||
	echo "(no OOM kill: the restart saw the limit itself)"
grep -q "out of memory\|Cannot allocate memory" $d/msg ||
	fail "the message does not say memory ran out"
echo max > $cg/crtest/memory.max
touch $d/cg/go
"${in_cgroup[@]}" cr_restart $d/cg/ctx ||
	{ cat $d/cg/log; fail "restarted in the cgroup, it exited $?"; }
grep -q ", 0 bad words" $d/cg/log || fail "its memory came back wrong"
echo "failed restarts left nothing behind"
