# An Open MPI job (tests/cmd/mpi_ring.c, 2 ranks): mpirun holds TCP
# listeners on 0.0.0.0, 127.0.0.1 and ::, loopback connections to its
# ranks and an epoll watching them, the ranks their own TCP listeners.
# Checkpointed mid-run with --tree --kill and restarted at once, the job
# finishes with the right token.
. "$CR_TESTS/lib.sh"

command -v mpicc.openmpi > /dev/null || skip "no mpicc.openmpi"
d=$(mktemp -d)
trap 'kill $pid 2> /dev/null; rm -rf $d' EXIT
mpicc.openmpi -o $d/mpi_ring "$CR_TESTS/cmd/mpi_ring.c" ||
	fail "cannot build mpi_ring"
# mpirun wants a host name, and root must insist.
hostname node1 2> /dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd $d
mpirun.openmpi --oversubscribe -n 2 $d/mpi_ring 150 > $d/log 2>&1 < /dev/null &
pid=$!
poll 120 $pid grep -q "round 20" $d/log || { cat $d/log; fail "the job did not start"; }
ckpt_kill $d/ctx --tree
# The ranks, killed too, must be gone for their pids to come back.
poll 30 - eval '! pgrep -f "$d/mpi_ring" > /dev/null' ||
	fail "the ranks are still there"
grep -q "^round 140" $d/log && fail "the job was too far on to tell"
# The restarted mpirun writes where cr_restart does (fds 0-2).
cr_restart $d/ctx >> $d/log || fail "cr_restart exited $?"
cat $d/log
said_ok $d mpi_ring
[ $(grep -c "^round" $d/log) -eq 15 ] || fail "rounds lost or repeated"
echo ok
