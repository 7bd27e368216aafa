# Load and faults (make load-faults; not in tests/list).  CR_LF_JOBS jobs
# (tests/cmd/soak_work: four threads appending 0, 1, 2... to their files
# and checking malloc'd buffers, which find any change themselves) run in
# a memory cgroup whose limit is a little above what they use, and are
# checkpointed all at once, round after round, into a small tmpfs.  In a
# round, each job at random is checkpointed and killed then restarted,
# checkpointed and left running, killed (SIGKILL) in the middle of its
# checkpoint, or killed and restarted from its last context; and at
# random the tmpfs is filled up to its last MiB, or a memory hog runs in
# the cgroup (the OOM killer's first choice, but not the only one: a
# target or cr_restart may be killed too).
#
# Every operation must complete or fail with a message: a checkpoint that
# fails leaves the target running (unless the test killed it) and the
# last complete context in place; a restart that fails leaves no process
# behind and is tried again, from the same context, once the round is
# over (and, the third time, with the pressure off): a job is never lost.
# A job's files are small tmpfs files open for writing, which its context
# holds: a restart from an older context than its files (it ran on, or was
# killed mid-checkpoint) finds them removed, and makes them again as they
# were, which the job checks (its offsets are at each file's end).
# At the end every job is stopped, exits 0 with its files 0..N-1 and its
# buffers unchanged, nothing of it is left, and neither the module's
# reference count nor unreclaimable slab has grown.
#   CR_LF_ROUNDS  rounds (default 20)
#   CR_LF_JOBS    jobs (default 3)
#   CR_LF_SEED    seed (default: the time)
. "$CR_TESTS/lib.sh"

rounds=${CR_LF_ROUNDS:-20}
jobs=${CR_LF_JOBS:-3}
seed=${CR_LF_SEED:-$(date +%s)}
RANDOM=$seed
echo "seed $seed, $jobs jobs, $rounds rounds"
d=$(mktemp -d)
disk=$d/disk
cg=/sys/fs/cgroup
g=$cg/blcr-load-faults
trap 'touch $d/j*/stop; pkill -KILL -f "$d/"; sleep 0.5; umount $disk;
	rmdir $g; rm -rf $d' EXIT
refs0=$(module_refs)
ckpts=0 ckpt_fails=0 restarts=0 restart_fails=0 kills=0

mountpoint -q $cg || mount -t cgroup2 none $cg || skip "no cgroup2"
echo +memory > $cg/cgroup.subtree_control || skip "no memory controller"
mkdir $g
mkdir $disk
mount -t tmpfs -o size=64m tmpfs $disk

# in_cgroup CMD... &: CMD in the cgroup, in the background, as the very
# process $! names (exec: not a subshell that runs it).
in_cgroup() {
	exec sh -c 'echo $$ > $0/cgroup.procs && exec "$@"' $g "$@"
}

# unreclaimable_kib: SUnreclaim of /proc/meminfo after dropping caches.
unreclaimable_kib() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo
}

# Per job K: pid[K] the job's pid (kept across restarts), waiter[K] the
# process whose exit is the job's (the first soak_work, then cr_restart),
# good[K] whether $disk/jK.ctx is a complete context of it.
declare -a pid waiter good cpid action
start_job() {
	mkdir $d/j$1
	in_cgroup "$CR_TESTS/cmd/soak_work" $d/j$1 &
	waiter[$1]=$!
	pid[$1]=$!
	good[$1]=0
	wait_until 60 "job $1 did not start" has_lines 2 $d/j$1/out.0
}

alive() {
	kill -0 ${pid[$1]} 2> /dev/null
}

# restart K: cr_restart of job K's last context, in the cgroup; true once
# the job runs again, false (with its message) if the restart failed.
restart() {
	local k=$1 t
	restarts=$((restarts + 1))
	in_cgroup cr_restart $disk/j$k.ctx 2> $d/j$k/restart.err &
	waiter[$k]=$!
	for t in $(seq 600); do
		alive $k && return 0
		kill -0 ${waiter[$k]} 2> /dev/null || break
		sleep 0.1
	done
	kill -0 ${waiter[$k]} 2> /dev/null &&
		fail "job $k: cr_restart neither failed nor restarted it in 60 s"
	wait ${waiter[$k]}
	restart_fails=$((restart_fails + 1))
	[ -s $d/j$k/restart.err ] ||
		fail "job $k: cr_restart failed with no message"
	echo "job $k: restart failed: $(tail -n 1 $d/j$k/restart.err)"
	! alive $k || fail "job $k: a failed restart left it running"
	return 1
}

# checkpoint K ACTION: job K's checkpoint for this round, in the
# background: ACTION kill (--kill), cont, or die (SIGKILLed meanwhile).
checkpoint() {
	local k=$1 opt=
	[ $2 = kill ] && opt=--kill
	cr_checkpoint -f $disk/j$k.ctx $opt ${pid[$k]} \
		> /dev/null 2> $d/j$k/ckpt.err &
	cpid[$k]=$!
	if [ $2 = die ]; then
		sleep 0.$((RANDOM % 4))
		kill -KILL ${pid[$k]}
		kills=$((kills + 1))
	fi
}

# settle K ACTION: waits for job K's checkpoint and checks its outcome.
settle() {
	local k=$1 rc
	wait ${cpid[$k]}
	rc=$?
	ckpts=$((ckpts + 1))
	if [ $rc -eq 0 ]; then
		good[$k]=1
	else
		ckpt_fails=$((ckpt_fails + 1))
		[ -s $d/j$k/ckpt.err ] ||
			fail "job $k: cr_checkpoint exited $rc with no message"
		echo "job $k: checkpoint ($2) failed: $(tail -n 1 $d/j$k/ckpt.err)"
		[ $2 = die ] || alive $k || oom_killed ||
			fail "job $k: a failed checkpoint ($2) left it dead"
	fi
	ls $disk | grep -q '\.tmp$' &&
		fail "a temporary file was left: $(ls -a $disk)"
	# The job runs unless the test killed it or it was checkpointed
	# with --kill; a job that died under memory pressure counts too.
	[ $2 != cont ] || alive $k || echo "job $k died (the OOM killer?)"
}

# oom_killed: the OOM killer acted in the cgroup during this round.
oom_killed() {
	[ "$(ooms)" -gt $oom0 ]
}
ooms() {
	awk '$1 == "oom_kill" { print $2 }' $g/memory.events
}

# hog: a process that takes what the cgroup has left but for 4 MiB, and
# the OOM killer's first choice; sets hog.
start_hog() {
	local n=$(($(cat $g/memory.max) - $(cat $g/memory.current) - 4194304))
	[ $n -gt 0 ] || return 0
	in_cgroup sh -c 'echo 1000 > /proc/self/oom_score_adj; exec "$@"' \
		sh python3 -c 'import sys, time
b = bytearray(b"x") * int(sys.argv[1])
time.sleep(600)' $n &
	hog=$!
	echo "a memory hog takes $((n / 1048576)) MiB"
}

# in_use K: the pid job K's last restart found in use, if that failed it.
in_use() {
	sed -n 's/.*pid \([0-9]*\) is in use.*/\1/p' $d/j$1/restart.err \
		2> /dev/null | head -n 1
}

# tasks_of PID: ps's lines of PID's tasks (what holds a pid in use).
tasks_of() {
	ps -eLo pid,lwp,ppid,stat,wchan:30,cmd | grep -w "$1"
}

# revive K: job K runs again, from its last context.
revive() {
	local k=$1
	alive $k && return 0
	wait ${waiter[$k]} 2> /dev/null
	[ ${good[$k]} = 1 ] ||
		fail "job $k died before any context of it was complete"
	# Its last context may be older than its files (it ran on, or was
	# killed mid-checkpoint): they are small tmpfs files the context
	# holds, which the restart makes again as they were, when missing.
	rm -f $d/j$k/out.*
	# A pid of the job (a thread's) is free again once it is reaped.
	n=$(in_use $k)
	[ -z "$n" ] || poll 10 - test ! -e /proc/$n ||
		fail "job $k: pid $n is still in use: $(tasks_of $n)"
	restart $k
}

for k in $(seq $jobs); do
	start_job $k
done
# A limit above what the jobs use by room for two contexts each (the last
# one and the one being written: the tmpfs's pages are charged to the job
# that writes them); the hog takes that room.
use=$(cat $g/memory.current)
limit=$((use + jobs * 16 * 1024 * 1024))
echo $limit > $g/memory.max
echo "memory.max $(($(cat $g/memory.max) / 1048576)) MiB"
# Everything is charged to the cgroup: the contexts each job writes into
# the tmpfs too.  Slab is measured once every job has one.
oom0=$(ooms)
for k in $(seq $jobs); do
	checkpoint $k cont
done
for k in $(seq $jobs); do
	settle $k cont
	[ ${good[$k]} = 1 ] || fail "job $k: the first checkpoint failed"
done
slab0=$(unreclaimable_kib)

for r in $(seq $rounds); do
	step "round $r"
	hog=
	oom0=$(ooms)
	if [ $((RANDOM % 3)) = 0 ]; then
		free=$(df --output=avail -k $disk | tail -n 1)
		head -c $(((free - 1024) * 1024)) /dev/zero > $disk/filler 2> /dev/null
		echo "the tmpfs is full but for $(df --output=avail -k $disk | tail -n 1) KiB"
	fi
	[ $((RANDOM % 3)) != 0 ] || start_hog
	for k in $(seq $jobs); do
		case $((RANDOM % 4)) in
		0) action[$k]=kill ;;
		1) action[$k]=cont ;;
		2) action[$k]=die ;;
		3) action[$k]=restart ;;
		esac
		alive $k || action[$k]=restart
		echo "job $k: ${action[$k]}"
		[ ${action[$k]} = restart ] || checkpoint $k ${action[$k]}
	done
	for k in $(seq $jobs); do
		case ${action[$k]} in
		restart) kill -KILL ${pid[$k]} 2> /dev/null ;;
		*) settle $k ${action[$k]} ;;
		esac
	done
	for k in $(seq $jobs); do
		revive $k || true
	done
	[ -z "$hog" ] || { kill -KILL $hog 2> /dev/null; wait $hog; }
	rm -f $disk/filler
	# The pressure is off: what failed must work now, by the third try.
	for k in $(seq $jobs); do
		revive $k || revive $k || {
			echo max > $g/memory.max
			revive $k || fail "job $k cannot be restarted: $(cat $d/j$k/restart.err)" \
				"$(tasks_of "$(in_use $k)")"
			echo $limit > $g/memory.max
		}
		[ ! -e $d/j$k/bad ] || fail "job $k found: $(cat $d/j$k/bad)"
	done
done

step "end"
echo "$ckpts checkpoints ($ckpt_fails failed), $restarts restarts" \
	"($restart_fails failed), $kills targets killed mid-checkpoint;" \
	"$(ooms) OOM kills"
echo max > $g/memory.max
for k in $(seq $jobs); do
	touch $d/j$k/stop
done
for k in $(seq $jobs); do
	wait ${waiter[$k]} || fail "job $k exited $?: $(cat $d/j$k/bad 2> /dev/null)"
	for f in $d/j$k/out.*; do
		check_seq $f $(wc -l < $f) "job $k's ${f##*/}"
	done
done
[ -z "$(cat $g/cgroup.procs)" ] || fail "left in the cgroup: $(cat $g/cgroup.procs)"
refs_back $refs0
slab1=$(unreclaimable_kib)
echo "unreclaimable slab $slab0 -> $slab1 KiB"
[ $((slab1 - slab0)) -le 2048 ] ||
	fail "unreclaimable slab grew by $((slab1 - slab0)) KiB"
exit 0
