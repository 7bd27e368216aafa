// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The netlink sockets of a restart, made with our user's rights (a
 * multicast group or NETLINK_LISTEN_ALL_NSID may need them): each with
 * its options, bound to its saved port id and groups, connected again.
 * The module checks them once handed over.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "cr_ioctl.h"
#include "cr_rstrt.h"
#include "cr_util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

enum { NL_PASSCRED = 1 };

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v)) ? -errno : 0;
}

static int set_timeo(int fd, int opt, uint32_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = ms % 1000 * 1000 };

	return !ms || !setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)) ?
	       0 : -errno;
}

static int set_opts(const struct cr_rstrt_nlsock *s, int fd)
{
	int opt, err = 0;

	for (opt = 0; !err && opt < 32; opt++)
		if (s->nlopts & (1U << opt))
			err = set_int(fd, SOL_NETLINK, opt, 1);
	if (!err && s->flags & NL_PASSCRED)
		err = set_int(fd, SOL_SOCKET, SO_PASSCRED, 1);
	/* The kernel doubles what it is given. */
	if (!err && s->sndbuf)
		err = set_int(fd, SOL_SOCKET, SO_SNDBUF, s->sndbuf / 2);
	if (!err && s->rcvbuf)
		err = set_int(fd, SOL_SOCKET, SO_RCVBUF, s->rcvbuf / 2);
	return err ?: set_timeo(fd, SO_RCVTIMEO, s->rcvtimeo_ms) ?:
	       set_timeo(fd, SO_SNDTIMEO, s->sndtimeo_ms);
}

/* Bound to its port id, in its groups, connected as it was. */
static int bind_nlsock(const struct cr_rstrt_nlsock *s, int fd)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	unsigned int g;

	a.nl_pid = s->portid;
	if (s->portid && bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -errno;
	for (g = 0; g < 32 * 32; g++) {
		int group = g + 1;

		if (s->groups[g / 32] & (1U << g % 32) &&
		    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &group, sizeof(group)) < 0)
			return -errno;
	}
	a.nl_pid = s->dst_portid;
	a.nl_groups = s->dst_groups;
	if ((a.nl_pid || a.nl_groups) &&
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -errno;
	return 0;
}

static int make_nlsock(const struct cr_plan *plan, unsigned int n, int *fd)
{
	const struct cr_rstrt_nlsock *s = &plan->nlsocks[n];
	int err;

	*fd = socket(AF_NETLINK, s->type | SOCK_CLOEXEC, s->protocol);
	if (*fd < 0)
		return cr_rstrt_error(-errno,
				      "cannot create netlink socket %u (protocol %u)",
				      n, s->protocol);
	err = set_opts(s, *fd);
	if (err)
		return cr_rstrt_error(err, "cannot set netlink socket %u's options",
				      n);
	err = bind_nlsock(s, *fd);
	return err ? cr_rstrt_error(err,
				    "cannot bind netlink socket %u (protocol %u) to port id %u and its groups",
				    n, s->protocol, s->portid) : 0;
}

/* Makes the netlink sockets and hands them over, after the Unix ones. */
int cr_make_nlsocks(const struct cr_plan *plan, struct cr_handed *h)
{
	struct cr_rstrt_nlsocks_args a = {
		.nsocks = plan->nnlsocks,
		.fds = (unsigned long)h->nlsock_fds,
	};
	unsigned int n;
	int err = 0;

	if (!plan->nnlsocks)
		return 0;
	for (n = 0; !err && n < plan->nnlsocks; n++)
		err = make_nlsock(plan, n, &h->nlsock_fds[n]);
	return err ?: cri_rstrt_nlsocks(plan->ctrl, &a);
}
