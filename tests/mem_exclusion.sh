# Context files hold only the pages a file cannot give back:
#  anon:    1 GiB MAP_NORESERVE mapping (MADV_NOHUGEPAGE; the default
#           policy is the argument anon_thp, mem_exclusion_thp in
#           tests/list) with 10 MiB written (and 100 MiB only read): the context is below 16 MiB, and after restart the pattern
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
ready_secs=120

# run MODE kill|run: sets $size to the context file size.
run() {
	local mode=$1
	step $mode
	rm -rf $d/*
	start_ready $d "$CR_TESTS/cmd/mem_exclusion" $mode
	if [ $2 = kill ]; then
		ckpt_kill $d/ctx
	else
		ckpt_cont $d/ctx
		go_on $d "mem_exclusion: $mode"
	fi
	size=$(stat -c %s $d/ctx)
	echo "$mode: context file $size bytes ($((size / 1024)) KiB)"
	restart_go $d "mem_exclusion: $mode"
}

mode=${1:-anon}
run $mode kill
[ $size -lt $((16 * 1048576)) ] || fail "context file $size bytes >= 16 MiB"
[ $size -ge $((10 * 1048576)) ] || fail "context file $size bytes < the 10 MiB written"
[ $mode = anon ] || { echo ok; exit 0; }

run nofile run
nofile=$size
run file run
[ $size -lt $((20 * 1048576)) ] || fail "context file $size bytes >= 20 MiB"
[ $size -le $((nofile + 1048576)) ] ||
	fail "context file $size bytes, $nofile without the mapping"

run private run
[ $size -lt $((2 * 1048576)) ] || fail "context file $size bytes >= 2 MiB"
echo ok
