# A target killed while it is being checkpointed: cr_checkpoint ends
# promptly (no hang), and if it fails it leaves no file.  A second,
# untouched process checkpointed the same way afterwards still works, so
# the failed request left the module sound.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
for delay in 0.1 0.5 1; do
	step "kill after $delay s"
	rm -rf $d/*
	start_ready $d "$CR_TESTS/cmd/mem_checksum" 64
	timeout 60 cr_checkpoint -f $d/ctx $pid &
	cpid=$!
	sleep $delay
	kill -9 $pid
	wait $cpid
	rc=$?
	echo "cr_checkpoint exited $rc"
	[ $rc -ne 124 ] || fail "cr_checkpoint hung"
	[ $rc -eq 0 ] || [ ! -e $d/ctx ] || fail "a failed checkpoint left a file"
	wait $pid 2>/dev/null
done

step "afterwards"
rm -rf $d/*
start_counter $d 30 100
cr_checkpoint -f $d/ctx --kill $pid || fail "cr_checkpoint exited $?"
wait $pid
cr_restart $d/ctx || fail "cr_restart exited $?"
check_counter $d 30
echo "no hang, no file left, the module still works"
