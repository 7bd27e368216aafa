# Critical sections (tests/cmd/libcr_cs.c): a checkpoint requested while
# the program is inside one is deferred until it leaves; the program
# checks the order, and cr_checkpoint must take the extra second.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
"$CR_TESTS/cmd/libcr_cs" $d/out &
pid=$!
wait_file $d/out.in-cs $pid || fail "libcr_cs did not start"
t0=$(date +%s%N)
cr_checkpoint -f $d/ctx $pid || fail "cr_checkpoint exited $?"
ms=$((($(date +%s%N) - t0) / 1000000))
echo "cr_checkpoint took $ms ms"
wait $pid
rc=$?
cat $d/out
[ $rc -eq 0 ] && grep -qx OK $d/out || fail "libcr_cs exited $rc"
[ $ms -ge 1000 ] || fail "the checkpoint did not wait for cr_leave_cs"
rm -rf $d
