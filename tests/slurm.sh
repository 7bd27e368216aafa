# contrib/slurm with the real Slurm daemons (slurmctld, slurmd, munged),
# started here in a mount and network namespace of their own; the jobs run
# as nobody.  Slurm's time limits are minutes: the time-limit warning of
# "#SBATCH --signal=B:USR1@N" is sent with scancel --batch --signal=USR1,
# as slurmctld sends it, and a requeued job, which slurmctld holds for
# about 2 minutes, is let start at once (scontrol update StartTime=now).
#   slurm requeue   a counting job runs in three slices: a USR1, then
#                   cr_slurm_ckpt --vacate, checkpoint and requeue it, and
#                   each run restarts the newest context; its output must be
#                   that of an uninterrupted run.  Meanwhile another user
#                   cannot checkpoint it, read its contexts or write its
#                   spool directory, and an admin's cr_slurm_ckpt has the
#                   job's user write a context.
#   slurm short     the first and last slices only (for make check).
#   slurm periodic  checkpoints every 2 s; the job is killed (a node crash:
#                   scancel --signal=KILL) and requeued: it restarts from
#                   the newest context, losing at most one interval (and
#                   the checkpoint under way when it was killed).
#   slurm mpi       an Open MPI job (mpirun and 4 ranks, as tests/mpi.sh
#                   runs it), no option set: a
#                   USR1, checkpoint and requeue; the restarted job's
#                   output and exit status are those of an uninterrupted
#                   run outside Slurm.
. "$CR_TESTS/lib.sh"

command -v slurmctld > /dev/null && command -v munged > /dev/null ||
	skip "slurm-wlm and munge are not installed"
# Mounts (/etc/hosts, /etc/slurm...) and lo's second address stay in
# here, and the daemons die with the test's pid namespace, even on a
# timeout.
[ -n "${CR_SLURM_NS:-}" ] ||
	exec env CR_SLURM_NS=1 unshare -m -n -p -f --mount-proc \
		--propagation private bash "$0" "$@"

mode=${1:?mode}
S=/tmp/slurm
spool=$S/cr_spool
w=/tmp/slurm_job
other=(setpriv --reuid=1 --regid=1 --clear-groups)
export PATH=$CR_TOP/contrib/slurm:$PATH

# A failure shows the job's output and the daemons' logs too.
eval "lib_$(declare -f fail)"
fail() {
	head -n 20 $w/job.out
	tail -n 40 $w/job.out $S/log/*.log 2> /dev/null
	[ -z "${job:-}" ] || scontrol show job $job
	lib_fail "$@"
}

slurm_down() {
	scancel --quiet --full --signal=KILL --user=nobody 2> /dev/null
	local p
	for p in $S/ctld.pid $S/d.pid /run/munge/munged.pid; do
		[ -f $p ] && kill "$(cat $p)" 2> /dev/null
	done
}
trap slurm_down EXIT

step "the Slurm daemons start"
rm -rf $S $w
mkdir -p $S/state $S/spool $S/log $w
chown nobody $w
# glibc's getaddrinfo(AI_ADDRCONFIG) wants an address other than 127.0.0.1.
ip link set lo up
ip addr add 127.0.0.2/32 dev lo
{ cat /etc/hosts; echo "127.0.0.1 $(hostname)"; } > $S/hosts
mount --bind $S/hosts /etc/hosts
mkdir -p /run/munge
for m in /etc/munge /var/lib/munge /var/log/munge /run/munge /etc/slurm; do
	mount -t tmpfs -o mode=0755 tmpfs $m || fail "cannot mount $m"
done
head -c 1024 /dev/urandom > /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
chown munge:munge /etc/munge /etc/munge/munge.key /var/lib/munge \
	/var/log/munge /run/munge
setpriv --reuid=munge --regid=munge --init-groups munged ||
	fail "munged did not start"
# slurmd loads a cgroup plugin even with proctrack/linuxproc: v1, freezer.
mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
mkdir /sys/fs/cgroup/freezer
mount -t cgroup -o freezer freezer /sys/fs/cgroup/freezer
host=$(hostname)
cat > /etc/slurm/slurm.conf <<EOF
ClusterName=crtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/ctld.pid
SlurmdPidFile=$S/d.pid
SlurmctldLogFile=$S/log/ctld.log
SlurmdLogFile=$S/log/d.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
MpiDefault=none
ReturnToService=2
SchedulerParameters=sched_interval=2
Prolog=$CR_TOP/contrib/slurm/cr_slurm_prolog
Epilog=$CR_TOP/contrib/slurm/cr_slurm_epilog
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=p Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
printf 'CgroupPlugin=cgroup/v1\nIgnoreSystemd=yes\n' > /etc/slurm/cgroup.conf
echo "CR_SLURM_SPOOL=$spool" > /etc/slurm/cr_slurm.conf
slurmctld || fail "slurmctld did not start"
slurmd || fail "slurmd did not start"
node_idle() { [ "$(sinfo -h -o %T 2> /dev/null)" = idle ]; }
poll 60 - node_idle || { tail $S/log/*.log; fail "the node is not idle"; }

# job_field FIELD: the job's FIELD=value in scontrol show job.
job_field() {
	scontrol show job $job 2> /dev/null | tr ' ' '\n' | sed -n "s/^$1=//p"
}
job_is() { [ "$(job_field JobState)" = "$1" ]; }
# pending_again N: the job waits after its Nth requeue.
pending_again() { job_is PENDING && [ "$(job_field Restarts)" = "$1" ]; }
# runs_again N: the job runs again after its Nth requeue.
runs_again() { job_is RUNNING && [ "$(job_field Restarts)" = "$1" ]; }

# requeued N: the job was requeued a Nth time, and runs again.  slurmctld
# makes a requeued job wait about 2 minutes (its BeginTime): the admin
# lets it start now.
requeued() {
	wait_until 60 "the job was not requeued" pending_again $1
	scontrol update JobId=$job StartTime=now ||
		fail "scontrol update StartTime=now failed"
	wait_until 60 "the requeued job did not start" runs_again $1
}

# sbatch_job LINES: nobody submits a job whose batch script ends with
# LINES; sets job.
sbatch_job() {
	cat > $w/job.sh <<EOF
#!/bin/bash
#SBATCH --signal=B:USR1@60 --requeue --open-mode=append
#SBATCH --output=$w/job.out --time=10
$1
EOF
	chmod 755 $w/job.sh
	job=$(cd $w && "${nobody[@]}" sbatch --parsable job.sh) ||
		fail "sbatch failed"
	echo "job $job"
	wait_until 60 "the job did not start" job_is RUNNING
}

# submit LIMIT DELAY_MS OPTS...: nobody submits a counting job run by
# cr_slurm_run OPTS; sets job.
submit() {
	sbatch_job "exec cr_slurm_run ${*:3} $CR_TESTS/cmd/cr_counter $w/count $1 $2"
	wait_until 60 "the job did not count" lines_over 5 $w/count
}

# said N PATTERN: the job's output has N lines matching PATTERN.
said() {
	[ "$(grep -c -- "$2" $w/job.out)" = "$1" ]
}

# done_ok LIMIT: the job completed and counted to LIMIT once, in order.
done_ok() {
	wait_until 90 "the job did not complete" job_is COMPLETED
	cat $w/job.out
	check_seq $w/count $1 "the job"
	said 1 "cr_counter exited with status 0" || fail "the wrapper did not see the end"
	ls $spool/$job | grep -q context && fail "contexts were left: $(ls $spool/$job)"
	return 0
}

case $mode in
requeue)
	# A job Slurm does not know left a directory behind.
	mkdir -m 0711 $spool
	mkdir -m 0700 $spool/999
	chown nobody $spool/999
	submit 400 100
	d=$spool/$job
	step "the Prolog made the spool directory, removed the stale one"
	[ "$(stat -c %U:%a $d)" = nobody:700 ] ||
		fail "$d is $(stat -c %U:%a $d), not nobody:700"
	[ ! -e $spool/999 ] || fail "the stale $spool/999 is still there"

	step "another user cannot touch the job"
	cpid=$(pgrep -u nobody -x cr_counter) || fail "no counter"
	out=$("${other[@]}" cr_slurm_ckpt $job 2>&1) &&
		fail "another user's cr_slurm_ckpt succeeded: $out"
	echo "$out"
	"${other[@]}" touch $d/x 2> /dev/null && fail "another user wrote $d"
	"${other[@]}" cr_checkpoint -f /tmp/other.ctx --tree $cpid &&
		fail "another user checkpointed the job"
	"${other[@]}" cr_slurm_run --dir $d true &&
		fail "another user ran cr_slurm_run in the job's directory"

	step "an admin's checkpoint is taken as the job's user"
	cr_slurm_ckpt --wait 30 $job || fail "cr_slurm_ckpt failed"
	ctx=$(ls $d/context.* | head -n 1)
	[ "$(stat -c %U:%a $ctx)" = nobody:400 ] ||
		fail "$ctx is $(stat -c %U:%a $ctx), not nobody's 400"
	"${other[@]}" cr_restart --no-restore-pid $ctx &&
		fail "another user restarted the job's context"

	step "slice 1 ends: the time-limit warning (USR1)"
	scancel --batch --signal=USR1 $job
	requeued 1
	n=$(wc -l < $w/count)
	wait_until 60 "the restarted job did not count" lines_over $((n + 5)) $w/count

	step "slice 2 ends: cr_slurm_ckpt --vacate"
	cr_slurm_ckpt --vacate $job || fail "cr_slurm_ckpt --vacate failed"
	requeued 2

	step "slice 3 runs to the end"
	done_ok 400
	said 2 "checkpointed: requeueing" || fail "not requeued twice"
	said 2 "restarting $d/context" || fail "not restarted twice"
	;;
short)	# make check's part: one slice ends with USR1, the next finishes.
	submit 100 100
	step "slice 1 ends: the time-limit warning (USR1)"
	scancel --batch --signal=USR1 $job
	requeued 1
	step "slice 2 runs to the end"
	done_ok 100
	said 1 "restarting $spool/$job/context" || fail "not restarted"
	;;
periodic)
	submit 250 100 --interval 2 --keep 2
	d=$spool/$job
	step "checkpoints every 2 s, two kept"
	wait_until 60 "no three checkpoints" said 3 "written in"

	step "the node crashes (SIGKILL), the job is requeued"
	scancel --signal=KILL $job
	wait_until 30 "the job did not end" eval '! job_is RUNNING'
	# Two kept, and a third if the node died between writing and pruning.
	n=$(ls $d | grep -c '^context\.')
	[ $n -ge 2 ] && [ $n -le 3 ] || fail "$n context files: $(ls $d)"
	newest=$(ls $d | grep '^context\.' | sort -t. -k2 -n | tail -n 1)
	killed=$(wc -l < $w/count)
	last=$(tail -n 1 $w/count)
	scontrol requeue $job || fail "scontrol requeue failed"
	requeued 1
	wait_until 90 "the job did not complete" job_is COMPLETED
	cat $w/job.out
	# 0..last, then from the newest checkpoint's count to the end.
	head -n $killed $w/count > $w/first
	check_seq $w/first $killed "the first run"
	from=$(sed -n "$((killed + 1))p" $w/count)
	[ -n "$from" ] || fail "the restart wrote nothing"
	tail -n +$((killed + 1)) $w/count > $w/rest
	seq $from 249 | cmp -s - $w/rest || fail "the restart did not count on from $from"
	lost=$((last + 1 - from))
	echo "killed at $last, restarted at $from: $lost counts (100 ms each) lost"
	# An interval, and the checkpoint under way when the node died: the
	# longest one the job's output shows, plus a second (its rounding).
	took=$(sed -n 's/.* written in \([0-9]*\) s$/\1/p' $w/job.out | sort -n | tail -n 1)
	max=$(( (2 + took + 1) * 10 ))
	[ $lost -ge 0 ] && [ $lost -le $max ] || fail "$lost counts lost (at most $max)"
	said 1 "restarting $d/$newest" || fail "not restarted from $newest"
	;;
mpi)	# tests/mpi.sh's Open MPI job: 4 ranks of mpi_ring, which exit 5.
	prog=$CR_TESTS/cmd/mpi_ring_openmpi
	[ -x $prog ] && command -v mpirun > /dev/null || skip "no $prog or mpirun"
	mpirun="mpirun --oversubscribe -np 4 $prog 40 $((100 * ${CR_SLOW:-1})) 1 0 5"
	lines='^iter \|^mpi_ring: '
	# Open MPI takes lo only when it is the only address: here it has
	# two (127.0.0.2 above).  sbatch passes this on to the job.
	export OMPI_MCA_oob_tcp_if_include=lo
	# mpirun waits for its ranks by pid: as the README says, the site
	# lets a restart give them back.
	was=$(cat $pid_param)
	echo Y > $pid_param
	trap 'slurm_down; echo $was > $pid_param' EXIT
	step "an uninterrupted run, outside Slurm"
	# nobody's HOME (/nonexistent) does not exist: the job gets a real one.
	(cd $w && HOME=$w "${nobody[@]}" $mpirun) > $w/ref 2>&1
	rc=$?
	grep "$lines" $w/ref > $w/ref.lines
	[ $rc = 5 ] && [ "$(grep -c '^iter ' $w/ref.lines)" = 40 ] &&
		grep -q '^mpi_ring: result ' $w/ref.lines ||
		fail "the reference run exited $rc: $(cat $w/ref)"
	tail -n 1 $w/ref.lines

	step "the job runs under cr_slurm_run"
	sbatch_job "export HOME=$w
exec cr_slurm_run $mpirun"
	wait_until 90 "the job did not reach iteration 5" \
		grep -qs '^iter 5 ' $w/job.out
	step "the time-limit warning (USR1): checkpoint --tree, requeue"
	scancel --batch --signal=USR1 $job
	requeued 1
	step "the restarted job runs to the end"
	wait_until 90 "the job did not end" job_is FAILED
	cat $w/job.out
	said 1 "restarting $spool/$job/context" || fail "not restarted"
	[ "$(job_field ExitCode)" = 5:0 ] ||
		fail "the job's exit code is $(job_field ExitCode), not 5:0"
	said 1 "mpirun exited with status 5" || fail "the wrapper did not see the end"
	# Every line once, in order: the first run's, then the restart's.
	grep "$lines" $w/job.out | cmp -s - $w/ref.lines ||
		{ diff $w/ref.lines $w/job.out;
		  fail "the output is not the uninterrupted run's"; }
	sed -n '/restarting /,$p' $w/job.out | grep -q '^iter ' ||
		fail "the restarted job did no iteration"
	ls $spool/$job | grep -q context && fail "contexts were left: $(ls $spool/$job)"
	;;
*)	fail "unknown mode $mode" ;;
esac
echo "slurm $mode: ok"
