// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Netlink sockets across a checkpoint.  Usage: nlsocks DIR MODE, MODE
 *
 * keep    fd 10: NETLINK_ROUTE bound to an explicit nl_pid, in groups 1
 *         and 33 (ADD_MEMBERSHIP), NETLINK_NO_ENOBUFS, SO_RCVBUF, idle;
 *         fd 11: NETLINK_ROUTE autobound by an RTM_GETLINK dump it read,
 *         with NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK and SO_RCVTIMEO,
 *         watched by an epoll (fd 15);
 *         fd 12: NETLINK_KOBJECT_UEVENT bound to group 1 (autobound
 *         port id), SO_PASSCRED and NETLINK_PKTINFO;
 *         fd 13: NETLINK_GENERIC, never bound;
 *         fd 14: NETLINK_ROUTE with a dump's answer queued, unread.
 *         After the checkpoint each fd has the same family, type,
 *         protocol, port id, groups and options; fd 11 and fd 10 answer
 *         a dump with "lo", stamped with their port id, and the epoll
 *         reports fd 11; fd 12 gets the uevent of a write to lo's
 *         uevent file.  fd 14: a socket that went on (same inode) reads
 *         its queued answer; a restarted one (new inode) reports
 *         ENOBUFS once, then answers a new dump.  Creates
 *         DIR/continued or DIR/restarted.
 * packet  fd 10: an AF_PACKET socket: refused (the test checkpoints it).
 * raw     fd 10: a raw ICMP socket: refused.
 * filter  fd 10: a uevent socket with a socket filter (as libudev's):
 *         refused, naming the filter.
 *
 * Creates DIR/ready, waits for DIR/go, checks, says "nlsocks: ok".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "../cr_test_util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

enum { NFDS = 5, FD0 = 10, EPFD = 15 };

/* The int options kept: PKTINFO, BROADCAST_ERROR, NO_ENOBUFS, CAP_ACK,
 * EXT_ACK, GET_STRICT_CHK. */
#define NL_OPTS	((1 << 3) | (1 << 4) | (1 << 5) | (1 << 10) | (1 << 11) | \
		 (1 << 12))

/* What a socket was before the checkpoint. */
struct nl_state {
	int type, protocol, domain;
	struct sockaddr_nl name;
	uint32_t groups[32];
	socklen_t groups_len;
	int opts[13];		/* SOL_NETLINK options 3-12 */
	int passcred, rcvbuf;
	struct timeval rcvtimeo;
	ino_t ino;
};

static const char *dir;
static uint32_t seq = 1;

static ino_t ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

static int nl_open(int fd, int type, int protocol)
{
	return cr_at(socket(AF_NETLINK, type, protocol), fd);
}

static void set_int(int fd, int level, int opt, int v)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)) < 0)
		cr_die("setsockopt");
}

static void nl_bind(int fd, uint32_t pid, uint32_t groups)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_pid = pid,
				 .nl_groups = groups };

	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		cr_die("bind");
}

static int get_int(int fd, int level, int opt)
{
	socklen_t len = sizeof(int);
	int v = -1;

	if (getsockopt(fd, level, opt, &v, &len) < 0)
		return -errno;
	return v;
}

static void get_state(int fd, struct nl_state *s)
{
	socklen_t len = sizeof(s->name);
	int opt;

	memset(s, 0, sizeof(*s));
	s->type = get_int(fd, SOL_SOCKET, SO_TYPE);
	s->protocol = get_int(fd, SOL_SOCKET, SO_PROTOCOL);
	s->domain = get_int(fd, SOL_SOCKET, SO_DOMAIN);
	getsockname(fd, (struct sockaddr *)&s->name, &len);
	s->groups_len = sizeof(s->groups);
	if (getsockopt(fd, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, s->groups,
		       &s->groups_len) < 0)
		s->groups_len = 0;
	for (opt = 3; opt <= 12; opt++)
		if (NL_OPTS & (1 << opt))
			s->opts[opt] = get_int(fd, SOL_NETLINK, opt);
	s->passcred = get_int(fd, SOL_SOCKET, SO_PASSCRED);
	s->rcvbuf = get_int(fd, SOL_SOCKET, SO_RCVBUF);
	len = sizeof(s->rcvtimeo);
	getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &s->rcvtimeo, &len);
	s->ino = ino_of(fd);
}

static void same_state(int fd, const struct nl_state *was)
{
	struct nl_state now;
	int opt;

	get_state(fd, &now);
	if (now.domain != AF_NETLINK || now.type != was->type ||
	    now.protocol != was->protocol)
		cr_bad("fd %d: domain %d type %d protocol %d, was %d %d %d",
		       fd, now.domain, now.type, now.protocol, was->domain,
		       was->type, was->protocol);
	if (now.name.nl_pid != was->name.nl_pid ||
	    now.name.nl_groups != was->name.nl_groups)
		cr_bad("fd %d: nl_pid %u groups %#x, was %u %#x", fd,
		       now.name.nl_pid, now.name.nl_groups, was->name.nl_pid,
		       was->name.nl_groups);
	if (now.groups_len != was->groups_len ||
	    memcmp(now.groups, was->groups, was->groups_len))
		cr_bad("fd %d: other memberships (%u bytes, was %u)", fd,
		       now.groups_len, was->groups_len);
	for (opt = 3; opt <= 12; opt++)
		if (now.opts[opt] != was->opts[opt])
			cr_bad("fd %d: SOL_NETLINK option %d is %d, was %d",
			       fd, opt, now.opts[opt], was->opts[opt]);
	if (now.passcred != was->passcred || now.rcvbuf != was->rcvbuf ||
	    now.rcvtimeo.tv_sec != was->rcvtimeo.tv_sec)
		cr_bad("fd %d: passcred %d rcvbuf %d rcvtimeo %ld, was %d %d %ld",
		       fd, now.passcred, now.rcvbuf, (long)now.rcvtimeo.tv_sec,
		       was->passcred, was->rcvbuf, (long)was->rcvtimeo.tv_sec);
}

/* Asks for a dump of the links: returns the request's seq. */
static uint32_t ask_links(int fd)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = ++seq },
		.i = { .ifi_family = AF_UNSPEC },
	};

	if (send(fd, &req, sizeof(req), 0) != sizeof(req))
		cr_die("send");
	return seq;
}

/* Whether one message names "lo". */
static int names_lo(struct nlmsghdr *h)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct rtattr *a = IFLA_RTA(ifi);
	int len = IFLA_PAYLOAD(h);

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME && !strcmp(RTA_DATA(a), "lo"))
			return 1;
	return 0;
}

/*
 * Reads a dump's answer to the end: 1 if it names "lo", every message
 * stamped with port id pid and request seq sq; -errno.
 */
static int read_links(int fd, uint32_t pid, uint32_t sq)
{
	static char buf[32768];
	int lo = 0;

	for (;;) {
		int n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (n < 0)
			return -errno;
		for (; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_pid != pid || h->nlmsg_seq != sq) {
				cr_bad("fd %d: answer to port %u seq %u, not %u %u",
				       fd, h->nlmsg_pid, h->nlmsg_seq, pid, sq);
				return 0;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return lo;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EPROTO;
			lo |= h->nlmsg_type == RTM_NEWLINK && names_lo(h);
		}
	}
}

static uint32_t port_of(int fd)
{
	struct sockaddr_nl a;
	socklen_t len = sizeof(a);

	getsockname(fd, (struct sockaddr *)&a, &len);
	return a.nl_pid;
}

static void dump_names_lo(int fd)
{
	uint32_t sq = ask_links(fd);
	int r = read_links(fd, port_of(fd), sq);

	if (r != 1)
		cr_bad("fd %d: the dump did not name lo (%d)", fd, r);
}

/* A uevent on fd 12 for a write to lo's uevent file, unless it cannot. */
static void check_uevent(void)
{
	static char buf[8192];
	int u = open("/sys/class/net/lo/uevent", O_WRONLY), n;

	if (u < 0 || write(u, "change", 6) != 6) {
		printf("nlsocks: no uevent to send (%s), not checked\n",
		       strerror(errno));
		return;
	}
	close(u);
	do
		n = recv(12, buf, sizeof(buf) - 1, 0);
	while (n > 0 && !memmem(buf, n, "change@", 7));
	if (n <= 0)
		cr_bad("fd 12: no uevent (%s)", n < 0 ? strerror(errno) : "EOF");
}

static void keep(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xbeef11 };
	struct timeval tv = { .tv_sec = 5 };
	struct nl_state was[NFDS];
	uint32_t sq11, sq14;
	int i, r, g = 33;

	nl_open(10, SOCK_RAW, NETLINK_ROUTE);
	nl_bind(10, 0x40000000 + getpid(), 1);
	if (setsockopt(10, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g,
		       sizeof(g)) < 0)
		cr_die("NETLINK_ADD_MEMBERSHIP");
	set_int(10, SOL_NETLINK, NETLINK_NO_ENOBUFS, 1);
	set_int(10, SOL_SOCKET, SO_RCVBUF, 65536);

	nl_open(11, SOCK_RAW, NETLINK_ROUTE);
	set_int(11, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	set_int(11, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
	if (setsockopt(11, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		cr_die("SO_RCVTIMEO");
	dump_names_lo(11);
	if (port_of(11) != (uint32_t)getpid())
		cr_bad("fd 11 autobound to %u, not to the pid", port_of(11));

	nl_open(12, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	set_int(12, SOL_SOCKET, SO_PASSCRED, 1);
	set_int(12, SOL_NETLINK, NETLINK_PKTINFO, 1);
	if (setsockopt(12, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		cr_die("SO_RCVTIMEO");
	nl_bind(12, 0, 1);

	nl_open(13, SOCK_RAW, NETLINK_GENERIC);
	nl_open(14, SOCK_RAW, NETLINK_ROUTE);
	if (setsockopt(14, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		cr_die("SO_RCVTIMEO");
	sq14 = ask_links(14);

	cr_at(epoll_create1(0), EPFD);
	if (epoll_ctl(EPFD, EPOLL_CTL_ADD, 11, &ev) < 0)
		cr_die("epoll_ctl");
	for (i = 0; i < NFDS; i++)
		get_state(FD0 + i, &was[i]);

	cr_ready_wait_go(dir);

	for (i = 0; i < NFDS; i++)
		same_state(FD0 + i, &was[i]);
	if (port_of(13))
		cr_bad("fd 13 is bound (to %u)", port_of(13));
	dump_names_lo(10);
	sq11 = ask_links(11);
	r = epoll_wait(EPFD, &ev, 1, 5000);
	if (r != 1 || ev.data.u64 != 0xbeef11)
		cr_bad("the epoll reports %d (data %#llx)", r,
		       (unsigned long long)ev.data.u64);
	r = read_links(11, port_of(11), sq11);
	if (r != 1)
		cr_bad("fd 11: the dump did not name lo (%d)", r);
	check_uevent();

	r = read_links(14, port_of(14), sq14);
	if (was[4].ino == ino_of(14)) {
		cr_touch(dir, "continued");
		if (r != 1)
			cr_bad("fd 14: its queued answer is gone (%d)", r);
	} else {
		cr_touch(dir, "restarted");
		if (r != -ENOBUFS)
			cr_bad("fd 14: %d, not ENOBUFS, for its lost answer", r);
		dump_names_lo(14);
	}
}

static void packet(void)
{
	cr_at(socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), 10);
	cr_ready_wait_go(dir);
}

static void filter(void)
{
	struct sock_filter accept = BPF_STMT(BPF_RET | BPF_K, 0xffff);
	struct sock_fprog prog = { .len = 1, .filter = &accept };

	nl_open(10, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT);
	if (setsockopt(10, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)) < 0)
		cr_die("SO_ATTACH_FILTER");
	cr_ready_wait_go(dir);
}

static void raw(void)
{
	cr_at(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), 10);
	cr_ready_wait_go(dir);
}

int main(int argc, char **argv)
{
	static const struct cr_mode modes[] = {
		{ "keep", keep }, { "packet", packet }, { "raw", raw },
		{ "filter", filter }, { NULL, NULL }
	};

	cr_start(argc, argv, 2, "DIR keep|packet|raw|filter");
	dir = argv[1];
	cr_run_mode(argv[2], modes);
	return cr_result();
}
