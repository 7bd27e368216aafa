# Restart of a tree while another process holds one of its ids, a child's
# pid and then a thread's id deep in a tree: cr_restart must fail with
# EBUSY (16), name the id, and leave nothing of the partial restart behind
# (the processes made before it met the taken id included) nor let any of
# it run.  Once the id is free the same context restarts and the program
# finishes its work exactly once.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'pkill -KILL -f "$d"; [ -z "${blocker:-}" ] || kill -KILL $blocker' EXIT

# take_pid PID: a sleeping process with pid PID, as blocker.  The next pid
# is set through ns_last_pid; another fork in the guest may get there
# first, so try again.  Then new pids go on from where they were, not
# from PID: else the test's own commands would take the tree's other ids.
take_pid() {
	local try last=/proc/sys/kernel/ns_last_pid next
	next=$(< $last)
	for try in 1 2 3 4 5; do
		echo $(($1 - 1)) > $last || fail "cannot write ns_last_pid"
		sleep 600 &
		blocker=$!
		[ $blocker -eq $1 ] && break
		kill -KILL $blocker
		wait $blocker 2> /dev/null
		blocker=
	done
	echo $next > $last
	[ -n "$blocker" ] || fail "could not take pid $1"
}

# refused CTX WHAT ID: with ID taken, cr_restart CTX must exit EBUSY saying
# "WHAT ID is in use", and leave no process of $pids (the tree's) or of
# $d, and $outs (the program's output files) as they were.  Then frees ID.
refused() {
	local out rc p left=
	cat $outs > $d/outs-before
	take_pid $3
	echo "$2 $3 taken by a sleep"
	out=$(cr_restart $1 2>&1)
	rc=$?
	echo "$out"
	[ $rc -eq 16 ] || fail "cr_restart exited $rc, wanted EBUSY (16)"
	grep -q "$2 $3 is in use" <<< "$out" || fail "no message naming $2 $3"
	kill -0 $blocker || fail "the blocker died"
	for p in $pids; do
		[ $p -eq $3 ] || [ ! -e /proc/$p ] || left+=" $p"
	done
	pgrep -f "$d" > /dev/null && left+=" (some naming $d)"
	if [ -n "$left" ]; then
		ps -eo pid,ppid,stat,args | grep -v "ps -eo"
		fail "processes of the failed restart are left:$left"
	fi
	cat $outs | cmp -s - $d/outs-before || fail "the failed restart ran the program"
	kill -KILL $blocker
	wait $blocker 2> /dev/null
	blocker=
}

step "a child's pid"
mkdir $d/a
nchild=4
limit=60
outs=$(for k in $(seq 0 $nchild); do echo $d/a/out.$k; done)
"$CR_TESTS/cmd/tree_counter" $d/a $nchild $limit 100 &
pid=$!
wait_until 30 "the children did not start" has_lines 1 $outs
pids="$pid $(children $pid)"
set -- $pids
[ $# -eq $((nchild + 1)) ] || fail "$(($# - 1)) children, not $nchild"
ckpt_kill $d/a/ctx --tree
sleep 0.5
pgrep -f "tree_counter $d" && fail "a child survived --kill"
# Not the first child: the restart has made processes when it fails.
refused $d/a/ctx pid $4
cr_restart $d/a/ctx
rc=$?
[ $rc -eq 0 ] || fail "cr_restart exited $rc once the pid was free"
grep -qx ok $d/a/result || fail "parent: $(cat $d/a/result 2> /dev/null)"
for f in $outs; do
	check_seq $f $limit ${f##*/}
done

step "a thread's id"
mkdir $d/b
limit=60
start_tree_ids $d/b $limit
outs=$tree_outs
pids=
for k in $tree_ks; do
	while read -r f v; do
		[ $f = pid ] && pids+=" $v"
		[ $f = tid ] && [ $k -eq 20 ] && tid=${v#* }
	done < $d/b/before.$k
done
ckpt_kill $d/b/ctx --tree
sleep 0.5
pgrep -f "tree_ids $d" && fail "a process survived --kill"
# The second thread of process 20, three levels down.
refused $d/b/ctx "thread id" $tid
cr_restart --restore-pgid --restore-sid $d/b/ctx
rc=$?
[ $rc -eq 0 ] || fail "cr_restart exited $rc once the thread id was free"
check_tree_outs $limit
echo "taken ids failed the restart cleanly; freed, the trees finished"
