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
 *
 * mremap moves whole page tables (2 MiB of ptes, or a table of those)
 * without setting their ptes' soft-dirty bits, so a clean page may be at
 * another address than where the pre-copy read it.  The requester has the
 * module watch the processes before the clear (CR_OP_LIVE_WATCH): an mmu
 * notifier counts the unmaps that hold an aligned 2 MiB, as the source of
 * every such move does, and a process that had one is saved whole.
 */
#include <linux/anon_inodes.h>
#include <linux/bsearch.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include "cr_compat.h"
#include "cr_live.h"
#include "cr_pageio.h"

static int cr_live_cmp(const void *a, const void *b)
{
	const struct cr_live_proc *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
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

/* One per address space, shared by every watch of it (mmu_notifier_get). */
struct cr_moves {
	struct mmu_notifier mn;
	atomic_t n;
};

static int cr_moves_start(struct mmu_notifier *mn,
			  const struct mmu_notifier_range *r)
{
	if (r->event == MMU_NOTIFY_UNMAP &&
	    ALIGN(r->start, PMD_SIZE) + PMD_SIZE <= r->end)
		atomic_inc(&container_of(mn, struct cr_moves, mn)->n);
	return 0;
}

static struct mmu_notifier *cr_moves_alloc(struct mm_struct *mm)
{
	struct cr_moves *m = kzalloc(sizeof(*m), GFP_KERNEL);

	return m ? &m->mn : ERR_PTR(-ENOMEM);
}

static void cr_moves_free(struct mmu_notifier *mn)
{
	kfree(container_of(mn, struct cr_moves, mn));
}

static const struct mmu_notifier_ops cr_moves_ops = {
	.invalidate_range_start = cr_moves_start,
	.alloc_notifier = cr_moves_alloc,
	.free_notifier = cr_moves_free,
};

/* A watched process, and its address space's count of moves then. */
struct cr_watched {
	pid_t pid;
	int moves;
	u64 start;
	struct cr_moves *m;
};

/*
 * The pre-copy's pages, a record at a time: copied first, since the
 * targets run, so that the record's checksum is that of what it holds.
 */
struct cr_live_copy {
	struct cr_batch b;	/* b.pages: the copies, our own */
	struct page *pinned[CR_PAGES_MAX];
};

/* What a watch fd holds: the processes sorted by pid, and the copy. */
struct cr_watch {
	struct mutex lock;	/* of copy */
	struct cr_live_copy *copy;
	u32 n;
	struct cr_watched w[];
};

static int cr_watched_cmp(const void *a, const void *b)
{
	const struct cr_watched *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void cr_copy_free(struct cr_live_copy *c)
{
	u32 i;

	for (i = 0; c && i < CR_PAGES_MAX && c->b.pages[i]; i++)
		__free_page(c->b.pages[i]);
	kfree(c);
}

static void cr_watch_free(struct cr_watch *w)
{
	u32 i;

	for (i = 0; i < w->n; i++)
		mmu_notifier_put(&w->w[i].m->mn);
	cr_copy_free(w->copy);
	kvfree(w);
}

/* The watch's copy, made at its first use. */
static struct cr_live_copy *cr_copy_get(struct cr_watch *w)
{
	struct cr_live_copy *c = w->copy;
	u32 i;

	if (c)
		return c;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	for (i = 0; c && i < CR_PAGES_MAX; i++) {
		c->b.pages[i] = alloc_page(GFP_KERNEL_ACCOUNT);
		if (!c->b.pages[i]) {
			cr_copy_free(c);
			c = NULL;
		}
	}
	w->copy = c;
	return c;
}

static int cr_watch_release(struct inode *inode, struct file *f)
{
	cr_watch_free(f->private_data);
	return 0;
}

/*
 * The address space of process pid, if it started at start (not a reused
 * pid) and is the caller's to checkpoint: taken, or NULL.
 */
static struct mm_struct *cr_proc_mm(pid_t pid, u64 start)
{
	struct pid *p = find_get_pid(pid);
	struct task_struct *t = get_pid_task(p, PIDTYPE_TGID);
	struct mm_struct *mm = NULL;

	put_pid(p);
	if (!t)
		return NULL;
	if (cr_start_ticks(t) == start && cr_may_checkpoint(t))
		mm = get_task_mm(t);
	put_task_struct(t);
	return mm;
}

/*
 * The watched process pid's address space, if it is still the one
 * watched and the caller's to checkpoint (it may have made itself
 * undumpable since): taken, or NULL.
 */
static struct mm_struct *cr_watched_mm(const struct cr_watch *w, pid_t pid)
{
	struct cr_watched key = { .pid = pid }, *e;
	struct mm_struct *mm;

	e = bsearch(&key, w->w, w->n, sizeof(key), cr_watched_cmp);
	mm = e ? cr_proc_mm(pid, e->start) : NULL;
	if (mm && mm != e->m->mn.mm) {
		mmput(mm);
		mm = NULL;
	}
	return mm;
}

/* How many of the n addresses at addrs follow each other page by page. */
static u32 cr_run_len(const u64 *addrs, u32 n)
{
	u32 i = 1;

	while (i < n && addrs[i] == addrs[i - 1] + PAGE_SIZE)
		i++;
	return i;
}

/*
 * Copies the readable pages at addrs into c, in order, a run at a time;
 * zero ones are left out with skip_zero.
 */
static int cr_live_copy_pages(struct mm_struct *mm, const u64 *addrs, u32 n,
			      bool skip_zero, struct cr_live_copy *c)
{
	struct cr_batch *b = &c->b;
	u32 i = 0, run;
	long got, k;
	int err = mmap_read_lock_killable(mm);

	if (err)
		return err;
	while (i < n) {
		run = cr_run_len(addrs + i, n - i);
		got = cr_get_user_pages_remote(mm, addrs[i], run,
					       CR_FOLL_DUMP | FOLL_FORCE,
					       c->pinned);
		for (k = 0; k < got; k++) {
			copy_highpage(b->pages[b->n], c->pinned[k]);
			put_page(c->pinned[k]);
			if (!skip_zero || !cr_page_is_zero(b->pages[b->n]))
				b->addrs[b->n++] = addrs[i + k];
		}
		/* the page after those got cannot be read: on past it */
		i += max(got, 0L) + (got < run);
	}
	mmap_read_unlock(mm);
	return 0;
}

/* A PAGES record of what b holds, at a->pos of a->fd's stream. */
static int cr_live_write(struct cr_live_pages_args *a, struct cr_batch *b)
{
	struct file *f = fget(a->fd);
	struct cr_stream s = { .file = f, .pos = a->pos, .ident = a->ident };
	int err;

	if (!f)
		return -EBADF;
	err = f->f_mode & FMODE_WRITE ? 0 : -EBADF;
	if (!err)
		err = cr_pages_write(&s, b->addrs, b->pages, b->bv, b->n);
	fput(f);
	a->pos = s.pos;
	a->ident = s.ident;
	return err;
}

/* CR_OP_LIVE_PAGES, with w->lock held. */
static long cr_live_pages(struct cr_watch *w, struct cr_live_pages_args *a)
{
	struct cr_live_copy *c;
	struct mm_struct *mm;
	u64 *addrs;
	long err;
	u32 i;

	static_assert(CR_LIVE_PAGES_MAX == CR_PAGES_MAX);
	if (!a->npages || a->npages > CR_LIVE_PAGES_MAX ||
	    a->flags & ~CR_LIVE_SKIP_ZERO || a->pad)
		return -EINVAL;
	addrs = memdup_user(u64_to_user_ptr(a->addrs),
			    a->npages * sizeof(*addrs));
	if (IS_ERR(addrs))
		return PTR_ERR(addrs);
	err = -EINVAL;
	for (i = 0; i < a->npages; i++)
		if (addrs[i] & ~PAGE_MASK || addrs[i] >= TASK_SIZE)
			goto out;
	err = -ENOMEM;
	c = cr_copy_get(w);
	if (!c)
		goto out;
	err = -ESRCH;
	mm = cr_watched_mm(w, a->pid);
	if (!mm)
		goto out;
	err = cr_live_copy_pages(mm, addrs, a->npages,
				 a->flags & CR_LIVE_SKIP_ZERO, c);
	mmput(mm);
	a->saved = c->b.n;
	if (!err && c->b.n)
		err = cr_live_write(a, &c->b);
	c->b.n = 0;
out:
	kfree(addrs);
	return err;
}

static long cr_watch_ioctl(struct file *f, unsigned int cmd,
			   unsigned long arg)
{
	struct cr_live_pages_args a, __user *uarg = (void __user *)arg;
	struct cr_watch *w = f->private_data;
	long err;

	if (cmd != CR_OP_LIVE_PAGES)
		return -ENOTTY;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	/* interruptible: the holder may wait long on a full pipe */
	if (mutex_lock_interruptible(&w->lock))
		return -EINTR;
	err = cr_live_pages(w, &a);
	mutex_unlock(&w->lock);
	if (!err && copy_to_user(uarg, &a, sizeof(a)))
		err = -EFAULT;
	return err;
}

static const struct file_operations cr_watch_fops = {
	.owner = THIS_MODULE,
	.release = cr_watch_release,
	.unlocked_ioctl = cr_watch_ioctl,
	.llseek = noop_llseek,
};

/* Whether p could be watched (into *w): alive, the same, the caller's. */
static bool cr_watch_one(struct cr_watched *w, const struct cr_live_proc *p)
{
	struct mm_struct *mm = cr_proc_mm(p->pid, p->start);
	struct mmu_notifier *mn;

	if (!mm)
		return false;
	mn = mmu_notifier_get(&cr_moves_ops, mm);
	mmput(mm);
	if (IS_ERR(mn))
		return false;
	w->pid = p->pid;
	w->start = p->start;
	w->m = container_of(mn, struct cr_moves, mn);
	w->moves = atomic_read(&w->m->n);
	return true;
}

/* CR_OP_LIVE_WATCH: the new watch's fd, or -errno. */
long cr_live_watch(const void __user *uarg)
{
	struct cr_live_watch_args a;
	struct cr_live_proc *procs;
	struct cr_watch *w;
	long fd = -ENOMEM;
	u32 i;

	if (!IS_ENABLED(CONFIG_MMU_NOTIFIER) ||
	    !IS_ENABLED(CONFIG_MEM_SOFT_DIRTY))
		return -EOPNOTSUPP;
	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!a.nprocs || a.nprocs > CR_LIVE_MAX_PROCS || a.pad)
		return -EINVAL;
	procs = vmemdup_user(u64_to_user_ptr(a.procs),
			     array_size(a.nprocs, sizeof(*procs)));
	if (IS_ERR(procs))
		return PTR_ERR(procs);
	/* a user may hold many watches: their memory is the user's */
	w = kvzalloc(struct_size(w, w, a.nprocs), GFP_KERNEL_ACCOUNT);
	if (!w)
		goto out;
	mutex_init(&w->lock);
	for (i = 0; i < a.nprocs; i++) {
		if (fatal_signal_pending(current)) {
			fd = -EINTR;
			goto out;
		}
		if (procs[i].pid > 0 && cr_watch_one(&w->w[w->n], &procs[i]))
			w->n++;
	}
	sort(w->w, w->n, sizeof(w->w[0]), cr_watched_cmp, NULL);
	fd = anon_inode_getfd("[blcr-live]", &cr_watch_fops, w,
			      O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		w = NULL;
out:
	if (w)
		cr_watch_free(w);
	kvfree(procs);
	return fd;
}

/* The notifiers' frees, deferred by mmu_notifier_put, are done. */
void cr_live_exit(void)
{
	if (IS_ENABLED(CONFIG_MMU_NOTIFIER))
		mmu_notifier_synchronize();
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
	    a->req.flags & CR_ABI_CHKPT_INCREMENTAL)
		return ERR_PTR(cr_fail(st, -EINVAL,
				       "bad live checkpoint arguments"));
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return ERR_PTR(-ENOMEM);
	l->ident = a->ident;
	l->time_ns = a->time_ns;
	l->nprocs = a->nprocs;
	l->watch = fget(a->watch);
	if (!l->watch || l->watch->f_op != &cr_watch_fops) {
		cr_live_free(l);
		return ERR_PTR(cr_fail(st, -EINVAL, "live checkpoint: fd %d "
				       "is not a watch", a->watch));
	}
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
	if (l->watch)
		fput(l->watch);
	kvfree(l->procs);
	kfree(l);
}

/*
 * Whether t's process is one the pre-copy holds, its address space the
 * one watched, and none of its page tables moved since.
 */
bool cr_live_covers(const struct cr_live *l, struct task_struct *t)
{
	const struct cr_watch *w = l->watch->private_data;
	struct cr_live_proc key = { .pid = task_tgid_vnr(t) };
	struct cr_watched wkey = { .pid = key.pid };
	const struct cr_live_proc *p;
	const struct cr_watched *e;

	p = bsearch(&key, l->procs, l->nprocs, sizeof(key), cr_live_cmp);
	if (!p || p->start != cr_start_ticks(t))
		return false;
	e = bsearch(&wkey, w->w, w->n, sizeof(wkey), cr_watched_cmp);
	return e && e->start == p->start && e->m->mn.mm == t->mm &&
	       atomic_read(&e->m->n) == e->moves;
}
