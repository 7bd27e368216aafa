# An epoll watch whose fd number no longer holds the watched file (the
# pipe was moved from fd 5 to fd 6) cannot be registered again: the
# checkpoint is refused before anything is written, with a message naming
# the epoll's fd and the watched fd, and the target goes on unharmed.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'rm -rf $d' EXIT
start_ready $d $CR_TESTS/cmd/evfiles epoll_gone
ckpt_refused $d/ctx "fd 10.*fd 5"
touch $d/go
wait $pid
rc=$?
cat $d/log
[ $rc -eq 0 ] || fail "the target did not finish normally (exit $rc)"
said_ok $d evfiles
