// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/checkpoint/ctrl: the only entry point.  Each open file holds at
 * most one request, checkpoint or restart; the work lives in cr_chkpt.c
 * and cr_rstrt.c.
 */
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cr_internal.h"

static struct proc_dir_entry *cr_proc_dir;

/* CR_OP_CHKPT_REAP without a request: a restored one's result. */
static long cr_ctrl_reap(struct cr_ctrl *c)
{
	if (!c->restored || c->saved == CR_CTRL_NONE)
		return -EINVAL;
	return c->saved == CR_CTRL_RUNNING ? 1 : CR_CTRL_DONE - c->saved;
}

static long cr_ioctl_version(void __user *uarg)
{
	struct cr_version_args args;

	memset(&args, 0, sizeof(args));
	args.abi_major = CR_ABI_MAJOR;
	args.abi_minor = CR_ABI_MINOR;
	strscpy(args.module_version, PACKAGE_VERSION,
		sizeof(args.module_version));
	if (copy_to_user(uarg, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

/* A restart has no warnings. */
static const char *cr_ctrl_log(struct cr_ctrl *c, u32 kind)
{
	struct cr_status *st = c->req ? &c->req->st : NULL;

	if (kind > CR_LOG_WARNING)
		return NULL;
	/* The messages of a restored request stayed behind. */
	if (!st)
		return c->restored && c->saved != CR_CTRL_NONE ? "" : NULL;
	if (kind == CR_LOG_ERROR)
		return st->msg;
	return c->chkpt ? cr_chkpt_warnings(c->chkpt) : "";
}

static long cr_ioctl_log(struct cr_ctrl *c, void __user *uarg)
{
	struct cr_log_args a;
	const char *msg;
	size_t len;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	msg = cr_ctrl_log(c, a.kind);
	if (!msg)
		return -EINVAL;
	len = strnlen(msg, CR_MSG_LEN - 1) + 1;
	if (a.len && copy_to_user(u64_to_user_ptr(a.buf), msg,
				  min_t(size_t, len, a.len)))
		return -EFAULT;
	return len;
}

static long cr_ioctl_locked(struct cr_ctrl *c, struct file *file,
			    unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	unsigned int id;

	switch (cmd) {
	case CR_OP_CHKPT_REQ:
	case CR_OP_CHKPT_LIVE:
		if (c->chkpt || c->rstrt || c->saved != CR_CTRL_NONE)
			return -EBUSY;
		return cr_chkpt_request(file, uarg, cmd == CR_OP_CHKPT_LIVE,
					&c->chkpt, &c->req);
	case CR_OP_CHKPT_REAP:
		return c->chkpt ? cr_chkpt_reap(c->chkpt) : cr_ctrl_reap(c);
	case CR_OP_RSTRT_REQ:
		if (c->chkpt || c->rstrt || c->saved != CR_CTRL_NONE)
			return -EBUSY;
		return cr_rstrt_request(file, uarg, &c->rstrt, &c->req);
	case CR_OP_RSTRT_RELOCATE:
		return c->rstrt ? cr_rstrt_relocate(c->rstrt, uarg) : -EINVAL;
	case CR_OP_RSTRT_PROCS:
		return c->rstrt ? cr_rstrt_procs(c->rstrt, uarg) : -EINVAL;
	case CR_OP_RSTRT_REAP:
		return c->rstrt ? cr_req_reap(c->req) : -EINVAL;
	case CR_OP_RSTRT_ABORT:
		return c->rstrt ? cr_rstrt_abort(c->rstrt, arg) : -EINVAL;
	case CR_OP_RSTRT_SIGNAL:
		return c->rstrt ? cr_rstrt_signal(c->rstrt, arg) : -EINVAL;
	case CR_OP_RSTRT_NEXT_PID:
		return c->rstrt ? cr_rstrt_next_pid(c->rstrt, arg) : -EINVAL;
	case CR_OP_LOG:
		return cr_ioctl_log(c, uarg);
	case CR_OP_HAND_INFO:
		return cr_hand_info(c->hand, uarg);
	case CR_OP_CHKPT_FWD:
		return cr_hand_forward(c->hand, uarg);
	}
	/* A kind's handover (CR_OP_RSTRT_PIPES, ...), or none. */
	if (!cr_kind_of_op(cmd, &id))
		return -ENOTTY;
	return c->rstrt ? cr_rstrt_handover(c->rstrt, cmd, uarg) : -EINVAL;
}

/*
 * A restart's call that blocks (until the process is rebuilt, or all of
 * them): made with the request held, not the ctrl lock.
 */
static long cr_ioctl_rstrt(struct cr_ctrl *c, void __user *uarg,
			   long (*fn)(struct cr_rstrt_req *, void __user *))
{
	struct cr_rstrt_req *req;
	struct cr_req *base;
	long ret;

	mutex_lock(&c->lock);
	req = c->rstrt;
	base = c->req;
	if (req)
		cr_req_get(base);
	mutex_unlock(&c->lock);
	if (!req)
		return -EINVAL;
	ret = fn(req, uarg);
	cr_req_put(base);
	return ret;
}

static long cr_ctrl_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct cr_ctrl *c = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	switch (cmd) {
	case CR_OP_VERSION:
		return cr_ioctl_version(uarg);
	case CR_OP_RSTRT_CHILD:
		return cr_ioctl_rstrt(c, uarg, cr_rstrt_child);
	case CR_OP_RSTRT_LAZY:
		return cr_ioctl_rstrt(c, uarg, cr_rstrt_lazy);
	/* The handler calls block, and only their caller uses the token. */
	case CR_OP_HAND_WAIT:
		return cr_hand_wait(&c->hand);
	case CR_OP_HAND_CHKPT:
		return cr_hand_chkpt(&c->hand, c->restored, arg);
	case CR_OP_TEST_WARN:
		return cr_test_ioctl(file, cmd, arg);
	case CR_OP_HINT:
		return cr_hint_ioctl(uarg);
	case CR_OP_LIVE_WATCH:
		return cr_live_watch(uarg);
	}
	mutex_lock(&c->lock);
	ret = cr_ioctl_locked(c, file, cmd, arg);
	mutex_unlock(&c->lock);
	return ret;
}

static __poll_t cr_ctrl_poll(struct file *file, poll_table *wait)
{
	struct cr_ctrl *c = file->private_data;
	__poll_t mask = EPOLLERR;

	mutex_lock(&c->lock);
	if (c->req)
		mask = cr_req_poll(c->req, file, wait);
	else if (c->saved != CR_CTRL_NONE)
		mask = EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&c->lock);
	return mask;
}

static int cr_ctrl_open(struct inode *inode, struct file *file)
{
	struct cr_ctrl *c = kzalloc(sizeof(*c), GFP_KERNEL);
	int err;

	if (!c)
		return -ENOMEM;
	mutex_init(&c->lock);
	c->restored = cr_restoring(current);
	file->private_data = c;
	err = cr_ctrl_file_add(file);
	if (err)
		kfree(c);
	return err;
}

/* A request outlives its fd while threads still hold it. */
static int cr_ctrl_release(struct inode *inode, struct file *file)
{
	struct cr_ctrl *c = file->private_data;

	cr_ctrl_file_del(file);
	if (c->chkpt)
		cr_chkpt_cancel(c->chkpt);
	if (c->rstrt)
		cr_rstrt_abandon(c->rstrt);
	if (c->req)
		cr_req_put(c->req);
	cr_hand_release(c->hand);
	kfree(c);
	return 0;
}

static const struct proc_ops cr_ctrl_ops = {
	.proc_open = cr_ctrl_open,
	.proc_release = cr_ctrl_release,
	.proc_ioctl = cr_ctrl_ioctl,
	.proc_poll = cr_ctrl_poll,
	.proc_lseek = noop_llseek,
};

int cr_ctrl_init(void)
{
	cr_proc_dir = proc_mkdir("checkpoint", NULL);
	if (!cr_proc_dir)
		return -ENOMEM;
	if (!proc_create("ctrl", 0666, cr_proc_dir, &cr_ctrl_ops)) {
		proc_remove(cr_proc_dir);
		return -ENOMEM;
	}
	return 0;
}

void cr_ctrl_exit(void)
{
	proc_remove(cr_proc_dir);
}
