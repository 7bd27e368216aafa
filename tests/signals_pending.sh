# Pending signals survive checkpoint/restart: thread-directed (SIGUSR1,
# SIGRTMIN+3 with a value) and process-directed ones (SIGUSR2, SIGRTMIN+2
# twice with values 42, 43), sent while blocked before the checkpoint,
# are still pending afterwards and delivered once unblocked.
# Plain checkpoint first (the program goes on and checks itself), then a
# checkpoint with --kill and a restart from that context file.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
cont_kill_test $d signals_pending
echo ok
