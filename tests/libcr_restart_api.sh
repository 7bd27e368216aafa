# libcr's restart requests (tests/cmd/libcr_restart.c): a counter is
# checkpointed and killed through cr_request_checkpoint(), restarted
# through cr_request_restart() and cr_poll_restart() with its pid, and
# finishes in order with its exit status (a counter that had not been
# killed, or restarted from the start, would repeat numbers); a file that
# is not a context fails through cr_reap_restart().
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=60
start_counter $d $limit 100 7
sleep 0.5
head -c 4096 /dev/urandom > $d/bad
CR_RESTART=$(command -v cr_restart) \
	"$CR_TESTS/cmd/libcr_restart" $pid $d/ctx $d/bad 7 $d/report
rc=$?
cat $d/report
[ $rc -eq 0 ] || fail "libcr_restart exited $rc"
check_counter $d $limit
rm -rf $d
