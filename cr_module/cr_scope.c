// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which processes and threads a checkpoint covers, and whether the
 * requester may checkpoint them.  The process table lists parents before
 * their children, so that restart can create them in order.
 */
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/ptrace.h>
#include <linux/sched/coredump.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "cr_chkpt.h"

/* Like ptrace: the same user and a dumpable target, or CAP_SYS_PTRACE. */
static bool cr_may_checkpoint(struct task_struct *t)
{
	const struct cred *me = current_cred(), *tc;
	bool ok;

	if (capable(CAP_SYS_PTRACE) || capable(CAP_CHECKPOINT_RESTORE))
		return true;
	rcu_read_lock();
	tc = __task_cred(t);
	ok = uid_eq(me->uid, tc->euid) && uid_eq(me->uid, tc->suid) &&
	     uid_eq(me->uid, tc->uid) && gid_eq(me->gid, tc->egid) &&
	     gid_eq(me->gid, tc->sgid) && gid_eq(me->gid, tc->gid);
	rcu_read_unlock();
	task_lock(t);
	ok = ok && t->mm && get_dumpable(t->mm) == SUID_DUMP_USER;
	task_unlock(t);
	return ok;
}

static int cr_check_target(struct task_struct *t, struct cr_status *st)
{
	pid_t pid = task_tgid_vnr(t);

	if (t->flags & PF_KTHREAD)
		return cr_fail(st, -EPERM, "pid %d is a kernel thread", pid);
	if (is_global_init(t))
		return cr_fail(st, -EPERM, "pid %d is init", pid);
	if (same_thread_group(t, current))
		return cr_fail(st, -EINVAL,
			       "pid %d is the requester itself", pid);
	if (t->exit_state || (t->flags & PF_EXITING) || !t->mm)
		return cr_fail(st, -ESRCH, "pid %d is exiting or a zombie",
			       pid);
	if (test_tsk_thread_flag(t, TIF_ADDR32))
		return cr_fail(st, -EOPNOTSUPP, "pid %d is a 32-bit process",
			       pid);
	if (!cr_may_checkpoint(t))
		return cr_fail(st, -EPERM, "not allowed to checkpoint pid %d",
			       pid);
	return 0;
}

/*
 * Generations below root, or -1 when p does not descend from it.  Below
 * init when root is NULL, which sorts any set of processes parents first.
 */
static int cr_depth(struct task_struct *p, struct task_struct *root)
{
	int depth = 0;

	for (; p != root; p = rcu_dereference(p->real_parent), depth++) {
		if (is_global_init(p) || p == rcu_dereference(p->real_parent))
			return root ? -1 : depth;
		if (depth > PID_MAX_LIMIT)
			return -1;
	}
	return depth;
}

/* p's place in the scope's order, or -1 when p is not in it. */
static int cr_member_depth(struct task_struct *p, struct cr_chkpt_req *req,
			   struct task_struct *root)
{
	switch (req->args.scope) {
	case CR_SCOPE_PROC:
		return p == root ? 0 : -1;
	case CR_SCOPE_TREE:
		return cr_depth(p, root);
	case CR_SCOPE_PGRP:
		return task_pgrp(p) == req->root ? cr_depth(p, NULL) : -1;
	default:
		return task_session(p) == req->root ? cr_depth(p, NULL) : -1;
	}
}

struct cr_member {
	struct task_struct *task;
	int depth;
};

/* Parents first; among equals a process group's leader first. */
static int cr_cmp_depth(const void *a, const void *b)
{
	const struct cr_member *x = a, *y = b;
	bool xl = task_pgrp(x->task) == task_tgid(x->task);
	bool yl = task_pgrp(y->task) == task_tgid(y->task);

	if (x->depth != y->depth)
		return x->depth - y->depth;
	return yl - xl;
}

/* Fills m with the processes of the scope; returns how many. */
static int cr_find_members(struct cr_chkpt_req *req, struct task_struct *root,
			   struct cr_member *m, int cap)
{
	struct task_struct *p;
	int n = 0, depth;

	rcu_read_lock();
	for_each_process(p) {
		depth = cr_member_depth(p, req, root);
		if (depth < 0)
			continue;
		if (n < cap) {
			get_task_struct(p);
			m[n] = (struct cr_member){ p, depth };
		}
		n++;
	}
	rcu_read_unlock();
	return n;
}

static void cr_put_members(struct cr_member *m, int n)
{
	while (n--)
		put_task_struct(m[n].task);
	kfree(m);
}

/* Takes a reference on every thread of p into req->threads from *n. */
static int cr_take_threads(struct cr_chkpt_req *req, struct task_struct *p,
			   unsigned int cap, unsigned int *n)
{
	struct task_struct *t;
	int err = 0;

	rcu_read_lock();
	for_each_thread(p, t) {
		if (*n == cap) {
			err = -EAGAIN;
			break;
		}
		req->threads[(*n)++].task = get_task_struct(t);
	}
	rcu_read_unlock();
	return err;
}

static int cr_take_all_threads(struct cr_chkpt_req *req, struct cr_member *m)
{
	unsigned int i, cap = 0, n = 0;
	int err = 0;

	for (i = 0; i < req->nprocs; i++)
		cap += get_nr_threads(m[i].task) + 4;
	if (cap > CR_MAX_THREADS * 4)
		return cr_fail(&req->st, -E2BIG, "too many threads");
	req->threads = kcalloc(cap, sizeof(*req->threads), GFP_KERNEL);
	if (!req->threads)
		return -ENOMEM;
	for (i = 0; !err && i < req->nprocs; i++) {
		struct cr_proc_ctx *pc = &req->procs[i];

		pc->index = i;
		pc->first = n;
		pc->stopped = READ_ONCE(m[i].task->signal->flags) &
			      SIGNAL_STOP_STOPPED;
		err = cr_take_threads(req, m[i].task, cap, &n);
		pc->nthreads = n - pc->first;
		atomic_set(&pc->expected, pc->nthreads);
	}
	req->nthreads = n;
	return err ? cr_fail(&req->st, err, "threads appeared; try again") : 0;
}

/* Exited and unreaped (not a leader whose threads still run). */
static bool cr_is_zombie(struct task_struct *p)
{
	return READ_ONCE(p->exit_state) == EXIT_ZOMBIE && thread_group_empty(p);
}

/* The index of p's parent among the n members at m, or -1. */
static int cr_parent_index(struct task_struct *p, struct cr_member *m, int n)
{
	struct task_struct *parent;
	int i;

	rcu_read_lock();
	parent = rcu_dereference(p->real_parent);
	for (i = 0; i < n && m[i].task != parent; i++)
		;
	rcu_read_unlock();
	return i < n ? i : -1;
}

/*
 * Moves the members marked left out (depth -1) behind the others,
 * keeping the order of those kept; returns how many are kept.
 */
static int cr_keep_marked(struct cr_member *m, int n)
{
	struct cr_member tmp;
	int i, kept = 0;

	for (i = 0; i < n; i++) {
		if (m[i].depth < 0)
			continue;
		tmp = m[kept];
		m[kept++] = m[i];
		m[i] = tmp;
	}
	return kept;
}

/*
 * Moves the zombies (but root, which is refused) behind the live members,
 * keeping the live ones' order; takes those whose parent is live in the
 * scope, which may wait for them, into req->zombies.  Returns how many
 * members are live.
 */
static int cr_split_zombies(struct cr_chkpt_req *req, struct task_struct *root,
			    struct cr_member *m, int n)
{
	int i, live;

	for (i = 0; i < n; i++)
		if (m[i].task != root && cr_is_zombie(m[i].task))
			m[i].depth = -1;
	live = cr_keep_marked(m, n);
	if (live == n)
		return live;
	req->zombies = kcalloc(n - live, sizeof(*req->zombies), GFP_KERNEL);
	if (!req->zombies)
		return -ENOMEM;
	for (i = live; i < n; i++)
		if (cr_parent_index(m[i].task, m, live) >= 0)
			req->zombies[req->nzombies++].task =
				get_task_struct(m[i].task);
	return live;
}

static bool cr_traced(struct task_struct *t)
{
	return READ_ONCE(t->ptrace) & PT_PTRACED;
}

static bool cr_tracer(struct task_struct *t)
{
	return !list_empty(&t->ptraced);
}

static bool cr_any_thread(struct task_struct *p,
			  bool (*test)(struct task_struct *t))
{
	struct task_struct *t;
	bool ret = false;

	rcu_read_lock();
	for_each_thread(p, t)
		ret = ret || test(t);
	rcu_read_unlock();
	return ret;
}

/* A line of the request's warnings; those that do not fit are dropped. */
static __printf(2, 3) void cr_chkpt_warn(struct cr_chkpt_req *req,
					 const char *fmt, ...)
{
	size_t len = strlen(req->warn);
	va_list ap;

	if (len + 1 >= sizeof(req->warn))
		return;
	if (len)
		req->warn[len++] = '\n';
	va_start(ap, fmt);
	vsnprintf(req->warn + len, sizeof(req->warn) - len, fmt, ap);
	va_end(ap);
}

/*
 * Member i, traced or tracing: an error, or left out (marked), as the
 * CR_CHKPT_PTRACE* flags say.  A tree leaves out the descendants of a
 * process left out.
 */
static int cr_check_ptrace(struct cr_chkpt_req *req, struct cr_member *m,
			   int i)
{
	u32 flags = req->args.flags;
	pid_t pid = task_tgid_vnr(m[i].task);
	int parent;

	if (req->args.scope == CR_SCOPE_TREE) {
		parent = cr_parent_index(m[i].task, m, i);
		if (parent >= 0 && m[parent].depth < 0) {
			m[i].depth = -1;
			return 0;
		}
	}
	if (!(flags & CR_CHKPT_PTRACED_ALLOW) &&
	    cr_any_thread(m[i].task, cr_traced)) {
		if (!(flags & CR_CHKPT_PTRACED_SKIP))
			return cr_fail(&req->st, -CR_ABI_EPTRACED,
				       "pid %d is being traced", pid);
		cr_chkpt_warn(req, "pid %d left out: it is being traced", pid);
		m[i].depth = -1;
	} else if (cr_any_thread(m[i].task, cr_tracer)) {
		if (!(flags & CR_CHKPT_PTRACER_SKIP))
			return cr_fail(&req->st, -CR_ABI_EPTRACER,
				       "pid %d is tracing a process", pid);
		cr_chkpt_warn(req, "pid %d left out: it is tracing a process",
			      pid);
		m[i].depth = -1;
	}
	return 0;
}

/* The live members kept, first; returns how many, or -errno. */
static int cr_ptrace_filter(struct cr_chkpt_req *req, struct cr_member *m,
			    int live)
{
	int i, err;

	for (i = 0; i < live; i++) {
		err = cr_check_ptrace(req, m, i);
		if (err)
			return err;
	}
	live = cr_keep_marked(m, live);
	return live ? live : cr_fail(&req->st, -ESRCH,
				     "every process was left out");
}

static int cr_no_members(struct cr_chkpt_req *req, struct task_struct *root)
{
	if (root)
		return cr_fail(&req->st, -ESRCH, "pid %d has exited",
			       req->args.target);
	return cr_fail(&req->st, -ESRCH, "no process in %s %d",
		       req->args.scope == CR_SCOPE_PGRP ?
		       "process group" : "session", req->args.target);
}

/* The scope's processes, parents first, at *mp; returns how many. */
static int cr_gather(struct cr_chkpt_req *req, struct task_struct *root,
		     struct cr_member **mp)
{
	struct cr_member *m;
	int n, cap = 16;

	for (;;) {
		m = kcalloc(cap, sizeof(*m), GFP_KERNEL);
		if (!m)
			return -ENOMEM;
		n = cr_find_members(req, root, m, cap);
		if (n <= cap)
			break;
		cr_put_members(m, cap);
		if (n > CR_MAX_PROCS)
			return cr_fail(&req->st, -E2BIG, "too many processes");
		cap = n + 16;
	}
	sort(m, n, sizeof(*m), cr_cmp_depth, NULL);
	*mp = m;
	return n;
}

/* A member between exit and zombie: a shell's child that just ended. */
static bool cr_exiting(struct cr_member *m, int n, struct task_struct *root)
{
	int i;

	for (i = 0; i < n; i++)
		if (m[i].task != root && (m[i].task->flags & PF_EXITING) &&
		    !cr_is_zombie(m[i].task))
			return true;
	return false;
}

/* How long a checkpoint waits for members to finish exiting. */
#define CR_EXIT_WAIT_MS		20
#define CR_EXIT_TRIES		25

/* root: the target process, or NULL for a process group or session. */
int cr_collect_scope(struct cr_chkpt_req *req, struct task_struct *root)
{
	struct cr_member *m;
	int n, i, live, tries = CR_EXIT_TRIES, err = 0;

	for (;;) {
		n = cr_gather(req, root, &m);
		if (n < 0)
			return n;
		if (!tries-- || !cr_exiting(m, n, root))
			break;
		cr_put_members(m, n);
		msleep(CR_EXIT_WAIT_MS);
	}
	live = cr_split_zombies(req, root, m, n);
	if (live > 0)
		live = cr_ptrace_filter(req, m, live);
	if (live <= 0) {
		cr_put_members(m, n);
		return live ? live : cr_no_members(req, root);
	}
	for (i = 0; !err && i < live; i++)
		err = cr_check_target(m[i].task, &req->st);
	req->nprocs = live;
	req->procs = err ? NULL : kcalloc(live, sizeof(*req->procs),
					  GFP_KERNEL);
	if (!err && !req->procs)
		err = -ENOMEM;
	if (!err)
		err = cr_take_all_threads(req, m);
	cr_put_members(m, n);
	return err;
}

/* A zombie's status as wait() would report it. */
static u32 cr_wait_status(struct task_struct *p)
{
	int code = READ_ONCE(p->exit_code);

	if (READ_ONCE(p->signal->flags) & SIGNAL_GROUP_EXIT)
		code = READ_ONCE(p->signal->group_exit_code);
	return code & 0xffff;
}

static bool cr_live_pid(struct cr_chkpt_req *req, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < req->nprocs; i++)
		if (req->procs[i].ent.pid == pid)
			return true;
	return false;
}

/*
 * Once every process of the scope is stopped and described: the zombies
 * that are still unreaped, with their ids as the targets see them.
 */
void cr_settle_zombies(struct cr_chkpt_req *req)
{
	unsigned int i;

	req->nkept = 0;
	for (i = 0; i < req->nzombies; i++) {
		struct cr_zombie *z = &req->zombies[i];
		struct cr_img_proc_ent *e = &z->ent;
		struct task_struct *p = z->task;

		memset(e, 0, sizeof(*e));
		rcu_read_lock();
		z->kept = pid_alive(p) && cr_is_zombie(p);
		if (z->kept) {
			e->pid = task_tgid_vnr(p);
			e->ppid = task_tgid_vnr(rcu_dereference(p->real_parent));
			e->pgid = task_pgrp_vnr(p);
			e->sid = task_session_vnr(p);
			e->flags = CR_PENT_ZOMBIE;
			z->status = cr_wait_status(p);
		}
		rcu_read_unlock();
		z->kept = z->kept && e->pid > 0 && cr_live_pid(req, e->ppid);
		req->nkept += z->kept;
	}
}

void cr_release_scope(struct cr_chkpt_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nthreads; i++) {
		kfree(req->threads[i].img.xstate);
		put_task_struct(req->threads[i].task);
	}
	for (i = 0; req->procs && i < req->nprocs; i++) {
		kfree(req->procs[i].cwd);
		kvfree(req->procs[i].ptimers);
	}
	for (i = 0; i < req->nzombies; i++)
		put_task_struct(req->zombies[i].task);
	kfree(req->zombies);
	kfree(req->threads);
	kfree(req->procs);
}
