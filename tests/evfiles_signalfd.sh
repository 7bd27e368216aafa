# A signalfd comes back with its mask and flags and reads a signal sent
# after restart (tests/cmd/evfiles.c).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
start_ready $d $CR_TESTS/cmd/evfiles signalfd
ckpt_kill $d/ctx
sleep 2
restart_go $d evfiles
echo ok
