# The requester (cr_checkpoint) is killed with SIGKILL while the module
# writes a 384 MiB target, slowed to 10 ms a MiB (slow_writes): the
# checkpoint is abandoned, and although it asked for --kill the target
# lives on, is not left stopped nor inside the module (its module
# references go), and its memory is intact; no file is left (the file is
# unnamed, O_TMPFILE, until complete).  Then a
# checkpoint of the same target works and its context restarts.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'slow_writes 0; rm -rf $d' EXIT
refs0=$(module_refs)
start_ready $d "$CR_TESTS/cmd/mem_checksum" 384
slow_writes 10 || fail "the module has no test_write_delay_ms"

# The writing lasts at least 3.8 s; the delays are read's timeouts on a
# FIFO nobody writes (a sleep command takes long to start under TCG).
mkfifo $d/never
exec 9<> $d/never
for delay in 0 0.05 0.1; do
	step "cr_checkpoint killed ${delay}s into the writing"
	ckpt_bg $d/ctx --kill $pid
	read -t $delay -u 9
	kill -KILL $cpid 2> /dev/null
	wait $cpid
	rc=$?
	[ $rc -eq 137 ] ||
		fail "cr_checkpoint ended (exit $rc) before it could be killed"
	kill -0 $pid 2> /dev/null || fail "the target died with its requester"
	refs_back $refs0
	not_stopped $pid
	[ ! -e $d/ctx ] || fail "a context file appeared"
	[ ! -e $d/.ctx.tmp ] || fail "the killed requester left its temporary file"
	echo "the target lives on"
done

step "a checkpoint of the same target afterwards"
slow_writes 0
ckpt_kill $d/ctx
[ ! -e $d/.ctx.tmp ] || fail "the temporary file was left"
restart_go $d
grep -q " 0 bad words" $d/log || fail "bad memory after the restart"
refs_back $refs0
echo "abandoned three times, then checkpointed and restarted"
