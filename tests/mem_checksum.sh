# 256 MiB of pseudo-random data in malloc'd memory survive a checkpoint
# (--kill) and restart: the program re-verifies its checksum while it is
# checkpointed, and once more after the restart, and exits 0 only if it
# matches.  Prints the context size and the checkpoint/restart wall times,
# with a dd of the same size to tmpfs as a baseline for the guest's speed.
# The checkpoint runs with --progress, which must have shown the bytes
# written (the write takes seconds under TCG).
. "$CR_TESTS/lib.sh"

mib=256
d=$(mktemp -d)
trap 'rm -rf $d' EXIT
ready_secs=120

t0=$(now_ms)
dd if=/dev/zero of=$d/dd bs=1M count=$mib 2>/dev/null || fail "dd failed"
echo "baseline: dd of $mib MiB from /dev/zero to tmpfs: $(($(now_ms) - t0)) ms"
rm -f $d/dd

t0=$(now_ms)
start_ready $d "$CR_TESTS/cmd/mem_checksum" $mib
echo "program filled and summed $mib MiB in $(($(now_ms) - t0)) ms"
ckpt_kill $d/ctx --progress 2> $d/progress
tr '\r' '\n' < $d/progress | grep "MiB in" | tail -n 1
last=$(tr "\r" "\n" < $d/progress |
	sed -n 's/^cr_checkpoint: \([0-9]*\)\..* MiB in .*/\1/p' |
	tail -n 1)
[ -n "$last" ] || fail "--progress showed nothing: $(cat $d/progress)"
size=$(stat -c %s $d/ctx)
[ $last -le $((size / 1048576)) ] || fail "--progress showed $last MiB"
echo "context file $size bytes ($((size / 1048576)) MiB)"
[ $size -ge $((mib * 1048576)) ] || fail "context file smaller than the data"
t0=$(now_ms)
restart_go $d
echo "restart (until the program exited): $(($(now_ms) - t0)) ms"
go=$(sed -n 's/.*saw go at realtime \([0-9]*\) ms.*/\1/p' $d/log)
[ -n "$go" ] && echo "restart until the program ran again: <= $((go - t0)) ms (includes the rest of the interrupted pass)"
mem_ok $d
echo "ok"
