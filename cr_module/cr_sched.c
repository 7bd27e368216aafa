// SPDX-License-Identifier: GPL-2.0-only
/*
 * A thread's scheduling state (policy, real-time priority, nice, CPU
 * affinity) and its prctl settings (parent-death signal, timer slack,
 * name), saved and restored by the thread itself.  Restart grants nothing: a
 * real-time policy needs CAP_SYS_NICE or RLIMIT_RTPRIO, a lower nice
 * what setpriority would need, and the affinity is kept within the
 * restarter's (a CPU missing there, or on this machine, is dropped; none
 * left keeps the restarter's).
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <uapi/linux/sched/types.h>

#include "cr_internal.h"

#define CR_SCHED_CPUS	(CR_SCHED_CPU_WORDS * 64)

void cr_save_sched(struct cr_img_sched *s)
{
	struct task_struct *t = current;
	unsigned int cpu;

	memset(s, 0, sizeof(*s));
	s->policy = t->policy;
	if (t->sched_reset_on_fork)
		s->policy |= SCHED_RESET_ON_FORK;
	s->rt_priority = t->rt_priority;
	s->nice = task_nice(t);
	s->pdeath_signal = t->pdeath_signal;
	s->timer_slack_ns = t->timer_slack_ns;
	get_task_comm(s->comm, t);
	for_each_cpu(cpu, t->cpus_ptr)
		if (cpu < CR_SCHED_CPUS)
			s->cpus[cpu / 64] |= 1ULL << (cpu % 64);
}

int cr_check_sched(const struct cr_img_sched *s)
{
	u32 policy = s->policy & ~SCHED_RESET_ON_FORK;
	bool rt = policy == SCHED_FIFO || policy == SCHED_RR;

	if (policy != SCHED_NORMAL && policy != SCHED_BATCH &&
	    policy != SCHED_IDLE && !rt)
		return -EBADMSG;
	if (rt ? s->rt_priority < 1 || s->rt_priority >= MAX_RT_PRIO :
		 s->rt_priority)
		return -EBADMSG;
	if (s->nice < MIN_NICE || s->nice > MAX_NICE ||
	    !valid_signal(s->pdeath_signal) ||
	    !memchr(s->comm, 0, sizeof(s->comm)))
		return -EBADMSG;
	return 0;
}

/* What the restarter could have set itself. */
static int cr_sched_allowed(const struct cr_img_sched *s)
{
	u32 policy = s->policy & ~SCHED_RESET_ON_FORK;

	if ((policy == SCHED_FIFO || policy == SCHED_RR) &&
	    !capable(CAP_SYS_NICE) &&
	    s->rt_priority > task_rlimit(current, RLIMIT_RTPRIO))
		return -EPERM;
	if (s->nice < task_nice(current) && !can_nice(current, s->nice))
		return -EPERM;
	return 0;
}

static void cr_load_affinity(const struct cr_img_sched *s)
{
	cpumask_var_t mask;
	unsigned int cpu;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return;
	for (cpu = 0; cpu < min_t(unsigned int, nr_cpu_ids, CR_SCHED_CPUS);
	     cpu++)
		if (s->cpus[cpu / 64] & (1ULL << (cpu % 64)))
			cpumask_set_cpu(cpu, mask);
	if (cpumask_and(mask, mask, current->cpus_ptr))
		set_cpus_allowed_ptr(current, mask);
	free_cpumask_var(mask);
}

int cr_load_sched(const struct cr_img_sched *s, struct cr_status *st)
{
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = s->policy & ~SCHED_RESET_ON_FORK,
		.sched_priority = s->rt_priority,
		.sched_nice = s->nice,
	};
	int err = cr_sched_allowed(s);

	if (s->policy & SCHED_RESET_ON_FORK)
		attr.sched_flags |= SCHED_FLAG_RESET_ON_FORK;
	if (!err)
		err = sched_setattr_nocheck(current, &attr);
	if (err)
		return cr_fail(st, err,
			       "tid %d: cannot restore policy %u priority %u nice %d",
			       task_pid_vnr(current), attr.sched_policy,
			       s->rt_priority, s->nice);
	cr_load_affinity(s);
	current->pdeath_signal = s->pdeath_signal;
	current->timer_slack_ns = s->timer_slack_ns;
	task_lock(current);
	strscpy(current->comm, s->comm, sizeof(current->comm));
	task_unlock(current);
	return 0;
}
