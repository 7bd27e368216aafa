# A tree of 32 processes of two threads, three levels below its root, with
# process groups and a session of their own in some subtrees (see
# tests/cmd/tree_ids.c), is checkpointed with --tree --kill while it
# counts, and restarted with --restore-pgid --restore-sid: every process
# must have its pid, parent, group, session and thread ids back, and every
# thread must finish its count from where it stopped.
#
# tree_ids.sh default: restarted without those options, the processes are
# in cr_restart's session, and the groups the tree made (led by 1, 2, 5
# and 8) come back while the rest of the tree is in cr_restart's group.
. "$CR_TESTS/lib.sh"

mode=${1:-all}

limit=100
d=$(mktemp -d)
# The session of process 2 is not the test's: the runner cannot kill it.
trap 'pkill -KILL -f "tree_ids $d"' EXIT

# load WHEN: ids of process K from $d/WHEN.K into b[K.FIELD] (before) or
# a[K.FIELD] (after).  Pure bash: a fork per id would be slow under TCG.
declare -A b a
load() {
	local -n to=${1:0:1}
	local k f v
	for k in $tree_ks; do
		[ -f $d/$1.$k ] || fail "process $k wrote no ids ($1)"
		while read -r f v; do
			to[$k.$f]=$v
		done < $d/$1.$k
	done
}

step "the tree starts"
start_tree_ids $d $limit
load before
# The ids are what tree_ids.c promises, or the restart proves little.
for k in $(seq 1 $((tree_nproc - 1))); do
	p=$(((k - 1) / 3))
	pg=${b[$p.pgid]} s=${b[$p.sid]}
	case $k in 1 | 5 | 8) pg=${b[$k.pid]} ;; 2) pg=${b[$k.pid]} s=$pg ;; esac
	[ "${b[$k.ppid]}" = "${b[$p.pid]}" ] || fail "$k: parent is not $p"
	[ "${b[$k.pgid]}" = "$pg" ] || fail "$k: process group ${b[$k.pgid]}, not $pg"
	[ "${b[$k.sid]}" = "$s" ] || fail "$k: session ${b[$k.sid]}, not $s"
done

step "checkpoint --tree --kill"
ckpt_kill $d/ctx --tree
sleep 0.5
pgrep -f "tree_ids $d" && fail "a process survived --kill"
for f in $tree_outs; do
	has_lines $limit $f && fail "${f##*/} finished before the checkpoint"
done

# made K: the group of process K was made by the tree.
made() {
	local k=$1
	while [ $k -gt 0 ]; do
		case $k in 1 | 2 | 5 | 8) return 0 ;; esac
		k=$(((k - 1) / 3))
	done
	return 1
}

if [ $mode = all ]; then
	step "restart --restore-pgid --restore-sid"
	cr_restart --restore-pgid --restore-sid $d/ctx
else
	step "restart with the default groups and sessions"
	touch $d/own_ids
	cr_restart $d/ctx
fi
rc=$?
[ $rc -eq 0 ] || fail "cr_restart exited $rc (a process saw its ids change?)"
load after
for k in $tree_ks; do
	# The root's parent is cr_restart now.
	fields="pid tid"
	[ $k -eq 0 ] || fields+=" ppid"
	if [ $mode = all ]; then
		fields+=" pgid sid"
	else
		made $k || b[$k.pgid]=$(ps -o pgid= -p $$ | tr -d ' ')
		fields+=" pgid"
		[ "${a[$k.sid]}" = "$(ps -o sid= -p $$ | tr -d ' ')" ] ||
			fail "process $k: session ${a[$k.sid]}, not cr_restart's"
	fi
	for f in $fields; do
		[ "${b[$k.$f]}" = "${a[$k.$f]}" ] ||
			fail "process $k: $f was ${b[$k.$f]}, is ${a[$k.$f]}"
	done
done
check_tree_outs $limit
echo "$tree_nproc processes, $((2 * tree_nproc)) threads: ids and counts carried on"
