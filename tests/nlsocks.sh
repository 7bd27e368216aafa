# Netlink sockets (tests/cmd/nlsocks.c): route, uevent and generic
# sockets, bound explicitly, autobound or not at all, in groups, with
# options and an epoll watch, come back alike after a checkpoint that
# went on and after a restart; an answer that was queued is there after
# the first and reported lost (ENOBUFS) after the second.  Then an
# AF_PACKET socket, a raw ICMP socket and a netlink socket with a
# socket filter are refused by name, the program left running.
. "$CR_TESTS/lib.sh"

d=$(mktemp -d)
trap 'kill $pid 2> /dev/null; rm -rf $d' EXIT

cycle $d -c nlsocks keep
[ -e $d/cont/continued ] || fail "the first run did not go on"
[ -e $d/kill/restarted ] || fail "the second was not restarted"

refused() {
	step "refused $1"
	start_ready $d "$CR_TESTS/cmd/nlsocks" $1
	ckpt_refused $d/ctx "pid $pid fd 10: $2"
	touch $d/go
	wait $pid || fail "the program failed after the refusal"
	said_ok $d nlsocks
}
sock="cannot save socket:\[[0-9]*\]"
refused packet "$sock (AF_PACKET SOCK_RAW socket)"
refused raw "$sock (AF_INET SOCK_RAW socket, protocol 1)"
refused filter "netlink socket (protocol 15) with a socket filter attached"
echo ok
