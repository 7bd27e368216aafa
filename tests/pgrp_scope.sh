# Process-group and session scopes, and restoring both ids.
# A job-control shell runs "pipe_tree | cat" as one process group with two
# roots (the shell stays outside): --pgid takes the group, and after
# cr_restart --restore-pgid both roots are cr_restart's children, in their
# group again, and the pipe between them carries the rest of the output;
# without --restore-pid the group cannot be had: EBUSY, as in BLCR.
# Then pipe_tree alone as a session leader: --sid and --restore-sid.
. "$CR_TESTS/lib.sh"

# wait_ready DIR: pipe_tree's consumer has started.
wait_ready() {
	poll 40 - test -e $1/ready || fail "pipe_tree did not start"
}

# check_ids DIR WHAT: pipe_tree's WHAT (2: pgid, 3: sid) was its pid.
check_ids() {
	read -r p g s < $1/ids || fail "no ids written"
	case $2 in
	2) [ "$g" = "$p" ] || fail "process group $g, not $p" ;;
	3) [ "$s" = "$p" ] || fail "session $s, not $p" ;;
	esac
}

d=$(mktemp -d)
bash -c "set -m; '$CR_TESTS/cmd/pipe_tree' $d 2000 | cat > $d/catout" &
shell=$!
wait_ready $d
pid=$(pgrep -o -f "pipe_tree $d") || fail "no pipe_tree"
pgid=$(ps -o pgid= -p $pid | tr -d ' ')
[ "$pgid" = "$pid" ] || fail "pipe_tree leads no group (pgid $pgid)"
cr_checkpoint --pgid -f $d/ctx --kill $pgid || fail "cr_checkpoint exited $?"
wait $shell
[ -e $d/result ] && fail "the job finished before the checkpoint"
cr_restart --restore-pgid $d/ctx || fail "cr_restart exited $?"
grep -qx ok $d/result || fail "after restart: $(cat $d/result)"
grep -qx "pipe_tree: done" $d/catout ||
	fail "pipe_tree's output did not reach cat: $(cat $d/catout)"
check_ids $d 2

step "--restore-pgid without the pids: the leader cannot have its group"
out=$(cr_restart --no-restore-pid --restore-pgid $d/ctx 2>&1)
rc=$?
echo "$out"
[ $rc -eq 16 ] || fail "cr_restart exited $rc, not 16 (EBUSY)"
echo "$out" | grep -q "needs --restore-pid" || fail "the message does not say why"
pgrep -f "pipe_tree $d" && fail "a process of the restart was left running"

d=$(mktemp -d)
setsid "$CR_TESTS/cmd/pipe_tree" $d 2000 > $d/out &
wait_ready $d
pid=$(pgrep -o -f "pipe_tree $d") || fail "no pipe_tree"
cr_checkpoint --sid -f $d/ctx --kill $pid || fail "cr_checkpoint exited $?"
wait
cr_restart --restore-sid $d/ctx > $d/out || fail "cr_restart exited $?"
grep -qx ok $d/result || fail "after restart: $(cat $d/result)"
check_ids $d 3
echo "group and session scopes restarted with their ids"
