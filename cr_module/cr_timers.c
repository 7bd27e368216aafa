// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interval timers.  ITIMER_REAL is saved and re-armed by the module with
 * the time it had left.  The CPU-time timers (ITIMER_PROF, ITIMER_VIRTUAL)
 * cannot be armed with exported symbols, so their time left travels in
 * the process table and cr_restart arms them with setitimer() before the
 * process is rebuilt.
 */
#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/sched/signal.h>

#include "cr_internal.h"

/* Called under siglock, which guards the real timer as in setitimer(). */
void cr_save_itimer_real(struct cr_img_sighand *h)
{
	struct signal_struct *sig = current->signal;
	s64 left;

	/*
	 * An interval timer that fired while the process was stopped is idle
	 * until its SIGALRM (saved as pending) is dequeued, which re-arms it
	 * from it_real_incr: keep the interval even then.
	 */
	h->itimer_real_incr_ns = ktime_to_ns(sig->it_real_incr);
	if (!hrtimer_active(&sig->real_timer))
		return;
	left = ktime_to_ns(hrtimer_get_remaining(&sig->real_timer));
	h->itimer_real_ns = max_t(s64, left, 1);
}

/* Called under siglock; the restarting process has no timer armed. */
void cr_load_itimer_real(const struct cr_img_sighand *h)
{
	struct signal_struct *sig = current->signal;

	sig->it_real_incr = ns_to_ktime(h->itimer_real_incr_ns);
	if (h->itimer_real_ns)
		hrtimer_start(&sig->real_timer,
			      ns_to_ktime(h->itimer_real_ns), HRTIMER_MODE_REL);
}

/* Time left on a CPU timer that expires at the group's cputime "at". */
static u64 cr_cpu_left(struct cpu_itimer *it, u64 now)
{
	if (!it->expires)
		return 0;
	return it->expires > now ? it->expires - now : 1;
}

void cr_save_cpu_itimers(struct cr_img_proc_ent *e)
{
	struct signal_struct *sig = current->signal;
	struct task_cputime_atomic *ct = &sig->cputimer.cputime_atomic;
	u64 utime, stime;

	spin_lock_irq(&current->sighand->siglock);
	/* An armed CPU timer keeps the group's cputime sample running. */
	utime = atomic64_read(&ct->utime);
	stime = atomic64_read(&ct->stime);
	e->itimer_prof_ns = cr_cpu_left(&sig->it[CPUCLOCK_PROF], utime + stime);
	e->itimer_prof_incr_ns = sig->it[CPUCLOCK_PROF].incr;
	e->itimer_virt_ns = cr_cpu_left(&sig->it[CPUCLOCK_VIRT], utime);
	e->itimer_virt_incr_ns = sig->it[CPUCLOCK_VIRT].incr;
	spin_unlock_irq(&current->sighand->siglock);
}
