# libcr in an MPI-like runtime (tests/cmd/libcr_mpi.c, contrib/mpi/README):
# a launcher and 3 ranks pass tokens round a ring, each adding every hop
# to its checksum.  Its proxy asks for a --tree checkpoint of the job
# mid-run and leaves itself out; the callbacks quiesce the ranks, which
# drain their channels, and the job goes on to the checksum of an
# uninterrupted run.  Restarted from that context, and from one taken
# with SIGKILL afterwards, the callbacks see the restart and the job
# ends with the same checksum again.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
prog=$CR_TESTS/cmd/libcr_mpi

# check_run OUT RC WHO MODE: the job's reports are OK, it ran as MODE and
# its checksum is the uninterrupted run's.
check_run() {
	local k
	report_ok $1 $2 "$3"
	for k in 0 1 2; do
		grep -qx OK $1.rank$k || fail "rank $k: $(cat $1.rank$k)"
	done
	cat $1.sum
	read -r _ sum _ mode _ <$1.sum
	[ "$mode" = $4 ] || fail "the job ran $mode, not $4"
	[ -z "${sum0:-}" ] || [ "$sum" = "$sum0" ] ||
		fail "checksum $sum, not $sum0 as without a checkpoint"
}

step "uninterrupted"
timeout 60 "$prog" plain $d/plain
check_run $d/plain $? "the job" plain
read -r _ sum0 _ <$d/plain.sum

step "checkpoint mid-run, the job goes on"
timeout 120 "$prog" cont $d/cont $d/ctx1
check_run $d/cont $? "the job" continued
grep -qx OK $d/cont.proxy || fail "proxy: $(cat $d/cont.proxy)"

step "restart of that checkpoint"
rm -f $d/cont $d/cont.sum $d/cont.rank*
timeout 120 cr_restart $d/ctx1
check_run $d/cont $? cr_restart restarted

step "checkpoint mid-run with SIGKILL, restart"
"$prog" kill $d/kill $d/ctx2 &
pid=$!
wait $pid
rc=$?
[ $rc -eq 137 ] || fail "the launcher was not killed (exit $rc)"
wait_file $d/kill.proxy - 30 || fail "the proxy wrote no report"
grep -qx OK $d/kill.proxy || fail "proxy: $(cat $d/kill.proxy)"
[ ! -e $d/kill ] || fail "the job ended before the checkpoint"
timeout 120 cr_restart $d/ctx2
check_run $d/kill $? cr_restart restarted
rm -rf $d
