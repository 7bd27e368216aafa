// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint requests.  Every thread in the scope (cr_scope.c) gets a task
 * work (TWA_SIGNAL), so each stops in its own context on its way back to
 * user mode, even from an interruptible sleep.  All threads meet at one
 * barrier, each saves its own registers, and the first thread of each
 * process to arrive writes that process: the processes take turns, in
 * process-table order, on the one sequential stream.  Then all go on, or
 * take the post-checkpoint signal.
 */
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/utsname.h>

#include "cr_chkpt.h"

/* Targets of running checkpoints: a second request for one is refused. */
static LIST_HEAD(cr_busy_list);
static DEFINE_SPINLOCK(cr_busy_lock);

/*
 * The processes of every request, by task: one process is never in two
 * running requests (each would wait for it in the other's barrier).
 * An entry goes with its request's last reference; the xarray's lock
 * keeps that request alive while another looks at it.
 */
static DEFINE_XARRAY(cr_busy_tasks);

/* t joins req, unless a request still running has it: -EBUSY. */
int cr_claim_task(struct cr_chkpt_req *req, struct task_struct *t)
{
	struct cr_chkpt_req *other;
	int err = 0;

	xa_lock(&cr_busy_tasks);
	other = xa_load(&cr_busy_tasks, (unsigned long)t);
	if (other && other != req && !cr_req_done(&other->r))
		err = -EBUSY;
	else if (other != req)
		err = xa_err(__xa_store(&cr_busy_tasks, (unsigned long)t, req,
					GFP_ATOMIC));
	xa_unlock(&cr_busy_tasks);
	return err;
}

/* Forgets t, if req is what it belongs to. */
void cr_unclaim_task(struct cr_chkpt_req *req, struct task_struct *t)
{
	xa_lock(&cr_busy_tasks);
	if (xa_load(&cr_busy_tasks, (unsigned long)t) == req)
		__xa_erase(&cr_busy_tasks, (unsigned long)t);
	xa_unlock(&cr_busy_tasks);
}

static bool cr_incremental(const struct cr_chkpt_req *req)
{
	return req->args.flags & CR_ABI_CHKPT_INCREMENTAL;
}

static void cr_chkpt_release(struct cr_req *r)
{
	struct cr_chkpt_req *req = container_of(r, struct cr_chkpt_req, r);
	unsigned int i;

	/* A request whose targets all exited was never finished. */
	spin_lock(&cr_busy_lock);
	list_del(&req->busy);
	spin_unlock(&cr_busy_lock);
	for (i = 0; i < req->nall; i++) {
		cr_unclaim_task(req, req->procs[i]->task);
		cr_track_end(req->procs[i]->track);
	}
	cr_release_scope(req);
	cr_shared_release(&req->sh);
	put_pid(req->root);
	put_pid(req->requester_pid);
	if (req->out)
		fput(req->out);
	cr_zip_free(req->s.zip);
	kfree(req->parent.path);
	kfree(req->image.path);
	cr_live_free(req->live);
	kfree(req->dest);
	kfree(req);
}

const char *cr_chkpt_warnings(struct cr_chkpt_req *req)
{
	return req->warn;
}

/* The reference and module count of the timer, the retry, or a kick. */
static void cr_timer_put(struct cr_chkpt_req *req)
{
	cr_req_put(&req->r);
	module_put(THIS_MODULE);
}

static void cr_kicked(struct callback_head *cb)
{
	cr_timer_put(container_of(cb, struct cr_chkpt_req, kick));
}

/*
 * A write asleep (into a pipe nobody reads) wakes up as for a signal, and
 * the writer stops; the task work itself has nothing more to do.  Under
 * req->r.lock, which keeps the writer in its write.
 */
static void cr_kick_writer(struct cr_chkpt_req *req)
{
	struct task_struct *t = req->writer;

	if (!t || t == current)
		return;
	cr_req_get(&req->r);
	__module_get(THIS_MODULE);
	init_task_work(&req->kick, cr_kicked);
	if (task_work_add(t, &req->kick, TWA_SIGNAL))
		cr_kicked(&req->kick);
}

/* The request ends: no more writes, and a write asleep wakes. */
static void cr_chkpt_stop(struct cr_req *r)
{
	struct cr_chkpt_req *req = container_of(r, struct cr_chkpt_req, r);

	WRITE_ONCE(req->s.stop, true);
	cr_kick_writer(req);
}

/* Its targets may be checkpointed again; the timer has nothing to do. */
static void cr_chkpt_ended(struct cr_req *r)
{
	struct cr_chkpt_req *req = container_of(r, struct cr_chkpt_req, r);

	spin_lock(&cr_busy_lock);
	list_del_init(&req->busy);
	spin_unlock(&cr_busy_lock);
	if (cancel_delayed_work(&req->timer))
		cr_timer_put(req);
}

static const struct cr_req_ops cr_chkpt_ops = {
	.release = cr_chkpt_release,
	.stop = cr_chkpt_stop,
	.ended = cr_chkpt_ended,
};

static int cr_write_header(struct cr_stream *s, struct cr_chkpt_req *req)
{
	struct cr_img_header h;
	int err;

	memset(&h, 0, sizeof(h));
	memcpy(h.ident, CR_IMG_IDENT, sizeof(CR_IMG_IDENT));
	h.version = CR_IMG_VERSION;
	h.arch = CR_ARCH_X86_64;
	h.nprocs = req->nprocs + req->nkept;
	h.time_ns = ktime_get_real_ns();
	req->image.time_ns = h.time_ns;
	strscpy(h.release, utsname()->release, sizeof(h.release));
	err = vmad_xstate_info(&h.xfeatures, &h.xstate_size);
	return err ? err : cr_write_rec(s, CR_REC_HEADER, &h, sizeof(h));
}

/*
 * An incremental image's PARENT, right after HEADER: the first process's
 * last image, named relative to this one when next to it, so that a
 * chain moves as a whole.  Without one, the image is full.
 */
static int cr_write_parent(struct cr_stream *s, struct cr_chkpt_req *req)
{
	const char *name, *dir_end;
	struct cr_img_parent *p;
	size_t len;
	int err;

	if (req->live) {
		/* the pre-copy, just before in the stream: no name */
		req->parent.ident = req->live->ident;
		req->parent.time_ns = req->live->time_ns;
		name = "";
		goto write;
	}
	err = cr_track_parent(&req->parent);
	if (err)
		return err == -ENOENT ? 0 : err;
	name = req->parent.path;
	dir_end = req->image.path ? strrchr(req->image.path, '/') : NULL;
	len = dir_end ? dir_end - req->image.path + 1 : 0;
	if (len && !strncmp(name, req->image.path, len) &&
	    !strchr(name + len, '/'))
		name += len;
write:
	len = strlen(name) + 1;
	p = kzalloc(sizeof(*p) + len, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->ident = req->parent.ident;
	p->time_ns = req->parent.time_ns;
	p->depth = req->parent.depth + 1;
	p->path_len = len;
	memcpy(p + 1, name, len);
	req->image.depth = p->depth;
	err = cr_write_rec(s, CR_REC_PARENT, p, sizeof(*p) + len);
	kfree(p);
	return err;
}

/* Entries, then every process's thread ids, then every cwd; zombies last. */
static int cr_write_proctab(struct cr_stream *s, struct cr_chkpt_req *req)
{
	size_t len = 0, off, esz = sizeof(struct cr_img_proc_ent);
	unsigned int i, j, k = req->nprocs;
	char *buf;
	int err;

	for (i = 0; i < req->nprocs; i++)
		len += esz + strlen(req->procs[i]->cwd) + 1 +
		       req->procs[i]->ent.nthreads * sizeof(s32);
	len += req->nkept * (esz + sizeof("/"));
	buf = kvzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	off = (req->nprocs + req->nkept) * esz;
	for (i = 0; i < req->nprocs; i++) {
		struct cr_proc_ctx *pc = req->procs[i];

		memcpy(buf + i * esz, &pc->ent, esz);
		for (j = 0; j < pc->nthreads; j++) {
			struct cr_thread_ctx *t = &pc->threads[j];

			if (!t->saved)
				continue;
			memcpy(buf + off, &t->img.t.tid, sizeof(s32));
			off += sizeof(s32);
		}
	}
	for (i = 0; i < req->nzombies; i++)
		if (req->zombies[i].kept)
			memcpy(buf + k++ * esz, &req->zombies[i].ent, esz);
	for (i = 0; i < req->nprocs; i++)
		off += strscpy(buf + off, req->procs[i]->cwd, len - off) + 1;
	for (i = 0; i < req->nkept; i++)
		off += strscpy(buf + off, "/", len - off) + 1;
	err = cr_write_rec(s, CR_REC_PROCTAB, buf, len);
	kvfree(buf);
	return err;
}

/* The zombies' exit statuses, when the table has zombies. */
static int cr_write_zombies(struct cr_stream *s, struct cr_chkpt_req *req)
{
	struct cr_img_zombies *zs;
	unsigned int i, k = 0;
	size_t len;
	int err;

	if (!req->nkept)
		return 0;
	len = struct_size(zs, zombie, req->nkept);
	zs = kzalloc(len, GFP_KERNEL);
	if (!zs)
		return -ENOMEM;
	zs->nzombies = req->nkept;
	for (i = 0; i < req->nzombies; i++) {
		if (!req->zombies[i].kept)
			continue;
		zs->zombie[k].pid = req->zombies[i].ent.pid;
		zs->zombie[k++].status = req->zombies[i].status;
	}
	err = cr_write_rec(s, CR_REC_ZOMBIES, zs, len);
	kfree(zs);
	return err;
}

static int cr_write_thread(struct cr_stream *s, struct cr_thread_ctx *t)
{
	struct cr_thread_image *ti = &t->img;
	size_t len = sizeof(ti->t) + ti->t.xstate_size;
	int err;

	err = cr_write_hdr(s, CR_REC_THREAD, 0, len,
			   cr_thread_sum(ti, ti->t.xstate_size));
	if (!err)
		err = cr_write_raw(s, &ti->t, sizeof(ti->t));
	if (!err)
		err = cr_write_raw(s, ti->xstate, ti->t.xstate_size);
	if (!err)
		err = cr_write_pad(s, CR_REC_ALIGN);
	if (!err)
		err = cr_save_sigqueue(s, &t->task->pending);
	return err;
}

static int cr_write_end(struct cr_stream *s)
{
	struct cr_img_end end = { .nrecords = s->nrecords, .bytes = s->pos };

	return cr_write_rec(s, CR_REC_END, &end, sizeof(end));
}

/* This process's section, written by its dumper on its turn. */
static int cr_write_section(struct cr_chkpt_req *req, struct cr_proc_ctx *pc,
			    struct cr_status *st)
{
	struct cr_stream *s = &req->s;
	unsigned int i;
	int err;

	if (cr_incremental(req)) {
		pc->track = cr_track_begin(req->parent.ident);
		if (IS_ERR(pc->track)) {
			err = PTR_ERR(pc->track);
			pc->track = NULL;
			return err;
		}
		req->sh.track = pc->track;
	}
	req->sh.live = req->live && cr_live_covers(req->live, current);
	err = cr_save_proc(s, pc->stopped, st);
	if (!err)
		err = cr_save_signals(s, st);
	if (!err)
		err = vmad_save_mm(s, &req->sh, st);
	if (!err)
		err = cr_save_files(s, &req->sh, st);
	req->sh.track = NULL;
	req->sh.live = false;
	for (i = 0; !err && i < pc->nthreads; i++)
		if (pc->threads[i].saved)
			err = cr_write_thread(s, &pc->threads[i]);
	return err;
}

static long cr_chkpt_wait(struct cr_chkpt_req *req, bool (*cond)(struct cr_chkpt_req *, struct cr_proc_ctx *),
			  struct cr_proc_ctx *pc, unsigned long timeout)
{
	return wait_event_killable_timeout(req->r.wq,
			cond(req, pc) || cr_req_done(&req->r), timeout);
}

static bool cr_all_arrived(struct cr_chkpt_req *req, struct cr_proc_ctx *pc)
{
	return atomic_read(&req->arrived) == atomic_read(&req->expected);
}

static bool cr_proc_saved(struct cr_chkpt_req *req, struct cr_proc_ctx *pc)
{
	return atomic_read(&pc->saved) == atomic_read(&pc->expected);
}

static bool cr_my_turn(struct cr_chkpt_req *req, struct cr_proc_ctx *pc)
{
	return READ_ONCE(req->turn) == pc->index &&
	       atomic_read(&req->described) == req->nprocs;
}

static bool cr_never(struct cr_chkpt_req *req, struct cr_proc_ctx *pc)
{
	return false;
}


/*
 * What the processes share, once, after the kinds' snapshots: every
 * kind's table comes before any data, so that a restart reads them all
 * with the process table.
 */
static int cr_save_shared(struct cr_chkpt_req *req, struct cr_status *st)
{
	return cr_kinds_call(save, &req->s, &req->sh, st) ?:
	       cr_kinds_call(save_data, &req->s, &req->sh);
}

/* Checks this process and describes it for the process table. */
static int cr_describe(struct cr_chkpt_req *req, struct cr_proc_ctx *pc,
		       struct cr_status *st)
{
	struct cr_img_proc_ent *e = &pc->ent;
	unsigned int i, n = atomic_read(&pc->saved);
	struct path pwd;
	char *buf, *p;
	int err;

	if (get_nr_threads(current) != n)
		return cr_fail(st, -EAGAIN,
			       "pid %d created threads during the checkpoint",
			       task_tgid_vnr(current));
	err = cr_check_forks(req, st);
	if (!err)
		err = vmad_check_mm(&req->sh, st);
	if (!err)
		err = cr_check_files(&req->sh, st);
	if (err)
		return err;
	e->pid = task_tgid_vnr(current);
	e->ppid = task_tgid_vnr(rcu_access_pointer(current->real_parent));
	e->pgid = task_pgrp_vnr(current);
	e->sid = task_session_vnr(current);
	e->nthreads = n;
	vmad_vdso_range(current->mm, &e->vdso_start, &e->vdso_len,
			&e->vvar_start, &e->vvar_len);
	cr_save_cpu_itimers(e);
	err = cr_kinds_call(note_proc, &req->sh, pc->index, st);
	if (err)
		return err;
	for (i = 0, n = 0; i < pc->nthreads; i++)
		if (pc->threads[i].saved)
			pc->threads[i].img.t.index = n++;
	buf = kmalloc(CR_PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	get_fs_pwd(current->fs, &pwd);
	p = d_path(&pwd, buf, CR_PATH_MAX);
	path_put(&pwd);
	if (!IS_ERR(p))
		pc->cwd = kstrdup(p, GFP_KERNEL);
	kfree(buf);
	if (IS_ERR(p))
		return cr_fail(st, PTR_ERR(p), "pid %d: cwd", e->pid);
	return pc->cwd ? 0 : -ENOMEM;
}

/* The image is complete: the next incremental one refers to it. */
static void cr_track_commit_all(struct cr_chkpt_req *req)
{
	unsigned int i;

	req->image.ident = req->s.ident;
	for (i = 0; i < req->nprocs; i++)
		if (req->procs[i]->track)
			cr_track_commit(req->procs[i]->track, &req->image);
}

/* This process's turn on the stream: the file's head first, its end last. */
static int cr_write_turn(struct cr_chkpt_req *req, struct cr_proc_ctx *pc,
			 struct cr_status *st)
{
	bool first = pc->index == 0, last = pc->index == req->nprocs - 1;
	int err = 0;

	/* What cannot be saved is refused before anything is written. */
	if (first) {
		cr_settle_zombies(req);
		err = cr_kinds_call(snapshot, &req->sh, st) ?:
		      cr_write_header(&req->s, req);
	}
	if (first && !err && (cr_incremental(req) || req->live))
		err = cr_write_parent(&req->s, req);
	if (first && !err)
		err = cr_write_proctab(&req->s, req);
	if (first && !err)
		err = cr_write_zombies(&req->s, req);
	if (first && !err)
		err = cr_save_shared(req, st);
	if (!err)
		err = cr_write_section(req, pc, st);
	if (last && !err)
		err = cr_write_end(&req->s);
	if (last && !err && (req->args.flags & CR_ABI_CHKPT_SYNC))
		err = vfs_fsync(req->out, 0);
	if (last && !err && cr_incremental(req))
		cr_track_commit_all(req);
	return err;
}

/* Names the thread writing, for cr_kick_writer(); false if it is over. */
static bool cr_set_writer(struct cr_chkpt_req *req, struct task_struct *t)
{
	bool running;

	spin_lock(&req->r.lock);
	running = !cr_req_done(&req->r);
	req->writer = running ? t : NULL;
	spin_unlock(&req->r.lock);
	return running;
}

static int cr_dump_proc(struct cr_chkpt_req *req, struct cr_proc_ctx *pc,
			struct cr_status *st)
{
	int err;

	if (cr_chkpt_wait(req, cr_proc_saved, pc, MAX_SCHEDULE_TIMEOUT) < 0)
		return -EINTR;
	if (cr_req_done(&req->r))
		return 0;
	err = cr_describe(req, pc, st);
	if (err)
		return err;
	atomic_inc(&req->described);
	wake_up_all(&req->r.wq);
	if (cr_chkpt_wait(req, cr_my_turn, pc, MAX_SCHEDULE_TIMEOUT) < 0)
		return -EINTR;
	if (!cr_set_writer(req, current))
		return 0;
	err = cr_write_turn(req, pc, st);
	cr_set_writer(req, NULL);
	if (err)
		return cr_fail(st, err, "writing the context file");
	WRITE_ONCE(req->turn, pc->index + 1);
	wake_up_all(&req->r.wq);
	return 0;
}

/*
 * The dumper gives its process the post-checkpoint signal (or stops it
 * again) before any of the process's threads leaves the module: no user
 * code runs between the checkpoint and a --kill or --stop.
 */
static void cr_release_proc(struct cr_chkpt_req *req, struct cr_proc_ctx *pc,
			    bool dumper)
{
	if (!dumper) {
		wait_event_killable(req->r.wq, smp_load_acquire(&pc->released));
		return;
	}
	if (!req->r.st.result && req->args.signal) {
		if (req->args.signal == SIGKILL)
			cr_kinds_call(before_kill, &req->sh);
		kill_pid(task_tgid(current), req->args.signal, 1);
	}
	else if (pc->stopped)
		kill_pid(task_tgid(current), SIGSTOP, 1);
	smp_store_release(&pc->released, true);
	wake_up_all(&req->r.wq);
}

static void cr_chkpt_thread(struct cr_chkpt_req *req, struct cr_thread_ctx *ctx)
{
	struct cr_proc_ctx *pc = ctx->proc;
	unsigned long timeout = req->args.timeout_ms ? MAX_SCHEDULE_TIMEOUT :
				msecs_to_jiffies(CR_DEFAULT_TIMEOUT_MS);
	bool dumper = atomic_inc_return(&pc->arrived) == 1;
	struct cr_status st = { 0 };
	long left;
	int err;

	atomic_inc(&req->arrived);
	wake_up_all(&req->r.wq);
	left = cr_chkpt_wait(req, cr_all_arrived, pc, timeout);
	/*
	 * Killed while the others stop: by a kill, or by another thread's
	 * execve, after which asking again succeeds.
	 */
	if (left < 0)
		cr_fail(&st, -EAGAIN, "pid %d: thread %d was killed or execve'd",
			task_tgid_vnr(current), task_pid_vnr(current));
	else if (!left)
		cr_fail(&st, -ETIMEDOUT, "pid %d: not every thread stopped in time",
			task_tgid_vnr(current));
	if (left <= 0) {
		cr_req_finish(&req->r, st.result, &st);
		goto out;
	}
	if (cr_req_done(&req->r))
		goto out;
	err = vmad_save_thread(&ctx->img, &st);
	if (!err)
		cr_save_sched(&ctx->img.t.sched);
	if (err) {
		cr_req_finish(&req->r, err, &st);
		goto out;
	}
	ctx->saved = true;
	atomic_inc(&pc->saved);
	wake_up_all(&req->r.wq);
	if (dumper) {
		err = cr_dump_proc(req, pc, &st);
		if (err || pc->index == req->nprocs - 1)
			cr_req_finish(&req->r, err, &st);
	}
	cr_chkpt_wait(req, cr_never, pc, MAX_SCHEDULE_TIMEOUT);
out:
	cr_release_proc(req, pc, dumper);
}

/*
 * A thread that exits will not arrive.  When a whole process goes (a
 * short-lived child of the tree), the checkpoint cannot be taken: it ends
 * before the others may start writing, and asking again is enough.
 */
static void cr_drop_out(struct cr_chkpt_req *req, struct cr_thread_ctx *ctx)
{
	struct cr_status st = { 0 };

	if (atomic_dec_and_test(&ctx->proc->expected)) {
		cr_fail(&st, -EAGAIN, "pid %d exited during the checkpoint",
			task_tgid_nr(ctx->task));
		cr_req_finish(&req->r, -EAGAIN, &st);
	}
	atomic_dec(&req->expected);
	wake_up_all(&req->r.wq);
}

static void cr_chkpt_work(struct callback_head *cb);

static void cr_queue_thread(struct cr_chkpt_req *req,
			    struct cr_thread_ctx *ctx)
{
	init_task_work(&ctx->cb, cr_chkpt_work);
	cr_req_get(&req->r);
	__module_get(THIS_MODULE);
	if (task_work_add(ctx->task, &ctx->cb, TWA_SIGNAL)) {
		/* Already exiting: it will not arrive. */
		module_put(THIS_MODULE);
		cr_drop_out(req, ctx);
		cr_req_put(&req->r);
	}
}

/* The deferred threads of a running request are stopped again. */
static void cr_retry_deferred(struct work_struct *w)
{
	struct cr_chkpt_req *req = container_of(to_delayed_work(w),
						struct cr_chkpt_req, retry);
	unsigned int i, j;

	mutex_lock(&req->scope_lock);
	for (i = 0; i < req->nall; i++) {
		struct cr_proc_ctx *pc = req->procs[i];

		for (j = 0; j < pc->nthreads; j++)
			if (atomic_xchg(&pc->threads[j].deferred, 0) &&
			    !cr_req_done(&req->r))
				cr_queue_thread(req, &pc->threads[j]);
	}
	mutex_unlock(&req->scope_lock);
	cr_timer_put(req);
}

/*
 * A vfork child before its execve runs in its parent's memory, and the
 * parent waits for it where no signal wakes it: neither can be saved
 * until the child has exec'd or exited.  The child goes on, and is asked
 * to stop again a moment later.
 */
static void cr_defer_thread(struct cr_chkpt_req *req, struct cr_thread_ctx *ctx)
{
	atomic_set(&ctx->deferred, 1);
	cr_req_get(&req->r);
	__module_get(THIS_MODULE);
	if (!schedule_delayed_work(&req->retry,
				   msecs_to_jiffies(CR_DEFER_RETRY_MS)))
		cr_timer_put(req);
}

static void cr_chkpt_work(struct callback_head *cb)
{
	struct cr_thread_ctx *ctx = container_of(cb, struct cr_thread_ctx, cb);
	struct cr_chkpt_req *req = ctx->req;

	/* Works also run from exit_task_work(): an exiting thread drops out. */
	if (current->flags & PF_EXITING)
		cr_drop_out(req, ctx);
	else if (current->vfork_done && !cr_req_done(&req->r))
		cr_defer_thread(req, ctx);
	else
		cr_chkpt_thread(req, ctx);
	cr_req_put(&req->r);
	module_put(THIS_MODULE);
}

/* Takes the request's target, unless another request has it. */
static bool cr_target_busy(struct cr_chkpt_req *req)
{
	struct cr_chkpt_req *other;
	bool busy = false;

	spin_lock(&cr_busy_lock);
	list_for_each_entry(other, &cr_busy_list, busy)
		busy |= other->root == req->root;
	if (!busy)
		list_add(&req->busy, &cr_busy_list);
	spin_unlock(&cr_busy_lock);
	return busy;
}

static void cr_queue_locked(struct cr_chkpt_req *req, struct cr_proc_ctx *pc)
{
	unsigned int i;

	pc->queued = true;
	for (i = 0; i < pc->nthreads; i++) {
		struct cr_thread_ctx *ctx = &pc->threads[i];

		ctx->req = req;
		ctx->proc = pc;
		cr_queue_thread(req, ctx);
	}
}

/* Stops the threads of one process once its callbacks are done. */
void cr_queue_proc_works(struct cr_chkpt_req *req, struct cr_proc_ctx *pc)
{
	mutex_lock(&req->scope_lock);
	if (!pc->omitted)
		cr_queue_locked(req, pc);
	mutex_unlock(&req->scope_lock);
}

/*
 * New processes of the request, under req->scope_lock: each is stopped
 * now, or left to its callbacks first.  A stopped thread does not run
 * task work: continue its process, whose threads then stop in the
 * checkpoint before any user code runs, and stop it again afterwards.
 * Its parent sees it continue and stop.
 */
void cr_start_procs(struct cr_chkpt_req *req, struct cr_proc_ctx **pcs,
		    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!cr_hand_claim(req, pcs[i]))
			cr_queue_locked(req, pcs[i]);
	for (i = 0; i < n; i++)
		if (pcs[i]->stopped)
			kill_pid(task_tgid(pcs[i]->task), SIGCONT, 1);
}

/* A process's callbacks ended the checkpoint. */
void cr_chkpt_abort(struct cr_chkpt_req *req, int err, const char *why)
{
	struct cr_status st = { 0 };

	cr_fail(&st, err, "pid %d: %s", task_tgid_vnr(current), why);
	cr_req_finish(&req->r, err, &st);
}

/*
 * The checkpoint is abandoned: threads waiting in it go on, a write stops
 * at its next chunk, and the targets get no post-checkpoint signal.
 */
static void cr_chkpt_give_up(struct cr_chkpt_req *req, int err,
			     const char *why)
{
	struct cr_status st = { 0 };

	if (cr_req_done(&req->r))
		return;
	cr_fail(&st, err, "%s", why);
	cr_req_finish(&req->r, err, &st);
}

/* Every checkpointed process has exited: its threads' ids are free. */
static bool cr_targets_exited(struct cr_chkpt_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nprocs; i++) {
		struct task_struct *t = req->procs[i]->task;

		if (!READ_ONCE(t->exit_state) || !thread_group_empty(t))
			return false;
	}
	return true;
}

/*
 * After a --kill, the requester returns once the targets have exited, so
 * that a restart right away finds their pids free (their parents reap
 * them).  Killable, and bounded: a target stuck in its exit (a traced
 * thread, a hung mount) does not hold the requester forever.
 */
static void cr_wait_killed(struct cr_chkpt_req *req)
{
	unsigned long end = jiffies + msecs_to_jiffies(CR_KILL_WAIT_MS);

	while (!cr_targets_exited(req) && time_before(jiffies, end)) {
		schedule_timeout_killable(msecs_to_jiffies(10));
		if (fatal_signal_pending(current))
			return;
	}
}

/* CR_OP_CHKPT_REAP: the result, once a --kill's targets have gone. */
int cr_chkpt_reap(struct cr_chkpt_req *req)
{
	int ret = cr_req_reap(&req->r);

	if (!ret && req->args.signal == SIGKILL && !req->kill_waited) {
		cr_wait_killed(req);
		req->kill_waited = true;
	}
	return ret;
}

/* The requester closed its fd (it was killed, say): nobody takes the file. */
void cr_chkpt_cancel(struct cr_chkpt_req *req)
{
	cr_chkpt_give_up(req, -EINTR, "the requester went away");
}

/* cr_checkpoint --time: the whole checkpoint did not end in time. */
static void cr_chkpt_expire(struct work_struct *w)
{
	struct cr_chkpt_req *req = container_of(to_delayed_work(w),
						struct cr_chkpt_req, timer);

	cr_chkpt_give_up(req, -ETIMEDOUT,
			 "the checkpoint did not end in the time given");
	cr_timer_put(req);
}

/* The timer holds the request and the module until it runs or is cancelled. */
static void cr_chkpt_arm(struct cr_chkpt_req *req)
{
	if (!req->args.timeout_ms)
		return;
	cr_req_get(&req->r);
	__module_get(THIS_MODULE);
	schedule_delayed_work(&req->timer,
			      msecs_to_jiffies(req->args.timeout_ms));
}

/* A compressor for the stream, if asked for: made before any target stops. */
static int cr_chkpt_zip(struct cr_chkpt_req *req)
{
	struct cr_zip *z;

	if (!(req->args.flags & CR_ABI_CHKPT_COMPRESS))
		return 0;
	z = cr_zip_new();
	if (PTR_ERR_OR_ZERO(z) == -EOPNOTSUPP)
		return cr_fail(&req->r.st, -EOPNOTSUPP,
			       "this kernel has no zstd compressor");
	if (IS_ERR(z))
		return PTR_ERR(z);
	req->s.zip = z;
	return 0;
}

/* The scope is checked with its target, in cr_scope.c. */
static int cr_check_args(struct cr_chkpt_args *a, struct cr_status *st)
{
	if (a->signal >= _NSIG ||
	    a->flags & ~(CR_ABI_CHKPT_SAVE_ALL | CR_ABI_CHKPT_SYNC |
			 CR_ABI_CHKPT_SOCK_CLOSED | CR_ABI_CHKPT_TCP_CLOSE |
			 CR_ABI_CHKPT_PTRACED_ALLOW |
			 CR_ABI_CHKPT_PTRACED_SKIP | CR_ABI_CHKPT_PTRACER_SKIP |
			 CR_ABI_CHKPT_PROHIBIT_SELF |
			 CR_ABI_CHKPT_OMIT_REQUESTER |
			 CR_ABI_CHKPT_COMPRESS | CR_ABI_CHKPT_INCREMENTAL) ||
	    (a->flags & CR_ABI_CHKPT_PTRACED_ALLOW &&
	     a->flags & CR_ABI_CHKPT_PTRACED_SKIP))
		return cr_fail(st, -EINVAL, "bad checkpoint arguments");
	return 0;
}

/*
 * The context file's name, kmalloc'd: the one the requester gave it (the
 * final name of a temporary file), else its path.
 */
char *cr_chkpt_file_name(struct cr_chkpt_req *req)
{
	char *buf;
	u32 len;
	int err;

	if (req->dest)
		return kstrdup(req->dest, GFP_KERNEL) ?: ERR_PTR(-ENOMEM);
	buf = kmalloc(CR_PATH_MAX, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	err = cr_file_path(req->out, buf, &len);
	if (!err)
		return buf;
	kfree(buf);
	return ERR_PTR(err);
}

/*
 * Where an incremental image goes, for the next one to name it; none
 * for a pipe or socket, or a name too long.
 */
static int cr_image_path(struct cr_chkpt_req *req)
{
	char *path;

	if (!req->dest && !S_ISREG(file_inode(req->out)->i_mode))
		return 0;
	path = cr_chkpt_file_name(req);
	if (IS_ERR(path))
		return PTR_ERR(path) == -ENAMETOOLONG ? 0 : PTR_ERR(path);
	req->image.path = path;
	return 0;
}

static int cr_chkpt_start(struct cr_chkpt_req *req)
{
	int err;

	err = cr_check_args(&req->args, &req->r.st);
	if (err)
		return err;
	req->sh.save = req->args.flags & CR_ABI_CHKPT_SAVE_ALL;
	req->sh.outside_closed = req->args.flags & CR_ABI_CHKPT_SOCK_CLOSED;
	req->sh.tcp_close = req->args.flags & CR_ABI_CHKPT_TCP_CLOSE;
	req->out = fget(req->args.fd);
	if (!req->out || !(req->out->f_mode & FMODE_WRITE))
		return cr_fail(&req->r.st, -EBADF,
			       "fd %d is not open for writing", req->args.fd);
	req->s.file = req->out;
	req->sh.out = req->out;
	if (req->args.dest) {
		req->dest = strndup_user(u64_to_user_ptr(req->args.dest),
					 CR_PATH_MAX);
		if (IS_ERR(req->dest)) {
			err = PTR_ERR(req->dest);
			req->dest = NULL;
			return cr_fail(&req->r.st, err, "bad destination name");
		}
	}
	err = cr_chkpt_zip(req);
	if (!err && cr_incremental(req))
		err = cr_image_path(req);
	if (err)
		return err;
	/* The timer first: a process may be stopped once collected. */
	cr_chkpt_arm(req);
	return cr_collect_scope(req, cr_target_busy);
}

/* CR_OP_CHKPT_LIVE's pre-copy, after its request's arguments. */
static int cr_chkpt_live(struct cr_chkpt_req *req, void __user *uarg)
{
	struct cr_chkpt_live_args a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	req->live = cr_live_copy(&a, &req->r.st);
	if (IS_ERR(req->live)) {
		int err = PTR_ERR(req->live);

		req->live = NULL;
		return err;
	}
	return 0;
}

/*
 * CR_OP_CHKPT_REQ, or CR_OP_CHKPT_LIVE (live): the new request, and its
 * base, through reqp and basep.
 */
long cr_chkpt_request(struct file *ctrl, void __user *uarg, bool live,
		      struct cr_chkpt_req **reqp, struct cr_req **basep)
{
	struct cr_chkpt_req *req;
	int err;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	cr_req_init(&req->r, &cr_chkpt_ops);
	INIT_LIST_HEAD(&req->busy);
	INIT_DELAYED_WORK(&req->timer, cr_chkpt_expire);
	INIT_DELAYED_WORK(&req->retry, cr_retry_deferred);
	cr_shared_init(&req->sh);
	mutex_init(&req->scope_lock);
	req->requester = task_tgid_vnr(current);
	req->requester_pid = get_pid(task_tgid(current));
	if (copy_from_user(&req->args, uarg, sizeof(req->args))) {
		cr_req_put(&req->r);
		return -EFAULT;
	}
	err = live ? cr_chkpt_live(req, uarg) : 0;
	if (!err)
		err = cr_chkpt_start(req);
	if (err) {
		/* Keep the message for CR_OP_LOG; the request is over. */
		cr_req_finish(&req->r, err, NULL);
	}
	*reqp = req;
	*basep = &req->r;
	return err;
}
