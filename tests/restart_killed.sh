# cr_restart killed (SIGKILL) at points along a restart of a tree of
# nine processes: the restart must end either with nothing left of the
# tree, or with the whole tree back and running to its correct end --
# never with processes waiting in the module for ones that will never
# come.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'pkill -KILL -f "$d/"; rm -rf $d' EXIT
refs0=$(module_refs)
limit=40
nchild=8

"$CR_TESTS/cmd/tree_counter" $d $nchild $limit 100 &
pid=$!
wait_until 60 "the tree did not start" has_lines 3 $d/out.{0..8}
pids="$pid $(children $pid)"
ckpt_kill $d/ctx --tree
for k in $(seq 0 $nchild); do
	mv $d/out.$k $d/saved.$k
done

# tree_left: the tree's processes still there, by pid: one that is still
# being rebuilt shows neither the tree's command line nor cr_restart's
# (its memory is half restored), and the module finishes a restart
# whose cr_restart was killed.
tree_left() {
	local p

	for p in $pids; do
		[ -e /proc/$p ] && echo $p
	done
	return 0
}

# ended: nothing of the tree is left (it never came back, or it ran to
# its end).
ended() {
	[ -z "$(tree_left)" ]
}

# The delays are read's timeouts on a fifo nobody writes: a sleep
# command would take longer than the shortest of them to start.
mkfifo $d/never
exec 9<> $d/never
clean=0 whole=0
for delay in 0.02 0.04 0.06 0.08 0.1 0.13 0.16 0.2 0.3 0.5; do
	step "cr_restart killed after ${delay}s"
	rm -f $d/result
	for k in $(seq 0 $nchild); do
		cp $d/saved.$k $d/out.$k
	done
	cr_restart $d/ctx > $d/msg 2>&1 &
	r=$!
	read -t $delay -u 9
	kill -KILL $r
	wait $r
	# A tree that came back counts to $limit (4 s) and exits.
	poll 30 - ended || {
		for p in $(tree_left); do
			echo "left: $p $(cut -d' ' -f3 /proc/$p/stat)" \
				"$(cat /proc/$p/wchan)"
		done
		fail "processes are left 30 s after cr_restart was killed"
	}
	if [ -e $d/result ]; then
		grep -qx ok $d/result || fail "the tree came back wrong: $(cat $d/result)"
		for k in $(seq 0 $nchild); do
			check_seq $d/out.$k $limit "process $k"
		done
		whole=$((whole + 1))
	else
		clean=$((clean + 1))
	fi
	refs_back $refs0
done
echo "$clean restarts left nothing, $whole came back whole"
