# Nested epolls, and an epoll watching stdin, a pipe from outside the
# checkpoint: after restart the watch is on cr_restart's stdin, which the
# outer epoll reports with its data (tests/cmd/evfiles.c).
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
mkfifo $d/in
sleep 300 > $d/in &
spid=$!
trap 'kill $spid 2> /dev/null; rm -rf $d' EXIT
"$CR_TESTS/cmd/evfiles" $d epoll2 < $d/in > $d/log 2>&1 &
pid=$!
wait_file $d/ready $pid 60 || { cat $d/log; fail "the program did not get ready"; }
ckpt_kill $d/ctx
touch $d/go
echo x | cr_restart $d/ctx
rc=$?
echo "--- after restart:"
cat $d/log
[ $rc -eq 0 ] || fail "cr_restart exited $rc"
said_ok $d evfiles
echo ok
