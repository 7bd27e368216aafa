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
 * program's mask comes back.  Then the module puts back the overrun
 * count timer_getoverrun() showed, which no system call sets.  A periodic
 * timer whose signal was still queued comes back armed for its next
 * period, and the queued signal from the saved queue.
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

#include "cr_compat.h"
#include "cr_internal.h"

#define CR_PT_SIGNAL	0		/* SIGEV_SIGNAL */
#define CR_PT_NONE	1		/* SIGEV_NONE */
#define CR_PT_THREAD	4		/* SIGEV_SIGNAL | SIGEV_THREAD_ID */

/* checkpoint: one process's timers, by id. */
struct cr_proc_ptimers {
	unsigned int index;		/* the process's, in the table */
	struct cr_img_ptimer *timer;
	unsigned int n;
};

/* The kind's state. */
struct cr_ptimers {
	struct cr_proc_ptimers *proc;	/* checkpoint: as the processes came */
	unsigned int nprocs, cap;
	struct cr_img_ptimers *img;	/* restart: the record */
};

static struct cr_ptimers *cr_ptimers(struct cr_shared *sh)
{
	return sh->kind[CR_KIND_PTIMERS].state;
}

static bool cr_ptimer_clock_ok(s32 clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC ||
	       clock == CLOCK_BOOTTIME;
}

/* ---- checkpoint ---- */

/*
 * The time left, as timer_gettime() computes it, without touching the
 * timer: a periodic timer whose expiry passed (its signal is still
 * queued, or the timer is SIGEV_NONE) is due at its next period.
 */
static s64 cr_ptimer_left(struct k_itimer *t, ktime_t now)
{
	struct hrtimer *h = &t->it.real.timer;
	bool none = t->it_sigev_notify == CR_PT_NONE;
	s64 left, iv = ktime_to_ns(t->it_interval);

	if (!iv && !t->it_active && !none)
		return 0;
	left = ktime_to_ns(ktime_sub(hrtimer_get_expires(h), now));
	if (left <= 0 && iv)
		left += (div64_s64(-left, iv) + 1) * iv;
	if (left <= 0)
		return none ? 0 : 1;	/* a one-shot about to fire */
	return left;
}

/* The target of a SIGEV_THREAD_ID timer, if it is still one of ours. */
static pid_t cr_ptimer_tid(struct k_itimer *t)
{
	struct task_struct *task;
	pid_t tid = 0;

	rcu_read_lock();
	task = pid_task(t->it_pid, PIDTYPE_PID);
	if (task && same_thread_group(task, current) && !task->exit_state)
		tid = task_pid_vnr(task);
	rcu_read_unlock();
	return tid;
}

static int cr_save_ptimer(struct k_itimer *t, struct cr_img_ptimer *p,
			  struct cr_status *st)
{
	struct hrtimer *h = &t->it.real.timer;
	unsigned long flags;
	ktime_t now;

	p->pid = task_tgid_vnr(current);
	p->id = t->it_id;
	if (!cr_ptimer_clock_ok(t->it_clock))
		return cr_fail(st, -EOPNOTSUPP,
			       "pid %d: POSIX timer %d on clock %d (a CPU-time "
			       "or alarm clock) cannot be saved",
			       p->pid, p->id, t->it_clock);
	if (p->id > CR_MAX_PTIMER_ID)
		return cr_fail(st, -EOPNOTSUPP,
			       "pid %d: POSIX timer id %d is above %d",
			       p->pid, p->id, CR_MAX_PTIMER_ID);
	p->notify = t->it_sigev_notify;
	if (p->notify == CR_PT_THREAD) {
		p->tid = cr_ptimer_tid(t);
		if (!p->tid)
			return cr_fail(st, -EOPNOTSUPP, "pid %d: POSIX timer "
				       "%d signals a thread that exited",
				       p->pid, p->id);
	}
	spin_lock_irqsave(&t->it_lock, flags);
	p->clockid = t->it_clock;
	p->signo = t->sigq->info.si_signo;
	p->sival = (unsigned long)t->sigq->info.si_value.sival_ptr;
	/* A relative CLOCK_REALTIME timer runs on the monotonic base. */
	if (t->it_clock == CLOCK_REALTIME && h->base->clockid == CLOCK_REALTIME)
		p->flags = TIMER_ABSTIME;
	p->interval_ns = ktime_to_ns(t->it_interval);
	/* What timer_getoverrun() shows: the last signal's overruns. */
	p->overrun = clamp_t(s64, t->it_overrun_last, 0, INT_MAX);
	now = hrtimer_cb_get_time(h);
	p->value_ns = cr_ptimer_left(t, now);
	spin_unlock_irqrestore(&t->it_lock, flags);
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

/* Keeps the timers of the process at index of the table. */
static int cr_keep_ptimers(struct cr_shared *sh, unsigned int index,
			   struct cr_img_ptimer *timer, unsigned int n)
{
	struct cr_ptimers *pt = cr_ptimers(sh);
	struct cr_proc_ptimers *p;

	mutex_lock(&sh->lock);
	p = cr_grow((void **)&pt->proc, &pt->nprocs, &pt->cap, sizeof(*p),
		    CR_MAX_PROCS);
	if (!IS_ERR(p)) {
		p->index = index;
		p->timer = timer;
		p->n = n;
	}
	mutex_unlock(&sh->lock);
	return PTR_ERR_OR_ZERO(p);
}

/*
 * Called by the process's dumper while all its threads are held in the
 * checkpoint, so none can create or delete a timer: the list is walked
 * without siglock, which nests inside each timer's it_lock.
 */
static int cr_note_ptimers(struct cr_shared *sh, unsigned int index,
			   struct cr_status *st)
{
	struct cr_img_ptimer *timer;
	struct k_itimer *t;
	unsigned int n = 0, i = 0;
	int err = 0;

	cr_for_each_ptimer(t, current->signal)
		n++;
	if (!n)
		return 0;
	if (n > CR_MAX_PTIMERS)
		return cr_fail(st, -E2BIG, "pid %d has too many POSIX timers",
			       task_tgid_vnr(current));
	timer = kvcalloc(n, sizeof(*timer), GFP_KERNEL);
	if (!timer)
		return -ENOMEM;
	cr_for_each_ptimer(t, current->signal) {
		err = cr_save_ptimer(t, &timer[i++], st);
		if (err)
			goto out_free;
	}
	sort(timer, n, sizeof(*timer), cr_ptimer_cmp, NULL);
	err = cr_keep_ptimers(sh, index, timer, n);
	if (!err)
		return 0;
out_free:
	kvfree(timer);
	return err;
}

static int cr_proc_cmp(const void *a, const void *b)
{
	const struct cr_proc_ptimers *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* Every process's timers, in table order, once. */
static int cr_write_ptimers(struct cr_stream *s, struct cr_shared *sh,
			    struct cr_status *st)
{
	struct cr_ptimers *pt = cr_ptimers(sh);
	struct cr_img_ptimers *h;
	unsigned int i, n = 0;
	size_t len;
	int err;

	sort(pt->proc, pt->nprocs, sizeof(*pt->proc), cr_proc_cmp, NULL);
	for (i = 0; i < pt->nprocs; i++)
		n += pt->proc[i].n;
	if (n > CR_MAX_PTIMERS)
		return -E2BIG;
	len = struct_size(h, timer, n);
	h = kvzalloc(len, GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	for (i = 0; i < pt->nprocs; i++) {
		memcpy(&h->timer[h->ntimers], pt->proc[i].timer,
		       pt->proc[i].n * sizeof(*pt->proc[i].timer));
		h->ntimers += pt->proc[i].n;
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
	case CR_PT_THREAD:
		return p->signo >= 1 && p->signo <= CR_NSIG &&
		       (p->tid > 0) == (p->notify == CR_PT_THREAD);
	default:
		return false;
	}
}

/* Reads and checks the table's form; cr_check_ptimers() the rest. */
static int cr_read_ptimers(struct cr_stream *s, struct cr_shared *sh,
			   struct cr_status *st)
{
	struct cr_img_ptimers *h;
	size_t len;
	u32 i;

	h = cr_read_rec(s, CR_REC_PTIMERS, sizeof(*h),
			struct_size(h, timer, CR_MAX_PTIMERS), &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad POSIX timer record");
	cr_ptimers(sh)->img = h;
	if (h->pad || h->ntimers > CR_MAX_PTIMERS ||
	    len != struct_size(h, timer, h->ntimers))
		return cr_fail(st, -EBADMSG, "bad POSIX timer record");
	for (i = 0; i < h->ntimers; i++)
		if (!cr_ptimer_ok(&h->timer[i]))
			return cr_fail(st, -EBADMSG, "bad POSIX timer %u", i);
	return 0;
}

static bool cr_has_tid(const s32 *tids, u32 n, s32 tid)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (tids[i] == tid)
			return true;
	return false;
}

/*
 * Every POSIX timer belongs to a live process of the table, in table
 * order, with ids increasing, and signals one of its threads.
 */
static int cr_check_ptimers(struct cr_shared *sh,
			    const struct cr_kind_procs *procs,
			    struct cr_status *st)
{
	const struct cr_img_ptimers *h = cr_ptimers(sh)->img;
	const s32 *tids = procs->tids;
	unsigned int p = 0;
	u32 i;

	for (i = 0; i < h->ntimers; i++) {
		const struct cr_img_ptimer *t = &h->timer[i];

		while (p < procs->n && procs->ent[p].pid != t->pid)
			tids += procs->ent[p++].nthreads;
		if (p == procs->n ||
		    (i && t[-1].pid == t->pid && t[-1].id >= t->id) ||
		    (t->tid &&
		     !cr_has_tid(tids, procs->ent[p].nthreads, t->tid)))
			return cr_fail(st, -EBADMSG, "bad POSIX timer %u", i);
	}
	return 0;
}

static struct k_itimer *cr_find_ptimer(s32 id)
{
	struct k_itimer *t;

	cr_for_each_ptimer(t, current->signal)
		if (t->it_id == id)
			return t;
	return NULL;
}

/*
 * In the restarting process, whose threads are all held in the module:
 * each of its timers, which cr_restart made, gets back the overrun count
 * that timer_getoverrun() showed, which no system call sets.
 */
static int cr_load_ptimers(struct cr_shared *sh, pid_t pid,
			   struct cr_status *st)
{
	const struct cr_img_ptimers *h = cr_ptimers(sh)->img;
	unsigned long flags;
	struct k_itimer *t;
	u32 i;

	for (i = 0; h && i < h->ntimers; i++) {
		if (h->timer[i].pid != pid)
			continue;
		t = cr_find_ptimer(h->timer[i].id);
		if (!t)
			return cr_fail(st, -ESRCH, "pid %d: POSIX timer %d "
				       "was not recreated", pid,
				       h->timer[i].id);
		spin_lock_irqsave(&t->it_lock, flags);
		t->it_overrun_last = h->timer[i].overrun;
		spin_unlock_irqrestore(&t->it_lock, flags);
	}
	return 0;
}

/* CR_OP_RSTRT_PTIMERS */
static long cr_copy_ptimers(struct cr_shared *sh, void __user *uarg)
{
	struct cr_rstrt_ptimers_args a;
	const struct cr_img_ptimers *h = cr_ptimers(sh)->img;
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

static void *cr_alloc_ptimers(void)
{
	return kzalloc(sizeof(struct cr_ptimers), GFP_KERNEL);
}

static void cr_release_ptimers(void *state)
{
	struct cr_ptimers *pt = state;
	unsigned int i;

	for (i = 0; i < pt->nprocs; i++)
		kvfree(pt->proc[i].timer);
	kvfree(pt->proc);
	kvfree(pt->img);
	kfree(pt);
}

const struct cr_kind_ops cr_ptimer_ops = {
	.name = "POSIX timers",
	.handover_op = CR_OP_RSTRT_PTIMERS,
	.alloc = cr_alloc_ptimers,
	.release = cr_release_ptimers,
	.note_proc = cr_note_ptimers,
	.save = cr_write_ptimers,
	.read = cr_read_ptimers,
	.check = cr_check_ptimers,
	.copy_out = cr_copy_ptimers,
	.load_proc = cr_load_ptimers,
};
