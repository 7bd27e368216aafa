# The benchmark (make bench, tests/bench.list; not part of make check):
# checkpoint and restart times and image sizes of cr_checkpoint/cr_restart
# and of criu, for a set of workloads, next to the time a plain write(2)
# and read(2) of the same data take in the same tmpfs (the copy floor).
# Every restart is verified: the restored workload checks all its state
# and reports ok or BAD.  Then checkpoints that leave the workload running
# (ours stop-the-world, ours --live, criu dump --leave-running), their
# downtime measured from inside the workload (run_cont).  Prints one line per run, then the medians as CSV
# between "bench-csv-begin" and "bench-csv-end" lines for the host
# (tests/bench/report.sh).  Settings (vmrun --env): BENCH_REPS (runs per
# workload and tool, default 3), BENCH_ONLY (workload names to run),
# BENCH_PROFILE=1 (a system-wide perf profile of every checkpoint and
# restart, its top symbols printed; the times then include perf's cost).
. "$CR_TESTS/lib.sh"

reps=${BENCH_REPS:-3}
only=${BENCH_ONLY:-}
profile=${BENCH_PROFILE:-}
work=$CR_TESTS/bench/bench_work
limit=$CR_TESTS/bench/bench_limit
w=$(mktemp -d)
trap 'rm -rf $w' EXIT

# name, MiB of data a checkpoint must save (0: none), bench_work arguments;
# DATA is the 200 MiB file the "file" workload maps.
workloads=(
	"anon64		64	anon 64"
	"anon256	256	anon 256"
	"anon1024	1024	anon 1024"
	"sparse1g	10	sparse 1024 1"
	"file200	0	file DATA"
	"maps1000	4	maps 1000"
	"threads64	4	threads 64"
	"tree32		64	tree 32 2"
	"python		0	python 100"
	"mpi4x64	256	mpi 4 64"
)

# "mpi RANKS MIB": an Open MPI job (tests/cmd/mpi_ring, RANKS ranks of MIB
# MiB each, checkpointed whole with --tree and restarted,
# as tests/mpi.sh and README say).  It does not speak
# bench_work's protocol: it is ready once it iterates, has resumed once
# it iterates again, and is verified by its result against an
# uninterrupted run's.  criu is expected to fail on it (the issue's
# report): its failure is shown, not counted.
mpi_prog=$CR_TESTS/cmd/mpi_ring_openmpi
mpi_iters=60
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi_job() { echo mpirun --oversubscribe -np $1 $mpi_prog $mpi_iters 100 1 $2 0; }

# A python3 process with a heap of about MIB MiB (a million small objects
# and MIB MiB of bytes), speaking bench_work's ready/go/resumed/result and,
# with BENCH_GAP=1, its gap.arm/gap.get (the thread sleeps 1 ms between
# readings too; it allocates a few small objects, in the measured heap).
cat > $w/heap.py <<'EOF'
import hashlib, os, sys, threading, time
d, mib = sys.argv[1], int(sys.argv[2])
objs = [(i, str(i)) for i in range(1000000)]
blob = os.urandom(mib << 20)
want = (sum(i for i, _ in objs), hashlib.sha1(blob).hexdigest())
def gap_main():
	while True:
		while not os.path.exists(d + "/gap.arm"):
			time.sleep(0.005)
		os.unlink(d + "/gap.arm")
		gap, last = 0, time.monotonic_ns()
		open(d + "/gap.armed", "w").close()
		while True:
			t = time.monotonic_ns()
			gap, last = max(gap, t - last), t
			if os.path.exists(d + "/gap.get"):
				break
			time.sleep(0.001)
		os.unlink(d + "/gap.get")
		os.unlink(d + "/gap.armed")
		with open(d + "/gap.tmp", "w") as f:
			f.write("%d\n" % (gap // 1000))
		os.rename(d + "/gap.tmp", d + "/gap")
if os.environ.get("BENCH_GAP") == "1":
	threading.Thread(target=gap_main, daemon=True).start()
open(d + "/ready", "w").close()
while not os.path.exists(d + "/go"):
	time.sleep(0.005)
with open(d + "/resumed", "w") as f:
	f.write("%d\n" % (time.time_ns() // 1000))
ok = want == (sum(i for i, _ in objs), hashlib.sha1(blob).hexdigest())
with open(d + "/result", "w") as f:
	f.write("ok\n" if ok else "BAD: the heap changed\n")
sys.exit(0 if ok else 1)
EOF

# Whether cr_checkpoint has --live (else its columns are "-").
have_live=1
if ! cr_checkpoint --help 2>&1 | grep -q -e '--live'; then
	have_live=0
	echo "note: cr_checkpoint has no --live: its columns are -"
fi

mem_mib=$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
have_criu=0
if command -v criu > /dev/null; then
	have_criu=1
	# What criu needs in this guest (see the VM notes): socket diag
	# modules, netfilter for its feature probes.
	for m in unix_diag inet_diag tcp_diag udp_diag netlink_diag \
		af_packet_diag nf_tables nft_compat veth tun; do
		modprobe -q $m
	done
else
	echo "note: criu is not installed (apt-get install criu): criu skipped"
fi

# wait_file FILE SECS: until FILE exists (false after SECS seconds)
wait_file() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# gone PID: PID has exited (a zombie counts: its memory is freed)
gone() {
	local st
	read -r st 2> /dev/null < /proc/$1/stat || return 0
	st=${st##*) }
	[ "${st%% *}" = Z ]
}

# reap PID: until PID has exited (bash reaps its children by itself)
reap() {
	while ! gone $1; do
		sleep 0.05
	done
}

# start DIR ARGS: runs the workload in its own session in DIR until it is
# ready; sets pid.  Disowned: no "Killed" notices when a checkpoint kills it.
start() {
	local d=$1
	shift
	rm -rf $d
	mkdir -p $d
	if [ $1 = python ]; then
		setsid python3 $w/heap.py $d $2 < /dev/null > $d/log 2>&1 &
	elif [ $1 = mpi ]; then
		mpi_watch $d/log $d/ready &
		setsid $(mpi_job $2 $3) < /dev/null > $d/log 2>&1 &
	else
		setsid $work $d "$@" < /dev/null > $d/log 2>&1 &
	fi
	pid=$!
	disown $pid
	wait_file $d/ready 600 && return 0
	echo "the workload did not get ready: $(tail -n 3 $d/log)"
	kill -KILL -- -$pid
	reap $pid
	return 1
}

# mpi_watch LOG FILE [N]: FILE says when LOG, the MPI job's output, has
# more than N (0) iterations.
mpi_watch() {
	local i n
	for ((i = 0; i < 60000; i++)); do
		n=$(grep -c '^iter' $1 2> /dev/null)
		if [ "${n:-0}" -gt "${3:-0}" ]; then
			echo ${EPOCHREALTIME/./} > $2
			return
		fi
		sleep 0.01
	done
}

# mpi_verdict DIR: DIR/result from the restarted job's output (its log,
# which the restored mpirun writes on)
mpi_verdict() {
	local got
	got=$(grep '^mpi_ring: result' $1/log)
	if [ -n "$got" ] && [ "$got" = "$mpi_want" ]; then
		echo ok > $1/result
	else
		echo "BAD: '$got', not '$mpi_want'" > $1/result
	fi
}

now() { t=${EPOCHREALTIME/./}; }
# last_resumed DIR T0: when the last process of the workload ran again (us)
last_resumed() { cat $1/resumed* 2> /dev/null | sort -n | tail -n 1 | grep . || echo $2; }
ms() { echo $((($2 - $1) / 1000)); }
okbad() { case $1 in 1) echo ok ;; 0) echo BAD ;; *) echo - ;; esac; }
mib() { awk -v b=$1 'BEGIN { printf "%.1f", b / 1048576 }'; }

# prof_start: with BENCH_PROFILE, perf samples the whole guest from now
# until prof_report, or until a file DIR/resumed* appears if DIR is given
# (a restart ends when the workload runs again, not when it exits).
prof_start() {
	[ -n "$profile" ] || return 0
	# Under TCG a sample takes long enough for the kernel to throttle
	# sampling to almost nothing; the profile is the point here.
	sysctl -q kernel.perf_cpu_time_max_percent=0
	perf record -a -q -e cpu-clock -F 250 -o $w/perf.data \
		> $w/perf.log 2>&1 &
	prof_pid=$!
	# until perf samples: it creates its file once set up
	until [ -s $w/perf.data ] || ! kill -0 $prof_pid 2> /dev/null; do
		sleep 0.1
	done
	[ -z "${1:-}" ] && return 0
	(
		for ((i = 0; i < 6000; i++)); do
			compgen -G "$1/resumed*" > /dev/null && break
			sleep 0.1
		done
		kill -INT $prof_pid
	) &
	prof_watch=$!
}

# prof_report WHAT: stops the profile (once the workload runs again, if
# prof_start was given a DIR); prints its top symbols.
prof_report() {
	[ -n "$profile" ] || return 0
	[ -z "${prof_watch:-}" ] || wait $prof_watch
	kill -INT $prof_pid 2> /dev/null
	wait $prof_pid
	prof_watch=
	echo "  profile of $1 (share of samples, whole guest):"
	perf report -i $w/perf.data --stdio --sort dso,sym 2> /dev/null |
		grep -e '^# Samples' -e '^ ' | head -n 16 | sed 's/^/    /'
	rm -f $w/perf.data
}

# After a run: sets r_ok (1 if the restored workload verified its state).
verdict() {
	local res
	res=$(cat $1/result 2> /dev/null)
	r_ok=0
	[ "$res" = ok ] && [ $2 = 0 ] && r_ok=1
	[ $r_ok = 1 ] || echo "  BAD: result '${res:-none}', exit $2; log: $(tail -n 3 $1/log | tr '\n' ' ')"
}

# run_ours DIR ARGS: sets r_ckpt r_down r_restart (ms), r_size (bytes), r_ok;
# ckpt_opts go to cr_checkpoint; with lazy_too, r_lazy too (run_lazy).
ckpt_opts=
lazy_too=1
run_ours() {
	local d=$1 t0 t1 rc scope= watch=
	shift
	[ $1 = tree ] || [ $1 = mpi ] && scope=--tree
	start $d "$@" || return 1
	prof_start
	now; t0=$t
	cr_checkpoint $scope $ckpt_opts -f $d/ctx --kill $pid > $d/ckpt.out 2>&1
	rc=$?
	now; t1=$t
	prof_report cr_checkpoint
	[ $rc = 0 ] || kill -KILL -- -$pid
	reap $pid
	if [ $rc != 0 ]; then
		echo "  cr_checkpoint exited $rc: $(tail -n 3 $d/ckpt.out)"
		return 1
	fi
	r_ckpt=$(ms $t0 $t1)
	r_down=$r_ckpt   # stop-the-world: stopped for the whole checkpoint
	r_size=$(stat -c %s $d/ctx)
	touch $d/go
	if [ $1 = mpi ]; then
		# its ranks too must be gone for their pids to come back
		while pgrep -s $pid > /dev/null; do sleep 0.05; done
		mpi_watch $d/log $d/resumed $(grep -c '^iter' $d/log) &
		watch=$!
	fi
	prof_start $d
	now; t0=$t
	cr_restart $d/ctx > $d/restart.out 2>&1
	rc=$?
	prof_report cr_restart
	[ $rc = 0 ] || echo "  cr_restart exited $rc: $(tail -n 3 $d/restart.out)"
	if [ -n "$watch" ]; then
		kill $watch 2> /dev/null
		wait $watch
		mpi_verdict $d
	fi
	verdict $d $rc
	r_restart=$(ms $t0 $(last_resumed $d $t0))
	r_lazy=-
	[ $1 = mpi ] || [ -z "$lazy_too" ] || run_lazy $d
	rm -f $d/ctx
}

# run_lazy DIR: sets r_lazy (ms until the program runs again, "-" if it
# did not verify its state) from a second restart of DIR/ctx, --lazy.
run_lazy() {
	local d=$1 t0 rc ok=$r_ok
	rm -f $d/resumed* $d/result
	now; t0=$t
	cr_restart --lazy $d/ctx > $d/lazy.out 2>&1
	rc=$?
	[ $rc = 0 ] || echo "  cr_restart --lazy exited $rc: $(tail -n 3 $d/lazy.out)"
	verdict $d $rc
	r_lazy=-
	[ $r_ok = 1 ] && r_lazy=$(ms $t0 $(last_resumed $d $t0))
	r_ok=$((ok && r_ok))
}

# run_criu DIR ARGS: the same with criu dump / criu restore -d
run_criu() {
	local d=$1 t0 t1 rc
	shift
	start $d "$@" || return 1
	mkdir $d/img
	prof_start
	now; t0=$t
	criu dump -t $pid -D $d/img -o $d/dump.log
	rc=$?
	now; t1=$t
	prof_report "criu dump"
	[ $rc = 0 ] || kill -KILL -- -$pid
	reap $pid
	if [ $rc != 0 ]; then
		echo "  criu dump exited $rc: $(grep -m3 Error $d/dump.log)"
		return 1
	fi
	r_ckpt=$(ms $t0 $t1)
	# criu's own count of the time the tasks were frozen, in us
	r_down=$(crit show $d/img/stats-dump 2> /dev/null |
		sed -n 's/.*"frozen_time": \([0-9]*\).*/\1/p')
	r_down=${r_down:+$((r_down / 1000))}
	r_size=$(du -sb $d/img | cut -f1)
	touch $d/go
	prof_start $d
	now; t0=$t
	criu restore -D $d/img -d -o $d/restore.log
	rc=$?
	prof_report "criu restore"
	if [ $rc != 0 ]; then
		echo "  criu restore exited $rc: $(grep -m3 Error $d/restore.log)"
		r_ok=0
		return 0
	fi
	wait_file $d/result 600 || kill -KILL -- -$pid
	# The restored task is not our child: its exit status is not ours
	# to see, and its memory must be freed before the next run.
	reap $pid
	verdict $d 0
	r_restart=$(ms $t0 $(last_resumed $d $t0))
	rm -rf $d/img
}

# gap_arm DIR: the workload's gap thread (bench_work.c, BENCH_GAP=1)
# starts a new longest gap; false if it does not answer.
gap_arm() {
	rm -f $1/gap $1/gap.armed
	touch $1/gap.arm
	wait_file $1/gap.armed 60 && return 0
	echo "  the workload's gap thread did not answer"
	return 1
}

# gap_get DIR: prints the longest gap the workload saw since gap_arm, in
# ms, rounded ("-" if it does not answer).
gap_get() {
	touch $1/gap.get
	if wait_file $1/gap 60; then
		echo $((($(cat $1/gap) + 500) / 1000))
	else
		echo -
	fi
}

# cont_one DIR OUT CMD...: runs CMD, a checkpoint that leaves the workload
# running, with its output in OUT, between gap_arm and gap_get: the gap
# covers the whole command.  Sets k_ms (its time) and k_down (the longest
# gap), ms; both "-" if it failed.
cont_one() {
	local d=$1 out=$2 t0 rc
	shift 2
	k_ms=- k_down=-
	gap_arm $d || return 1
	now; t0=$t
	"$@" > $out 2>&1
	rc=$?
	now
	k_down=$(gap_get $d)
	if [ $rc != 0 ]; then
		echo "  $* exited $rc: $(tail -n 3 $out | tr '\n' ' ')"
		k_down=-
		return 1
	fi
	k_ms=$(ms $t0 $t)
}

# criu_lr PID IMG: criu dump --leave-running, its errors on stdout
criu_lr() {
	criu dump -t $1 -D $2 -o $2/dump.log --leave-running && return 0
	local rc=$?
	grep -m3 Error $2/dump.log
	return $rc
}

# run_cont DIR ARGS: checkpoints that leave the workload running, in turn
# on one started workload (BENCH_GAP=1): ours stop-the-world, criu dump
# --leave-running, ours --live; each one's downtime is the longest gap the
# workload saw during it.  Then the workload verifies its state, and the
# --live image is restarted and verified.  Sets (ms, "-" if not measured)
# c_idle (the longest gap in 1 s without a checkpoint: the floor),
# c_stw c_stw_down (ours stop-the-world), c_lr_down c_lr_frozen (criu's
# gap, and its own frozen_time), c_live c_live_down c_live_restart (ours
# --live), and c_ok (1: the workload verified), c_live_ok (1 or 0: the
# --live image restarted and verified, "-" if there is none).
run_cont() {
	local d=$1 t0 rc scope=
	shift
	c_idle=- c_stw=- c_stw_down=- c_lr_down=- c_lr_frozen=-
	c_live=- c_live_down=- c_live_restart=- c_ok=0 c_live_ok=-
	[ $1 = tree ] && scope=--tree
	BENCH_GAP=1 start $d "$@" || return 1
	if gap_arm $d; then
		sleep 1
		c_idle=$(gap_get $d)
	fi
	cont_one $d $d/stw.out cr_checkpoint $scope -f $d/stw.ctx $pid
	c_stw=$k_ms c_stw_down=$k_down
	rm -f $d/stw.ctx
	if [ $have_criu = 1 ]; then
		mkdir $d/img
		cont_one $d $d/lr.out criu_lr $pid $d/img
		c_lr_down=$k_down
		c_lr_frozen=$(crit show $d/img/stats-dump 2> /dev/null |
			      sed -n 's/.*"frozen_time": \([0-9]*\).*/\1/p')
		c_lr_frozen=${c_lr_frozen:+$((c_lr_frozen / 1000))}
		c_lr_frozen=${c_lr_frozen:--}
		rm -rf $d/img
	fi
	if [ $have_live = 1 ]; then
		cont_one $d $d/live.out \
			cr_checkpoint --live $scope -f $d/live.ctx $pid
		c_live=$k_ms c_live_down=$k_down
	fi
	touch $d/go
	if ! wait_file $d/result 600; then
		echo "  the workload did not verify its state after the checkpoints"
		kill -KILL -- -$pid
	fi
	# the restart needs its pids (a tree's root reaps its children)
	reap $pid
	verdict $d 0
	c_ok=$r_ok
	[ $c_live = - ] && return 0
	rm -f $d/resumed* $d/result $d/gap*
	now; t0=$t
	cr_restart $d/live.ctx > $d/live_restart.out 2>&1
	rc=$?
	[ $rc = 0 ] || echo "  cr_restart of the --live image exited $rc: $(tail -n 3 $d/live_restart.out)"
	verdict $d $rc
	c_live_ok=$r_ok
	c_live_restart=$(ms $t0 $(last_resumed $d $t0))
	rm -f $d/live.ctx
}

# median of the arguments ("-" if none)
median() {
	[ $# -gt 0 ] || { echo -; return; }
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
		END { m = int((NR + 1) / 2); print NR % 2 ? v[m] : int((v[m] + v[m + 1]) / 2) }'
}

if [ $have_criu = 1 ]; then
	# criu's first run after boot probes the kernel: not measured.
	run_criu $w/warm anon 16 > /dev/null 2>&1
fi

csv="workload,args,limit_mib,limit_write_ms,limit_read_ms"
for tool in ours criu; do
	csv="$csv,${tool}_ckpt_ms,${tool}_down_ms,${tool}_restart_ms,${tool}_image_mib,${tool}_ok"
done
csv="$csv,ours_lazy_ms"
# run_cont's, appended: the columns above keep their places (report.sh)
csv="$csv,ours_live_ms,ours_stw_down_ms,ours_live_down_ms,criu_lr_down_ms"
csv="$csv,ours_cont_ms,ours_live_ok,cont_ok,idle_gap_ms"
nbad=0
for wl in "${workloads[@]}"; do
	read -r name lim args <<< "$wl"
	if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then
		continue
	fi
	set -- $args
	if [ $1 = anon ] && [ $(($2 * 3 + 512)) -gt $mem_mib ]; then
		echo "note: $name skipped: needs $(($2 * 3 + 512)) MiB of guest RAM, have $mem_mib (vmrun --mem)"
		continue
	fi
	if [ $1 = file ]; then
		head -c 200M /dev/urandom > $w/data
		set -- file $w/data
	fi
	if [ $1 = mpi ]; then
		if [ ! -x $mpi_prog ] || ! command -v mpirun > /dev/null; then
			echo "note: $name skipped: no Open MPI or $mpi_prog"
			continue
		fi
		mpi_want=$($(mpi_job $2 $3) < /dev/null 2> /dev/null |
			   grep '^mpi_ring: result')
		echo "$name: an uninterrupted run says '$mpi_want'"
	fi
	declare -A vals=()
	for tool in limit ours criu cont live; do
		vals[$tool.ok]=0
	done
	nlive=0
	for ((i = 1; i <= reps; i++)); do
		if [ $lim -gt 0 ]; then
			read -r _ lw _ lr <<< "$($limit $w/limit.dat $lim)"
			vals[limit.write]+=" $lw"
			vals[limit.read]+=" $lr"
			echo "$name limit $i: write $lw ms, read $lr ms ($lim MiB)"
		fi
		for tool in ours criu; do
			[ $tool = criu ] && [ $have_criu = 0 ] && continue
			r_ok=0
			if ! run_$tool $w/run "$@"; then
				[ $tool = criu ] && [ $1 = mpi ] ||
					nbad=$((nbad + 1))
				continue
			fi
			echo "$name $tool $i: ckpt $r_ckpt ms, down ${r_down:--} ms, restart $r_restart ms$([ $tool = ours ] && echo ", --lazy ${r_lazy:--} ms"), image $(mib $r_size) MiB, $([ $r_ok = 1 ] && echo ok || echo BAD)"
			if [ $r_ok = 1 ]; then
				vals[$tool.ok]=$((vals[$tool.ok] + 1))
				vals[$tool.ckpt]+=" $r_ckpt"
				vals[$tool.down]+=" $r_down"
				vals[$tool.restart]+=" $r_restart"
				vals[$tool.size]+=" $r_size"
				[ $tool = criu ] || vals[lazy]+=" $r_lazy"
			else
				nbad=$((nbad + 1))
			fi
		done
		rm -rf $w/run
		# mpi_ring has no gap thread
		[ $1 = mpi ] && continue
		if ! run_cont $w/run "$@"; then
			nbad=$((nbad + 1))
			rm -rf $w/run
			continue
		fi
		echo "$name cont $i: idle gap $c_idle ms; ours ckpt $c_stw ms, down $c_stw_down ms; --live ckpt $c_live ms, down $c_live_down ms, restart $c_live_restart ms, $(okbad $c_live_ok); criu --leave-running down $c_lr_down ms, frozen $c_lr_frozen ms; continued $(okbad $c_ok)"
		rm -rf $w/run
		if [ $c_ok = 1 ]; then
			vals[cont.ok]=$((vals[cont.ok] + 1))
			vals[cont.idle]+=" ${c_idle/-/}"
			vals[cont.stw]+=" ${c_stw/-/}"
			vals[cont.stw_down]+=" ${c_stw_down/-/}"
			vals[cont.lr_down]+=" ${c_lr_down/-/}"
		else
			nbad=$((nbad + 1))
		fi
		# A failed --live checkpoint (no feature yet) is "-", not bad.
		[ $c_live_ok = - ] && continue
		nlive=$((nlive + 1))
		if [ $c_live_ok = 1 ] && [ $c_ok = 1 ]; then
			vals[live.ok]=$((vals[live.ok] + 1))
			vals[live.ckpt]+=" $c_live"
			vals[live.down]+=" ${c_live_down/-/}"
		elif [ $c_live_ok = 0 ]; then
			nbad=$((nbad + 1))
		fi
	done
	rm -f $w/data
	line="$name,$args,$lim,$(median ${vals[limit.write]:-}),$(median ${vals[limit.read]:-})"
	for tool in ours criu; do
		size=$(median ${vals[$tool.size]:-})
		[ "$size" = - ] || size=$(mib $size)
		line="$line,$(median ${vals[$tool.ckpt]:-}),$(median ${vals[$tool.down]:-}),$(median ${vals[$tool.restart]:-}),$size,${vals[$tool.ok]}/$reps"
	done
	[ $have_criu = 1 ] || line="${line%,*},-"
	line="$line,$(median $(echo ${vals[lazy]:-} | tr -d -))"
	line="$line,$(median ${vals[live.ckpt]:-}),$(median ${vals[cont.stw_down]:-})"
	line="$line,$(median ${vals[live.down]:-}),$(median ${vals[cont.lr_down]:-})"
	line="$line,$(median ${vals[cont.stw]:-})"
	line="$line,$([ $nlive -gt 0 ] && echo ${vals[live.ok]}/$reps || echo -)"
	line="$line,$([ $1 = mpi ] && echo - || echo ${vals[cont.ok]}/$reps)"
	line="$line,$(median ${vals[cont.idle]:-})"
	csv="$csv"$'\n'"$line"
	unset vals
done

# Compression (cr_checkpoint --compress): ZIP_MIB of random words, of
# doubles and of text, each checkpointed plain and compressed in turn in
# this run, and restarted; BENCH_ONLY=zip runs only this.  Printed as
# ratios: sizes plain/compressed, times compressed/plain.
zip_mib=256
zip_ratios() {
	awk -v k=$1 -v pc=$2 -v zc=$3 -v pr=$4 -v zr=$5 -v ps=$6 -v zs=$7 \
	    -v m=$zip_mib 'BEGIN {
		if (pc == "-" || zc == "-") { print k ": no verified run"; exit }
		printf "zip %s: size plain/compressed %.2f, checkpoint compressed/plain %.2f, restart compressed/plain %.2f; compressed checkpoint %.0f MiB/s of memory, plain %.0f\n",
		       k, ps / zs, zc / pc, zr / pr, m * 1000 / zc, m * 1000 / pc }'
}
if [ -z "$only" ] || [[ " $only " == *" zip "* ]]; then
	lazy_too=
	for kind in anon num text; do
		declare -A z=()
		for ((i = 1; i <= reps; i++)); do
			for opt in plain compressed; do
				ckpt_opts=
				[ $opt = compressed ] && ckpt_opts=--compress
				r_ok=0
				run_ours $w/run $kind $zip_mib || { nbad=$((nbad + 1)); continue; }
				echo "zip $kind $opt $i: ckpt $r_ckpt ms, restart $r_restart ms, image $(mib $r_size) MiB, $([ $r_ok = 1 ] && echo ok || echo BAD)"
				if [ $r_ok = 1 ]; then
					z[$opt.ckpt]+=" $r_ckpt"
					z[$opt.restart]+=" $r_restart"
					z[$opt.size]+=" $r_size"
				else
					nbad=$((nbad + 1))
				fi
				rm -rf $w/run
			done
		done
		zip_ratios $kind $(median ${z[plain.ckpt]:-}) \
			$(median ${z[compressed.ckpt]:-}) \
			$(median ${z[plain.restart]:-}) \
			$(median ${z[compressed.restart]:-}) \
			$(median ${z[plain.size]:-}) $(median ${z[compressed.size]:-})
		unset z
	done
	ckpt_opts=
fi

# Incremental checkpoints (cr_checkpoint --incremental): INC_MIB of
# memory of which a few pages change between checkpoints (tests/cmd/
# mem_dirty, about 200 pages a second), checkpointed full and then as a
# chain, one a second; the chain's last image restarted, and the full
# image cr_merge makes of it, each verified.  BENCH_ONLY=inc runs only
# this.  Printed as ratios: size full/incremental, checkpoint time
# incremental/full, restart of the chain/of the merged image.
inc_mib=256
inc_run() {
	local t0=$(now_ms)

	"$@" > $w/inc/out 2>&1 || { cat $w/inc/out; fail "$* exited $?"; }
	echo $(($(now_ms) - t0))
}
if [ -z "$only" ] || [[ " $only " == *" inc "* ]]; then
	mkdir -p $w/inc
	"$CR_TESTS/cmd/mem_dirty" $w/inc $inc_mib > $w/inc/log 2>&1 &
	pid=$!
	wait_file $w/inc/ready $pid 600 || fail "mem_dirty did not start"
	declare -A v=()
	for ((i = 1; i <= reps; i++)); do
		v[full.ckpt]+=" $(inc_run cr_checkpoint -f $w/inc/full $pid)"
		v[full.size]+=" $(stat -c %s $w/inc/full)"
		rm -f $w/inc/full
	done
	inc_run cr_checkpoint --incremental -f $w/inc/k.0 $pid > /dev/null
	for ((i = 1; i <= reps; i++)); do
		sleep 1
		[ $i = $reps ] && kill=--kill || kill=
		v[inc.ckpt]+=" $(inc_run cr_checkpoint --incremental $kill \
				 -f $w/inc/k.$i $pid)"
		v[inc.size]+=" $(stat -c %s $w/inc/k.$i)"
	done
	wait $pid
	touch $w/inc/go
	inc_run cr_merge -o $w/inc/merged $w/inc/k.$reps > /dev/null
	for r in chain.k.$reps merged.merged; do
		: > $w/inc/log
		v[${r%%.*}.restart]=$(inc_run cr_restart $w/inc/${r#*.})
		grep -a -q ' 0 bad pages' $w/inc/log ||
			{ cat $w/inc/log; nbad=$((nbad + 1)); }
	done
	echo "inc runs: ${v[*]}"
	awk -v fc=$(median ${v[full.ckpt]}) -v ic=$(median ${v[inc.ckpt]}) \
	    -v fs=$(median ${v[full.size]}) -v is=$(median ${v[inc.size]}) \
	    -v cr=${v[chain.restart]} -v mr=${v[merged.restart]} 'BEGIN {
		printf "inc: size full/incremental %.1f, checkpoint incremental/full %.2f, restart chain/merged %.2f (%d MiB, full %d ms, incremental %d ms)\n",
		       fs / is, ic / fc, cr / mr, fs / 1048576, fc, ic }'
	unset v
	rm -rf $w/inc
fi

echo bench-csv-begin
printf '%s\n' "$csv"
echo bench-csv-end
[ $nbad = 0 ] || fail "$nbad runs failed or were not verified"
