// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The eventfd, timerfd, signalfd, epoll and inotify instances of a
 * restart: the module cannot create them, so cr_restart makes them with
 * their saved state, adds the inotify (cr_rstrt_inotify.c) and epoll
 * watches, and hands them over (CR_OP_RSTRT_EVENTS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cr_ioctl.h"
#include "cr_rstrt.h"
#include "cr_util.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS	_IOW('T', 0, uint64_t)
#endif

enum { EV_EVENTFD = 1, EV_TIMERFD, EV_SIGNALFD, EV_EPOLL, EV_INOTIFY };
enum { W_PIPE_R = 1, W_PIPE_W, W_EVENT, W_INHERIT, W_SOCK, W_INOTIFY,
       W_INET, W_PTY, W_NLSOCK };

static struct timespec ns_ts(uint64_t ns)
{
	return (struct timespec){ .tv_sec = ns / 1000000000,
				  .tv_nsec = ns % 1000000000 };
}

static int make_timerfd(const struct cr_rstrt_event *ev)
{
	struct itimerspec its = { .it_interval = ns_ts(ev->interval_ns),
				  .it_value = ns_ts(ev->value_ns) };
	int fd = timerfd_create(ev->clockid, TFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if ((ev->value_ns &&
	     timerfd_settime(fd, ev->flags, &its, NULL) < 0) ||
	    /* Expirations not read yet (needs CONFIG_CHECKPOINT_RESTORE). */
	    (ev->count && ioctl(fd, TFD_IOC_SET_TICKS, &ev->count) < 0)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int make_event(const struct cr_plan *plan,
		      const struct cr_rstrt_event *ev,
		      const struct cr_rstrt_watch *w)
{
	sigset_t set;
	int fd;

	switch (ev->kind) {
	case EV_EVENTFD:
		fd = eventfd(0, EFD_CLOEXEC | (ev->flags & EFD_SEMAPHORE));
		if (fd >= 0 && ev->count &&
		    write(fd, &ev->count, 8) != 8) {
			close(fd);
			return -EIO;
		}
		break;
	case EV_TIMERFD:
		return make_timerfd(ev);
	case EV_SIGNALFD:
		sigemptyset(&set);
		memcpy(&set, &ev->sigmask, sizeof(ev->sigmask));
		fd = signalfd(-1, &set, SFD_CLOEXEC);
		break;
	case EV_EPOLL:
		fd = epoll_create1(EPOLL_CLOEXEC);
		break;
	case EV_INOTIFY:
		return cr_make_inotify(plan, ev, w);
	default:
		return -EINVAL;
	}
	return fd < 0 ? -errno : fd;
}

/*
 * The event files, kept open while the processes are created when one of
 * them must register an epoll's signalfd watches itself: a signalfd wakes
 * the waiters on the signal handlers of whoever registered it.
 */
static int *held_fds;

static bool is_signalfd(const struct cr_plan *plan,
			const struct cr_rstrt_watch *w)
{
	return w->kind == W_EVENT && plan->events[w->index].kind == EV_SIGNALFD;
}

struct watch_result {
	int err;
	unsigned int watch;
};

/* fd, moved to at least lo; -1 stays -1. */
static int move_up(int fd, int lo)
{
	return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, lo);
}

/*
 * For a watch on a file from outside at fd tfd > 2: our fd of that
 * number if we pass it on (open, not close-on-exec), as the module then
 * gives it to the program, moved up to lo; else -1.
 */
static int passed_fd(int tfd, int lo)
{
	int fl = tfd > 2 ? fcntl(tfd, F_GETFD) : -1;

	return fl < 0 || (fl & FD_CLOEXEC) ? -1 : move_up(tfd, lo);
}

/*
 * In a child of ours, whose table may be scribbled on: every fd it needs
 * goes above the highest watched number, then each target is put at the
 * number it was registered with, so that the program's own
 * EPOLL_CTL_MOD and DEL of that fd find it.
 */
static int add_watches(const struct cr_plan *plan, const struct cr_handed *h,
		       const int *ev_fds, struct watch_result *res)
{
	const struct cr_rstrt_watch *w = plan->watches;
	unsigned int i, j, nw = 0, k = 0;
	int hi = 3, *evh, *pfh, *sfh, *ifh, *tfh, *nfh, *psd, inh[3];

	for (i = 0; i < plan->nevents; i++)
		nw += plan->events[i].nwatch;
	for (i = 0; i < nw; i++)
		if (w[i].kind != W_INOTIFY && w[i].tfd >= hi)
			hi = w[i].tfd + 1;
	evh = calloc(plan->nevents, sizeof(*evh));
	pfh = calloc(2 * plan->npipes + 1, sizeof(*pfh));
	sfh = calloc(plan->nsocks + 1, sizeof(*sfh));
	ifh = calloc(plan->ninets + 1, sizeof(*ifh));
	tfh = calloc(2 * plan->nptys + 1, sizeof(*tfh));
	nfh = calloc(plan->nnlsocks + 1, sizeof(*nfh));
	psd = calloc(nw + 1, sizeof(*psd));
	if (!evh || !pfh || !sfh || !ifh || !tfh || !nfh || !psd)
		return -ENOMEM;
	for (i = 0; i < nw; i++)
		psd[i] = w[i].kind == W_INHERIT ? passed_fd(w[i].tfd, hi) : -1;
	for (i = 0; i < plan->nevents; i++)
		if ((evh[i] = move_up(ev_fds[i], hi)) < 0)
			return -errno;
	for (i = 0; i < 2 * plan->npipes; i++)
		if ((pfh[i] = move_up(h->pipe_fds[i], hi)) < 0)
			return -errno;
	for (i = 0; i < plan->nsocks; i++)
		if ((sfh[i] = move_up(h->sock_fds[i], hi)) < 0)
			return -errno;
	/* A connection not yet accepted has no fd, and no watch. */
	for (i = 0; i < plan->ninets; i++)
		ifh[i] = move_up(h->inet_fds[i], hi);
	for (i = 0; i < 2 * plan->nptys; i++)
		if ((tfh[i] = move_up(h->pty_fds[i], hi)) < 0)
			return -errno;
	for (i = 0; i < plan->nnlsocks; i++)
		if ((nfh[i] = move_up(h->nlsock_fds[i], hi)) < 0)
			return -errno;
	for (i = 0; i < 3; i++)
		inh[i] = fcntl(i, F_DUPFD_CLOEXEC, hi);
	for (i = 0; i < plan->nevents; i++) {
		if (plan->events[i].kind != EV_EPOLL) {
			k += plan->events[i].nwatch;
			continue;
		}
		for (j = 0; j < plan->events[i].nwatch; j++, k++) {
			struct epoll_event e = { .events = w[k].events,
						 .data.u64 = w[k].data };
			unsigned int x = w[k].index;
			int src = w[k].kind == W_PIPE_R ? pfh[2 * x] :
				  w[k].kind == W_PIPE_W ? pfh[2 * x + 1] :
				  w[k].kind == W_EVENT ? evh[x] :
				  w[k].kind == W_SOCK ? sfh[x] :
				  w[k].kind == W_INET ? ifh[x] :
				  w[k].kind == W_PTY ? tfh[x] :
				  w[k].kind == W_NLSOCK ? nfh[x] :
				  psd[k] >= 0 ? psd[k] : inh[x];

			res->watch = k;
			if (is_signalfd(plan, &w[k]))
				continue;	/* the owner's, cr_own_watches() */
			if (src < 0 || dup2(src, w[k].tfd) < 0 ||
			    epoll_ctl(evh[i], EPOLL_CTL_ADD, w[k].tfd, &e) < 0)
				return src < 0 ? -EBADF : -errno;
		}
	}
	return 0;
}

static int register_watches(const struct cr_plan *plan,
			    const struct cr_handed *h, const int *ev_fds)
{
	struct watch_result *res;
	unsigned int i, nw = 0;
	int status, err;
	pid_t pid;

	for (i = 0; i < plan->nevents; i++)
		if (plan->events[i].kind == EV_EPOLL)
			nw += plan->events[i].nwatch;
	if (!nw)
		return 0;
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		return cr_rstrt_error(-errno, "epoll watches");
	res->err = -ECHILD;
	pid = fork();
	if (!pid) {
		res->err = add_watches(plan, h, ev_fds, res);
		_exit(0);
	}
	if (pid < 0)
		res->err = -errno;
	else
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	err = res->err;
	if (err)
		cr_rstrt_error(err, "cannot register epoll watch %u (fd %d)",
			       res->watch, plan->watches[res->watch].tfd);
	munmap(res, sizeof(*res));
	return err;
}

int cr_make_events(const struct cr_plan *plan, const struct cr_handed *h)
{
	struct cr_rstrt_events_args a = { .nevents = plan->nevents };
	const struct cr_rstrt_watch *w = plan->watches;
	unsigned int i, n = 0;
	int *fds, err = 0;

	if (!plan->nevents)
		return 0;
	fds = calloc(plan->nevents, sizeof(*fds));
	if (!fds)
		return cr_rstrt_error(-ENOMEM, "event files");
	for (; n < plan->nevents; n++) {
		fds[n] = make_event(plan, &plan->events[n], w);
		if (fds[n] < 0) {
			err = cr_rstrt_error(fds[n], "cannot create event file %u (kind %u)",
					     n, plan->events[n].kind);
			break;
		}
		w += plan->events[n].nwatch;
	}
	if (!err)
		err = register_watches(plan, h, fds);
	a.fds = (unsigned long)fds;
	if (!err)
		err = cri_rstrt_events(plan->ctrl, &a);
	for (i = 0; i < plan->nevents && !err; i++)
		if (plan->events[i].owner) {
			held_fds = fds;
			return 0;
		}
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return err;
}

/* Once every process of the restart has been created. */
void cr_events_release(const struct cr_plan *plan)
{
	unsigned int i;

	if (!held_fds)
		return;
	for (i = 0; i < plan->nevents; i++)
		close(held_fds[i]);
	free(held_fds);
	held_fds = NULL;
}

struct own_arg {
	const struct cr_plan *plan;
	unsigned int epoll;	/* its index, and its watches' first */
	unsigned int first;
	unsigned int watch;	/* out: the one that failed */
};

/*
 * Registers epoll arg->epoll's signalfd watches, each under its old fd
 * number.  It runs on the owner's signal handlers, in a copy of its fd
 * table that it may scribble on.
 */
static int own_watches(void *p)
{
	struct own_arg *arg = p;
	const struct cr_plan *plan = arg->plan;
	const struct cr_rstrt_watch *w = plan->watches + arg->first;
	unsigned int j, n = plan->events[arg->epoll].nwatch;
	int hi = 3, ep, src;

	for (j = 0; j < n; j++)
		if (w[j].tfd >= hi)
			hi = w[j].tfd + 1;
	ep = move_up(held_fds[arg->epoll], hi);
	for (j = 0; j < n; j++) {
		struct epoll_event e = { .events = w[j].events,
					 .data.u64 = w[j].data };

		if (!is_signalfd(plan, &w[j]))
			continue;
		arg->watch = arg->first + j;
		src = move_up(held_fds[w[j].index], hi);
		if (ep < 0 || src < 0 || dup2(src, w[j].tfd) < 0 ||
		    epoll_ctl(ep, EPOLL_CTL_ADD, w[j].tfd, &e) < 0)
			return errno;
		close(src);
	}
	return 0;
}

/*
 * In process index of the restart, before it enters the module: the
 * signalfd watches of the epolls it owns, added by a helper that shares
 * its signal handlers (and, to run at all, its memory: it is a vfork).
 */
int cr_own_watches(const struct cr_plan *plan, unsigned int index)
{
	struct own_arg arg = { .plan = plan };
	size_t stack_len = 64 * 1024;
	int status, err = 0;
	unsigned int i;
	char *stack;
	pid_t pid;

	for (i = 0; i < plan->nevents && !err; i++) {
		if (plan->events[i].owner != plan->procs[index].pid) {
			arg.first += plan->events[i].nwatch;
			continue;
		}
		arg.epoll = i;
		stack = mmap(NULL, stack_len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (stack == MAP_FAILED)
			return cr_rstrt_error(-errno, "epoll watches");
		pid = clone(own_watches, stack + stack_len,
			    CLONE_VM | CLONE_SIGHAND | CLONE_VFORK, &arg);
		if (pid < 0)
			err = -errno;
		else if (waitpid(pid, &status, __WCLONE) != pid)
			err = -ECHILD;
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			err = WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
		munmap(stack, stack_len);
		arg.first += plan->events[i].nwatch;
		if (err)
			cr_rstrt_error(err, "cannot register epoll watch %u (fd %d)",
				       arg.watch, plan->watches[arg.watch].tfd);
	}
	return err;
}
