// SPDX-License-Identifier: GPL-2.0-only
/*
 * The life of a request, checkpoint or restart (cr_req.h): it runs, ends
 * once with its first result, and goes with its last reference.
 */
#include "cr_req.h"

enum { CR_REQ_RUNNING, CR_REQ_DONE };

void cr_req_init(struct cr_req *r, const struct cr_req_ops *ops)
{
	kref_init(&r->ref);
	r->ops = ops;
	init_waitqueue_head(&r->wq);
	spin_lock_init(&r->lock);
	r->state = CR_REQ_RUNNING;
}

void cr_req_get(struct cr_req *r)
{
	kref_get(&r->ref);
}

static void cr_req_release(struct kref *ref)
{
	struct cr_req *r = container_of(ref, struct cr_req, ref);

	r->ops->release(r);
}

void cr_req_put(struct cr_req *r)
{
	kref_put(&r->ref, cr_req_release);
}

bool cr_req_done(struct cr_req *r)
{
	return READ_ONCE(r->state) != CR_REQ_RUNNING;
}

int cr_req_reap(struct cr_req *r)
{
	return cr_req_done(r) ? r->st.result : -EAGAIN;
}

__poll_t cr_req_poll(struct cr_req *r, struct file *file, poll_table *wait)
{
	poll_wait(file, &r->wq, wait);
	return cr_req_done(r) ? EPOLLIN | EPOLLRDNORM : 0;
}

/*
 * Ends the request once, with its first result and st's message if it
 * has one; wakes every waiter.
 */
void cr_req_finish(struct cr_req *r, int err, const struct cr_status *st)
{
	spin_lock(&r->lock);
	if (r->state == CR_REQ_RUNNING) {
		r->state = CR_REQ_DONE;
		if (st && st->msg[0])
			memcpy(r->st.msg, st->msg, sizeof(r->st.msg));
		r->st.result = err;
		if (r->ops->stop)
			r->ops->stop(r);
	}
	spin_unlock(&r->lock);
	if (r->ops->ended)
		r->ops->ended(r);
	wake_up_all(&r->wq);
}
