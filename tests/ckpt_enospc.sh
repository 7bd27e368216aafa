# The destination fills up: a checkpoint of 16 MiB of data into a 4 MiB
# tmpfs fails with ENOSPC in its message, with --kill asked; no file (nor
# its temporary) is left, and the target was neither killed nor harmed: it
# goes on, verifies its memory, and exits 0.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
small=$(mktemp -d)
trap 'umount $small 2>/dev/null; rm -rf $d $small' EXIT
mount -t tmpfs -o size=4m tmpfs $small || skip "cannot mount a small tmpfs"
start_ready $d "$CR_TESTS/cmd/mem_checksum" 16
out=$(cr_checkpoint -f $small/ctx --kill $pid 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] || fail "a checkpoint into a full file system succeeded"
echo "$out" | grep -qi "no space left" || fail "the message does not say ENOSPC"
[ -z "$(ls -A $small)" ] || fail "files were left: $(ls -A $small)"
kill -0 $pid 2>/dev/null || fail "the target died although the checkpoint failed"
mem_go $d "the failed checkpoint"
echo "failed cleanly with ENOSPC; the target went on"
