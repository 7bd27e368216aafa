/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cr_live.c: the watch before a live checkpoint's pre-copy
 * (CR_OP_LIVE_WATCH) and its stop (CR_OP_CHKPT_LIVE).
 */
#ifndef CR_LIVE_H
#define CR_LIVE_H

#include <linux/sched.h>

#include "cr_base.h"

/* The requester's pre-copy: its identity, and the processes it holds. */
struct cr_live {
	u64 ident;
	u64 time_ns;
	u32 nprocs;
	struct cr_live_proc *procs;	/* sorted by pid */
	struct file *watch;		/* CR_OP_LIVE_WATCH's */
};

struct cr_live *cr_live_copy(const struct cr_chkpt_live_args *a,
			     struct cr_status *st);
void cr_live_free(struct cr_live *l);
bool cr_live_covers(const struct cr_live *l, struct task_struct *t);
long cr_live_watch(const void __user *uarg);
void cr_live_exit(void);

#endif /* CR_LIVE_H */
