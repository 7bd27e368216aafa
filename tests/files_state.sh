# Open file state survives checkpoint/restart: offsets (mid-file, O_APPEND,
# O_RDONLY), a dup'ed pair sharing its offset, FD_CLOEXEC set and not,
# O_NONBLOCK, fd 100, /dev/null, /dev/zero, /dev/urandom and a directory fd
# used with openat.  Plain checkpoint first (the program goes on and checks
# itself); then the files are put back as they were at the checkpoint, a
# line is appended to the O_APPEND file by someone else, and the context is
# restarted: the program's own checks pass and its O_APPEND write lands
# after the other line.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
wait_file() {
	local i
	for i in $(seq 1 600); do
		[ -e "$1" ] && return 0
		kill -0 $pid 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

mkdir $d/w
"$CR_TESTS/cmd/files_state" $d/w > $d/log 2>&1 &
pid=$!
wait_file $d/w/ready || { cat $d/log; fail "the program did not get ready"; }
off=$(stat -c %s $d/log)	# the program's offset in its log
cr_checkpoint -f $d/ctx $pid || fail "cr_checkpoint exited $?"
cp -a $d/w $d/snap
touch $d/w/go
wait $pid
rc=$?
cat $d/log
[ $rc -eq 0 ] || fail "the program failed after the checkpoint (exit $rc)"
grep -q "^files_state: ok" $d/log || fail "the program did not finish ok"

for f in rw ro app dup high; do
	cp $d/snap/$f $d/w/$f || fail "cp $f"
done
rm -f $d/w/viaat
echo external >> $d/w/app
truncate -s $off $d/log		# as it was at the checkpoint
cr_restart $d/ctx
rc=$?
echo "--- after restart:"
cat $d/log
[ $rc -eq 0 ] || fail "cr_restart exited $rc (the program's verification failed?)"
grep -q "^files_state: ok" $d/log || fail "the restarted program did not finish ok"
printf 'line0\nexternal\nline1\n' | cmp - $d/w/app || fail "the O_APPEND file holds: $(cat $d/w/app)"
echo ok
