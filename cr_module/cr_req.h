/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cr_req.c: what a checkpoint request and a restart request have in
 * common, from the ctrl file's side: a reference count, a result that
 * is set once, and a wait queue woken when it is.
 */
#ifndef CR_REQ_H
#define CR_REQ_H

#include <linux/kref.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "cr_base.h"

struct cr_req;

struct cr_req_ops {
	void (*release)(struct cr_req *r);	/* the last reference went */
	void (*stop)(struct cr_req *r);		/* as it ends, under r->lock */
	void (*ended)(struct cr_req *r);	/* each finish, before waking */
};

struct cr_req {
	struct kref ref;
	const struct cr_req_ops *ops;
	wait_queue_head_t wq;
	spinlock_t lock;		/* state and st */
	int state;
	struct cr_status st;
};

void cr_req_init(struct cr_req *r, const struct cr_req_ops *ops);
void cr_req_get(struct cr_req *r);
void cr_req_put(struct cr_req *r);
bool cr_req_done(struct cr_req *r);
int cr_req_reap(struct cr_req *r);
__poll_t cr_req_poll(struct cr_req *r, struct file *file, poll_table *wait);
void cr_req_finish(struct cr_req *r, int err, const struct cr_status *st);

#endif /* CR_REQ_H */
