// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live checkpoints (cr_checkpoint --live).  The requester clears the
 * targets' soft-dirty bits and writes their memory while they run (the
 * pre-copy, include/blcr/cr_image.h); the request that follows stops
 * them as any other, but a page not soft-dirty since the clear is the
 * pre-copy's and is referred to.  The requester clears the bits rather
 * than the module: clear_refs, which flushes the TLB of another address
 * space, is not exported.  A process is the pre-copy's only if its pid
 * and start time are those the requester saw: a reused pid is saved
 * whole.
 */
#include <linux/bsearch.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include "cr_live.h"

static int cr_live_cmp(const void *a, const void *b)
{
	const struct cr_live_proc *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The pre-copy's processes, checked: pids positive and distinct. */
static int cr_live_procs(struct cr_live *l, u64 uptr, struct cr_status *st)
{
	size_t len = array_size(l->nprocs, sizeof(*l->procs));
	u32 i;

	l->procs = vmemdup_user(u64_to_user_ptr(uptr), len);
	if (IS_ERR(l->procs)) {
		int err = PTR_ERR(l->procs);

		l->procs = NULL;
		return err;
	}
	sort(l->procs, l->nprocs, sizeof(*l->procs), cr_live_cmp, NULL);
	for (i = 0; i < l->nprocs; i++)
		if (l->procs[i].pid <= 0 ||
		    (i && l->procs[i].pid == l->procs[i - 1].pid))
			return cr_fail(st, -EINVAL, "live checkpoint: bad "
				       "process %d", l->procs[i].pid);
	return 0;
}

struct cr_live *cr_live_copy(const struct cr_chkpt_live_args *a,
			     struct cr_status *st)
{
	struct cr_live *l;
	int err;

	if (!IS_ENABLED(CONFIG_MEM_SOFT_DIRTY))
		return ERR_PTR(cr_fail(st, -EOPNOTSUPP, "this kernel has "
				       "no soft-dirty bits: no live "
				       "checkpoint"));
	if (!a->ident || !a->nprocs || a->nprocs > CR_LIVE_MAX_PROCS ||
	    a->pad || a->req.flags & CR_ABI_CHKPT_INCREMENTAL)
		return ERR_PTR(cr_fail(st, -EINVAL,
				       "bad live checkpoint arguments"));
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return ERR_PTR(-ENOMEM);
	l->ident = a->ident;
	l->time_ns = a->time_ns;
	l->nprocs = a->nprocs;
	err = cr_live_procs(l, a->procs, st);
	if (err) {
		cr_live_free(l);
		return ERR_PTR(err);
	}
	return l;
}

void cr_live_free(struct cr_live *l)
{
	if (!l)
		return;
	kvfree(l->procs);
	kfree(l);
}

/*
 * The start time as /proc/PID/stat shows it to a requester in the first
 * time namespace (init_time_ns is not exported: in another, the process
 * is saved whole).
 */
static u64 cr_start_ticks(struct task_struct *t)
{
	return div_u64(t->group_leader->start_boottime, NSEC_PER_SEC / USER_HZ);
}

/* Whether t's process is one the pre-copy holds. */
bool cr_live_covers(const struct cr_live *l, struct task_struct *t)
{
	struct cr_live_proc key = { .pid = task_tgid_vnr(t) };
	const struct cr_live_proc *p;

	p = bsearch(&key, l->procs, l->nprocs, sizeof(key), cr_live_cmp);
	return p && p->start == cr_start_ticks(t);
}
