// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The POSIX timers of a restart.  The module cannot create or arm them,
 * so each restarted process makes its own, after its threads (a timer
 * may signal one) and before it enters the module.  The program keeps
 * the timer_t it had, so every timer must get its old id: a new process
 * hands ids out in sequence from 0, so the ids between are taken by
 * timers created and deleted at once.  Signals are blocked until the
 * program's own mask is back: one from a timer that expires meanwhile
 * waits, pending, for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cr_ioctl.h"
#include "cr_rstrt.h"
#include "cr_util.h"

/* The module's table of every process's timers, into plan. */
int cr_get_ptimers(struct cr_plan *plan)
{
	struct cr_rstrt_ptimers_args a = { 0 };
	void *buf;

	if (cri_rstrt_ptimers(plan->ctrl, &a) < 0)
		return -EINVAL;
	if (!a.ntimers)
		return 0;
	buf = malloc(a.len);
	if (!buf)
		return -ENOMEM;
	a.buf = (unsigned long)buf;
	if (cri_rstrt_ptimers(plan->ctrl, &a) < 0) {
		free(buf);
		return -EINVAL;
	}
	plan->ptimers = buf;
	plan->nptimers = a.ntimers;
	return 0;
}

/* The kernel's timer_create(), for its raw ids (glibc's are not all). */
static int make_timer(clockid_t clock, struct sigevent *ev)
{
	int id;

	if (syscall(SYS_timer_create, clock, ev, &id) < 0)
		return -errno;
	return id;
}

/* Takes the ids below want, which the program had deleted. */
static int skip_ids(int want)
{
	struct sigevent none = { .sigev_notify = SIGEV_NONE };
	int id;

	for (;;) {
		id = make_timer(CLOCK_MONOTONIC, &none);
		if (id < 0 || id >= want)
			return id < 0 ? id : -EEXIST;
		syscall(SYS_timer_delete, id);
		if (id == want - 1)
			return 0;
	}
}

static struct timespec ns_ts(uint64_t ns)
{
	return (struct timespec){ .tv_sec = ns / 1000000000,
				  .tv_nsec = ns % 1000000000 };
}

/* The tid, in this restart, of the process's thread that had tid old. */
static pid_t new_tid(const struct cr_plan *plan, unsigned int index,
		     const pid_t *tids, pid_t old)
{
	const struct cr_rstrt_proc *p = &plan->procs[index];
	const int32_t *was = (const int32_t *)(plan->buf + p->tids_off);
	unsigned int i;

	for (i = 0; i < p->nthreads; i++)
		if (was[i] == old)
			return tids[i];
	return 0;	/* the module checked: not reached */
}

static int make_ptimer(const struct cr_rstrt_ptimer *t, pid_t tid, int next)
{
	struct sigevent ev = { .sigev_notify = t->notify,
			       .sigev_signo = t->signo };
	struct itimerspec its = { .it_interval = ns_ts(t->interval_ns),
				  .it_value = ns_ts(t->value_ns) };
	int id, err;

	ev.sigev_value.sival_ptr = (void *)(uintptr_t)t->sival;
	ev._sigev_un._tid = tid;	/* sigev_notify_thread_id */
	err = t->id > next ? skip_ids(t->id) : 0;
	if (err)
		return err;
	id = make_timer(t->clockid, &ev);
	if (id < 0)
		return id;
	if (id != t->id)
		return -EEXIST;
	if (t->value_ns &&
	    syscall(SYS_timer_settime, id, t->flags, &its, NULL) < 0)
		return -errno;
	return 0;
}

/* Process index's timers, with their ids, armed; tids: its threads'. */
int cr_make_ptimers(const struct cr_plan *plan, unsigned int index,
		    const pid_t *tids)
{
	const struct cr_rstrt_proc *p = &plan->procs[index];
	unsigned int i;
	int next = 0, err;

	for (i = 0; i < plan->nptimers; i++) {
		const struct cr_rstrt_ptimer *t = &plan->ptimers[i];

		if (t->pid != p->pid)
			continue;
		err = make_ptimer(t, t->tid ? new_tid(plan, index, tids,
							   t->tid) : 0, next);
		if (err)
			return cr_rstrt_error(err, "pid %d: cannot recreate "
					      "POSIX timer %d", p->pid, t->id);
		next = t->id + 1;
	}
	return 0;
}
