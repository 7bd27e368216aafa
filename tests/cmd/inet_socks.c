// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TCP and UDP sockets across a checkpoint.  Usage: inet_socks DIR MODE
 * [ARG], MODE one of
 *
 * tcp4, tcp6  One process, over 127.0.0.1 or ::1, holds:
 *           - fd 10: a listener (SO_REUSEADDR; IPV6_V6ONLY on tcp6);
 *           - fds 11, 12: a connection (11 with TCP_NODELAY, keepalive
 *             77/11/5, SO_LINGER 3 s, non-blocking; 12 with SO_SNDBUF
 *             and SO_RCVBUF set): 11 wrote until EAGAIN, 12 read 3000
 *             bytes, 11 wrote until EAGAIN again; 12 wrote 5000 bytes,
 *             11 read 1000 of them;
 *           - fds 13, 14: a connection 13 shut down for writing after
 *             "last words"; 14 wrote 100 bytes 13 did not read;
 *           - fd 15: connected to 10, not accepted, after "pending hello";
 *           - fd 16: an epoll watching 10 (data 0x1111) and 12 (0x2222);
 *           - fd 17: UDP bound (SO_REUSEADDR, SO_RCVBUF), 18: UDP bound
 *             and connected to 17, a datagram sent to 17 not read;
 *           - fds 19, 20: a connection with nothing queued, accepted
 *             from a listener without SO_REUSEADDR since closed.
 *           Afterwards: the same names, peers, flags and options; the
 *           epoll reports 10 and 12; 10 accepts 15's connection with its
 *           data; every byte of each stream once, in order, then
 *           nothing; 14 reads "last words" then EOF, 13 cannot write;
 *           every connection and the UDP pair still carry data.  The
 *           queued datagram may be gone (it is not saved), or intact.
 * outside   fd 10: a connection to an orphaned grandchild, outside the
 *           tree: refused (the test checks the message); the connection
 *           still works.
 * reset     as outside, checkpointed with --tcp-close and restarted: fd
 *           10 reads ECONNRESET or end-of-file.
 * port      fd 10: a listener on 127.0.0.1 whose port goes to DIR/port.
 * hold PORT listens on 127.0.0.1:PORT until killed (after DIR/ready).
 *
 * Creates DIR/ready, waits for DIR/go, checks, says "inet_socks: ok".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cr_test_util.h"

static const char *dir, *arg;
static int family = AF_INET;

/* The streams' bytes: byte i of stream "seed" is pat(seed, i). */
static unsigned char pat(unsigned int seed, size_t i)
{
	return (unsigned char)(i % 251 + seed * 37);
}

static socklen_t lo_addr(struct sockaddr_storage *ss, unsigned short port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in->sin_port = htons(port);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_addr = in6addr_loopback;
	in6->sin6_port = htons(port);
	return sizeof(*in6);
}

static void set_int(int fd, int level, int opt, int v)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)) < 0)
		cr_die("setsockopt");
}

static int bound(int type, unsigned short port, int v6only)
{
	struct sockaddr_storage a;
	socklen_t len = lo_addr(&a, port);
	int fd = socket(family, type, 0);

	if (fd < 0)
		cr_die("socket");
	if (v6only)
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	if (bind(fd, (struct sockaddr *)&a, len) < 0)
		cr_die("bind");
	return fd;
}

static int listener(int fd)
{
	fd = cr_at(bound(SOCK_STREAM, 0, family == AF_INET6), fd);
	if (listen(fd, 8) < 0)
		cr_die("listen");
	return fd;
}

/* A client at fd c connected to listener l (accepted at a unless -1). */
static void connection(int l, int c, int a)
{
	struct sockaddr_storage s;
	socklen_t len = sizeof(s);

	if (getsockname(l, (struct sockaddr *)&s, &len) < 0)
		cr_die("getsockname");
	cr_at(socket(family, SOCK_STREAM, 0), c);
	if (connect(c, (struct sockaddr *)&s, len) < 0)
		cr_die("connect");
	if (a >= 0)
		cr_at(accept(l, NULL, NULL), a);
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Writes stream seed from *off on until EAGAIN. */
static void fill(int fd, unsigned int seed, size_t *off)
{
	unsigned char buf[4096];
	ssize_t n;
	size_t i;

	do {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = pat(seed, *off + i);
		n = write(fd, buf, sizeof(buf));
		if (n > 0)
			*off += n;
	} while (n > 0);
	if (errno != EAGAIN)
		cr_die("fill");
}

static void send_pat(int fd, unsigned int seed, size_t *off, size_t len)
{
	unsigned char buf[len];
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pat(seed, *off + i);
	if (write(fd, buf, len) != (ssize_t)len)
		cr_die("write");
	*off += len;
}

/* Up to len bytes within 5 s; fewer at EOF. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if (poll(&p, 1, 5000 * cr_slow()) != 1)
			return -ETIMEDOUT;
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += n;
	}
	return got;
}

/* Reads stream seed's bytes [*off, *off + len) from fd, checked. */
static void expect_pat(int fd, unsigned int seed, size_t *off, size_t len,
		       const char *what)
{
	unsigned char *buf = malloc(len ?: 1);
	ssize_t n = read_full(fd, buf, len);
	size_t i;

	if (n != (ssize_t)len) {
		cr_bad("%s: read %zd of %zu bytes (from %zu)", what, n, len,
		       *off);
		free(buf);
		return;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] != pat(seed, *off + i)) {
			cr_bad("%s: byte %zu is %u, not %u", what, *off + i,
			       buf[i], pat(seed, *off + i));
			break;
		}
	}
	*off += len;
	free(buf);
}

static void expect_str(int fd, const char *s, const char *what)
{
	char buf[64] = "";
	ssize_t n = read_full(fd, buf, strlen(s));

	if (n != (ssize_t)strlen(s) || memcmp(buf, s, n))
		cr_bad("%s: read %zd bytes \"%.*s\", not \"%s\"", what, n,
		       n > 0 ? (int)n : 0, buf, s);
}

/* Nothing more to read right now (fd is non-blocking or polled). */
static void expect_empty(int fd, const char *what)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);

	if (n >= 0 || errno != EAGAIN)
		cr_bad("%s: more to read (%zd, %s)", what, n, strerror(errno));
}

/* What must be the same afterwards: names, peers, flags, options. */
struct opt {
	int fd, level, name;
};

static const struct opt opts[] = {
	{ 10, SOL_SOCKET, SO_REUSEADDR }, { 10, SOL_SOCKET, SO_ACCEPTCONN },
	{ 11, IPPROTO_TCP, TCP_NODELAY }, { 11, SOL_SOCKET, SO_KEEPALIVE },
	{ 11, IPPROTO_TCP, TCP_KEEPIDLE }, { 11, IPPROTO_TCP, TCP_KEEPINTVL },
	{ 11, IPPROTO_TCP, TCP_KEEPCNT }, { 11, SOL_SOCKET, SO_LINGER },
	{ 12, SOL_SOCKET, SO_SNDBUF }, { 12, SOL_SOCKET, SO_RCVBUF },
	{ 12, IPPROTO_TCP, TCP_NODELAY }, { 17, SOL_SOCKET, SO_REUSEADDR },
	{ 17, SOL_SOCKET, SO_RCVBUF }, { 19, SOL_SOCKET, SO_REUSEADDR },
	{ 19, SOL_SOCKET, SO_LINGER }, { 10, IPPROTO_IPV6, IPV6_V6ONLY },
};

#define NOPTS	(sizeof(opts) / sizeof(opts[0]))
#define LOFD	10
#define HIFD	20

struct state {
	struct sockaddr_storage name[HIFD + 1], peer[HIFD + 1];
	int flags[HIFD + 1];
	struct linger val[NOPTS];	/* big enough for an int too */
};

static void get_state(struct state *st)
{
	unsigned int i;
	int fd;

	memset(st, 0, sizeof(*st));
	for (fd = LOFD; fd <= HIFD; fd++) {
		socklen_t len = sizeof(st->name[fd]);

		getsockname(fd, (struct sockaddr *)&st->name[fd], &len);
		len = sizeof(st->peer[fd]);
		getpeername(fd, (struct sockaddr *)&st->peer[fd], &len);
		st->flags[fd] = fcntl(fd, F_GETFL);
	}
	for (i = 0; i < NOPTS; i++) {
		socklen_t len = sizeof(st->val[i]);

		if (opts[i].level == IPPROTO_IPV6 && family != AF_INET6)
			continue;
		if (getsockopt(opts[i].fd, opts[i].level, opts[i].name,
			       &st->val[i], &len) < 0)
			cr_die("getsockopt");
	}
}

static void same_state(const struct state *a, const struct state *b)
{
	unsigned int i;
	int fd;

	for (fd = LOFD; fd <= HIFD; fd++) {
		if (memcmp(&a->name[fd], &b->name[fd], sizeof(a->name[fd])))
			cr_bad("fd %d: another address", fd);
		if (memcmp(&a->peer[fd], &b->peer[fd], sizeof(a->peer[fd])))
			cr_bad("fd %d: another peer", fd);
		if (a->flags[fd] != b->flags[fd])
			cr_bad("fd %d: flags %#x, not %#x", fd, b->flags[fd],
			       a->flags[fd]);
	}
	for (i = 0; i < NOPTS; i++)
		if (memcmp(&a->val[i], &b->val[i], sizeof(a->val[i])))
			cr_bad("fd %d: option %d/%d is %d, not %d", opts[i].fd,
			       opts[i].level, opts[i].name, b->val[i].l_onoff,
			       a->val[i].l_onoff);
}

/* The epoll reports the listener and fd 12 readable, with their data. */
static void check_epoll(void)
{
	struct epoll_event ev[4];
	int n = epoll_wait(16, ev, 4, 5000 * cr_slow()), i, seen = 0;

	for (i = 0; i < n; i++) {
		if (ev[i].data.u64 == 0x1111 && ev[i].events & EPOLLIN)
			seen |= 1;
		if (ev[i].data.u64 == 0x2222 && ev[i].events & EPOLLIN)
			seen |= 2;
	}
	if (seen != 3)
		cr_bad("epoll: %d events, seen %#x", n, seen);
}

static void check_pending(const struct state *st)
{
	struct sockaddr_storage p;
	socklen_t len = sizeof(p);
	int a = accept(10, (struct sockaddr *)&p, &len);

	if (a < 0) {
		cr_bad("no connection to accept: %s", strerror(errno));
		return;
	}
	if (memcmp(&p, &st->name[15], len))
		cr_bad("the accepted connection is not fd 15's");
	expect_str(a, "pending hello", "accepted");
	if (write(a, "reply", 5) != 5)
		cr_bad("accepted: cannot write");
	expect_str(15, "reply", "fd 15");
	close(a);
}

static void check_udp(const struct state *st)
{
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	char buf[32] = "";
	ssize_t n;

	/* Not saved: gone after a restart, intact if it went on. */
	n = recv(17, buf, sizeof(buf), MSG_DONTWAIT);
	if (n >= 0 && (n != 6 || memcmp(buf, "dgram1", 6)))
		cr_bad("udp: the queued datagram is %zd bytes", n);
	if (send(18, "dgram2", 6, 0) != 6)
		cr_bad("udp: cannot send: %s", strerror(errno));
	n = recvfrom(17, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	if (n != 6 || memcmp(buf, "dgram2", 6) ||
	    memcmp(&from, &st->name[18], len))
		cr_bad("udp: got %zd bytes, or from elsewhere", n);
	if (sendto(17, "dgram3", 6, 0, (struct sockaddr *)&from, len) != 6)
		cr_bad("udp: cannot send back: %s", strerror(errno));
	n = recv(18, buf, sizeof(buf), 0);
	if (n != 6 || memcmp(buf, "dgram3", 6))
		cr_bad("udp: got %zd bytes back", n);
}

static void run_tcp(void)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 3 };
	struct epoll_event ev = { .events = EPOLLIN };
	size_t c1_out = 0, c1_in = 0, a1_out = 0, a1_in = 0;
	size_t a2_out = 0, c2_in = 0;
	struct state before, after;
	struct sockaddr_storage s;
	socklen_t len = sizeof(s);
	char c;

	listener(10);
	set_int(10, SOL_SOCKET, SO_REUSEADDR, 1);
	connection(10, 11, 12);
	set_int(11, IPPROTO_TCP, TCP_NODELAY, 1);
	set_int(11, SOL_SOCKET, SO_KEEPALIVE, 1);
	set_int(11, IPPROTO_TCP, TCP_KEEPIDLE, 77);
	set_int(11, IPPROTO_TCP, TCP_KEEPINTVL, 11);
	set_int(11, IPPROTO_TCP, TCP_KEEPCNT, 5);
	if (setsockopt(11, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		cr_die("SO_LINGER");
	set_int(12, SOL_SOCKET, SO_SNDBUF, 65536);
	set_int(12, SOL_SOCKET, SO_RCVBUF, 32768);
	nonblock(11);
	fill(11, 1, &c1_out);
	expect_pat(12, 1, &a1_in, 3000, "fd 12 before");
	cr_pause_ms(50);
	fill(11, 1, &c1_out);
	send_pat(12, 2, &a1_out, 5000);
	expect_pat(11, 2, &c1_in, 1000, "fd 11 before");

	connection(10, 13, 14);
	if (write(13, "last words", 10) != 10 || shutdown(13, SHUT_WR) < 0)
		cr_die("shutdown");
	send_pat(14, 3, &a2_out, 100);
	/* Its own listener, gone, without SO_REUSEADDR: after a kill,
	 * neither end may leave a TIME_WAIT on the ports. */
	listener(21);
	connection(21, 19, 20);
	close(21);
	connection(10, 15, -1);
	if (write(15, "pending hello", 13) != 13)
		cr_die("write");

	cr_at(epoll_create1(0), 16);
	ev.data.u64 = 0x1111;
	epoll_ctl(16, EPOLL_CTL_ADD, 10, &ev);
	ev.data.u64 = 0x2222;
	epoll_ctl(16, EPOLL_CTL_ADD, 12, &ev);

	cr_at(bound(SOCK_DGRAM, 0, 0), 17);
	set_int(17, SOL_SOCKET, SO_REUSEADDR, 1);
	set_int(17, SOL_SOCKET, SO_RCVBUF, 50000);
	cr_at(bound(SOCK_DGRAM, 0, 0), 18);
	if (getsockname(17, (struct sockaddr *)&s, &len) < 0 ||
	    connect(18, (struct sockaddr *)&s, len) < 0 ||
	    send(18, "dgram1", 6, 0) != 6)
		cr_die("udp");
	cr_pause_ms(50);	/* let the loopback settle: acks, windows */
	get_state(&before);

	cr_ready_wait_go(dir);

	get_state(&after);
	same_state(&before, &after);
	check_epoll();
	check_pending(&before);
	expect_pat(12, 1, &a1_in, c1_out - a1_in, "fd 12");
	expect_empty(12, "fd 12");
	expect_pat(11, 2, &c1_in, a1_out - c1_in, "fd 11");
	expect_empty(11, "fd 11");
	send_pat(11, 1, &c1_out, 2000);
	expect_pat(12, 1, &a1_in, 2000, "fd 12 after");
	send_pat(12, 2, &a1_out, 2000);
	expect_pat(11, 2, &c1_in, 2000, "fd 11 after");

	expect_str(14, "last words", "fd 14");
	if (read_full(14, &c, 1) != 0)
		cr_bad("fd 14: no end-of-file after the data");
	expect_pat(13, 3, &c2_in, 100, "fd 13");
	expect_empty(13, "fd 13");
	send_pat(14, 3, &a2_out, 100);
	expect_pat(13, 3, &c2_in, 100, "fd 13 after");
	if (send(13, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		cr_bad("fd 13: could write after its shutdown");

	if (write(20, "idle", 4) != 4)
		cr_bad("fd 20: cannot write");
	expect_str(19, "idle", "fd 19");
	check_udp(&before);
}

static void run_tcp4(void)
{
	run_tcp();
}

static void run_tcp6(void)
{
	family = AF_INET6;
	run_tcp();
}

/*
 * fd 10 connected to an orphaned grandchild, outside the tree, which
 * echoes until end-of-file.
 */
static void outside_peer(void)
{
	char buf[64];
	ssize_t n;
	pid_t pid;

	listener(9);
	connection(9, 10, 11);
	pid = fork();
	if (pid < 0)
		cr_die("fork");
	if (!pid) {
		if (fork())
			_exit(0);
		close(10);
		while ((n = read(11, buf, sizeof(buf))) > 0)
			if (write(11, buf, n) != n)
				break;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	close(9);
	close(11);
}

static void run_outside(void)
{
	outside_peer();
	cr_ready_wait_go(dir);
	if (write(10, "ping", 4) != 4)
		cr_bad("cannot write");
	expect_str(10, "ping", "echo");
}

static void run_reset(void)
{
	char c;
	ssize_t n;

	outside_peer();
	cr_ready_wait_go(dir);
	n = read(10, &c, 1);
	if (n != 0 && !(n < 0 && errno == ECONNRESET))
		cr_bad("fd 10: read %zd (%s), not reset", n, strerror(errno));
}

static void run_port(void)
{
	struct sockaddr_in s;
	socklen_t len = sizeof(s);
	int fd = cr_open_in(dir, "port", O_WRONLY | O_CREAT | O_TRUNC);

	listener(10);
	if (getsockname(10, (struct sockaddr *)&s, &len) < 0 ||
	    dprintf(fd, "%u\n", ntohs(s.sin_port)) < 0)
		cr_die("port");
	close(fd);
	cr_ready_wait_go(dir);
}

static void run_hold(void)
{
	if (!arg || listen(bound(SOCK_STREAM, atoi(arg), 0), 1) < 0)
		cr_die("hold");
	cr_touch(dir, "ready");
	pause();
}

static const struct cr_mode modes[] = {
	{ "tcp4", run_tcp4 },
	{ "tcp6", run_tcp6 },
	{ "outside", run_outside },
	{ "reset", run_reset },
	{ "port", run_port },
	{ "hold", run_hold },
	{ NULL }
};

int main(int argc, char **argv)
{
	cr_start(argc, argv, 2, "DIR MODE");
	dir = argv[1];
	arg = argv[3];
	setvbuf(stdout, NULL, _IOLBF, 0);
	cr_run_mode(argv[2], modes);
	return cr_result();
}
