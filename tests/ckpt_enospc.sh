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
ckpt_refused $small/ctx "[Nn]o space left"
[ -z "$(ls -A $small)" ] || fail "files were left: $(ls -A $small)"
kill -0 $pid 2>/dev/null || fail "the target died although the checkpoint failed"
mem_go $d "the failed checkpoint"
echo "failed cleanly with ENOSPC; the target went on"
