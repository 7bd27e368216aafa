// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TCP and UDP sockets of a restart, made with our user's rights.  A
 * connection is made again between its saved addresses: its connecting
 * end, bound to its own, connects to a listener of ours at its peer's,
 * which accepts.  Those come first; then the listeners and the other
 * sockets are bound, then the connections their listeners had not
 * accepted connect to them, in queue order, and are left there.  Every
 * socket has SO_REUSEADDR until the end (the accepted ones share their
 * listener's port; a port someone else listens on stays refused), then
 * the program's options.  The module refills them once handed over.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "cr_ioctl.h"
#include "cr_rstrt.h"
#include "cr_util.h"

enum { I_ALONE = 1, I_LISTEN, I_CONN, I_PENDING, I_RESET };

#define I_BOUND		0x001
#define I_CONNECT	0x002
#define I_REUSEADDR	0x004
#define I_REUSEPORT	0x008
#define I_KEEPALIVE	0x010
#define I_NODELAY	0x020
#define I_LINGER	0x040
#define I_V6ONLY	0x080

/* How long a connection over loopback or a local address may take. */
#define CONNECT_MS	5000

static socklen_t sockaddr_of(const struct cr_rstrt_inet *s, bool remote,
			     struct sockaddr_storage *ss)
{
	const uint8_t *a = remote ? s->raddr : s->laddr;
	uint16_t port = htons(remote ? s->rport : s->lport);

	memset(ss, 0, sizeof(*ss));
	if (s->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = port;
		memcpy(&in->sin_addr, a, 4);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_port = port;
	memcpy(&in6->sin6_addr, a, 16);
	return sizeof(*in6);
}

/* "addr:port", for messages. */
static const char *addr_str(const struct cr_rstrt_inet *s, bool remote,
			    char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(s->family, remote ? s->raddr : s->laddr, a, sizeof(a));
	snprintf(buf, len, s->family == AF_INET ? "%s:%u" : "[%s]:%u", a,
		 remote ? s->rport : s->lport);
	return buf;
}

static const char *proto(const struct cr_rstrt_inet *s)
{
	return s->type == SOCK_STREAM ? "TCP" : "UDP";
}

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v)) < 0 ? -errno : 0;
}

/* What must be set before bind and connect; SO_REUSEADDR until the end. */
static int early_opts(const struct cr_rstrt_inet *s, int fd)
{
	int err = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);

	if (!err && s->flags & I_REUSEPORT)
		err = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	if (!err && s->family == AF_INET6)
		err = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY,
			      !!(s->flags & I_V6ONLY));
	/* The kernel doubles what it is given. */
	if (!err && s->sndbuf)
		err = set_int(fd, SOL_SOCKET, SO_SNDBUF, s->sndbuf / 2);
	if (!err && s->rcvbuf)
		err = set_int(fd, SOL_SOCKET, SO_RCVBUF, s->rcvbuf / 2);
	return err;
}

/* The program's options, once every socket is bound. */
static int late_opts(const struct cr_rstrt_inet *s, int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = s->linger };
	int err = set_int(fd, SOL_SOCKET, SO_REUSEADDR,
			  !!(s->flags & I_REUSEADDR)) ?:
		  set_int(fd, SOL_SOCKET, SO_KEEPALIVE,
			  !!(s->flags & I_KEEPALIVE));

	if (!err && s->flags & I_LINGER &&
	    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) < 0)
		err = -errno;
	if (err || s->type != SOCK_STREAM)
		return err;
	err = set_int(fd, IPPROTO_TCP, TCP_NODELAY, !!(s->flags & I_NODELAY));
	if (!err && s->keepidle)
		err = set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, s->keepidle);
	if (!err && s->keepintvl)
		err = set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, s->keepintvl);
	if (!err && s->keepcnt)
		err = set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, s->keepcnt);
	return err;
}

static int new_sock(const struct cr_rstrt_inet *s, int flags)
{
	int fd = socket(s->family, s->type | SOCK_CLOEXEC | flags, 0), err;

	if (fd < 0)
		return -errno;
	err = early_opts(s, fd);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int bind_to(const struct cr_rstrt_inet *s, unsigned int n, int fd)
{
	struct sockaddr_storage a;
	socklen_t len = sockaddr_of(s, false, &a);
	char buf[64];

	if (!bind(fd, (struct sockaddr *)&a, len))
		return 0;
	return cr_rstrt_error(-errno, "cannot bind %s socket %u to %s",
			      proto(s), n, addr_str(s, false, buf,
						    sizeof(buf)));
}

/* Waits for events on fd: 0, or -ETIMEDOUT, or its error. */
static int wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int err = 0;
	socklen_t len = sizeof(err);

	if (poll(&p, 1, CONNECT_MS) != 1)
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return -err;
}

/* Entry n connects to its peer's address, from its own. */
static int connect_from(const struct cr_plan *plan, unsigned int n, int fd)
{
	const struct cr_rstrt_inet *s = &plan->inets[n];
	struct sockaddr_storage a;
	socklen_t len = sockaddr_of(s, true, &a);
	char buf[64];
	int err = bind_to(s, n, fd);

	if (err)
		return err;
	if (connect(fd, (struct sockaddr *)&a, len) < 0 &&
	    errno != EINPROGRESS)
		err = -errno;
	else
		err = wait_fd(fd, POLLOUT);
	return err ? cr_rstrt_error(err, "cannot connect TCP socket %u to %s",
				    n, addr_str(s, true, buf, sizeof(buf))) :
		     0;
}

/* Connection n and its peer, through a listener of ours at the peer's. */
static int make_conn(const struct cr_plan *plan, unsigned int n, int *fds)
{
	const struct cr_rstrt_inet *s = &plan->inets[n];
	const struct cr_rstrt_inet *p = &plan->inets[s->peer];
	int t, err;

	if (s->peer >= plan->ninets)
		return cr_rstrt_error(-EINVAL, "bad TCP/UDP socket table");
	t = new_sock(p, 0);
	if (t < 0)
		return cr_rstrt_error(t, "cannot create TCP socket %u",
				      s->peer);
	err = bind_to(p, s->peer, t);
	if (!err && listen(t, 1) < 0)
		err = cr_rstrt_error(-errno, "cannot listen on TCP socket %u",
				     s->peer);
	if (!err)
		err = connect_from(plan, n, fds[n]);
	if (!err) {
		err = wait_fd(t, POLLIN);
		fds[s->peer] = err ? -1 : accept4(t, NULL, NULL,
						   SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fds[s->peer] < 0)
			err = cr_rstrt_error(err ?: -errno,
					     "cannot accept TCP socket %u",
					     s->peer);
	}
	close(t);
	return err;
}

/* A connection whose peer, outside, reset it: ECONNRESET, then EOF. */
static int make_reset(const struct cr_rstrt_inet *s, int fd)
{
	struct sockaddr_storage a = { .ss_family = s->family };
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	socklen_t len = sizeof(a);
	int t = socket(s->family, SOCK_STREAM | SOCK_CLOEXEC, 0), x = -1;
	int err;

	if (s->family == AF_INET)
		((struct sockaddr_in *)&a)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&a)->sin6_addr = in6addr_loopback;
	if (t >= 0 && !bind(t, (struct sockaddr *)&a, len) && !listen(t, 1) &&
	    !getsockname(t, (struct sockaddr *)&a, &len) &&
	    (!connect(fd, (struct sockaddr *)&a, len) || errno == EINPROGRESS))
		x = accept4(t, NULL, NULL, SOCK_CLOEXEC);
	err = x < 0 ? -errno : 0;
	if (x >= 0) {
		setsockopt(x, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(x);
		err = wait_fd(fd, POLLIN) == -ECONNRESET ? 0 : -EIO;
	}
	if (t >= 0)
		close(t);
	return err;
}

static int make_alone(const struct cr_plan *plan, unsigned int n, int fd)
{
	const struct cr_rstrt_inet *s = &plan->inets[n];
	struct sockaddr_storage a;
	socklen_t len = sockaddr_of(s, true, &a);
	char buf[64];
	int err = 0;

	if (s->flags & I_BOUND)
		err = bind_to(s, n, fd);
	if (!err && s->kind == I_LISTEN && listen(fd, s->backlog) < 0)
		err = cr_rstrt_error(-errno, "cannot listen on %s",
				     addr_str(s, false, buf, sizeof(buf)));
	if (!err && s->kind == I_CONN &&
	    connect(fd, (struct sockaddr *)&a, len) < 0)
		err = cr_rstrt_error(-errno, "cannot connect UDP socket %u to %s",
				     n, addr_str(s, true, buf, sizeof(buf)));
	return err;
}

static bool is_tcp_conn(const struct cr_rstrt_inet *s)
{
	return s->type == SOCK_STREAM && s->kind == I_CONN;
}

static bool connects_to(const struct cr_plan *plan,
			const struct cr_rstrt_inet *s, unsigned int kind)
{
	return is_tcp_conn(s) && s->flags & I_CONNECT &&
	       s->peer < plan->ninets && plan->inets[s->peer].kind == kind;
}

static int make_all(const struct cr_plan *plan, int *fds)
{
	unsigned int n;
	int err = 0;

	for (n = 0; !err && n < plan->ninets; n++) {
		const struct cr_rstrt_inet *s = &plan->inets[n];

		if (s->kind == I_PENDING || (is_tcp_conn(s) &&
					     !(s->flags & I_CONNECT)))
			continue;
		fds[n] = new_sock(s, SOCK_NONBLOCK);
		if (fds[n] < 0)
			err = cr_rstrt_error(fds[n], "cannot create %s socket %u",
					     proto(s), n);
	}
	/* Connections first: their listeners' ports are not taken yet. */
	for (n = 0; !err && n < plan->ninets; n++)
		if (connects_to(plan, &plan->inets[n], I_CONN))
			err = make_conn(plan, n, fds);
	for (n = 0; !err && n < plan->ninets; n++)
		if (plan->inets[n].kind == I_LISTEN ||
		    plan->inets[n].kind == I_ALONE ||
		    (plan->inets[n].kind == I_CONN &&
		     plan->inets[n].type == SOCK_DGRAM))
			err = make_alone(plan, n, fds[n]);
	/* The connections not accepted yet, in their queues' order. */
	for (n = 0; !err && n < plan->ninets; n++)
		if (plan->inets[n].kind == I_PENDING)
			err = connect_from(plan, plan->inets[n].peer,
					   fds[plan->inets[n].peer]);
	for (n = 0; !err && n < plan->ninets; n++)
		if (plan->inets[n].kind == I_RESET &&
		    (err = make_reset(&plan->inets[n], fds[n])))
			cr_rstrt_error(err, "cannot make TCP socket %u reset", n);
	for (n = 0; !err && n < plan->ninets; n++)
		if (fds[n] >= 0 && (err = late_opts(&plan->inets[n], fds[n])))
			cr_rstrt_error(err, "cannot set the options of %s socket %u",
				       proto(&plan->inets[n]), n);
	return err;
}

/* Makes the TCP and UDP sockets and hands them over, after the Unix ones. */
int cr_make_inets(const struct cr_plan *plan, int *fds)
{
	struct cr_rstrt_inet_args a = { .ninets = plan->ninets,
					.fds = (unsigned long)fds };
	int err;

	if (!plan->ninets)
		return 0;
	err = make_all(plan, fds);
	return err ?: cri_rstrt_inet(plan->ctrl, &a);
}
