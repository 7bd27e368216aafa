# A parent with two unreaped children (one exited 42, one killed by
# SIGTERM) is checkpointed with --tree and killed.  After restart both are
# zombies again, with their pids, under the restored parent, which reaps
# them with their statuses once its count is done.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=100

# zombie_of PID PARENT: PID is a zombie whose parent is PARENT.
zombie_of() {
	local stat
	stat=$(cat /proc/$1/stat 2> /dev/null) || fail "no process $1"
	stat=${stat##*) }
	set -- $1 $2 $stat
	[ "$3" = Z ] || fail "pid $1 is in state $3, not a zombie"
	[ "$4" = "$2" ] || fail "zombie $1 has parent $4, not $2"
}

step checkpoint
"$CR_TESTS/cmd/tree_zombie" $d $limit 100 &
pid=$!
wait_file $d/out $pid || fail "the program did not start"
read exited killed < $d/pids || fail "no pids"
zombie_of $exited $pid
zombie_of $killed $pid
ckpt --tree -f $d/ctx --kill $pid
wait $pid
[ $? -eq 137 ] || fail "the parent was not killed"
n=$(wc -l < $d/out)
[ $n -lt $limit ] || fail "the count finished before the checkpoint"

step restart
cr_restart $d/ctx &
rpid=$!
# The parent reaps them once its count is done: look before that.
is_zombie() { grep -q ') Z' /proc/$1/stat 2> /dev/null; }
wait_until 60 "the zombies did not come back" is_zombie $killed
zombie_of $exited $pid
zombie_of $killed $pid
wait $rpid
rc=$?
echo "result: $(cat $d/result 2> /dev/null)"
[ $rc -eq 0 ] || fail "cr_restart exited $rc"
grep -qx ok $d/result || fail "parent: $(cat $d/result 2> /dev/null)"
seq 0 $((limit - 1)) | cmp -s - $d/out ||
	fail "the count: $(tr '\n' ' ' < $d/out)"

step "no restore pid"
# New pids: the zombies come back too, and waitpid on the old pids fails.
mkdir $d/2
"$CR_TESTS/cmd/tree_zombie" $d/2 $limit 100 &
pid=$!
wait_file $d/2/out $pid || fail "the program did not start"
ckpt --tree -f $d/2/ctx --kill $pid
wait $pid
cr_restart --no-restore-pid $d/2/ctx
rc=$?
echo "result: $(cat $d/2/result 2> /dev/null)"
[ $rc -eq 1 ] || fail "cr_restart exited $rc, not 1"
grep -q "^child .*: waitpid -1" $d/2/result ||
	fail "unexpected: $(cat $d/2/result)"
echo "zombies came back with their pids and statuses"
