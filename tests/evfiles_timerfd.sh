# A timerfd with at most 4 s left fires that long after restart, not at once
# nor from the start, however long the restart waited; an expiration not
# read yet is still there (tests/cmd/evfiles.c).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
start_ready $d $CR_TESTS/cmd/evfiles timerfd
ckpt_kill $d/ctx
sleep 2
restart_go $d evfiles
echo ok
