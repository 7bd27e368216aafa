# A counter is checkpointed and killed, then restarted: it goes on from
# where it stopped and finishes, each number written exactly once.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=60
start_counter $d $limit 100
sleep 0.5
cr_checkpoint -f $d/ctx --kill $pid || fail "cr_checkpoint exited $?"
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "the counter was not killed (exit $rc)"
[ -f $d/ctx ] || fail "no context file"
[ "$(stat -c %a $d/ctx)" = 400 ] || fail "context file mode $(stat -c %a $d/ctx)"
ls -a $d | grep -q '\.tmp$' && fail "a temporary file was left behind"
before=$(wc -l < $d/out)
[ $before -gt 0 ] && [ $before -lt $limit ] ||
	fail "counter wrote $before lines before the checkpoint"
cr_restart $d/ctx || fail "cr_restart exited $?"
check_counter $d $limit
echo "stopped after $before of $limit, finished after restart"
