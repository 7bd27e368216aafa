// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signal dispositions and pending signals.  Per-thread masks and the
 * alternate stack travel with each thread (vmadump/vmad_regs.c).  Pending signals
 * are kept as a set: a queued realtime signal comes back once, and
 * siginfo details are not kept.
 */
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>

#include "cr_internal.h"

/* SA_* bits a user may set with sigaction() on x86-64. */
#define CR_SA_FLAGS (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | \
		     SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND | \
		     SA_RESTORER | SA_EXPOSE_TAGBITS | SA_UNSUPPORTED)

/* A copy of a pending queue, taken under siglock. */
static struct cr_img_sigqueue *cr_copy_sigqueue(struct sigpending *p,
						size_t *len)
{
	struct cr_img_sigqueue *h;
	struct sigqueue *q;
	u32 cap = 0;

	spin_lock_irq(&current->sighand->siglock);
	list_for_each_entry(q, &p->list, list)
		cap++;
	spin_unlock_irq(&current->sighand->siglock);
	cap = min_t(u32, cap, CR_MAX_SIGQUEUE);
	h = kvzalloc(struct_size(h, info, cap), GFP_KERNEL);
	if (!h)
		return NULL;
	/* Signals queued meanwhile come after the cut. */
	spin_lock_irq(&current->sighand->siglock);
	list_for_each_entry(q, &p->list, list) {
		if (h->count == cap)
			break;
		memcpy(h->info[h->count++], &q->info, CR_SIGINFO_SIZE);
	}
	spin_unlock_irq(&current->sighand->siglock);
	*len = struct_size(h, info, h->count);
	return h;
}

int cr_save_sigqueue(struct cr_stream *s, struct sigpending *p)
{
	struct cr_img_sigqueue *h;
	size_t len;
	int err;

	BUILD_BUG_ON(sizeof(kernel_siginfo_t) != CR_SIGINFO_SIZE);
	h = cr_copy_sigqueue(p, &len);
	if (!h)
		return -ENOMEM;
	err = cr_write_rec(s, CR_REC_SIGQUEUE, h, len);
	kvfree(h);
	return err;
}

struct cr_img_sigqueue *cr_read_sigqueue(struct cr_stream *s)
{
	struct cr_img_sigqueue *h;
	size_t len;
	u32 i;

	h = cr_read_rec(s, CR_REC_SIGQUEUE, sizeof(*h),
			struct_size(h, info, CR_MAX_SIGQUEUE), &len);
	if (IS_ERR(h))
		return h;
	if (h->pad || len != struct_size(h, info, h->count))
		goto bad;
	for (i = 0; i < h->count; i++) {
		kernel_siginfo_t *info = (kernel_siginfo_t *)h->info[i];

		if (!valid_signal(info->si_signo) || info->si_signo <= 0 ||
		    sig_kernel_only(info->si_signo))
			goto bad;
	}
	return h;
bad:
	kvfree(h);
	return ERR_PTR(-EBADMSG);
}

/*
 * Queues the saved signals again, with their siginfo, on this thread;
 * then raises the rest of the pending set, on the thread or the process.
 * A process-wide signal with siginfo comes back on the restoring thread,
 * except a kernel-sent one, which kill_pid() can queue process-wide as it
 * was: an expired ITIMER_REAL re-arms only from the process's queue.
 */
void cr_raise_pending(const struct cr_img_sigqueue *q, u64 set, bool group)
{
	kernel_siginfo_t info;
	u64 queued = 0;
	u32 i;
	int sig;

	for (i = 0; i < q->count; i++) {
		memcpy(&info, q->info[i], sizeof(info));
		if (group && info.si_code == SI_KERNEL)
			kill_pid(task_tgid(current), info.si_signo, 1);
		else
			send_sig_info(info.si_signo, &info, current);
		queued |= sigmask(info.si_signo);
	}
	for (sig = 1; sig <= 64; sig++) {
		if (!(set & ~queued & sigmask(sig)) || sig_kernel_only(sig))
			continue;
		if (group)
			kill_pid(task_tgid(current), sig, 1);
		else
			send_sig(sig, current, 1);
	}
}

int cr_save_signals(struct cr_stream *s, struct cr_status *st)
{
	struct cr_img_sighand *h;
	int i, err;

	BUILD_BUG_ON(_NSIG != CR_NSIG);
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	spin_lock_irq(&current->sighand->siglock);
	for (i = 0; i < _NSIG; i++) {
		struct k_sigaction *ka = &current->sighand->action[i];

		h->action[i].handler = (unsigned long)ka->sa.sa_handler;
		h->action[i].flags = ka->sa.sa_flags;
		h->action[i].restorer = (unsigned long)ka->sa.sa_restorer;
		h->action[i].mask = ka->sa.sa_mask.sig[0];
	}
	h->shared_pending = current->signal->shared_pending.signal.sig[0];
	cr_save_itimer_real(h);
	spin_unlock_irq(&current->sighand->siglock);
	err = cr_write_rec(s, CR_REC_SIGHAND, h, sizeof(*h));
	if (!err)
		err = cr_save_sigqueue(s, &current->signal->shared_pending);
	kfree(h);
	return err;
}

int cr_restore_signals(struct cr_stream *s, struct cr_status *st)
{
	const struct cr_img_sighand *h;
	struct cr_img_sigqueue *q;
	size_t len;
	int i;

	h = cr_read_rec(s, CR_REC_SIGHAND, sizeof(*h), sizeof(*h), &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad signal record");
	q = cr_read_sigqueue(s);
	if (IS_ERR(q)) {
		kvfree(h);
		return cr_fail(st, PTR_ERR(q), "bad signal queue");
	}
	for (i = 0; i < _NSIG; i++)
		if (h->action[i].flags & ~CR_SA_FLAGS)
			break;
	if (i < _NSIG || h->itimer_real_ns > S64_MAX ||
	    h->itimer_real_incr_ns > S64_MAX) {
		kvfree(q);
		kvfree(h);
		return cr_fail(st, -EBADMSG, "bad signal record");
	}
	spin_lock_irq(&current->sighand->siglock);
	for (i = 0; i < _NSIG; i++) {
		struct k_sigaction *ka = &current->sighand->action[i];

		/* SIGKILL and SIGSTOP keep their defaults. */
		if (i + 1 == SIGKILL || i + 1 == SIGSTOP)
			continue;
		ka->sa.sa_handler = (__sighandler_t)h->action[i].handler;
		ka->sa.sa_flags = h->action[i].flags;
		ka->sa.sa_restorer = (__sigrestore_t)h->action[i].restorer;
		ka->sa.sa_mask.sig[0] = h->action[i].mask &
			~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	}
	cr_load_itimer_real(h);
	spin_unlock_irq(&current->sighand->siglock);
	cr_raise_pending(q, h->shared_pending, true);
	kvfree(q);
	kvfree(h);
	return 0;
}
