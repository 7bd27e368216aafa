# Context files hold only the pages a file cannot give back:
#  anon:    1 GiB MAP_NORESERVE mapping (MADV_NOHUGEPAGE; the default
#           policy is in mem_exclusion_thp) with 10 MiB written (and 100 MiB only
#           read): the context is below 16 MiB, and after restart the pattern
#           is intact and untouched pages read as zero (checkpoint --kill);
#  file:    a 200 MiB file mapped PROT_READ MAP_PRIVATE and fully read: the
#           context is no bigger than without the mapping (+1 MiB) and below
#           20 MiB, and the mapping holds the file after restart;
#  private: a MAP_PRIVATE writable file mapping with a few pages modified:
#           they are restored by value while the file keeps its bytes, and
#           the other pages show the file.
# file/nofile/private use the plain checkpoint (the program goes on and
# verifies itself), then restart the context file after it has exited.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
wait_file() {
	local i
	for i in $(seq 1 1200); do
		[ -e "$1" ] && return 0
		kill -0 $pid 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# run MODE kill|run: sets $size to the context file size.
run() {
	local mode=$1 how=$2 rc
	rm -rf $d/*
	# output to a regular file, reopened at restart at its offset
	"$CR_TESTS/cmd/mem_exclusion" $d $mode > $d/log 2>&1 &
	pid=$!
	wait_file $d/ready || fail "$mode: the program did not get ready"
	off=$(stat -c %s $d/log)	# the program's offset in its log
	if [ $how = kill ]; then
		cr_checkpoint -f $d/ctx --kill $pid || fail "$mode: cr_checkpoint exited $?"
		wait $pid
		rc=$?
		[ $rc -eq 137 ] || fail "$mode: the program was not killed (exit $rc)"
		touch $d/go
	else
		cr_checkpoint -f $d/ctx $pid || fail "$mode: cr_checkpoint exited $?"
		touch $d/go
		wait $pid
		rc=$?
		[ $rc -eq 0 ] || fail "$mode: the program failed after the checkpoint (exit $rc)"
	fi
	truncate -s $off $d/log		# as it was at the checkpoint
	size=$(stat -c %s $d/ctx)
	echo "$mode: context file $size bytes ($((size / 1024)) KiB)"
	cr_restart $d/ctx
	rc=$?
	cat $d/log
	grep -q "^mem_exclusion: $mode: ok" $d/log || fail "$mode: the program did not finish ok"
	[ $rc -eq 0 ] || fail "$mode: cr_restart exited $rc (the program's verification failed?)"
}

mode=${MEM_EXCLUSION_ANON:-anon}
run $mode kill
[ $size -lt $((16 * 1048576)) ] || fail "$mode: context file $size bytes >= 16 MiB"
[ $size -ge $((10 * 1048576)) ] || fail "$mode: context file $size bytes < the 10 MiB written"
[ $mode = anon ] || { echo ok; exit 0; }

run nofile run
nofile=$size
run file run
[ $size -lt $((20 * 1048576)) ] || fail "file: context file $size bytes >= 20 MiB"
[ $size -le $((nofile + 1048576)) ] ||
	fail "file: context file $size bytes, $nofile without the mapping"

run private run
[ $size -lt $((2 * 1048576)) ] || fail "private: context file $size bytes >= 2 MiB"
echo ok
