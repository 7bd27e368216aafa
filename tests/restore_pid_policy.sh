# Restoring pids as a user without CAP_CHECKPOINT_RESTORE: refused with a
# clear message and a non-zero exit; fine with --no-restore-pid; and with
# the module's allow_unprivileged_pid_restore on, the user's processes and
# threads get their pids back and keep the user's ids.
. "$CR_TESTS/lib.sh"

user=(setpriv --reuid=1000 --regid=1000 --clear-groups)
[ -e $pid_param ] || fail "no $pid_param"
[ "$(cat $pid_param)" = N ] || fail "allow_unprivileged_pid_restore is on by default"
trap 'echo 0 > $pid_param' EXIT
d=$(mktemp -d)
chmod 755 $d
limit=40

# user_counter NAME: the user's counter in $d/NAME, checkpointed by the
# user to $d/NAME/ctx and killed.  The user's programs run on /dev/null:
# a restart reopens their standard files, and the user may not open the
# test's log.
user_counter() {
	mkdir $d/$1
	chown 1000:1000 $d/$1
	"${user[@]}" "$CR_TESTS/cmd/cr_counter" $d/$1/out $limit 100 \
		> /dev/null 2>&1 < /dev/null &
	pid=$!
	poll 30 - test -s $d/$1/out || fail "the counter did not start"
	"${user[@]}" cr_checkpoint -f $d/$1/ctx --kill $pid ||
		fail "the user's cr_checkpoint exited $?"
	wait $pid
	[ $? -eq 137 ] || fail "the counter was not killed"
	[ "$(stat -c %a:%u $d/$1/ctx)" = 400:1000 ] ||
		fail "context file $(stat -c %a:%u $d/$1/ctx), not 400:1000"
}

# tids_back: $pid's threads, in $now, are $tids.
tids_back() {
	now=$(ls /proc/$pid/task 2> /dev/null | sort -n | tr '\n' ' ')
	[ "$now" = "$tids" ]
}

# owner_of PID: the real uid of PID.
owner_of() {
	awk '/^Uid:/ { print $2 }' /proc/$1/status 2> /dev/null
}

step refused
user_counter a
n=$(wc -l < $d/a/out)
out=$("${user[@]}" cr_restart $d/a/ctx 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "the user restored pids"
echo "$out" | grep -q "needs CAP_CHECKPOINT_RESTORE" ||
	fail "the message does not say what is needed"
echo "$out" | grep -q -- "--no-restore-pid" ||
	fail "the message does not offer --no-restore-pid"
[ $(wc -l < $d/a/out) = $n ] || fail "the refused restart ran the program"

step "no restore pid"
"${user[@]}" cr_restart --no-restore-pid $d/a/ctx ||
	fail "cr_restart --no-restore-pid exited $?"
check_counter $d/a $limit

step "allowed by the module"
# Long enough to be seen running under its own pid after the restart.
limit=150
user_counter b
echo 1 > $pid_param
"${user[@]}" cr_restart $d/b/ctx &
rpid=$!
poll 30 - prints 1000 owner_of $pid || fail "no process $pid of uid 1000"
ppid=$(awk '/^PPid:/ { print $2 }' /proc/$pid/status)
[ "$ppid" = $rpid ] || fail "pid $pid is not cr_restart's child"
wait $rpid || fail "cr_restart exited $?"
check_counter $d/b $limit

step "a tree and threads, allowed"
mkdir $d/tree $d/thr
chown 1000:1000 $d/tree $d/thr
"${user[@]}" "$CR_TESTS/cmd/tree_counter" $d/tree 3 $limit 100 \
	> /dev/null 2>&1 < /dev/null &
pid=$!
wait_file $d/tree/out.3 $pid || fail "the tree did not start"
kids=$(children $pid)
"${user[@]}" cr_checkpoint --tree -f $d/tree/ctx --kill $pid ||
	fail "cr_checkpoint --tree exited $?"
wait $pid
"${user[@]}" cr_restart $d/tree/ctx &
rpid=$!
poll 30 - prints "$kids" children $pid 2> /dev/null
now=$(children $pid 2> /dev/null)
[ "$now" = "$kids" ] || fail "children $(echo $now), not $(echo $kids)"
wait $rpid || fail "cr_restart of the tree exited $?"
grep -qx ok $d/tree/result || fail "tree: $(cat $d/tree/result)"
"${user[@]}" "$CR_TESTS/cmd/threads_mutex" $d/thr/out 1000 \
	> /dev/null 2>&1 < /dev/null &
pid=$!
wait_file $d/thr/out.ready $pid || fail "threads_mutex did not start"
tids=$(ls /proc/$pid/task | sort -n | tr '\n' ' ')
"${user[@]}" cr_checkpoint -f $d/thr/ctx --kill $pid ||
	fail "cr_checkpoint of the threads exited $?"
wait $pid
"${user[@]}" cr_restart $d/thr/ctx &
rpid=$!
# The threads come back with their tids.  A clone that lost its steered
# tid to another fork (this loop's own) shows up briefly under a new tid
# and is refused, so wait for the whole set rather than judge a glimpse.
poll 30 - tids_back
wait $rpid
rc=$?
cat $d/thr/out
[ "$now" = "$tids" ] || fail "threads $now, not $tids"
[ $rc -eq 0 ] || fail "cr_restart of the threads exited $rc"
grep -qx OK $d/thr/out || fail "threads_mutex did not say OK"
echo "pids restored for a user only when the module allows it"
