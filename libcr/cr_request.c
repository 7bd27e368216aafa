// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Requests to the module: each lives on its own ctrl fd, which polls
 * readable when the request is over.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cr_private.h"

static int cri_ioctl(int ctrl, unsigned long op, void *arg)
{
	int ret = ioctl(ctrl, op, arg);

	return ret < 0 ? -errno : ret;
}

int cri_chkpt_start(int ctrl, const struct cr_chkpt_args *args)
{
	return cri_ioctl(ctrl, CR_OP_CHKPT_REQ, (void *)args);
}

int cri_rstrt_start(int ctrl, const struct cr_rstrt_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_REQ, (void *)args);
}

int cri_rstrt_relocate(int ctrl, const struct cr_rstrt_reloc_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_RELOCATE, (void *)args);
}

int cri_rstrt_signal(int ctrl, int sig)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_SIGNAL, (void *)(long)sig);
}

int cri_rstrt_procs(int ctrl, struct cr_rstrt_procs_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_PROCS, args);
}

int cri_rstrt_pipes(int ctrl, const struct cr_rstrt_pipes_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_PIPES, (void *)args);
}

int cri_rstrt_socks(int ctrl, const struct cr_rstrt_socks_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_SOCKS, (void *)args);
}

int cri_rstrt_events(int ctrl, const struct cr_rstrt_events_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_EVENTS, (void *)args);
}

int cri_rstrt_ptimers(int ctrl, struct cr_rstrt_ptimers_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_PTIMERS, args);
}

/* 1 when the request is over, 0 on timeout (ms; -1 waits), or -errno. */
int cri_wait(int ctrl, int timeout_ms)
{
	struct pollfd p = { .fd = ctrl, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n && (p.revents & POLLERR))
		return -EINVAL;
	return n;
}

/* The request's result: 0, or -errno; -EAGAIN while it runs. */
int cri_reap(int ctrl, int restart)
{
	return cri_ioctl(ctrl, restart ? CR_OP_RSTRT_REAP : CR_OP_CHKPT_REAP,
			 NULL);
}

/* Copies the module's message of kind CR_LOG_* about the request; "" if none. */
void cri_log(int ctrl, unsigned int kind, char *buf, size_t len)
{
	struct cr_log_args a = { .buf = (unsigned long)buf, .len = len,
				 .kind = kind };

	if (!len)
		return;
	buf[0] = '\0';
	if (cri_ioctl(ctrl, CR_OP_LOG, &a) < 0)
		buf[0] = '\0';
	buf[len - 1] = '\0';
}
