// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unix sockets across a checkpoint with --tree --kill and a restart.
 * Usage: unix_socks DIR MODE, MODE one of
 *
 * pairs     A parent and a child share:
 *           - a stream socketpair (parent fd 10, child fd 11) with 100000
 *             bytes queued towards the child and 3000 towards the parent,
 *             the parent's end in an epoll (fd 12) with data 0xfeed5;
 *           - a seqpacket pair with records of 1, 700 and 5000 bytes
 *             queued towards the child, and a datagram pair with 3
 *             datagrams (one empty) towards the parent;
 *           - a stream pair that the child shut down for writing after
 *             sending "last words": the parent reads them, then EOF;
 *           - a stream socket whose peer the parent closed after sending
 *             "bye": it reads "bye", then EOF;
 *           - a listening socket bound to DIR/srv (a stale socket file
 *             must be replaced) and one bound to an abstract name.
 *           After restart every byte and record boundary is checked, the
 *           epoll reports fd 10 with its data, the child connects to both
 *           listeners and the parent accepts and reads from each, and the
 *           pairs still carry data both ways.
 * outside   fd 10: a stream socketpair whose other end is held by an
 *           orphaned grandchild, outside the tree: refused (the test
 *           checkpoints it); the pair still works.
 * outside_closed  as outside, the grandchild having sent "hello":
 *           checkpointed with --close-outside-sockets and restarted, fd
 *           10 reads "hello", then end-of-file.
 * inflight  fds 10 and 11: a socketpair, fd 11 with an fd sent to it and
 *           not received: refused.
 * dgram     Datagram sockets bound but not connected, with datagrams
 *           queued: fd 10 at DIR/dg (from a socket since closed), fd 11
 *           at an abstract name (from fd 12, bound at DIR/dg2).  After
 *           restart each reads its datagrams with their boundaries, and
 *           fd 10 gets one more sent to DIR/dg.
 *
 * Creates DIR/ready, waits for DIR/go, checks, says "unix_socks: ok".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cr_test_util.h"

static const char *dir;


static void die(const char *what)
{
	perror(what);
	_exit(2);
}

static void close_all(const int *fds, int n)
{
	while (n--)
		close(fds[n]);
}

static void pair(int type, int a, int b)
{
	int sv[2];

	if (socketpair(AF_UNIX, type, 0, sv) < 0)
		die("socketpair");
	cr_at(sv[0], a);
	cr_at(sv[1], b);
}

/* Byte i of stream "seed". */
static unsigned char pat(int seed, size_t i)
{
	return (unsigned char)(i * 31 + seed * 7 + i / 251);
}

static void send_pat(int fd, int seed, size_t len)
{
	unsigned char buf[4096];
	size_t off = 0, i, n;

	while (off < len) {
		n = len - off < sizeof(buf) ? len - off : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = pat(seed, off + i);
		if (write(fd, buf, n) != (ssize_t)n)
			die("write");
		off += n;
	}
}

/* Reads exactly len bytes of stream seed from a blocking fd. */
static void recv_pat(int fd, int seed, size_t len, const char *what)
{
	unsigned char buf[4096];
	size_t off = 0, i;
	ssize_t n;

	while (off < len) {
		n = read(fd, buf, len - off < sizeof(buf) ? len - off : sizeof(buf));
		if (n <= 0) {
			cr_bad("%s: read %zd at %zu of %zu", what, n, off, len);
			return;
		}
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pat(seed, off + i)) {
				cr_bad("%s: byte %zu differs", what, off + i);
				return;
			}
		off += n;
	}
}

/* Nothing more is queued on fd (nonblocking peek). */
static void expect_empty(int fd, const char *what)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);

	if (n >= 0 || errno != EAGAIN)
		cr_bad("%s: more queued than sent (%zd)", what, n);
}

static void expect_text(int fd, const char *text, const char *what)
{
	char buf[64] = "";
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n != (ssize_t)strlen(text) || memcmp(buf, text, n))
		cr_bad("%s: read %zd '%s', not '%s'", what, n, n > 0 ? buf : "",
		    text);
}

static void expect_eof(int fd, const char *what)
{
	char c;
	ssize_t n = read(fd, &c, 1);

	if (n != 0)
		cr_bad("%s: %zd instead of EOF", what, n);
}

/* Until the test says go, without saying ready: the parent does. */
static void wait_go(void)
{
	while (!cr_exists(dir, "go"))
		usleep(20000);
}

static const size_t seq_lens[] = { 1, 700, 5000 };
static const size_t dgram_lens[] = { 300, 0, 2000 };

static void check_records(int fd, const size_t *lens, int seed,
			  const char *what)
{
	unsigned char buf[8192];
	size_t r, i;
	ssize_t n;

	for (r = 0; r < 3; r++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n != (ssize_t)lens[r]) {
			cr_bad("%s: record %zu is %zd bytes, not %zu", what, r, n,
			    lens[r]);
			return;
		}
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pat(seed + r, i)) {
				cr_bad("%s: record %zu byte %zu differs", what, r, i);
				return;
			}
	}
	expect_empty(fd, what);
}

static void send_records(int fd, const size_t *lens, int seed)
{
	unsigned char buf[8192];
	size_t r, i;

	for (r = 0; r < 3; r++) {
		for (i = 0; i < lens[r]; i++)
			buf[i] = pat(seed + r, i);
		if (send(fd, buf, lens[r], 0) != (ssize_t)lens[r])
			die("send");
	}
}

static int bind_listen(const struct sockaddr_un *a, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (const struct sockaddr *)a, len) < 0 ||
	    listen(fd, 4) < 0)
		die("listen");
	return fd;
}

static socklen_t srv_addr(struct sockaddr_un *a, int abstract)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (abstract) {
		snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1,
			 "cr-unix-socks-%s", dir);
		return offsetof(struct sockaddr_un, sun_path) + 1 +
		       strlen(a->sun_path + 1);
	}
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/srv", dir);
	return sizeof(*a);
}

static int dial(int abstract)
{
	struct sockaddr_un a;
	socklen_t len = srv_addr(&a, abstract);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, len) < 0)
		die("connect");
	return fd;
}

/* fds: 10/11 stream, 13/14 seqpacket, 15/16 dgram, 17/18 shut, 19 lone */
static void child_pairs(void)
{
	static const int parents[] = { 10, 12, 13, 16, 17, 20, 21 };
	int c;

	close_all(parents, 7);
	send_pat(11, 2, 3000);
	send_records(15, dgram_lens, 20);
	/* Last: once the parent sees these, all the rest is queued. */
	if (write(18, "last words", 10) != 10 || shutdown(18, SHUT_WR) < 0)
		die("shutdown");
	wait_go();
	/* After restart (or go): what the parent queued. */
	recv_pat(11, 1, 100000, "stream to child");
	check_records(14, seq_lens, 10, "seqpacket to child");
	if (write(11, "pong", 4) != 4)
		die("write");
	c = dial(0);
	if (write(c, "via path", 8) != 8)
		die("write");
	close(c);
	c = dial(1);
	if (write(c, "via abstract", 12) != 12)
		die("write");
	close(c);
	fflush(stdout);
	_exit(cr_errors ? 1 : 0);
}

static void accept_read(int lfd, const char *text, const char *what)
{
	int c = accept(lfd, NULL, NULL);

	if (c < 0) {
		cr_bad("%s: accept: %s", what, strerror(errno));
		return;
	}
	expect_text(c, text, what);
	close(c);
}

static void run_pairs(void)
{
	static const int childs[] = { 11, 14, 15, 18 };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xfeed5 };
	struct sockaddr_un a;
	socklen_t len;
	int st, stale;
	pid_t kid;

	pair(SOCK_STREAM, 10, 11);
	pair(SOCK_SEQPACKET, 13, 14);
	pair(SOCK_DGRAM, 15, 16);
	pair(SOCK_STREAM, 17, 18);
	pair(SOCK_STREAM, 19, 3);
	if (write(3, "bye", 3) != 3)
		die("write");
	close(3);
	cr_at(epoll_create1(0), 12);
	if (epoll_ctl(12, EPOLL_CTL_ADD, 10, &ev) < 0)
		die("epoll_ctl");
	len = srv_addr(&a, 0);
	cr_at(bind_listen(&a, len), 20);
	len = srv_addr(&a, 1);
	cr_at(bind_listen(&a, len), 21);
	kid = fork();
	if (kid < 0)
		die("fork");
	if (!kid)
		child_pairs();
	close_all(childs, 4);
	send_pat(10, 1, 100000);
	send_records(13, seq_lens, 10);
	/* Until the child has queued everything. */
	for (;;) {
		int q = 0;

		if (!ioctl(17, SIOCINQ, &q) && q == 10)
			break;
		usleep(10000);
	}
	/* cr_restart must replace the socket file left at DIR/srv. */
	cr_ready_wait_go(dir);
	stale = epoll_wait(12, &ev, 1, 5000);
	if (stale != 1 || ev.data.u64 != 0xfeed5 || !(ev.events & EPOLLIN))
		cr_bad("epoll: %d events, data %llx", stale,
		    (unsigned long long)ev.data.u64);
	recv_pat(10, 2, 3000, "stream to parent");
	check_records(16, dgram_lens, 20, "datagrams to parent");
	expect_text(17, "last words", "shut down pair");
	expect_eof(17, "shut down pair");
	expect_text(19, "bye", "closed peer");
	expect_eof(19, "closed peer");
	accept_read(20, "via path", "listener at a path");
	accept_read(21, "via abstract", "abstract listener");
	expect_text(10, "pong", "stream after restart");
	if (waitpid(kid, &st, 0) != kid || st)
		cr_bad("child exited with status %#x", st);
}

/*
 * fd 10: a stream socket whose peer (fd 11) is held by an orphaned
 * grandchild, outside the parent's tree, which first sends hello (if
 * not NULL), then echoes until the parent is done.
 */
static void outside_peer(const char *hello)
{
	pid_t kid;
	char c;

	pair(SOCK_STREAM, 10, 11);
	kid = fork();
	if (kid < 0)
		die("fork");
	if (!kid && fork())
		_exit(0);
	if (!kid) {
		close(10);
		if (hello && write(11, hello, strlen(hello)) < 0)
			_exit(1);
		while (read(11, &c, 1) == 1)
			if (write(11, &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(11);
	waitpid(kid, NULL, 0);
}

static void run_outside(void)
{
	char c;

	outside_peer(NULL);
	cr_ready_wait_go(dir);
	if (write(10, "e", 1) != 1 || read(10, &c, 1) != 1 || c != 'e')
		cr_bad("the pair does not work after the refusal");
	close(10);
}

/* The peer outside says hello; after restart: hello, then EOF. */
static void run_outside_closed(void)
{
	int q = 0;

	outside_peer("hello");
	while (ioctl(10, SIOCINQ, &q) || q < 5)
		usleep(10000);
	cr_ready_wait_go(dir);
	expect_text(10, "hello", "socket whose peer was outside");
	expect_eof(10, "socket whose peer was outside");
}

static void run_inflight(void)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	int one = 0;

	pair(SOCK_STREAM, 10, 11);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &one, sizeof(int));
	if (sendmsg(10, &m, 0) != 1)
		die("sendmsg");
	cr_ready_wait_go(dir);
}

/* A datagram socket bound at DIR/NAME, or at an abstract name. */
static int bind_dgram(struct sockaddr_un *a, socklen_t *len,
		      const char *name, int abstract)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + abstract, sizeof(a->sun_path) - abstract,
		 "%s/%s", dir, name);
	*len = offsetof(struct sockaddr_un, sun_path) + abstract +
	       strlen(a->sun_path + abstract);
	if (fd < 0 || bind(fd, (struct sockaddr *)a, *len) < 0)
		die("bind");
	return fd;
}

/* The records of send_records, with sendto: the socket stays unconnected. */
static void send_records_to(int fd, const struct sockaddr_un *a,
			    socklen_t len, int seed)
{
	unsigned char buf[8192];
	size_t r, i;

	for (r = 0; r < 3; r++) {
		for (i = 0; i < dgram_lens[r]; i++)
			buf[i] = pat(seed + r, i);
		if (sendto(fd, buf, dgram_lens[r], 0,
			   (const struct sockaddr *)a, len) !=
		    (ssize_t)dgram_lens[r])
			die("sendto");
	}
}

static void run_dgram(void)
{
	struct sockaddr_un a, b, c;
	socklen_t alen, blen, clen;
	int from = socket(AF_UNIX, SOCK_DGRAM, 0);

	cr_at(bind_dgram(&a, &alen, "dg", 0), 10);
	cr_at(bind_dgram(&b, &blen, "dg", 1), 11);
	cr_at(bind_dgram(&c, &clen, "dg2", 0), 12);
	send_records_to(from, &a, alen, 40);
	close(from);
	send_records_to(12, &b, blen, 50);
	cr_ready_wait_go(dir);
	check_records(10, dgram_lens, 40, "datagrams to a path");
	check_records(11, dgram_lens, 50, "datagrams to an abstract name");
	if (sendto(12, "again", 5, 0, (struct sockaddr *)&a, alen) != 5)
		cr_bad("sendto DIR/dg after restart: %s", strerror(errno));
	else
		expect_text(10, "again", "a datagram after restart");
}

static const struct cr_mode modes[] = {
	{ "pairs", run_pairs },
	{ "outside", run_outside },
	{ "outside_closed", run_outside_closed },
	{ "inflight", run_inflight },
	{ "dgram", run_dgram },
	{ NULL }
};

int main(int argc, char **argv)
{
	cr_start(argc, argv, 2, "DIR MODE");
	dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	cr_run_mode(argv[2], modes);
	return cr_result();
}
