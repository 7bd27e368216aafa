# Open file state survives checkpoint/restart: offsets (mid-file, O_APPEND,
# O_RDONLY), a dup'ed pair sharing its offset, FD_CLOEXEC set and not,
# O_NONBLOCK, fd 100, /dev/null, /dev/zero, /dev/urandom, a directory fd
# used with openat, and a deleted file open write-only (written on, its
# contents read back through /proc/self/fd).  Plain checkpoint first (the program goes on and checks
# itself); then the files are put back as they were at the checkpoint, a
# line is appended to the O_APPEND file by someone else, and the context is
# restarted: the program's own checks pass and its O_APPEND write lands
# after the other line.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
mkdir $d/w
step cont
start_ready $d/w "$CR_TESTS/cmd/files_state"
ckpt_cont $d/w/ctx
cp -a $d/w $d/snap	# the files as the checkpoint saw them
go_on $d/w files_state

step restart
for f in rw ro app dup high; do
	cp $d/snap/$f $d/w/$f || fail "cp $f"
done
rm -f $d/w/viaat
echo external >> $d/w/app
restart_go $d/w files_state
printf 'line0\nexternal\nline1\n' | cmp - $d/w/app || fail "the O_APPEND file holds: $(cat $d/w/app)"
echo ok
