# libcr's restart requests (tests/cmd/libcr_restart.c): a counter is
# checkpointed and killed through cr_request_checkpoint(), restarted
# through cr_request_restart() and cr_poll_restart() with its pid, and
# finishes in order as the caller's child, which waits for it and gets
# its exit status, the sum it counted (a counter that had not been
# killed, or restarted from the start, would repeat numbers), in its
# directory moved elsewhere and relocated with cr_relocate; a file that
# is not a context fails through cr_reap_restart().
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
limit=60
mkdir $d/a
start_counter $d/a $limit 100 sum
sleep 0.5
head -c 4096 /dev/urandom > $d/bad
CR_RESTART=$(command -v cr_restart) \
	"$CR_TESTS/cmd/libcr_restart" $pid $d/ctx $d/bad \
	$((limit * (limit - 1) / 2 % 256)) $d/report $d/a $d/b
rc=$?
cat $d/report
[ $rc -eq 0 ] || fail "libcr_restart exited $rc"
# Its directory moved to b, where cr_relocate sent it.
check_counter $d/b $limit
rm -rf $d
