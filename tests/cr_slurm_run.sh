# contrib/slurm/cr_slurm_run without Slurm (--dir, --no-requeue), as
# nobody: a checkpoint on SIGUSR2, a checkpoint and end on SIGUSR1, a run
# that restarts the newest context and counts to the end; then the
# failures, each said in the output: a checkpoint on a full disk (the job
# goes on), a corrupt context (the job fails, or starts again with
# --fallback), a requeued job without a context, a spool directory open to
# others, the module not loaded (its ctrl file hidden by a mount in a
# namespace of the job's own).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
chmod 755 $d
sp=$d/spool
mkdir -m 700 $sp
chown nobody $d $sp
run=("${nobody[@]}" "$CR_TOP/contrib/slurm/cr_slurm_run")
count=("$CR_TESTS/cmd/cr_counter" $d/count)
# The settings of the site where the test runs are not ours.
export CR_SLURM_CONF=/dev/null
unset SLURM_JOB_ID SLURM_RESTART_COUNT

# nobody's own files for the output: a restart reopens them as nobody.
for i in 1 2 3 4 5 6 7 8 9; do
	: > $d/out$i
	chown nobody $d/out$i
done

# wrap OUT ARGS...: cr_slurm_run ARGS... in the background, its messages
# in OUT; sets pid.
wrap() {
	"${run[@]}" "${@:2}" > /dev/null 2>> $1 &
	pid=$!
}
# says OUT PATTERN
says() { grep -q -- "$2" $1 || fail "no '$2' in: $(cat $1)"; }

step "checkpoint on USR2, then checkpoint and end on USR1"
wrap $d/out1 --dir $sp --no-requeue "${count[@]}" 100 100
wait_until 60 "the counter did not start" lines_over 5 $d/count
kill -USR2 $pid
wait_until 60 "no checkpoint" grep -q "context.1 written" $d/out1
kill -USR1 $pid
wait $pid || fail "cr_slurm_run exited $?: $(cat $d/out1)"
cat $d/out1
says $d/out1 "checkpointed; the job ends"
[ "$(ls $sp)" = "$(printf 'context.1\ncontext.2')" ] || fail "contexts: $(ls $sp)"
n=$(wc -l < $d/count)
[ $n -lt 100 ] || fail "the counter finished before the checkpoint"

step "the next run restarts the newest context"
"${run[@]}" --dir $sp "${count[@]}" 100 100 > /dev/null 2>> $d/out2 ||
	fail "exit $?: $(cat $d/out2)"
cat $d/out2
says $d/out2 "restarting $sp/context.2"
check_seq $d/count 100 "the restarted counter"
[ -z "$(ls $sp)" ] || fail "contexts were left: $(ls $sp)"

step "a full disk: the checkpoint fails, the job goes on"
small=$d/small
mkdir $small
mount -t tmpfs -o size=64k,mode=700 tmpfs $small
chown nobody $small
rm $d/count
wrap $d/out3 --dir $small "${count[@]}" 40 100
wait_until 60 "the counter did not start" lines_over 3 $d/count
kill -USR2 $pid
wait $pid
rc=$?
umount $small
cat $d/out3
[ $rc = 0 ] || fail "the job failed ($rc) after a failed checkpoint"
says $d/out3 "checkpoint failed"
says $d/out3 "No space left on device"
check_seq $d/count 40 "the counter"

step "a corrupt context fails the job, unless --fallback"
head -c 4096 /dev/urandom > $sp/context.7
chown nobody $sp/context.7
"${run[@]}" --dir $sp "${count[@]}" 20 10 > /dev/null 2>> $d/out4 && fail "the job ran"
cat $d/out4
says $d/out4 "cannot restart $sp/context.7"
says $d/out4 "cannot go on from its checkpoint"
"${run[@]}" --dir $sp --fallback "${count[@]}" 20 10 > /dev/null 2>> $d/out5 ||
	fail "the --fallback job failed: $(cat $d/out5)"
cat $d/out5
says $d/out5 "from scratch"
check_seq $d/count 20 "the counter started again"

step "a requeued job without a context fails"
SLURM_RESTART_COUNT=1 "${run[@]}" --dir $sp true > /dev/null 2>> $d/out6 && fail "it ran"
cat $d/out6
says $d/out6 "requeued, but no context file"

step "a spool directory open to others is refused"
chmod 755 $sp
"${run[@]}" --dir $sp true > /dev/null 2>> $d/out7 && fail "it ran"
cat $d/out7
says $d/out7 "open to other users"
step "the module not loaded: said at the start, the checkpoint and a restart"
chmod 700 $sp
mkdir $d/none
# cr_slurm_run where /proc/checkpoint is empty (a command, not a function,
# so that $! is the wrapper's pid)
unloaded=(unshare -m sh -c 'mount --bind "$0" /proc/checkpoint && exec "$@"'
	  $d/none "${run[@]}")
rm -f $d/count
"${unloaded[@]}" --dir $sp "${count[@]}" 30 100 > /dev/null 2>> $d/out8 &
pid=$!
wait_until 60 "the counter did not start" lines_over 3 $d/count
kill -USR2 $pid
wait $pid || fail "the job failed ($?) without the module: $(cat $d/out8)"
cat $d/out8
says $d/out8 "the blcr module is not loaded: .* runs without checkpoints"
says $d/out8 "checkpoint failed: the blcr module is not loaded"
check_seq $d/count 30 "the counter"
# any context: the module is missed before it is read
head -c 4096 /dev/urandom > $sp/context.8
chown nobody $sp/context.8
"${unloaded[@]}" --dir $sp true > /dev/null 2>> $d/out9 && fail "it ran"
cat $d/out9
says $d/out9 "the blcr module is not loaded"
echo "cr_slurm_run: ok"
