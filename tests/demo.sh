# The README demo: a counter is checkpointed, killed, restarted, and goes
# on from where it stopped.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
echo "== $(cr_checkpoint --version | tail -n 1)"
echo "== start a counter that writes 0..59 to $d/out, one number per 0.1 s"
"$CR_TESTS/cmd/cr_counter" $d/out 60 100 &
pid=$!
sleep 1.2
echo "== counter (pid $pid) has written: $(tr '\n' ' ' < $d/out)"
echo "== cr_checkpoint --kill -f $d/context $pid"
cr_checkpoint --kill -f $d/context $pid || fail "cr_checkpoint exited $?"
wait $pid 2>/dev/null
echo "== the counter is gone (exit status $?); context file:"
ls -l $d/context
echo "== cr_restart $d/context"
cr_restart $d/context || fail "cr_restart exited $?"
echo "== the restarted counter finished; the file now holds:"
tr '\n' ' ' < $d/out
echo
seq 0 59 | cmp -s - $d/out || fail "the numbers are not 0..59, each once"
echo "== every number exactly once: it continued where it stopped"
