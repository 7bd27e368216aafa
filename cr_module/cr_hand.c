// SPDX-License-Identifier: GPL-2.0-only
/*
 * Processes that run libcr callbacks.  Such a process registers through
 * its own ctrl fd, the token (CR_OP_HAND_WAIT).  A checkpoint that covers
 * it then does not stop it at once: it wakes the waiting libcr thread,
 * which runs the callbacks and answers with CR_OP_HAND_CHKPT; only then
 * are the process's threads stopped and saved like any other's.
 *
 * The answering thread is itself stopped by its task work while inside
 * CR_OP_HAND_CHKPT, whose restart brings it back there afterwards: in the
 * process that goes on, the call finds the request over and returns 0;
 * in a restarted process it runs on a token reopened by the restart and
 * returns 1.
 */
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cr_chkpt.h"

enum { CR_HAND_IDLE, CR_HAND_PENDING, CR_HAND_ACTIVE };

struct cr_hand {
	struct list_head node;
	struct pid *tgid;
	int state;
	struct cr_chkpt_req *req;	/* while pending or active */
	struct cr_proc_ctx *pc;
	wait_queue_head_t wq;
};

/* Registered processes; cr_hand_lock also guards every state and req. */
static LIST_HEAD(cr_hands);
static DEFINE_SPINLOCK(cr_hand_lock);

static struct cr_hand *cr_hand_find(struct pid *tgid)
{
	struct cr_hand *h;

	list_for_each_entry(h, &cr_hands, node)
		if (h->tgid == tgid)
			return h;
	return NULL;
}

/* Registers the caller's process on its token *hp. */
static int cr_hand_register(struct cr_hand **hp)
{
	struct cr_hand *h = kzalloc(sizeof(*h), GFP_KERNEL);
	int err = 0;

	if (!h)
		return -ENOMEM;
	h->tgid = get_pid(task_tgid(current));
	init_waitqueue_head(&h->wq);
	spin_lock(&cr_hand_lock);
	if (*hp || cr_hand_find(h->tgid))
		err = -EBUSY;
	else
		list_add(&h->node, &cr_hands);
	if (!err)
		*hp = h;
	spin_unlock(&cr_hand_lock);
	if (err) {
		put_pid(h->tgid);
		kfree(h);
	}
	return err;
}

/*
 * Called as a checkpoint starts, for each of its processes: a registered
 * one is left to its callbacks and reported true.
 */
bool cr_hand_claim(struct cr_chkpt_req *req, struct cr_proc_ctx *pc)
{
	struct cr_hand *h;
	bool claimed = false;

	spin_lock(&cr_hand_lock);
	h = cr_hand_find(task_tgid(pc->task));
	if (h && h->state == CR_HAND_IDLE) {
		cr_req_get(&req->r);
		h->req = req;
		h->pc = pc;
		h->state = CR_HAND_PENDING;
		claimed = true;
		wake_up_all(&h->wq);
	}
	spin_unlock(&cr_hand_lock);
	return claimed;
}

/* Ends the process's part in its request; returns the request to put. */
static struct cr_chkpt_req *cr_hand_reset(struct cr_hand *h)
{
	struct cr_chkpt_req *req = h->req;

	h->req = NULL;
	h->pc = NULL;
	h->state = CR_HAND_IDLE;
	return req;
}

/* CR_OP_HAND_WAIT. */
long cr_hand_wait(struct cr_hand **hp)
{
	struct cr_hand *h = READ_ONCE(*hp);
	int err;

	if (!h) {
		err = cr_hand_register(hp);
		if (err)
			return err;
		h = *hp;
	}
	if (h->tgid != task_tgid(current))
		return -EINVAL;
	return wait_event_interruptible(h->wq,
			READ_ONCE(h->state) == CR_HAND_PENDING);
}

/* A failure flag of cr_checkpoint() as the requester's errno. */
static int cr_hand_errno(unsigned long flags)
{
	if (flags >> 16 && flags >> 16 < MAX_ERRNO)
		return -(int)(flags >> 16);
	return -ECANCELED;
}

/*
 * Waits for the request to end; our own task work interrupts the wait
 * and stops us first, and the call restarts afterwards.
 */
static long cr_hand_sleep(struct cr_chkpt_req *req)
{
	wait_event_interruptible(req->r.wq, cr_req_done(&req->r));
	cr_req_put(&req->r);
	return -ERESTARTNOINTR;
}

/* A failure ends the request; an omitted process only leaves it. */
static void cr_hand_refuse(struct cr_chkpt_req *req, struct cr_proc_ctx *pc,
			   unsigned long flags)
{
	if ((flags & 0xffff) == CR_HAND_OMIT)
		cr_scope_omit(req, pc);
	else
		cr_chkpt_abort(req, cr_hand_errno(flags),
			       "its callbacks refused the checkpoint");
}

static long cr_hand_answer(struct cr_hand *h, unsigned long flags)
{
	struct cr_chkpt_req *req = NULL;
	struct cr_proc_ctx *pc = NULL;
	long ret = 0;

	spin_lock(&cr_hand_lock);
	if (h->state == CR_HAND_IDLE) {
		ret = -ESRCH;
	} else if (h->state == CR_HAND_PENDING && (flags & 0xffff)) {
		pc = h->pc;
		req = cr_hand_reset(h);
	} else if (h->state == CR_HAND_PENDING) {
		h->state = CR_HAND_ACTIVE;
		req = h->req;
		pc = h->pc;
		cr_req_get(&req->r);
		spin_unlock(&cr_hand_lock);
		cr_queue_proc_works(req, pc);
		return cr_hand_sleep(req);
	} else if (!cr_req_done(&h->req->r)) {
		req = h->req;
		cr_req_get(&req->r);
		spin_unlock(&cr_hand_lock);
		return cr_hand_sleep(req);
	} else {
		ret = cr_req_reap(&h->req->r);
		req = cr_hand_reset(h);
	}
	spin_unlock(&cr_hand_lock);
	if (pc)
		cr_hand_refuse(req, pc, flags);
	if (req)
		cr_req_put(&req->r);
	return ret;
}

/* CR_OP_HAND_CHKPT; restored: the token was reopened by a restart. */
long cr_hand_chkpt(struct cr_hand **hp, bool restored, unsigned long flags)
{
	struct cr_hand *h = READ_ONCE(*hp);
	int err;

	if (flags & ~0xffff0000UL & ~(unsigned long)(CR_HAND_TEMP_FAILURE |
	    CR_HAND_PERM_FAILURE | CR_HAND_OMIT))
		return -EINVAL;
	if (!h && restored) {
		err = cr_hand_register(hp);
		return err ? err : 1;
	}
	if (!h || h->tgid != task_tgid(current))
		return -ESRCH;
	return cr_hand_answer(h, flags);
}

/* CR_OP_CHKPT_FWD: only from the callbacks, before the process is stopped. */
long cr_hand_forward(struct cr_hand *h, void __user *uarg)
{
	struct cr_chkpt_req *req = NULL;
	struct cr_proc_ctx *pc = NULL;
	struct cr_fwd_args a;
	long err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	spin_lock(&cr_hand_lock);
	if (h && h->state == CR_HAND_PENDING) {
		req = h->req;
		pc = h->pc;
		cr_req_get(&req->r);
	}
	spin_unlock(&cr_hand_lock);
	if (!req)
		return -EINVAL;
	err = cr_scope_forward(req, pc, a.scope, a.target);
	cr_req_put(&req->r);
	return err;
}

/*
 * The name the requester gave the context file, else its path; to the
 * caller's buffer if it fits there.
 */
static int cr_hand_dest(struct cr_chkpt_req *req, struct cr_hand_info *info)
{
	char *path = cr_chkpt_file_name(req);
	u32 len;
	int err = 0;

	if (IS_ERR(path))
		return PTR_ERR(path);
	len = strlen(path) + 1;
	if (len <= info->dest_len &&
	    copy_to_user(u64_to_user_ptr(info->dest), path, len))
		err = -EFAULT;
	kfree(path);
	if (!err)
		info->dest_len = len;
	return err;
}

/* CR_OP_HAND_INFO. */
long cr_hand_info(struct cr_hand *h, void __user *uarg)
{
	struct cr_hand_info info;
	struct cr_chkpt_req *req;
	long err;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	spin_lock(&cr_hand_lock);
	req = h ? h->req : NULL;
	if (req) {
		cr_req_get(&req->r);
		info.requester = req->requester;
		info.target = req->args.target;
		info.scope = req->args.scope;
		info.signal = req->args.signal;
	}
	spin_unlock(&cr_hand_lock);
	if (!req)
		return -ESRCH;
	info.pad = 0;
	err = cr_hand_dest(req, &info);
	cr_req_put(&req->r);
	if (!err && copy_to_user(uarg, &info, sizeof(info)))
		err = -EFAULT;
	return err;
}

/*
 * The token is closed.  A checkpoint still waiting for the callbacks
 * takes the process as it is.
 */
void cr_hand_release(struct cr_hand *h)
{
	struct cr_chkpt_req *req = NULL;
	struct cr_proc_ctx *pc = NULL;

	if (!h)
		return;
	spin_lock(&cr_hand_lock);
	list_del(&h->node);
	if (h->state == CR_HAND_PENDING)
		pc = h->pc;
	req = cr_hand_reset(h);
	spin_unlock(&cr_hand_lock);
	if (pc)
		cr_queue_proc_works(req, pc);
	if (req)
		cr_req_put(&req->r);
	put_pid(h->tgid);
	kfree(h);
}
