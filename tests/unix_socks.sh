# Unix sockets (tests/cmd/unix_socks.c): socketpairs of each type with
# data queued both ways, shutdown state, a closed peer, listeners at a
# path (whose stale socket file cr_restart replaces) and an abstract name,
# an epoll watching a socket, bound datagram sockets with datagrams
# queued.  Then what must be refused, naming the process and fd, with
# the target left running: a peer outside the
# checkpoint (which --close-outside-sockets brings back closed), fds in
# flight.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'kill $pid 2> /dev/null; rm -rf $d' EXIT
prog="$CR_TESTS/cmd/unix_socks"

start_ready $d "$prog" pairs
ckpt_kill $d/ctx --tree
[ -S $d/srv ] || fail "no stale socket file left to replace"
restart_go $d unix_socks
mkdir $d/dgram
start_ready $d/dgram "$prog" dgram
ckpt_kill $d/dgram/ctx
restart_go $d/dgram unix_socks

refused() {
	start_ready $d "$prog" $1
	ckpt_refused $d/ctx$1 "pid $pid $2"
	touch $d/go
	wait $pid || fail "$1: the program failed after the refusal"
	said_ok $d unix_socks
}
refused outside "fd 10: unix socket connected to a process outside"
# Unless asked to bring it back with its peer closed.
start_ready $d "$prog" outside_closed
ckpt_kill $d/ctx2 --close-outside-sockets
restart_go $d unix_socks
refused inflight "fd 11: unix socket with fds in flight"
echo ok
