// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one userspace client of the module's ABI (<blcr/cr_abi.h>): every
 * operation on /proc/checkpoint/ctrl, for libcr and the tools.  Requests
 * each live on their own ctrl fd, which polls readable when the request
 * is over; a process's handler token is a ctrl fd too.  All return
 * -errno on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cr_ioctl.h"

static int cri_ioctl(int ctrl, unsigned long op, void *arg)
{
	int ret = ioctl(ctrl, op, arg);

	return ret < 0 ? -errno : ret;
}

/* Returns an fd, or -ENOSYS when the module is not loaded. */
int cri_ctrl_open(void)
{
	int fd = open(CR_CTRL_FILE, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? -ENOSYS : -errno;
	return fd;
}

/* op on a ctrl fd of its own, which serves no request. */
static int cri_ioctl_once(unsigned long op, void *arg)
{
	int fd = cri_ctrl_open();
	int ret;

	if (fd < 0)
		return fd;
	ret = cri_ioctl(fd, op, arg);
	close(fd);
	return ret;
}

int cri_module_version(struct cr_version_args *ver)
{
	return cri_ioctl_once(CR_OP_VERSION, ver);
}

int cri_chkpt_start(int ctrl, const struct cr_chkpt_args *args)
{
	return cri_ioctl(ctrl, CR_OP_CHKPT_REQ, (void *)args);
}

int cri_chkpt_live(int ctrl, const struct cr_chkpt_live_args *args)
{
	return cri_ioctl(ctrl, CR_OP_CHKPT_LIVE, (void *)args);
}

/* The watch's fd (CR_OP_LIVE_WATCH), or -errno. */
int cri_live_watch(const struct cr_live_proc *procs, unsigned int n)
{
	struct cr_live_watch_args a = {
		.procs = (uintptr_t)procs, .nprocs = n,
	};

	return cri_ioctl_once(CR_OP_LIVE_WATCH, &a);
}

int cri_live_pages(int watch, struct cr_live_pages_args *args)
{
	return cri_ioctl(watch, CR_OP_LIVE_PAGES, args);
}

int cri_rstrt_start(int ctrl, const struct cr_rstrt_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_REQ, (void *)args);
}

int cri_rstrt_relocate(int ctrl, const struct cr_rstrt_reloc_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_RELOCATE, (void *)args);
}

/* An exclusion hint (CR_HINT_*) on the caller's memory. */
int cri_hint(unsigned int op, const void *addr, size_t len)
{
	struct cr_hint_args a = {
		.addr = (uintptr_t)addr, .len = len, .op = op,
	};

	return cri_ioctl_once(CR_OP_HINT, &a);
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

int cri_rstrt_inet(int ctrl, const struct cr_rstrt_inet_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_INET, (void *)args);
}

int cri_rstrt_ptys(int ctrl, const struct cr_rstrt_ptys_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_PTYS, (void *)args);
}

int cri_rstrt_nlsocks(int ctrl, const struct cr_rstrt_nlsocks_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_NLSOCKS, (void *)args);
}

int cri_rstrt_lazy(int ctrl, const struct cr_rstrt_lazy_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_LAZY, (void *)args);
}

int cri_rstrt_events(int ctrl, const struct cr_rstrt_events_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_EVENTS, (void *)args);
}

int cri_rstrt_ptimers(int ctrl, struct cr_rstrt_ptimers_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_PTIMERS, args);
}

int cri_rstrt_next_pid(int ctrl, pid_t pid)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_NEXT_PID, (void *)(long)pid);
}

/* Returns into the restored context; only a failure comes back. */
int cri_rstrt_child(int ctrl, const struct cr_rstrt_child_args *args)
{
	return cri_ioctl(ctrl, CR_OP_RSTRT_CHILD, (void *)args);
}

/* Gives up a restart (err > 0): the module stops the whole of it. */
void cri_rstrt_abort(int ctrl, int err)
{
	cri_ioctl(ctrl, CR_OP_RSTRT_ABORT, (void *)(long)err);
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

/* The length of the module's message of kind CR_LOG_* with its NUL. */
int cri_log_get(int ctrl, unsigned int kind, char *buf, unsigned int len)
{
	struct cr_log_args a = { .buf = (unsigned long)buf, .len = len,
				 .kind = kind };

	return cri_ioctl(ctrl, CR_OP_LOG, &a);
}

/* Copies the module's message of kind CR_LOG_* about the request; "" if none. */
void cri_log(int ctrl, unsigned int kind, char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = '\0';
	if (cri_log_get(ctrl, kind, buf, len) < 0)
		buf[0] = '\0';
	buf[len - 1] = '\0';
}

/*
 * The handler side, on a process's token: wait for a checkpoint, answer
 * it (CR_HAND_* flags), read it, add a scope to it.
 */
int cri_hand_wait(int token)
{
	return cri_ioctl(token, CR_OP_HAND_WAIT, NULL);
}

int cri_hand_chkpt(int token, unsigned long flags)
{
	return cri_ioctl(token, CR_OP_HAND_CHKPT, (void *)flags);
}

int cri_hand_info(int token, struct cr_hand_info *info)
{
	return cri_ioctl(token, CR_OP_HAND_INFO, info);
}

int cri_chkpt_fwd(int token, const struct cr_fwd_args *args)
{
	return cri_ioctl(token, CR_OP_CHKPT_FWD, (void *)args);
}
