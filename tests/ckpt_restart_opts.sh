# cr_restart: refuses a pid in use unless --no-restore-pid, exits with the
# program's status, and passes signals on to it.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
start_counter $d 30 100 7
cr_checkpoint -f $d/ctx --kill $pid || fail "cr_checkpoint exited $?"
wait $pid
k=$(wc -l < $d/out)

# A first restart holds the pid; a second one must be refused.
cr_restart $d/ctx &
rpid=$!
# the restarted counter writes again once it holds its pid
poll 30 - lines_over $k $d/out
out=$(cr_restart $d/ctx 2>&1)
rc=$?
echo "$out"
[ $rc -eq 16 ] || fail "restart over a live pid exited $rc, wanted EBUSY (16)"
echo "$out" | grep -q "pid $pid is in use" || fail "no message naming pid $pid"
wait $rpid
rc=$?
[ $rc -eq 7 ] || fail "cr_restart exited $rc, wanted the program's 7"
check_counter $d 30

# Again from the same file under a new pid.
head -n $k $d/out > $d/out.k && cat $d/out.k > $d/out
cr_restart --no-restore-pid $d/ctx
rc=$?
[ $rc -eq 7 ] || fail "cr_restart --no-restore-pid exited $rc, wanted 7"
check_counter $d 30

# A signal sent to cr_restart reaches the program; cr_restart dies of it.
e=$(mktemp -d)
start_counter $e 600 100
cr_checkpoint -f $e/ctx --kill $pid || fail "second checkpoint"
wait $pid
cr_restart $e/ctx &
rpid=$!
n=$(wc -l < $e/out)
poll 30 - lines_over $n $e/out || fail "the restarted counter does not run"
kill -TERM $rpid
wait $rpid
rc=$?
[ $rc -eq 143 ] || fail "cr_restart exited $rc after SIGTERM, wanted 143"
kill -0 $pid 2>/dev/null && fail "the restarted counter survived SIGTERM"
echo "pid in use refused, exit status and signals passed on"
