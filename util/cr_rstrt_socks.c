// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Unix sockets of a restart, made with our user's rights: a
 * socketpair per connected pair, a socket bound (and listening) at its
 * saved address for the others.  A stale socket file at the path is
 * replaced, anything else there is left alone and the bind fails; a
 * missing directory is made.  The module refills them once handed over.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cr_ioctl.h"
#include "cr_rstrt.h"
#include "cr_util.h"

enum { S_PAIR = 1, S_LISTEN, S_ALONE };

static int set_buf(int fd, int opt, unsigned int bytes)
{
	/* The kernel doubles what it is given. */
	int v = bytes / 2;

	return !bytes || !setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v)) ?
	       0 : -errno;
}

static int bind_sock(const struct cr_plan *plan, const struct cr_rstrt_sock *s,
		     int fd)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const char *addr = plan->buf + s->addr_off;
	struct stat st;
	socklen_t len;
	int err;

	if (!s->addr_len)
		return 0;
	if (s->addr_len > sizeof(a.sun_path))
		return -EINVAL;
	memcpy(a.sun_path, addr, s->addr_len);
	if (addr[0] && !lstat(addr, &st) && S_ISSOCK(st.st_mode) &&
	    unlink(addr) < 0)
		return -errno;
	len = offsetof(struct sockaddr_un, sun_path) + s->addr_len;
	if (bind(fd, (struct sockaddr *)&a, len) < 0) {
		/* Its directory, removed as the job ended: made again. */
		if (errno != ENOENT || !addr[0])
			return -errno;
		err = cr_make_parents(addr, strnlen(addr, s->addr_len));
		if (err || bind(fd, (struct sockaddr *)&a, len) < 0)
			return err ?: -errno;
	}
	return s->kind == S_LISTEN && listen(fd, s->backlog) < 0 ? -errno : 0;
}

static const char *sock_name(const struct cr_plan *plan,
			     const struct cr_rstrt_sock *s)
{
	const char *addr = plan->buf + s->addr_off;

	if (!s->addr_len)
		return "(unnamed)";
	return addr[0] ? addr : "(abstract)";
}

/* Socket n, and its peer when that comes later in the table. */
static int make_sock(const struct cr_plan *plan, unsigned int n,
		     struct cr_handed *h)
{
	const struct cr_rstrt_sock *s = &plan->socks[n];
	int type = s->type | SOCK_NONBLOCK | SOCK_CLOEXEC, sv[2];

	if (h->sock_fds[n] >= 0)
		return 0;
	if (s->kind != S_PAIR) {
		int err;

		h->sock_fds[n] = socket(AF_UNIX, type, 0);
		if (h->sock_fds[n] < 0)
			return cr_rstrt_error(-errno, "cannot create socket %u", n);
		err = bind_sock(plan, s, h->sock_fds[n]);
		return err ? cr_rstrt_error(err, "cannot bind socket %u to %s",
					    n, sock_name(plan, s)) : 0;
	}
	if (s->peer >= plan->nsocks)
		return cr_rstrt_error(-EINVAL, "bad socket table");
	if (socketpair(AF_UNIX, type, 0, sv) < 0)
		return cr_rstrt_error(-errno, "cannot create socket %u", n);
	h->sock_fds[n] = sv[0];
	if (s->peer == n)
		h->closed_peers[h->nclosed++] = sv[1];
	else
		h->sock_fds[s->peer] = sv[1];
	return 0;
}

/* Makes the sockets and hands them over, after the pipes. */
int cr_make_socks(const struct cr_plan *plan, struct cr_handed *h)
{
	struct cr_rstrt_socks_args a = { .nsocks = plan->nsocks,
					 .fds = (unsigned long)h->sock_fds };
	unsigned int n;
	int err = 0;

	if (!plan->nsocks)
		return 0;
	for (n = 0; !err && n < plan->nsocks; n++)
		err = make_sock(plan, n, h);
	for (n = 0; !err && n < plan->nsocks; n++) {
		err = set_buf(h->sock_fds[n], SO_SNDBUF, plan->socks[n].sndbuf) ?:
		      set_buf(h->sock_fds[n], SO_RCVBUF, plan->socks[n].rcvbuf);
		if (err)
			return cr_rstrt_error(err, "cannot size socket %u", n);
	}
	return cri_rstrt_socks(plan->ctrl, &a);
}
