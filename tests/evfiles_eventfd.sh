# An eventfd with a count (and a semaphore one) shared by a parent and its
# child comes back with its count, flags and sharing (tests/cmd/evfiles.c).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
start_ready $d $CR_TESTS/cmd/evfiles eventfd
ckpt_kill $d/ctx --tree
sleep 2
restart_go $d evfiles
echo ok
