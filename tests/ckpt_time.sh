# cr_checkpoint --time SEC gives the whole checkpoint up after SEC s, in
# whatever phase it is: exit 110 (ETIMEDOUT), no file left, and the
# targets go on, neither stopped nor killed although --stop or --kill was
# asked.
# 1. A libcr program holding a critical section (tests/cmd/libcr_cs_time):
#    its callbacks defer the checkpoint, which gives up after 2 s; once the
#    program leaves, its late callback sees -ETIMEDOUT, and a new
#    checkpoint with --kill works and restarts.
# 2. A 128 MiB target (mem_checksum) with --time 1: the write, slowed to
#    20 ms a MiB (slow_writes) so that it outlasts 1 s on any guest, is cut
#    short (to stdout: the bytes stop growing; to a file: it is removed;
#    into a FIFO nobody reads: the sleeping write wakes up); the target's
#    memory is intact.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
pid=
trap 'slow_writes 0; [ -z "$pid" ] || kill -KILL $pid 2> /dev/null; rm -rf $d' EXIT
refs0=$(module_refs)

# timed_out SECS ARGS...: cr_checkpoint --time SECS ARGS... $pid must give
# up with ETIMEDOUT after about SECS s; its stdout goes to $d/part.
timed_out() {
	local secs=$1 t0 ms rc
	shift
	t0=$(now_ms)
	cr_checkpoint --time $secs "$@" $pid > $d/part 2> $d/err
	rc=$?
	ms=$(($(now_ms) - t0))
	cat $d/err
	echo "cr_checkpoint exited $rc after $ms ms"
	[ $rc -eq 110 ] || fail "exit $rc, not 110 (ETIMEDOUT)"
	grep -q "^Checkpoint failed: Connection timed out" $d/err ||
		fail "not the timeout message"
	[ $ms -ge $((secs * 1000)) ] && [ $ms -lt $((secs * 1000 + 8000)) ] ||
		fail "it took $ms ms"
	kill -0 $pid 2> /dev/null || fail "the target died"
	not_stopped $pid
	refs_back $refs0
}

# no_file CTX: neither CTX nor a temporary file beside it.
no_file() {
	[ ! -e $1 ] || fail "a context file was left"
	! ls -a "${1%/*}" | grep -q '\.tmp$' || fail "a temporary file was left"
}

step "in a critical section: --time 2 --stop"
"$CR_TESTS/cmd/libcr_cs_time" $d/out &
pid=$!
wait_file $d/out.in-cs $pid || fail "libcr_cs_time did not start"
timed_out 2 --stop -f $d/ctx
no_file $d/ctx
touch $d/out.leave
wait_file $d/out.left $pid 60 ||
	fail "the program did not leave: $(cat $d/out 2> /dev/null)"

step "after the critical section: a checkpoint with --kill and a restart"
ckpt_kill $d/ctx
cr_restart $d/ctx
report_ok $d/out $? cr_restart
pid=
refs_back $refs0

step "128 MiB, --time 1 --kill, to stdout"
start_ready $d "$CR_TESTS/cmd/mem_checksum" 128
slow_writes 20 || fail "the module has no test_write_delay_ms"
timed_out 1 --kill -f -
size=$(stat -c %s $d/part)
echo "$size bytes written"
[ $size -gt 0 ] || fail "the timeout came before the writing"
[ $size -lt $((128 << 20)) ] || fail "the whole memory was written"
sleep 1
[ $(stat -c %s $d/part) -eq $size ] || fail "the writing went on"

step "128 MiB into a FIFO nobody reads, --time 2 --kill"
# The write sleeps once the pipe is full: the timeout must wake it.
mkfifo $d/fifo
exec 3<> $d/fifo
timed_out 2 --kill -f $d/fifo
exec 3<&-

step "128 MiB, --time 1 --kill, to a file"
timed_out 1 --kill -f $d/mem.ctx
no_file $d/mem.ctx
slow_writes 0
mem_go $d "two timed-out checkpoints"
pid=
echo "the target went on with its memory intact"
