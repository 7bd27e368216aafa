// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which processes and threads a checkpoint covers, and whether the
 * requester may checkpoint them.  The process table lists parents before
 * their children, so that restart can create them in order.  Callbacks
 * change it before their process is stopped: a forward adds processes, an
 * omitted process leaves the table.  req->scope_lock orders these with
 * the stopping of the processes.
 */
#include <linux/delay.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "cr_chkpt.h"

/* Whether t may be saved; root is the target's own process, or NULL. */
static int cr_check_target(struct cr_chkpt_req *req, struct task_struct *t,
			   struct task_struct *root, struct cr_status *st)
{
	pid_t pid = task_tgid_vnr(t);

	if (t->flags & PF_KTHREAD)
		return cr_fail(st, -EPERM, "pid %d is a kernel thread", pid);
	if (is_global_init(t))
		return cr_fail(st, -EPERM, "pid %d is init", pid);
	if (task_tgid(t) == req->requester_pid &&
	    req->args.flags & CR_ABI_CHKPT_PROHIBIT_SELF)
		return cr_fail(st, -EDEADLK,
			       "pid %d is the requester itself", pid);
	/* Its leader may look dead while another thread takes its place. */
	if (READ_ONCE(t->signal->group_exec_task))
		return cr_fail(st, -EAGAIN, "pid %d is in execve", pid);
	/*
	 * Another member that began to exit after the gather waited for
	 * those exiting (a shell's child ending) is a zombie soon, which a
	 * request asked again saves.
	 */
	if (t->exit_state || (t->flags & PF_EXITING) || !t->mm)
		return t == root ?
		       cr_fail(st, -ESRCH, "pid %d is exiting or a zombie",
			       pid) :
		       cr_fail(st, -EAGAIN, "pid %d is exiting", pid);
	if (test_tsk_thread_flag(t, TIF_ADDR32))
		return cr_fail(st, -EOPNOTSUPP, "pid %d is a 32-bit process",
			       pid);
	if (!cr_may_checkpoint(t))
		return cr_fail(st, -EPERM, "not allowed to checkpoint pid %d",
			       pid);
	return 0;
}

/*
 * Generations below root, or -1 when p does not descend from it; below
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

/* What a request or a forward names: a scope and its target. */
struct cr_target {
	unsigned int scope;
	pid_t nr;			/* as the caller named it */
	struct pid *pid;		/* the group, for PGRP and SESS */
	struct task_struct *task;	/* the process, for PROC and TREE */
};

static bool cr_is_member(struct task_struct *p, const struct cr_target *tg)
{
	switch (tg->scope) {
	case CR_ABI_SCOPE_PROC:
		return p == tg->task;
	case CR_ABI_SCOPE_TREE:
		return cr_depth(p, tg->task) >= 0;
	case CR_ABI_SCOPE_PGRP:
		return task_pgrp(p) == tg->pid;
	default:
		return task_session(p) == tg->pid;
	}
}

/* Whether p is already in the request, saved or omitted. */
static bool cr_in_request(struct cr_chkpt_req *req, struct task_struct *p)
{
	unsigned int i;

	for (i = 0; i < req->nall; i++)
		if (req->procs[i]->task == p)
			return true;
	for (i = 0; i < req->nzombies; i++)
		if (req->zombies[i].task == p)
			return true;
	return false;
}

struct cr_member {
	struct task_struct *task;
	int depth;
	bool pgl;
};

/* Fills m with the target's processes not yet in req; returns how many. */
static int cr_find_members(struct cr_chkpt_req *req,
			   const struct cr_target *tg, struct cr_member *m,
			   int cap)
{
	struct task_struct *p;
	int n = 0;

	rcu_read_lock();
	for_each_process(p) {
		if (!cr_is_member(p, tg) || cr_in_request(req, p))
			continue;
		if (n < cap) {
			get_task_struct(p);
			m[n] = (struct cr_member){ p, cr_depth(p, NULL),
				task_pgrp(p) == task_tgid(p) };
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

/* Takes a reference on every thread of p into pc->threads. */
static int cr_take_threads(struct cr_proc_ctx *pc, struct task_struct *p,
			   unsigned int cap)
{
	struct task_struct *t;
	int err = 0;

	rcu_read_lock();
	for_each_thread(p, t) {
		if (pc->nthreads == cap) {
			err = -EAGAIN;
			break;
		}
		pc->threads[pc->nthreads++].task = get_task_struct(t);
	}
	rcu_read_unlock();
	return err;
}

static void cr_free_proc(struct cr_proc_ctx *pc)
{
	unsigned int i;

	for (i = 0; i < pc->nthreads; i++) {
		kfree(pc->threads[i].img.xstate);
		put_task_struct(pc->threads[i].task);
	}
	kfree(pc->threads);
	kfree(pc->cwd);
	put_task_struct(pc->task);
	kfree(pc);
}

static struct cr_proc_ctx *cr_new_proc(struct cr_member *m,
				       struct cr_status *st)
{
	unsigned int cap = get_nr_threads(m->task) + 4;
	struct cr_proc_ctx *pc;
	int err;

	pc = kzalloc(sizeof(*pc), GFP_KERNEL);
	if (!pc)
		return ERR_PTR(-ENOMEM);
	pc->task = get_task_struct(m->task);
	pc->depth = m->depth;
	pc->pgl = m->pgl;
	pc->stopped = READ_ONCE(m->task->signal->flags) & SIGNAL_STOP_STOPPED;
	pc->threads = kcalloc(cap, sizeof(*pc->threads), GFP_KERNEL);
	err = pc->threads ? cr_take_threads(pc, m->task, cap) : -ENOMEM;
	atomic_set(&pc->expected, pc->nthreads);
	if (!err)
		return pc;
	cr_free_proc(pc);
	if (err == -EAGAIN)
		cr_fail(st, err, "threads appeared; try again");
	return ERR_PTR(err);
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
 * Moves the zombies (but the target, which is refused) behind the live
 * members, keeping the live ones' order.  Returns how many are live.
 */
static int cr_split_zombies(struct task_struct *root, struct cr_member *m,
			    int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (m[i].task != root && cr_is_zombie(m[i].task))
			m[i].depth = -1;
	return cr_keep_marked(m, n);
}

/*
 * Keeps the zombies, m[from..n), whose parent is among the kept members,
 * m[0..kept), which may wait for them.
 */
static int cr_add_zombies(struct cr_chkpt_req *req, struct cr_member *m,
			  int kept, int from, int n)
{
	struct cr_zombie *z;
	int i;

	if (from == n)
		return 0;
	z = krealloc_array(req->zombies, req->nzombies + n - from, sizeof(*z),
			   GFP_KERNEL);
	if (!z)
		return -ENOMEM;
	req->zombies = z;
	for (i = from; i < n; i++)
		if (cr_parent_index(m[i].task, m, kept) >= 0)
			z[req->nzombies++] = (struct cr_zombie){
				.task = get_task_struct(m[i].task) };
	return 0;
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
static int cr_check_ptrace(struct cr_chkpt_req *req, unsigned int scope,
			   struct cr_member *m, int i, struct cr_status *st)
{
	u32 flags = req->args.flags;
	pid_t pid = task_tgid_vnr(m[i].task);
	int parent;

	if (scope == CR_ABI_SCOPE_TREE) {
		parent = cr_parent_index(m[i].task, m, i);
		if (parent >= 0 && m[parent].depth < 0) {
			m[i].depth = -1;
			return 0;
		}
	}
	if (!(flags & CR_ABI_CHKPT_PTRACED_ALLOW) &&
	    cr_any_thread(m[i].task, cr_traced)) {
		if (!(flags & CR_ABI_CHKPT_PTRACED_SKIP))
			return cr_fail(st, -CR_ABI_EPTRACED,
				       "pid %d is being traced", pid);
		cr_chkpt_warn(req, "pid %d left out: it is being traced", pid);
		m[i].depth = -1;
	} else if (cr_any_thread(m[i].task, cr_tracer)) {
		if (!(flags & CR_ABI_CHKPT_PTRACER_SKIP))
			return cr_fail(st, -CR_ABI_EPTRACER,
				       "pid %d is tracing a process", pid);
		cr_chkpt_warn(req, "pid %d left out: it is tracing a process",
			      pid);
		m[i].depth = -1;
	}
	return 0;
}

static int cr_cmp_depth(const void *a, const void *b)
{
	return ((const struct cr_member *)a)->depth -
	       ((const struct cr_member *)b)->depth;
}

/*
 * The n live members kept by the ptrace rules first, parents before
 * children; returns how many, or -errno.
 */
static int cr_ptrace_filter(struct cr_chkpt_req *req, unsigned int scope,
			    struct cr_member *m, int n, struct cr_status *st)
{
	int i, err;

	sort(m, n, sizeof(*m), cr_cmp_depth, NULL);
	for (i = 0; i < n; i++) {
		err = cr_check_ptrace(req, scope, m, i, st);
		if (err)
			return err;
	}
	return cr_keep_marked(m, n);
}

static int cr_no_members(const struct cr_target *tg, struct cr_status *st)
{
	if (tg->task)
		return cr_fail(st, -ESRCH, "pid %d has exited", tg->nr);
	return cr_fail(st, -ESRCH, "no process in %s %d",
		       tg->scope == CR_ABI_SCOPE_PGRP ?
		       "process group" : "session", tg->nr);
}

/* The target's new processes at *mp; returns how many. */
static int cr_gather(struct cr_chkpt_req *req, const struct cr_target *tg,
		     struct cr_member **mp, struct cr_status *st)
{
	struct cr_member *m;
	int n, cap = 16;

	for (;;) {
		m = kcalloc(cap, sizeof(*m), GFP_KERNEL);
		if (!m)
			return -ENOMEM;
		n = cr_find_members(req, tg, m, cap);
		if (n <= cap)
			break;
		cr_put_members(m, cap);
		if (n > CR_MAX_PROCS)
			return cr_fail(st, -E2BIG, "too many processes");
		cap = n + 16;
	}
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

/* The target's processes that are not in req yet, settled, at *mp. */
static int cr_gather_settled(struct cr_chkpt_req *req,
			     const struct cr_target *tg,
			     struct cr_member **mp, struct cr_status *st)
{
	int n, tries = CR_EXIT_TRIES;

	for (;;) {
		n = cr_gather(req, tg, mp, st);
		if (n < 0 || !tries-- || !cr_exiting(*mp, n, tg->task))
			return n;
		cr_put_members(*mp, n);
		msleep(CR_EXIT_WAIT_MS);
	}
}

/* Parents first; among equals a process group's leader first. */
static int cr_cmp_procs(const void *a, const void *b)
{
	const struct cr_proc_ctx *x = *(struct cr_proc_ctx * const *)a;
	const struct cr_proc_ctx *y = *(struct cr_proc_ctx * const *)b;

	if (x->depth != y->depth)
		return x->depth - y->depth;
	return y->pgl - x->pgl;
}

/* The table's order; the omitted processes stay behind it. */
static void cr_order_procs(struct cr_chkpt_req *req)
{
	unsigned int i;

	sort(req->procs, req->nprocs, sizeof(*req->procs), cr_cmp_procs, NULL);
	for (i = 0; i < req->nall; i++)
		req->procs[i]->index = i;
}

/* Makes room for n more processes in req->procs. */
static int cr_grow_procs(struct cr_chkpt_req *req, unsigned int n,
			 struct cr_status *st)
{
	struct cr_proc_ctx **procs;

	if (req->nall + n > CR_MAX_PROCS)
		return cr_fail(st, -E2BIG, "too many processes");
	procs = krealloc_array(req->procs, req->nall + n, sizeof(*procs),
			       GFP_KERNEL);
	if (!procs)
		return -ENOMEM;
	req->procs = procs;
	return 0;
}

/*
 * Puts the n live members into the table, ahead of the omitted ones, and
 * starts stopping them.
 */
static int cr_add_procs(struct cr_chkpt_req *req, struct cr_member *m,
			int n, struct cr_status *st)
{
	struct cr_proc_ctx **added;
	unsigned long room = 0;
	int i, err;

	for (i = 0; i < n; i++)
		room += get_nr_threads(m[i].task) + 4;
	if (req->nthreads + room > CR_MAX_THREADS * 4)
		return cr_fail(st, -E2BIG, "too many threads");
	added = kcalloc(n, sizeof(*added), GFP_KERNEL);
	if (!added)
		return -ENOMEM;
	for (i = 0, err = 0; !err && i < n; i++) {
		added[i] = cr_new_proc(&m[i], st);
		err = PTR_ERR_OR_ZERO(added[i]);
	}
	if (!err)
		err = cr_grow_procs(req, n, st);
	if (err) {
		while (i--)
			if (!IS_ERR(added[i]))
				cr_free_proc(added[i]);
		kfree(added);
		return err;
	}
	for (i = req->nall; i-- > req->nprocs; )
		req->procs[i + n] = req->procs[i];
	for (i = 0; i < n; i++) {
		req->procs[req->nprocs++] = added[i];
		atomic_add(added[i]->nthreads, &req->expected);
	}
	req->nall += n;
	req->nthreads += room;
	cr_order_procs(req);
	cr_start_procs(req, added, n);
	kfree(added);
	return 0;
}

static void cr_unclaim_members(struct cr_chkpt_req *req, struct cr_member *m,
			       int n)
{
	while (n--)
		cr_unclaim_task(req, m[n].task);
}

/* Refuses members that another running request holds (a nested one). */
static int cr_claim_members(struct cr_chkpt_req *req, struct cr_member *m,
			    int n, struct cr_status *st)
{
	int i, err = 0;

	for (i = 0; !err && i < n; i++)
		err = cr_claim_task(req, m[i].task);
	if (!err)
		return 0;
	cr_unclaim_members(req, m, i - 1);
	if (err != -EBUSY)
		return err;
	return cr_fail(st, err, "pid %d is already being checkpointed",
		       task_tgid_vnr(m[i - 1].task));
}

/*
 * Adds the target's processes that are not in req yet, and starts to
 * stop them; under req->scope_lock.  busy(), for the request's own
 * target, refuses one that another request holds.
 */
static int cr_add_target(struct cr_chkpt_req *req, const struct cr_target *tg,
			 bool (*busy)(struct cr_chkpt_req *),
			 struct cr_status *st)
{
	struct cr_member *m;
	int n, i, live, kept, err = 0;
	bool claimed = false;

	n = cr_gather_settled(req, tg, &m, st);
	if (n < 0)
		return n;
	live = cr_split_zombies(tg->task, m, n);
	if (busy && !live)
		err = cr_no_members(tg, st);
	kept = err ? 0 : cr_ptrace_filter(req, tg->scope, m, live, st);
	if (kept < 0)
		err = kept;
	else if (!err && busy && live && !kept)
		err = cr_fail(st, -ESRCH, "every process was left out");
	for (i = 0; !err && i < kept; i++)
		err = cr_check_target(req, m[i].task, tg->task, st);
	if (!err && busy && busy(req))
		err = cr_fail(st, -EBUSY, "pid %d is already being checkpointed",
			      tg->nr);
	if (!err) {
		err = cr_claim_members(req, m, kept, st);
		claimed = !err;
	}
	if (!err)
		err = cr_add_zombies(req, m, kept, live, n);
	if (!err && kept)
		err = cr_add_procs(req, m, kept, st);
	if (err && claimed)
		cr_unclaim_members(req, m, kept);
	cr_put_members(m, n);
	return err;
}

/* The target's group or process, referenced in tg. */
static int cr_find_target(struct cr_target *tg, struct cr_status *st)
{
	bool group = tg->scope == CR_ABI_SCOPE_PGRP || tg->scope == CR_ABI_SCOPE_SESS;

	if (tg->scope < CR_ABI_SCOPE_PROC || tg->scope > CR_ABI_SCOPE_TREE)
		return cr_fail(st, -EINVAL, "bad scope %u", tg->scope);
	tg->pid = find_get_pid(tg->nr);
	tg->task = tg->pid && !group ? get_pid_task(tg->pid, PIDTYPE_TGID) :
		   NULL;
	if (!tg->pid || (!group && !tg->task))
		return cr_fail(st, -ESRCH, "no process %d", tg->nr);
	return 0;
}

static void cr_put_target(struct cr_target *tg)
{
	if (tg->task)
		put_task_struct(tg->task);
	put_pid(tg->pid);
}

/*
 * cr_checkpoint in its own scope is left out, but a parent saved with it
 * finds it again after a restart: as a child that exited 0, which it
 * does when the request succeeds.  In the request as a zombie, it is no
 * member, and no fork that cr_check_forks() missed.
 */
static int cr_omit_requester(struct cr_chkpt_req *req)
{
	struct cr_zombie *z;

	if (!(req->args.flags & CR_ABI_CHKPT_OMIT_REQUESTER))
		return 0;
	z = kzalloc(sizeof(*z), GFP_KERNEL);
	if (!z)
		return -ENOMEM;
	z->task = get_task_struct(current->group_leader);
	z->stand_in = true;
	req->zombies = z;
	req->nzombies = 1;
	return 0;
}

/* The request's own scope; req->root references its target. */
int cr_collect_scope(struct cr_chkpt_req *req,
		     bool (*busy)(struct cr_chkpt_req *))
{
	struct cr_target tg = { req->args.scope, req->args.target };
	int err;

	err = cr_omit_requester(req) ?: cr_find_target(&tg, &req->r.st);
	if (!err) {
		req->root = get_pid(tg.pid);
		mutex_lock(&req->scope_lock);
		err = cr_add_target(req, &tg, busy, &req->r.st);
		mutex_unlock(&req->scope_lock);
	}
	cr_put_target(&tg);
	return err;
}

/*
 * CR_OP_CHKPT_FWD: from pc's callbacks, before pc is stopped, which keeps
 * every other process of the request waiting for it.
 */
int cr_scope_forward(struct cr_chkpt_req *req, struct cr_proc_ctx *pc,
		     unsigned int scope, pid_t target)
{
	struct cr_target tg = { scope, target };
	struct cr_status st = { 0 };
	int err;

	err = cr_find_target(&tg, &st);
	mutex_lock(&req->scope_lock);
	if (!err && (pc->queued || pc->omitted || cr_req_done(&req->r)))
		err = -EINVAL;
	if (!err)
		err = cr_add_target(req, &tg, NULL, &st);
	mutex_unlock(&req->scope_lock);
	cr_put_target(&tg);
	return err;
}

/*
 * pc's callbacks left it out: it goes behind the table, and the others no
 * longer wait for it.  With no process left the request fails.
 */
void cr_scope_omit(struct cr_chkpt_req *req, struct cr_proc_ctx *pc)
{
	unsigned int i;

	mutex_lock(&req->scope_lock);
	if (pc->queued || pc->omitted)
		goto out;
	pc->omitted = true;
	for (i = pc->index; i + 1 < req->nall; i++)
		req->procs[i] = req->procs[i + 1];
	req->procs[req->nall - 1] = pc;
	req->nprocs--;
	cr_order_procs(req);
	if (!req->nprocs)
		cr_chkpt_abort(req, -ESRCH,
			       "omitted itself, and no process is left");
	atomic_sub(pc->nthreads, &req->expected);
	wake_up_all(&req->r.wq);
out:
	mutex_unlock(&req->scope_lock);
}
/*
 * A child of current in the scope but not in the request: forked after
 * the scope was gathered, before current was stopped, and missing from
 * the checkpoint.  Once every thread of the request has arrived, every
 * such fork is over and its child on the process list.  Children the
 * ptrace rules leave out do not count.
 */
static pid_t cr_new_child(struct cr_chkpt_req *req, const struct cr_target *tg)
{
	struct task_struct *p;
	pid_t child = 0;

	rcu_read_lock();
	for_each_process(p) {
		if (!same_thread_group(rcu_dereference(p->real_parent),
				       current) ||
		    !cr_is_member(p, tg) || cr_in_request(req, p) ||
		    cr_any_thread(p, cr_traced) || cr_any_thread(p, cr_tracer))
			continue;
		child = task_tgid_vnr(p);
		break;
	}
	rcu_read_unlock();
	return child;
}

/* Refuses a checkpoint that missed a child of current (cr_new_child()). */
int cr_check_forks(struct cr_chkpt_req *req, struct cr_status *st)
{
	struct cr_target tg = { req->args.scope, req->args.target, req->root };
	pid_t child;

	if (tg.scope == CR_ABI_SCOPE_PROC)
		return 0;
	if (tg.scope == CR_ABI_SCOPE_TREE)
		tg.task = get_pid_task(req->root, PIDTYPE_TGID);
	mutex_lock(&req->scope_lock);
	child = tg.scope != CR_ABI_SCOPE_TREE || tg.task ? cr_new_child(req, &tg) : 0;
	mutex_unlock(&req->scope_lock);
	if (tg.task)
		put_task_struct(tg.task);
	if (!child)
		return 0;
	return cr_fail(st, -EAGAIN, "pid %d forked %d during the checkpoint",
		       task_tgid_vnr(current), child);
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
		if (req->procs[i]->ent.pid == pid)
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
		z->kept = pid_alive(p) && (z->stand_in || cr_is_zombie(p));
		if (z->kept) {
			e->pid = task_tgid_vnr(p);
			e->ppid = task_tgid_vnr(rcu_dereference(p->real_parent));
			e->pgid = task_pgrp_vnr(p);
			e->sid = task_session_vnr(p);
			e->flags = CR_PENT_ZOMBIE;
			z->status = z->stand_in ? 0 : cr_wait_status(p);
		}
		rcu_read_unlock();
		z->kept = z->kept && e->pid > 0 && cr_live_pid(req, e->ppid);
		req->nkept += z->kept;
	}
}

void cr_release_scope(struct cr_chkpt_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nall; i++)
		cr_free_proc(req->procs[i]);
	for (i = 0; i < req->nzombies; i++)
		put_task_struct(req->zombies[i].task);
	kfree(req->zombies);
	kfree(req->procs);
}
