# The destination fails under the checkpoint (ckpt_enospc does a full
# one): a pipe whose reader exits early, given as - (stdout) and as a
# FIFO, and a file system whose writes fail with EIO (a dm-flakey device
# with error_writes; its errors show at fsync).  Each time, with --kill:
# the checkpoint fails with the errno in its message, no file is left (a
# FIFO stays a FIFO), and the target is neither killed nor harmed.  A
# checkpoint through a pipe that is read to the end restarts, read from a
# pipe too.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
mnt=$d/mnt
loop= dm=
export DM_DISABLE_UDEV=1
cleanup() {
	umount $mnt 2> /dev/null
	[ -z "$dm" ] || dmsetup remove --noudevsync $dm
	[ -z "$loop" ] || losetup -d $loop
	rm -rf $d
}
trap cleanup EXIT
mkdir $d/t $d/c $mnt

# dest_fails PATTERN FILE [READER...]: cr_checkpoint -f FILE --kill of a
# mem_checksum, its stdout read by READER (default cat), must fail saying
# PATTERN; the target must go on and end well.
dest_fails() {
	local pat=$1 file=$2 rc
	shift 2
	start_ready $d/t "$CR_TESTS/cmd/mem_checksum" 16
	{
		timeout 60 cr_checkpoint -f $file --kill $pid 2> $d/msg
		echo $? > $d/rc
	} | "${@:-cat}" > /dev/null
	rc=$(cat $d/rc)
	cat $d/msg
	[ $rc -ne 124 ] || fail "cr_checkpoint hung"
	[ $rc -ne 0 ] || fail "the checkpoint succeeded"
	grep -qi "$pat" $d/msg || fail "the message does not say '$pat'"
	kill -0 $pid 2> /dev/null ||
		fail "the target died although the checkpoint failed"
	mem_go $d/t "a failed checkpoint"
	echo "exit $rc, the target went on"
}

step "stdout, a pipe read to the end; restarted from a pipe"
start_counter $d/c 30 100
cr_checkpoint -f - --kill $pid | cat > $d/c/ctx
rc=${PIPESTATUS[0]}
[ $rc -eq 0 ] || fail "cr_checkpoint -f - exited $rc"
wait $pid
cat $d/c/ctx | cr_restart -F 0 || fail "cr_restart -F 0 exited $?"
check_counter $d/c 30

step "stdout, the reader exits early"
dest_fails "broken pipe" - head -c 4096

step "FIFO, the reader exits early"
mkfifo $d/fifo
head -c 4096 $d/fifo > /dev/null &
dest_fails "broken pipe" $d/fifo
wait
[ -p $d/fifo ] || fail "the FIFO was replaced"
[ ! -e $d/.fifo.tmp ] || fail "a temporary file was left"

step "EIO"
# eio_fs: an ext4 (no journal) at $mnt on a dm device whose writes fail
# from now on.
eio_fs() {
	local sz
	modprobe -q dm-flakey && modprobe -q loop || return 1
	command -v dmsetup > /dev/null || return 1
	truncate -s 32M $d/disk
	loop=$(losetup -f --show $d/disk) || return 1
	sz=$(blockdev --getsz $loop)
	dmsetup create --noudevsync cr_eio$$ --table "0 $sz linear $loop 0" ||
		return 1
	dm=cr_eio$$
	modprobe -q ext4
	mkfs.ext4 -q -O ^has_journal /dev/mapper/$dm &&
		mount -t ext4 -o errors=continue /dev/mapper/$dm $mnt || return 1
	dmsetup suspend --noudevsync $dm &&
		dmsetup load $dm --table \
			"0 $sz flakey $loop 0 0 1 1 error_writes" &&
		dmsetup resume --noudevsync $dm
}
if ! eio_fs; then
	echo "EIO case skipped: no dm-flakey device could be set up"
	exit 0
fi
dest_fails "input/output error" $mnt/ctx
left=$(ls -A $mnt | grep -v '^lost+found$')
[ -z "$left" ] || fail "files were left: $left"
echo "every destination failure failed cleanly"
