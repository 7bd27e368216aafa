// SPDX-License-Identifier: GPL-2.0-only
/*
 * Restart requests.  cr_restart hands over the context file; the module
 * checks its header and process table and tells cr_restart what to
 * create.  Every created thread then enters CR_OP_RSTRT_CHILD: the leader
 * of each process reads that process's section of the file and rebuilds
 * its memory, files and signal state in place; then every thread loads
 * its own registers and returns into the saved program.
 */
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "cr_internal.h"
#include "cr_req.h"

enum { CR_PROC_WAIT, CR_PROC_GO, CR_PROC_FAILED };

#define CR_PROCTAB_MAX_LEN	(16 << 20)
#define CR_THREAD_ARRIVE_MS	10000

struct cr_rproc {
	const struct cr_img_proc_ent *ent;
	struct pid *pid;		/* the process rebuilding itself */
	const s32 *tids;
	const char *cwd;
	char *cwd_moved;		/* cwd, when relocated */
	u32 zombie;			/* CR_ZOMBIE | status, or 0 */
	unsigned long *claimed;		/* thread indexes taken */
	atomic_t arrived;		/* threads other than the leader */
	int phase;
	struct cr_thread_image *threads;
	struct vmad_fill *fill;		/* its pages, filled after its turn */
	wait_queue_head_t wq;		/* its threads, for its turn and phase */
};

struct cr_rstrt_req {
	struct cr_req r;
	struct cr_rstrt_args args;
	struct mutex stream_lock;
	struct cr_stream s;
	struct cr_img_header hdr;
	void *proctab;
	size_t proctab_len;
	struct cr_rproc *procs;
	unsigned int nprocs;
	unsigned int nlive;		/* processes before the zombies */
	bool told;			/* CR_OP_RSTRT_PROCS was called */
	struct cr_shared sh;
	atomic_t loaded;		/* threads back in user mode */
	unsigned int turn;		/* the process reading its section */
	atomic_t filling;		/* processes filling after their turn */
	unsigned int nthreads;
	int signal;			/* CR_OP_RSTRT_SIGNAL's, or 0 */
	bool rebuilt;			/* lazy: every thread waits for GO */
	bool filled;			/* lazy: CR_RSTRT_LAZY_DONE */
	struct file **uffds;		/* lazy: the processes' userfaultfds */
	unsigned int nuffds;
};

/*
 * Restoring pids takes CAP_CHECKPOINT_RESTORE (clone3's set_tid).  With
 * this on, the module also lets a user without it steer the pid namespace's
 * next pid to one of the restart's (as ns_last_pid does for the capable):
 * a user can only pick free pids, which cycling through fork() would also
 * reach, but faster; hence off unless the administrator wants it.
 */
static bool cr_unpriv_pids;
module_param_named(allow_unprivileged_pid_restore, cr_unpriv_pids, bool,
		   0644);
MODULE_PARM_DESC(allow_unprivileged_pid_restore,
		 "let users without CAP_CHECKPOINT_RESTORE restore pids");

/* Processes rebuilding their files: a ctrl fd they reopen is marked. */
static DEFINE_XARRAY(cr_restoring_tasks);

bool cr_restoring(struct task_struct *t)
{
	return xa_load(&cr_restoring_tasks, (unsigned long)t);
}

static void cr_rstrt_release(struct cr_req *r)
{
	struct cr_rstrt_req *req = container_of(r, struct cr_rstrt_req, r);
	unsigned int i, j;

	for (i = 0; req->procs && i < req->nprocs; i++) {
		struct cr_rproc *rp = &req->procs[i];

		for (j = 0; rp->threads && j < rp->ent->nthreads; j++) {
			kfree(rp->threads[j].xstate);
			kvfree(rp->threads[j].sigq);
		}
		kfree(rp->threads);
		bitmap_free(rp->claimed);
		kfree(rp->cwd_moved);
		put_pid(rp->pid);
	}
	kfree(req->procs);
	for (i = 0; i < req->nuffds; i++)
		fput(req->uffds[i]);
	kfree(req->uffds);
	kvfree(req->proctab);
	cr_shared_release(&req->sh);
	if (req->s.file)
		fput(req->s.file);
	cr_unzip_free(req->s.unzip);
	kfree(req);
}

/* Each process waiting for its turn sees the restart ended. */
static void cr_rstrt_ended(struct cr_req *r)
{
	struct cr_rstrt_req *req = container_of(r, struct cr_rstrt_req, r);
	unsigned int i;

	for (i = 0; req->procs && i < req->nprocs; i++)
		wake_up_all(&req->procs[i].wq);
}

static const struct cr_req_ops cr_rstrt_ops = {
	.release = cr_rstrt_release,
	.ended = cr_rstrt_ended,
};

/* ---- the request: header and process table ---- */

static int cr_check_header(struct cr_img_header *h, struct cr_status *st)
{
	u64 xfeatures;
	u32 xsize;
	int err;

	if (memcmp(h->ident, CR_IMG_IDENT, sizeof(CR_IMG_IDENT)))
		return cr_fail(st, -EINVAL, "not a context file");
	if (h->version != CR_IMG_VERSION)
		return cr_fail(st, -EINVAL,
			       "context file format %u, this module reads %u",
			       h->version, CR_IMG_VERSION);
	if (h->arch != CR_ARCH_X86_64)
		return cr_fail(st, -EINVAL, "context file of another architecture");
	err = vmad_xstate_info(&xfeatures, &xsize);
	if (err)
		return cr_fail(st, err, "no FPU state support");
	if (h->xfeatures & ~xfeatures || h->xstate_size > xsize ||
	    h->xstate_size < 576)
		return cr_fail(st, -EINVAL,
			       "this CPU lacks FPU features the checkpoint used (%llx, here %llx)",
			       h->xfeatures, xfeatures);
	if (!h->nprocs || h->nprocs > CR_MAX_PROCS)
		return cr_fail(st, -EINVAL, "bad process count %u", h->nprocs);
	return 0;
}

static bool cr_vdso_ok(const struct cr_img_proc_ent *e)
{
	return PAGE_ALIGNED(e->vdso_start) && PAGE_ALIGNED(e->vdso_len) &&
	       PAGE_ALIGNED(e->vvar_start) && PAGE_ALIGNED(e->vvar_len) &&
	       e->vdso_start <= TASK_SIZE && e->vdso_len <= TASK_SIZE -
	       e->vdso_start && e->vvar_start <= TASK_SIZE &&
	       e->vvar_len <= TASK_SIZE - e->vvar_start;
}

/*
 * A process's parent, when it is in the table, comes before it (the
 * restarter forks them in order; the others are its own children), and
 * no pid appears twice.
 */
static bool cr_parent_first(const struct cr_img_proc_ent *ents,
			    unsigned int n, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < n; j++) {
		if (j < i && ents[j].pid == ents[i].pid)
			return false;
		if (j >= i && ents[j].pid == ents[i].ppid)
			return false;
	}
	return true;
}

/* A live entry before every zombie; a zombie's parent is live. */
static bool cr_proc_ent_ok(struct cr_rstrt_req *req, unsigned int i)
{
	const struct cr_img_proc_ent *ents = req->proctab, *e = &ents[i];
	unsigned int j;

	if (e->pid <= 0 || e->flags & ~CR_PENT_ZOMBIE || !cr_vdso_ok(e) ||
	    !cr_parent_first(ents, req->nprocs, i))
		return false;
	if (!(e->flags & CR_PENT_ZOMBIE)) {
		req->nlive++;
		return i + 1 == req->nlive && e->nthreads &&
		       e->nthreads <= CR_MAX_THREADS;
	}
	for (j = 0; j < req->nlive; j++)
		if (ents[j].pid == e->ppid)
			return !e->nthreads;
	return false;
}

/* Points every process at its entry, tids and cwd; checks them all. */
static int cr_parse_proctab(struct cr_rstrt_req *req)
{
	const struct cr_img_proc_ent *ents = req->proctab;
	size_t len = req->proctab_len, off;
	unsigned int i;
	u64 ntids = 0;

	off = req->nprocs * sizeof(*ents);
	if (len < off)
		return -EBADMSG;
	for (i = 0; i < req->nprocs; i++) {
		if (!cr_proc_ent_ok(req, i))
			return -EBADMSG;
		ntids += ents[i].nthreads;
	}
	if (!req->nlive || len - off < ntids * sizeof(s32))
		return -EBADMSG;
	for (i = 0; i < req->nprocs; i++) {
		struct cr_rproc *rp = &req->procs[i];

		rp->ent = &ents[i];
		rp->tids = req->proctab + off;
		off += rp->ent->nthreads * sizeof(s32);
		req->nthreads += rp->ent->nthreads;
	}
	for (i = 0; i < req->nprocs; i++) {
		const char *cwd = req->proctab + off;
		size_t n = strnlen(cwd, min_t(size_t, len - off, CR_PATH_MAX));

		if (off + n >= len || n == CR_PATH_MAX || cwd[0] != '/')
			return -EBADMSG;
		req->procs[i].cwd = cwd;
		off += n + 1;
	}
	return off == len ? 0 : -EBADMSG;
}

/* A status a process can die with: an exit code or a fatal signal. */
static bool cr_status_ok(u32 status)
{
	int sig = status & 0x7f;

	if (status & ~0xffff)
		return false;
	if (!sig)
		return !(status & 0xff);
	return !(status & ~0xff) && sig < _NSIG && !sig_kernel_ignore(sig) &&
	       !sig_kernel_stop(sig);
}

/* ZOMBIES: one status for each zombie of the table, in its order. */
static int cr_read_zombies(struct cr_rstrt_req *req)
{
	unsigned int i, n = req->nprocs - req->nlive;
	struct cr_img_zombies *zs;
	size_t len;
	int err = 0;

	if (!n)
		return 0;
	len = struct_size(zs, zombie, n);
	zs = cr_read_rec(&req->s, CR_REC_ZOMBIES, len, len, &len);
	if (IS_ERR(zs))
		return cr_fail(&req->r.st, PTR_ERR(zs), "bad zombie record");
	if (zs->nzombies != n || zs->pad)
		err = -EBADMSG;
	for (i = 0; !err && i < n; i++) {
		struct cr_rproc *rp = &req->procs[req->nlive + i];

		if (zs->zombie[i].pid != rp->ent->pid ||
		    !cr_status_ok(zs->zombie[i].status))
			err = -EBADMSG;
		rp->zombie = CR_ZOMBIE | zs->zombie[i].status;
	}
	kvfree(zs);
	return err ? cr_fail(&req->r.st, err, "bad zombie record") : 0;
}

static int cr_alloc_procs(struct cr_rstrt_req *req)
{
	unsigned int i;

	req->procs = kcalloc(req->nprocs, sizeof(*req->procs), GFP_KERNEL);
	if (!req->procs)
		return -ENOMEM;
	for (i = 0; i < req->nprocs; i++) {
		atomic_set(&req->procs[i].arrived, 0);
		init_waitqueue_head(&req->procs[i].wq);
	}
	for (i = 0; i < req->nprocs; i++) {
		req->procs[i].claimed = bitmap_zalloc(CR_MAX_THREADS,
						      GFP_KERNEL);
		if (!req->procs[i].claimed)
			return -ENOMEM;
	}
	return 0;
}

/* Every kind's table, read with the process table and checked with it. */
static int cr_read_kinds(struct cr_rstrt_req *req)
{
	struct cr_kind_procs procs = {
		.ent = req->proctab,
		.tids = req->procs[0].tids,
		.n = req->nlive,
	};

	return cr_kinds_alloc(&req->sh) ?:
	       cr_kinds_call(read, &req->s, &req->sh, &req->r.st) ?:
	       cr_kinds_call(check, &req->sh, &procs, &req->r.st);
}

static int cr_rstrt_start(struct cr_rstrt_req *req)
{
	struct cr_status *st = &req->r.st;
	int err;

	if (req->args.flags & ~(CR_ABI_RSTRT_RESTORE_PID | CR_ABI_RSTRT_LAZY))
		return cr_fail(st, -EINVAL, "bad restart flags");
	req->s.file = fget(req->args.fd);
	if (!req->s.file || !(req->s.file->f_mode & FMODE_READ))
		return cr_fail(st, -EBADF, "fd %d is not open for reading",
			       req->args.fd);
	req->sh.lazy = req->args.flags & CR_ABI_RSTRT_LAZY;
	if (req->sh.lazy && !S_ISREG(file_inode(req->s.file)->i_mode))
		return cr_fail(st, -EINVAL, "a lazy restart reads its context "
			       "file at offsets: not from a pipe or socket");
	err = cr_read_fixed(&req->s, CR_REC_HEADER, &req->hdr,
			    sizeof(req->hdr));
	if (err)
		return cr_fail(st, err, "not a context file");
	err = cr_check_header(&req->hdr, st);
	if (err)
		return err;
	if (cr_peek_type(&req->s) == CR_REC_PARENT)
		return cr_fail(st, -EINVAL, "an incremental image: restart it "
			       "from its file, or merge it (cr_merge)");
	req->nprocs = req->hdr.nprocs;
	req->proctab = cr_read_rec(&req->s, CR_REC_PROCTAB, 0,
				   CR_PROCTAB_MAX_LEN, &req->proctab_len);
	if (IS_ERR(req->proctab)) {
		err = PTR_ERR(req->proctab);
		req->proctab = NULL;
		return cr_fail(st, err, "bad process table");
	}
	err = cr_alloc_procs(req);
	if (!err)
		err = cr_parse_proctab(req);
	if (err)
		return cr_fail(st, err, "bad process table");
	return cr_read_zombies(req) ?: cr_read_kinds(req);
}

long cr_rstrt_request(struct file *ctrl, void __user *uarg,
		      struct cr_rstrt_req **reqp, struct cr_req **basep)
{
	struct cr_rstrt_req *req;
	int err;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	cr_req_init(&req->r, &cr_rstrt_ops);
	mutex_init(&req->stream_lock);
	cr_shared_init(&req->sh);
	if (copy_from_user(&req->args, uarg, sizeof(req->args))) {
		cr_req_put(&req->r);
		return -EFAULT;
	}
	err = cr_rstrt_start(req);
	if (err)
		cr_req_finish(&req->r, err, NULL);
	*reqp = req;
	*basep = &req->r;
	return err;
}

/* CR_OP_RSTRT_PROCS: the table, in the ABI's layout. */
long cr_rstrt_procs(struct cr_rstrt_req *req, void __user *uarg)
{
	struct cr_rstrt_procs_args a;
	struct cr_rstrt_proc *out;
	const struct cr_kind_ops *ops;
	size_t len, off;
	unsigned int i;
	char *buf;
	long err = 0;

	if (cr_req_done(&req->r) || !req->procs)
		return -EINVAL;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	req->told = true;
	len = req->nprocs * sizeof(*out) + req->proctab_len;
	for (i = 0; i < CR_NKINDS; i++)
		if (cr_kinds[i]->table_len)
			len += cr_kinds[i]->table_len(&req->sh);
	for (i = 0; i < req->nprocs; i++)
		if (req->procs[i].cwd_moved)
			len += strlen(req->procs[i].cwd_moved) + 1;
	buf = kvzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	out = (struct cr_rstrt_proc *)buf;
	off = req->nprocs * sizeof(*out);
	for (i = 0; i < req->nprocs; i++) {
		struct cr_rproc *rp = &req->procs[i];
		size_t tlen = rp->ent->nthreads * sizeof(s32);

		out[i].pid = rp->ent->pid;
		out[i].ppid = rp->ent->ppid;
		out[i].pgid = rp->ent->pgid;
		out[i].sid = rp->ent->sid;
		out[i].nthreads = rp->ent->nthreads;
		out[i].vdso_start = rp->ent->vdso_start;
		out[i].vdso_len = rp->ent->vdso_len;
		out[i].vvar_start = rp->ent->vvar_start;
		out[i].vvar_len = rp->ent->vvar_len;
		out[i].itimer_prof_ns = rp->ent->itimer_prof_ns;
		out[i].itimer_prof_incr_ns = rp->ent->itimer_prof_incr_ns;
		out[i].itimer_virt_ns = rp->ent->itimer_virt_ns;
		out[i].itimer_virt_incr_ns = rp->ent->itimer_virt_incr_ns;
		out[i].tids_off = off;
		memcpy(buf + off, rp->tids, tlen);
		off += tlen;
		out[i].zombie = rp->zombie;
		out[i].cwd_off = off;
		off += strscpy(buf + off, rp->cwd, len - off) + 1;
	}
	for (i = 0; i < CR_NKINDS; i++) {
		ops = cr_kinds[i];
		if (ops->table)
			off = ops->table(&req->sh, buf, off, &a);
	}
	if (a.len >= off && copy_to_user(u64_to_user_ptr(a.buf), buf, off))
		err = -EFAULT;
	a.len = off;
	a.nprocs = req->nprocs;
	if (!err && copy_to_user(uarg, &a, sizeof(a)))
		err = -EFAULT;
	kvfree(buf);
	return err;
}

static int cr_relocate_cwds(struct cr_rstrt_req *req)
{
	struct cr_rproc *rp;
	char *moved;

	for (rp = req->procs; rp < req->procs + req->nprocs; rp++) {
		moved = cr_relocate(req->sh.reloc, rp->cwd, &req->r.st);
		if (IS_ERR(moved))
			return PTR_ERR(moved);
		if (moved)
			rp->cwd = rp->cwd_moved = moved;
	}
	return 0;
}

/*
 * CR_OP_RSTRT_RELOCATE: the paths the restarter opens itself (cwds,
 * FIFOs, inotify watches) are rewritten now, before it asks for them;
 * the others as the processes reopen them.
 */
long cr_rstrt_relocate(struct cr_rstrt_req *req, void __user *uarg)
{
	struct cr_reloc *r;
	int err;

	if (cr_req_done(&req->r) || !req->procs || req->told || req->sh.reloc)
		return -EINVAL;
	r = cr_reloc_copy(uarg, &req->r.st);
	err = PTR_ERR_OR_ZERO(r);
	if (!err) {
		req->sh.reloc = r;
		err = cr_relocate_cwds(req);
	}
	if (!err)
		err = cr_kinds_call(relocate, &req->sh, &req->r.st);
	if (err)
		cr_req_finish(&req->r, err, NULL);
	return err;
}

/* CR_OP_RSTRT_SIGNAL: before the processes are created. */
long cr_rstrt_signal(struct cr_rstrt_req *req, unsigned long sig)
{
	if (cr_req_done(&req->r) || req->told || !sig || !valid_signal(sig))
		return -EINVAL;
	req->signal = sig;
	return 0;
}

/* n fds from the restarter, or an ERR_PTR. */
static s32 *cr_copy_fds(u64 uptr, unsigned int n)
{
	s32 *fds = kvmalloc_array(n, sizeof(*fds), GFP_KERNEL);

	if (!fds)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(fds, u64_to_user_ptr(uptr), n * sizeof(*fds))) {
		kvfree(fds);
		return ERR_PTR(-EFAULT);
	}
	return fds;
}

/* A kind with data in the stream before id's: handed over first. */
static int cr_check_order(struct cr_rstrt_req *req, unsigned int id,
			  struct cr_status *st)
{
	unsigned int i;

	for (i = 0; i < id; i++)
		if (cr_kinds[i]->save_data && cr_kind_count(&req->sh, i) &&
		    !req->sh.kind[i].ready)
			return cr_fail(st, -EINVAL, "%s before %s",
				       cr_kinds[id]->name, cr_kinds[i]->name);
	return 0;
}

/*
 * Hands the restarter's fds to kind id's take, once, before any process
 * reads its section.  The stream may then be past some objects' data: a
 * failure ends the restart, there is no second try.
 */
static long cr_handover(struct cr_rstrt_req *req, u64 uptr, unsigned int n,
			unsigned int id)
{
	struct cr_kind_slot *slot = &req->sh.kind[id];
	struct cr_status st = { 0 };
	s32 *fds = cr_copy_fds(uptr, n);
	long err;

	if (IS_ERR(fds))
		return PTR_ERR(fds);
	mutex_lock(&req->stream_lock);
	if (slot->ready || req->turn) {
		err = -EINVAL;
	} else {
		err = cr_check_order(req, id, &st) ?:
		      cr_kinds[id]->take(&req->s, &req->sh, fds, &st);
		if (err)
			cr_req_finish(&req->r, err, &st);
		else
			slot->ready = true;
	}
	mutex_unlock(&req->stream_lock);
	kvfree(fds);
	return err;
}

/*
 * A kind's handover op (CR_OP_RSTRT_PIPES, ...): the restarter's fds
 * for its table, or (CR_OP_RSTRT_PTIMERS) what it must make itself.
 */
long cr_rstrt_handover(struct cr_rstrt_req *req, unsigned int op,
		       void __user *uarg)
{
	struct cr_handover_args a;
	const struct cr_kind_ops *ops;
	unsigned int id;
	u32 n;

	ops = cr_kind_of_op(op, &id);
	if (!ops)
		return -ENOTTY;
	if (!ops->take) {
		if (cr_req_done(&req->r) || !req->procs ||
		    !req->sh.kind[id].state)
			return -EINVAL;
		return ops->copy_out(&req->sh, uarg);
	}
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	n = cr_kind_count(&req->sh, id);
	if (cr_req_done(&req->r) || !req->procs || a.pad || a.n != n || !a.n)
		return -EINVAL;
	return cr_handover(req, a.fds, ops->fds_per * a.n, id);
}

/* Whether pid is one of the restart's pids or thread ids. */
static bool cr_rstrt_has_pid(struct cr_rstrt_req *req, pid_t pid)
{
	unsigned int i, j;

	for (i = 0; i < req->nprocs; i++) {
		const struct cr_rproc *rp = &req->procs[i];

		if (rp->ent->pid == pid)
			return true;
		for (j = 0; j < rp->ent->nthreads; j++)
			if (rp->tids[j] == pid)
				return true;
	}
	return false;
}

/*
 * CR_OP_RSTRT_NEXT_PID: the caller's next fork or clone gets pid, unless
 * someone else's comes first or pid is taken; the restarter checks it
 * got pid, and CR_OP_RSTRT_CHILD checks it again.
 */
long cr_rstrt_next_pid(struct cr_rstrt_req *req, unsigned long pid)
{
	struct pid_namespace *ns = task_active_pid_ns(current);

	if (cr_req_done(&req->r) || !req->procs ||
	    !(req->args.flags & CR_ABI_RSTRT_RESTORE_PID))
		return -EINVAL;
	if (!cr_unpriv_pids)
		return -EPERM;
	if (!pid || pid > PID_MAX_LIMIT || !cr_rstrt_has_pid(req, pid))
		return -EINVAL;
	idr_set_cursor(&ns->idr, pid);
	return 0;
}

/* ---- the children: each process rebuilds itself ---- */

static int cr_read_thread(struct cr_rstrt_req *req, struct cr_rproc *rp,
			  unsigned int i, struct cr_status *st)
{
	struct cr_thread_image *ti = &rp->threads[i];
	u32 xsize = req->hdr.xstate_size;
	struct cr_rec rec;
	int err;

	err = cr_read_hdr(&req->s, &rec, CR_REC_THREAD, sizeof(ti->t) + xsize);
	if (!err && rec.len != sizeof(ti->t) + xsize)
		err = -EBADMSG;
	if (!err)
		err = cr_read_raw(&req->s, &ti->t, sizeof(ti->t));
	if (err)
		return err;
	ti->xstate = kmalloc(xsize, GFP_KERNEL);
	if (!ti->xstate)
		return -ENOMEM;
	err = cr_read_raw(&req->s, ti->xstate, xsize);
	if (err)
		return err;
	if (cr_thread_sum(ti, xsize) != rec.sum ||
	    ti->t.index != i || ti->t.tid != rp->tids[i])
		return -EBADMSG;
	err = cr_skip_pad(&req->s, CR_REC_ALIGN);
	if (err)
		return err;
	ti->sigq = cr_read_sigqueue(&req->s);
	if (IS_ERR(ti->sigq)) {
		err = PTR_ERR(ti->sigq);
		ti->sigq = NULL;
		return err;
	}
	err = cr_check_sched(&ti->t.sched);
	if (err)
		return err;
	return vmad_check_thread(&ti->t, xsize, st);
}

static int cr_read_end(struct cr_stream *s)
{
	struct cr_img_end end;
	u64 nrecords = s->nrecords, bytes = s->pos;
	int err = cr_read_fixed(s, CR_REC_END, &end, sizeof(end));

	if (err)
		return err;
	return end.nrecords == nrecords && end.bytes == bytes ? 0 : -EBADMSG;
}

/* The last live process: its section ends the stream; it seals. */
static struct cr_rproc *cr_last_proc(struct cr_rstrt_req *req)
{
	return &req->procs[req->nlive - 1];
}

static int cr_rstrt_section(struct cr_rstrt_req *req, struct cr_rproc *rp,
			    struct cr_status *st)
{
	unsigned int i, n = rp->ent->nthreads;
	struct cr_img_creds *creds = NULL;
	bool last = rp == cr_last_proc(req);
	u32 flags = 0;
	int err;

	rp->threads = kcalloc(n, sizeof(*rp->threads), GFP_KERNEL);
	if (!rp->threads)
		return -ENOMEM;
	err = cr_restore_proc(&req->s, &creds, &flags, st);
	if (!err)
		err = cr_restore_signals(&req->s, st);
	if (!err)
		err = cr_kinds_call(load_proc, &req->sh, rp->ent->pid, st);
	if (!err)
		err = vmad_restore_mm(&req->s, &req->sh,
				      last ? NULL : &rp->fill, st);
	if (!err)
		err = xa_err(xa_store(&cr_restoring_tasks,
				      (unsigned long)current, current,
				      GFP_KERNEL));
	if (!err) {
		err = cr_restore_files(&req->s, &req->sh, st);
		xa_erase(&cr_restoring_tasks, (unsigned long)current);
	}
	for (i = 0; !err && i < n; i++) {
		err = cr_read_thread(req, rp, i, st);
		if (err)
			cr_fail(st, err, "bad thread record %u", i);
	}
	if (!err && last) {
		err = cr_read_end(&req->s);
		if (err)
			cr_fail(st, err, "the context file is truncated or damaged");
	}
	if (!err)
		err = cr_restore_creds(creds, st);
	if (!err)
		cr_load_dumpable(flags);
	/* Stopped as it was, once its threads are back in user mode. */
	if (!err && flags & CR_PROCF_STOPPED)
		kill_pid(task_tgid(current), SIGSTOP, 1);
	if (err && rp->fill) {
		vmad_fill_end(rp->fill, st);
		rp->fill = NULL;
	}
	kvfree(creds);
	return err;
}

/* The pages of rp's section, once the next process has the stream. */
static int cr_rstrt_fill(struct cr_rstrt_req *req, struct cr_rproc *rp,
			 struct cr_status *st)
{
	int err;

	if (!rp->fill)
		return 0;
	err = vmad_fill_later(rp->fill, st);
	rp->fill = NULL;
	if (atomic_dec_and_test(&req->filling))
		wake_up_all(&cr_last_proc(req)->wq);
	return err;
}

/*
 * The last process holds all that is shared: seal it, let go of the rest.
 * A sealed memfd takes no more writes, so every fill must be done first.
 */
static int cr_rstrt_seal(struct cr_rstrt_req *req, struct cr_status *st)
{
	struct cr_rproc *last = cr_last_proc(req);
	int err;

	if (wait_event_killable(last->wq, !atomic_read(&req->filling) ||
				cr_req_done(&req->r)) || cr_req_done(&req->r))
		return -ECANCELED;
	mutex_lock(&req->stream_lock);
	err = cr_kinds_call(finish, &req->sh, st);
	cr_shared_release(&req->sh);
	mutex_unlock(&req->stream_lock);
	return err;
}

/*
 * A process that failed half-rebuilt cannot go back to user mode, and a
 * restart is all or nothing: every process of it is killed.
 */
static int cr_rstrt_fail(struct cr_rstrt_req *req, struct cr_rproc *rp,
			 int err, struct cr_status *st)
{
	unsigned int i;

	rp->phase = CR_PROC_FAILED;
	cr_req_finish(&req->r, err, st);
	kill_pid(task_tgid(current), SIGKILL, 1);
	mutex_lock(&req->stream_lock);
	for (i = 0; i < req->nprocs; i++)
		if (req->procs[i].pid)
			kill_pid(req->procs[i].pid, SIGKILL, 1);
	mutex_unlock(&req->stream_lock);
	return err;
}

/* CR_OP_RSTRT_ABORT: a restarting process gave up before the module. */
long cr_rstrt_abort(struct cr_rstrt_req *req, int err)
{
	struct cr_status st = { 0 };

	if (err <= 0 || err >= MAX_ERRNO)
		return -EINVAL;
	cr_fail(&st, -err, "a process of the restart could not be created");
	cr_req_finish(&req->r, -err, &st);
	return 0;
}

/*
 * Every thread is rebuilt and waits for the end: the signal is pending in
 * each process before any thread of it returns to user mode, so that a
 * SIGSTOP stops all of them before they run.
 */
static void cr_rstrt_succeed(struct cr_rstrt_req *req)
{
	unsigned int i;

	for (i = 0; req->signal && i < req->nlive; i++)
		kill_pid(req->procs[i].pid, req->signal, 1);
	cr_req_finish(&req->r, 0, NULL);
}

/* The last thread is rebuilt: a lazy restart waits for the restarter. */
static void cr_rstrt_rebuilt(struct cr_rstrt_req *req)
{
	if (!req->sh.lazy) {
		cr_rstrt_succeed(req);
		return;
	}
	spin_lock(&req->r.lock);
	req->rebuilt = true;
	spin_unlock(&req->r.lock);
	wake_up_all(&req->r.wq);
}

/* Only a userfaultfd is kept: its release would let missing pages in. */
static struct file *cr_lazy_uffd(int fd)
{
	struct file *f = fget(fd);

	if (f && (!(f->f_mode & FMODE_READ) ||
		  strcmp(f->f_path.dentry->d_name.name, "[userfaultfd]"))) {
		fput(f);
		f = NULL;
	}
	return f;
}

/* The userfaultfds at fds kept, once. */
static long cr_lazy_keep(struct cr_rstrt_req *req, const s32 *fds,
			 unsigned int n)
{
	unsigned int i;

	if (req->uffds)
		return -EINVAL;
	req->uffds = kcalloc(n, sizeof(*req->uffds), GFP_KERNEL);
	if (!req->uffds)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		req->uffds[i] = cr_lazy_uffd(fds[i]);
		if (!req->uffds[i])
			return -EBADF;
		req->nuffds++;
	}
	return 0;
}

/* CR_RSTRT_LAZY_GO: the userfaultfds kept, the processes let go. */
static long cr_lazy_go(struct cr_rstrt_req *req,
		       const struct cr_rstrt_lazy_args *a)
{
	long err;
	s32 *fds;

	if (!READ_ONCE(req->rebuilt) || cr_req_done(&req->r) ||
	    !a->nfds || a->nfds > req->nlive)
		return -EINVAL;
	fds = cr_copy_fds(a->fds, a->nfds);
	if (IS_ERR(fds))
		return PTR_ERR(fds);
	mutex_lock(&req->stream_lock);
	err = cr_lazy_keep(req, fds, a->nfds);
	mutex_unlock(&req->stream_lock);
	kvfree(fds);
	if (!err)
		cr_rstrt_succeed(req);
	return err;
}

/*
 * CR_OP_RSTRT_LAZY: the restarter waits for every process to be rebuilt,
 * registers their memory with their userfaultfds, lets them run, and
 * says when it filled every page.
 */
long cr_rstrt_lazy(struct cr_rstrt_req *req, void __user *uarg)
{
	struct cr_rstrt_lazy_args a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!req->sh.lazy)
		return -EINVAL;
	switch (a.op) {
	case CR_RSTRT_LAZY_WAIT:
		if (wait_event_killable(req->r.wq, READ_ONCE(req->rebuilt) ||
					cr_req_done(&req->r)))
			return -EINTR;
		return cr_req_done(&req->r) ?
		       cr_req_reap(&req->r) ?: -ECANCELED : 0;
	case CR_RSTRT_LAZY_GO:
		return cr_lazy_go(req, &a);
	case CR_RSTRT_LAZY_DONE:
		if (!req->nuffds)
			return -EINVAL;
		WRITE_ONCE(req->filled, true);
		return 0;
	}
	return -EINVAL;
}

/*
 * The restarter is gone.  Processes it was to fill must not run on
 * missing pages: they are killed before their userfaultfds are let go.
 */
void cr_rstrt_abandon(struct cr_rstrt_req *req)
{
	struct cr_status st = { 0 };
	unsigned int i;

	if (!req->sh.lazy || READ_ONCE(req->filled))
		return;
	if (!cr_req_done(&req->r)) {
		cr_fail(&st, -ECANCELED, "the restarter exited before the "
			"restart was complete");
		cr_req_finish(&req->r, -ECANCELED, &st);
		return;
	}
	mutex_lock(&req->stream_lock);
	for (i = 0; i < req->nlive; i++)
		if (req->procs[i].pid)
			kill_pid(req->procs[i].pid, SIGKILL, 1);
	mutex_unlock(&req->stream_lock);
	pr_warn("blcr: a lazy restart's filler exited before its pages "
		"were all in: its processes were killed\n");
}

static long cr_rstrt_become(struct cr_rstrt_req *req, struct cr_rproc *rp,
			    unsigned int i)
{
	struct cr_status st = { 0 };
	long ax;
	int err;

	err = cr_load_sched(&rp->threads[i].t.sched, &st) ?:
	      vmad_load_thread(&rp->threads[i], &ax, &st);
	if (err)
		return cr_rstrt_fail(req, rp, err, &st);
	if (atomic_inc_return(&req->loaded) == req->nthreads)
		cr_rstrt_rebuilt(req);
	/*
	 * All or nothing: no thread runs its program before every process
	 * is rebuilt, so a restart failing in a later process has not let
	 * an earlier one act (it is killed with the rest).
	 */
	if (wait_event_killable(req->r.wq, cr_req_done(&req->r)))
		return -EINTR;
	spin_lock(&req->r.lock);
	err = req->r.st.result;
	spin_unlock(&req->r.lock);
	if (err) {
		/* Its registers are loaded: it must not reach user mode. */
		kill_pid(task_tgid(current), SIGKILL, 1);
		return -ECANCELED;
	}
	return ax;
}

/* Every kind with a handover has had it. */
static int cr_handed_over(struct cr_rstrt_req *req, struct cr_status *st)
{
	unsigned int i;

	for (i = 0; i < CR_NKINDS; i++)
		if (cr_kinds[i]->take && cr_kind_count(&req->sh, i) &&
		    !req->sh.kind[i].ready)
			return cr_fail(st, -EINVAL, "the restarter made no %s",
				       cr_kinds[i]->name);
	return 0;
}

static long cr_rstrt_leader(struct cr_rstrt_req *req, struct cr_rproc *rp)
{
	struct cr_status st = { 0 };
	unsigned int others = rp->ent->nthreads - 1;
	long left;
	int err;

	left = wait_event_killable_timeout(rp->wq,
			atomic_read(&rp->arrived) == others,
			msecs_to_jiffies(CR_THREAD_ARRIVE_MS));
	if (left <= 0 || get_nr_threads(current) != rp->ent->nthreads) {
		cr_fail(&st, -ECHILD, "pid %d: its threads did not all arrive",
			rp->ent->pid);
		return cr_rstrt_fail(req, rp, -ECHILD, &st);
	}
	/* Sections come in process-table order on the stream. */
	if (wait_event_killable(rp->wq, READ_ONCE(req->turn) == rp - req->procs ||
				cr_req_done(&req->r)) || cr_req_done(&req->r))
		return cr_rstrt_fail(req, rp, -ECANCELED, &st);
	mutex_lock(&req->stream_lock);
	err = cr_handed_over(req, &st) ?: cr_rstrt_section(req, rp, &st);
	if (rp->fill)
		atomic_inc(&req->filling);
	mutex_unlock(&req->stream_lock);
	if (err)
		return cr_rstrt_fail(req, rp, err, &st);
	WRITE_ONCE(req->turn, req->turn + 1);
	if (rp + 1 < req->procs + req->nlive)
		wake_up_all(&rp[1].wq);
	err = cr_rstrt_fill(req, rp, &st);
	if (!err && rp == cr_last_proc(req))
		err = cr_rstrt_seal(req, &st);
	if (err)
		return cr_rstrt_fail(req, rp, err, &st);
	rp->phase = CR_PROC_GO;
	wake_up_all(&rp->wq);
	return cr_rstrt_become(req, rp, 0);
}

static long cr_rstrt_thread(struct cr_rstrt_req *req, struct cr_rproc *rp,
			    unsigned int i)
{
	/* Only the last to arrive wakes the leader (and so its peers, once). */
	if (atomic_inc_return(&rp->arrived) == rp->ent->nthreads - 1)
		wake_up_all(&rp->wq);
	if (wait_event_killable(rp->wq, READ_ONCE(rp->phase) != CR_PROC_WAIT))
		return -EINTR;
	if (rp->phase != CR_PROC_GO)
		return -ECANCELED;
	return cr_rstrt_become(req, rp, i);
}

long cr_rstrt_child(struct cr_rstrt_req *req, void __user *uarg)
{
	struct cr_rstrt_child_args a;
	struct cr_rproc *rp;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (cr_req_done(&req->r) || !req->procs || a.proc >= req->nprocs)
		return -EINVAL;
	rp = &req->procs[a.proc];
	if (a.thread >= rp->ent->nthreads ||
	    (a.thread == 0) != thread_group_leader(current))
		return -EINVAL;
	/* A pid steered by CR_OP_RSTRT_NEXT_PID may have gone elsewhere. */
	if (req->args.flags & CR_ABI_RSTRT_RESTORE_PID &&
	    task_pid_vnr(current) != (a.thread ? rp->tids[a.thread] :
				      rp->ent->pid))
		return -EINVAL;
	if (test_and_set_bit(a.thread, rp->claimed))
		return -EINVAL;
	if (a.thread == 0) {
		mutex_lock(&req->stream_lock);
		rp->pid = get_pid(task_tgid(current));
		mutex_unlock(&req->stream_lock);
		return cr_rstrt_leader(req, rp);
	}
	return cr_rstrt_thread(req, rp, a.thread);
}
