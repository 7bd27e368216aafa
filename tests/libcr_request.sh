# libcr's request API from a C requester (tests/cmd/libcr_request.c): it
# checkpoints a counter with SIGKILL afterwards, polling for the result;
# the counter dies, restarts from the file and finishes in order.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=60
start_counter $d $limit 100
sleep 0.5
"$CR_TESTS/cmd/libcr_request" $pid $d/ctx $d/report
rc=$?
cat $d/report
[ $rc -eq 0 ] || fail "libcr_request exited $rc"
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "cr_signal SIGKILL did not kill the counter ($rc)"
cr_restart $d/ctx || fail "cr_restart exited $?"
check_counter $d $limit
rm -rf $d
