# 256 MiB of pseudo-random data in malloc'd memory survive a checkpoint
# (--kill) and restart: the program re-verifies its checksum while it is
# checkpointed, and once more after the restart, and exits 0 only if it
# matches.  Prints the context size and the checkpoint/restart wall times,
# with a dd of the same size to tmpfs as a baseline for the guest's speed.
. "$CR_TESTS/lib.sh"

mib=256
d=$(mktemp -d)
trap 'rm -rf $d' EXIT
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }
wait_file() {
	local i
	for i in $(seq 1 1200); do
		[ -e "$1" ] && return 0
		kill -0 $pid 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

t0=$(now)
dd if=/dev/zero of=$d/dd bs=1M count=$mib 2>/dev/null || fail "dd failed"
t1=$(now)
rm -f $d/dd
echo "baseline: dd of $mib MiB from /dev/zero to tmpfs: $(ms $t0 $t1) ms"

t0=$(now)
# The program's output goes to a regular file: it is reopened at restart
# with its offset, so the program's log goes on where it stopped.
"$CR_TESTS/cmd/mem_checksum" $d $mib > $d/log 2>&1 &
pid=$!
wait_file $d/ready || fail "the program did not get ready"
t1=$(now)
echo "program filled and summed $mib MiB in $(ms $t0 $t1) ms"
t0=$(now)
cr_checkpoint -f $d/ctx --kill $pid || fail "cr_checkpoint exited $?"
t1=$(now)
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "the program was not killed (exit $rc)"
size=$(stat -c %s $d/ctx)
echo "checkpoint: $(ms $t0 $t1) ms, context file $size bytes ($((size / 1048576)) MiB)"
[ $size -ge $((mib * 1048576)) ] || fail "context file smaller than the data"
touch $d/go
t0=$(now)
cr_restart $d/ctx
rc=$?
t1=$(now)
cat $d/log
echo "restart (until the program exited): $(ms $t0 $t1) ms"
go=$(sed -n 's/.*saw go at realtime \([0-9]*\) ms.*/\1/p' $d/log)
[ -n "$go" ] && echo "restart until the program ran again: <= $((go - t0 / 1000000)) ms (includes the rest of the interrupted pass)"
[ $rc -eq 0 ] || fail "cr_restart exited $rc (the program's verification failed?)"
c0=$(sed -n 's/.*MiB at .*, checksum \([0-9a-f]*\)$/\1/p' $d/log)
[ -n "$c0" ] && grep -q "passes, 0 bad words, final checksum $c0 " $d/log ||
	fail "the program's log does not show a good final check"
echo "ok"
