# Restart of a tree while another process holds the pid of one of its
# children: cr_restart must fail with EBUSY (16), name the pid, and leave
# nothing of the partial restart behind (the processes made before it met
# the taken pid included).  Once the pid is free again the same context
# restarts and every process finishes its count exactly once.
. "$CR_TESTS/lib.sh"

nchild=4
limit=60
d=$(mktemp -d)
trap 'pkill -KILL -f "$d"; [ -z "${blocker:-}" ] || kill -KILL $blocker' EXIT

outs=$(for k in $(seq 0 $nchild); do echo $d/out.$k; done)

# take_pid PID: a sleeping process with pid PID, as blocker.  The next pid
# is set through ns_last_pid; another fork in the guest may get there
# first, so try again.
take_pid() {
	local try
	for try in 1 2 3 4 5; do
		echo $(($1 - 1)) > /proc/sys/kernel/ns_last_pid ||
			fail "cannot write ns_last_pid"
		sleep 600 &
		blocker=$!
		[ $blocker -eq $1 ] && return 0
		kill -KILL $blocker
		wait $blocker 2> /dev/null
	done
	blocker=
	fail "could not take pid $1"
}

step "checkpoint --tree --kill"
"$CR_TESTS/cmd/tree_counter" $d $nchild $limit 100 &
pid=$!
wait_until 30 "the children did not start" has_lines 1 $outs
kids=($(pgrep -P $pid | sort -n))
[ ${#kids[@]} -eq $nchild ] || fail "${#kids[@]} children, not $nchild"
ckpt_kill $d/ctx --tree
sleep 0.5
pgrep -f "tree_counter $d" && fail "a child survived --kill"

step "restart while a pid is taken"
# Not the first child: the restart has made processes when it fails.
want=${kids[2]}
take_pid $want
echo "pid $want taken by a sleep"
out=$(cr_restart $d/ctx 2>&1)
rc=$?
echo "$out"
[ $rc -eq 16 ] || fail "cr_restart exited $rc, wanted EBUSY (16)"
echo "$out" | grep -q "pid $want is in use" || fail "no message naming pid $want"
kill -0 $blocker || fail "the blocker died"
# Whatever the failed restart made must be gone.
gone() {
	local p
	for p in $pid ${kids[@]}; do
		[ $p -eq $want ] || [ ! -e /proc/$p ] || return 1
	done
	! pgrep -f "$d" > /dev/null
}
if ! gone; then
	ps -eo pid,ppid,stat,args | grep -v "ps -eo"
	fail "processes of the failed restart are left"
fi
has_lines $limit $outs && fail "the failed restart ran the program"

step "restart once the pid is free"
kill -KILL $blocker
wait $blocker 2> /dev/null
blocker=
cr_restart $d/ctx
rc=$?
[ $rc -eq 0 ] || fail "cr_restart exited $rc"
grep -qx ok $d/result || fail "parent: $(cat $d/result 2> /dev/null)"
for f in $outs; do
	check_seq $f $limit ${f##*/}
done
echo "a taken pid failed the restart cleanly; freed, the tree finished"
