# An epoll instance watching a pipe, an eventfd and a timerfd comes back
# with its watches: after restart each event fires with its own data
# (tests/cmd/evfiles.c).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
start_ready $d $CR_TESTS/cmd/evfiles epoll
ckpt_kill $d/ctx
sleep 2
restart_go $d evfiles
echo ok
