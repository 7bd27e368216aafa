// SPDX-License-Identifier: GPL-2.0-only
/*
 * POSIX timers (timer_create).  At checkpoint each process's dumper saves
 * its timers: clock, sigevent, interval and time left, as timer_gettime()
 * would show them.  The module cannot create or arm a timer (the k_clock
 * operations are not exported), so cr_restart gets the checked table with
 * CR_OP_RSTRT_PTIMERS and each restarted process makes its own with
 * timer_create(), which hands out ids in sequence in a new process, and
 * arms them, all signals blocked, before it enters the module: a timer
 * that expires during the restore has its signal pending when the
 * program's mask comes back.
 *
 * Relative timers resume with the time they had left; a CLOCK_REALTIME
 * timer armed with TIMER_ABSTIME keeps its deadline.  An absolute timer on
 * another clock, whose epoch is the boot, is saved by its time left.
 * The CPU-time and alarm clocks are refused.
 */
#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "cr_chkpt.h"

#define CR_PT_SIGNAL	0		/* SIGEV_SIGNAL */
#define CR_PT_NONE	1		/* SIGEV_NONE */
#define CR_PT_THREAD	4		/* SIGEV_SIGNAL | SIGEV_THREAD_ID */

static bool cr_ptimer_clock_ok(s32 clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC ||
	       clock == CLOCK_BOOTTIME;
}

/* ---- checkpoint ---- */

/*
 * The time left, as timer_gettime() computes it, without touching the
 * timer: a periodic timer whose expiry passed (its signal is still
 * queued, or the timer is SIGEV_NONE) is due one period later, counting
 * the periods it missed as overruns.
 */
static s64 cr_ptimer_left(struct k_itimer *t, ktime_t now, s64 *overrun)
{
	struct hrtimer *h = &t->it.real.timer;
	bool none = t->it_sigev_notify == CR_PT_NONE;
	s64 left, iv = ktime_to_ns(t->it_interval), missed;

	if (!iv && !t->it_active && !none)
		return 0;
	left = ktime_to_ns(ktime_sub(hrtimer_get_expires(h), now));
	if (left <= 0 && iv) {
		missed = div64_s64(-left, iv) + 1;
		*overrun += missed;
		left += missed * iv;
	}
	if (left <= 0)
		return none ? 0 : 1;	/* a one-shot about to fire */
	return left;
}

static int cr_save_ptimer(struct k_itimer *t, struct cr_img_ptimer *p,
			  struct cr_status *st)
{
	struct hrtimer *h = &t->it.real.timer;
	unsigned long flags;
	ktime_t now;
	s64 overrun;

	p->pid = task_tgid_vnr(current);
	p->id = t->it_id;
	if (!cr_ptimer_clock_ok(t->it_clock))
		return cr_fail(st, -EOPNOTSUPP,
			       "pid %d: POSIX timer %d on clock %d (a CPU-time "
			       "or alarm clock) cannot be saved",
			       p->pid, p->id, t->it_clock);
	spin_lock_irqsave(&t->it_lock, flags);
	p->clockid = t->it_clock;
	p->notify = t->it_sigev_notify;
	p->signo = t->sigq->info.si_signo;
	p->sival = (unsigned long)t->sigq->info.si_value.sival_ptr;
	if (p->notify == CR_PT_THREAD)
		p->tid = pid_vnr(t->it_pid);
	/* A relative CLOCK_REALTIME timer runs on the monotonic base. */
	if (t->it_clock == CLOCK_REALTIME && h->base->clockid == CLOCK_REALTIME)
		p->flags = TIMER_ABSTIME;
	p->interval_ns = ktime_to_ns(t->it_interval);
	overrun = t->it_overrun_last;
	now = hrtimer_cb_get_time(h);
	p->value_ns = cr_ptimer_left(t, now, &overrun);
	spin_unlock_irqrestore(&t->it_lock, flags);
	p->overrun = clamp_t(s64, overrun, 0, INT_MAX);
	if (!p->value_ns)
		p->flags = 0;
	else if (p->flags)
		p->value_ns += ktime_to_ns(now);
	return 0;
}

static int cr_ptimer_cmp(const void *a, const void *b)
{
	const struct cr_img_ptimer *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Called by the process's dumper while all its threads are held in the
 * checkpoint, so none can create or delete a timer: the list is walked
 * without siglock, which nests inside each timer's it_lock.
 */
int cr_save_ptimers(struct cr_proc_ctx *pc, struct cr_status *st)
{
	struct k_itimer *t;
	unsigned int n = 0;
	int err = 0;

	list_for_each_entry(t, &current->signal->posix_timers, list)
		n++;
	if (!n)
		return 0;
	if (n > CR_MAX_PTIMERS)
		return cr_fail(st, -E2BIG, "pid %d has too many POSIX timers",
			       task_tgid_vnr(current));
	pc->ptimers = kvcalloc(n, sizeof(*pc->ptimers), GFP_KERNEL);
	if (!pc->ptimers)
		return -ENOMEM;
	list_for_each_entry(t, &current->signal->posix_timers, list) {
		err = cr_save_ptimer(t, &pc->ptimers[pc->nptimers++], st);
		if (err)
			return err;
	}
	sort(pc->ptimers, n, sizeof(*pc->ptimers), cr_ptimer_cmp, NULL);
	return 0;
}

/* Every process's timers, in table order, once. */
int cr_write_ptimers(struct cr_stream *s, struct cr_chkpt_req *req)
{
	struct cr_img_ptimers *h;
	unsigned int i, n = 0;
	size_t len;
	int err;

	for (i = 0; i < req->nprocs; i++)
		n += req->procs[i].nptimers;
	if (n > CR_MAX_PTIMERS)
		return -E2BIG;
	len = struct_size(h, timer, n);
	h = kvzalloc(len, GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	for (i = 0; i < req->nprocs; i++) {
		struct cr_proc_ctx *pc = &req->procs[i];

		memcpy(&h->timer[h->ntimers], pc->ptimers,
		       pc->nptimers * sizeof(*pc->ptimers));
		h->ntimers += pc->nptimers;
	}
	err = cr_write_rec(s, CR_REC_PTIMERS, h, len);
	kvfree(h);
	return err;
}

/* ---- restart ---- */

static bool cr_ptimer_ok(const struct cr_img_ptimer *p)
{
	if (p->id < 0 || p->id > CR_MAX_PTIMER_ID ||
	    !cr_ptimer_clock_ok(p->clockid) || p->flags & ~TIMER_ABSTIME ||
	    (p->flags && (p->clockid != CLOCK_REALTIME || !p->value_ns)) ||
	    p->value_ns > S64_MAX || p->interval_ns > S64_MAX ||
	    p->overrun > INT_MAX)
		return false;
	switch (p->notify) {
	case CR_PT_NONE:
		return !p->tid && p->signo <= CR_NSIG;
	case CR_PT_SIGNAL:
		if (p->tid)
			return false;
		fallthrough;
	case CR_PT_THREAD:
		return p->signo >= 1 && p->signo <= CR_NSIG;
	default:
		return false;
	}
}

/*
 * Reads and checks the table's form; cr_rstrt.c checks its pids and tids
 * against the process table.
 */
int cr_read_ptimers(struct cr_stream *s, struct cr_shared *sh,
		    struct cr_status *st)
{
	struct cr_img_ptimers *h;
	size_t len;
	u32 i;

	h = cr_read_rec(s, CR_REC_PTIMERS, sizeof(*h),
			struct_size(h, timer, CR_MAX_PTIMERS), &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad POSIX timer record");
	sh->ptimers = h;
	if (h->pad || h->ntimers > CR_MAX_PTIMERS ||
	    len != struct_size(h, timer, h->ntimers))
		return cr_fail(st, -EBADMSG, "bad POSIX timer record");
	for (i = 0; i < h->ntimers; i++)
		if (!cr_ptimer_ok(&h->timer[i]))
			return cr_fail(st, -EBADMSG, "bad POSIX timer %u", i);
	return 0;
}

/* CR_OP_RSTRT_PTIMERS */
long cr_copy_ptimers(struct cr_shared *sh, void __user *uarg)
{
	struct cr_rstrt_ptimers_args a;
	const struct cr_img_ptimers *h = sh->ptimers;
	size_t len;

	BUILD_BUG_ON(sizeof(struct cr_rstrt_ptimer) !=
		     sizeof(struct cr_img_ptimer));
	if (!h)
		return -EINVAL;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	len = h->ntimers * sizeof(h->timer[0]);
	if (a.len >= len && copy_to_user(u64_to_user_ptr(a.buf), h->timer, len))
		return -EFAULT;
	a.len = len;
	a.ntimers = h->ntimers;
	return copy_to_user(uarg, &a, sizeof(a)) ? -EFAULT : 0;
}
