// SPDX-License-Identifier: GPL-2.0-only
/*
 * Restart: the pages of PAGES records, filled in by jobs.  The restarting
 * thread reads a record's head and hands the page data (by file offset) to
 * a job.  With fill_jobs > 0 the jobs run on workers and the thread goes on
 * to the next record, so faulting pages in, copying them and checking
 * their sums run on several CPUs at once.  By default, and for a context
 * file that cannot be read at an offset (a pipe), the restarting thread
 * runs each job itself: on 2-CPU guests the workers made restarts slower.
 *
 * A process of a tree that is not the last on a regular file defers its
 * jobs instead: it notes them while it has the stream, hands the stream
 * to the next process, and then fills its pages by offset, so that the
 * processes' fills overlap each other's sections.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "cr_compat.h"
#include "cr_internal.h"

/* Jobs in flight at most: enough to keep two CPUs busy. */
#define VMAD_JOBS	4

static unsigned int fill_jobs;
module_param(fill_jobs, uint, 0644);
MODULE_PARM_DESC(fill_jobs,
		 "restart page fill jobs run by workers (0-4, default 0: none)");

struct vmad_fill {
	struct cr_stream *s;
	struct mm_struct *mm;
	bool parallel;
	bool defer;
	struct list_head later;	/* deferred jobs, in file order */
	wait_queue_head_t wq;
	spinlock_t lock;
	unsigned long idle;	/* a bit per job */
	int err;		/* the first job's error, and where */
	u64 lo, hi;
	struct vmad_job jobs[VMAD_JOBS];
};

/* A job noted for later: its run and its addresses. */
struct vmad_later {
	struct list_head list;
	struct vmad_run r;
	u64 addrs[];
};

/* Pins the n pages at b->addrs for writing, a run of adjacent ones at once. */
static int vmad_pin(struct mm_struct *mm, struct cr_batch *b,
		    unsigned int n)
{
	unsigned int run;
	long got = 0;

	mmap_read_lock(mm);
	while (b->n < n) {
		for (run = 1; b->n + run < n &&
		     b->addrs[b->n + run] == b->addrs[b->n] + run * PAGE_SIZE;
		     run++)
			;
		got = cr_get_user_pages_remote(mm, b->addrs[b->n], run,
					       FOLL_WRITE | FOLL_FORCE,
					       b->pages + b->n);
		if (got <= 0)
			break;
		b->n += got;
	}
	mmap_read_unlock(mm);
	if (b->n == n)
		return 0;
	return got < 0 ? got : -EFAULT;
}

static void vmad_unpin(struct cr_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		set_page_dirty_lock(b->pages[i]);
	cr_batch_release(b);
}

/*
 * The pages are pinned first and read into straight from the file, then
 * checked.  A bad sum leaves them written, but a failed restart never
 * runs the process.
 */
static int vmad_fill_do(struct vmad_fill *f, struct vmad_job *j)
{
	struct cr_batch *b = &j->b;
	unsigned int i;
	int err;

	b->n = 0;
	err = vmad_pin(f->mm, b, j->r.n);
	if (!err)
		err = cr_pread_pages(f->s->file, &j->r.pos, b->pages, j->r.n,
				     b->bv);
	for (i = 0; !err && i < j->r.n; i++)
		cr_sum_page(&j->r.sum, b->pages[i]);
	if (!err && cr_sum_end(&j->r.sum) != j->r.want)
		err = -EBADMSG;
	vmad_unpin(b);
	return err;
}

static void vmad_fill_done(struct vmad_fill *f, struct vmad_job *j, int err)
{
	spin_lock(&f->lock);
	if (err && !f->err) {
		f->err = err;
		f->lo = j->r.lo;
		f->hi = j->r.hi;
	}
	f->idle |= BIT(j - f->jobs);
	spin_unlock(&f->lock);
	wake_up(&f->wq);
}

static void vmad_fill_work(struct work_struct *work)
{
	struct vmad_job *j = container_of(work, struct vmad_job, work);

	vmad_fill_done(j->fill, j, vmad_fill_do(j->fill, j));
}

/* Tells in st an error filling [lo, hi). */
int vmad_fill_fail(struct cr_status *st, int err, u64 lo, u64 hi)
{
	/* A memory cgroup's OOM killer ends the restart mid-way. */
	if (fatal_signal_pending(current))
		return cr_fail(st, err,
			       "killed while filling %llx-%llx (out of memory?)",
			       lo, hi);
	return cr_fail(st, err, "bad page data for %llx-%llx", lo, hi);
}

/* The first job's error, told in st. */
static int vmad_fill_note(struct vmad_fill *f, struct cr_status *st)
{
	int err = READ_ONCE(f->err);

	return err ? vmad_fill_fail(st, err, f->lo, f->hi) : 0;
}

/* may_defer: the caller runs vmad_fill_later() once it let go of s. */
struct vmad_fill *vmad_fill_begin(struct cr_stream *s, bool may_defer)
{
	struct vmad_fill *f = kvzalloc(sizeof(*f), GFP_KERNEL);
	unsigned int jobs;
	bool reg;
	int i;

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->s = s;
	f->mm = current->mm;
	jobs = min_t(unsigned int, READ_ONCE(fill_jobs), VMAD_JOBS);
	reg = S_ISREG(file_inode(s->file)->i_mode);
	f->parallel = jobs && reg;
	f->defer = may_defer && !jobs && reg;
	INIT_LIST_HEAD(&f->later);
	init_waitqueue_head(&f->wq);
	spin_lock_init(&f->lock);
	f->idle = BIT(max(jobs, 1U)) - 1;
	for (i = 0; i < VMAD_JOBS; i++) {
		f->jobs[i].fill = f;
		INIT_WORK(&f->jobs[i].work, vmad_fill_work);
	}
	return f;
}

/* An idle job, once there is one, for the pages of [lo, hi). */
struct vmad_job *vmad_fill_job(struct vmad_fill *f, u64 lo, u64 hi,
			       struct cr_status *st)
{
	struct vmad_job *j;
	int err;

	if (wait_event_killable(f->wq, READ_ONCE(f->idle) ||
					READ_ONCE(f->err)))
		return ERR_PTR(vmad_fill_fail(st, -EINTR, lo, hi));
	err = vmad_fill_note(f, st);
	if (err)
		return ERR_PTR(err);
	spin_lock(&f->lock);
	j = &f->jobs[__ffs(f->idle)];
	f->idle &= ~BIT(j - f->jobs);
	spin_unlock(&f->lock);
	j->r.lo = lo;
	j->r.hi = hi;
	return j;
}

/* Gives back a job that was not run. */
void vmad_fill_drop(struct vmad_fill *f, struct vmad_job *j)
{
	vmad_fill_done(f, j, 0);
}

/*
 * Notes j for vmad_fill_later(); false if it is to run now: no memory, or
 * its data is not all in the file (it fails now, before more is noted).
 */
static bool vmad_fill_defer(struct vmad_fill *f, struct vmad_job *j)
{
	loff_t end = j->r.pos + ((loff_t)j->r.n << PAGE_SHIFT);
	struct vmad_later *l;

	if (end > i_size_read(file_inode(f->s->file)))
		return false;
	/* Charged to the restart's memory cgroup, as its pages are. */
	l = kmalloc(struct_size(l, addrs, j->r.n), GFP_KERNEL_ACCOUNT);
	if (!l)
		return false;
	l->r = j->r;
	memcpy(l->addrs, j->b.addrs, j->r.n * sizeof(l->addrs[0]));
	list_add_tail(&l->list, &f->later);
	vmad_fill_done(f, j, 0);
	return true;
}

/*
 * Runs j on the n pages whose data starts at the stream's position,
 * which moves past them.  Returns the first error of the jobs so far.
 */
int vmad_fill_run(struct vmad_fill *f, struct vmad_job *j, unsigned int n,
		  struct cr_status *st)
{
	loff_t len = (loff_t)n << PAGE_SHIFT;

	j->r.n = n;
	j->r.pos = f->s->file->f_pos;
	f->s->file->f_pos += len;
	f->s->pos += len;
	if (f->parallel)
		queue_work(system_unbound_wq, &j->work);
	else if (!f->defer || !vmad_fill_defer(f, j))
		vmad_fill_done(f, j, vmad_fill_do(f, j));
	return vmad_fill_note(f, st);
}

/*
 * Moves the stream past len bytes of page data that the restarter fills
 * (cr_restart --lazy), which must all be in the file; gives back j.
 */
int vmad_fill_skip(struct vmad_fill *f, struct vmad_job *j, loff_t len,
		   struct cr_status *st)
{
	struct file *file = f->s->file;
	u64 lo = j->r.lo, hi = j->r.hi;

	vmad_fill_drop(f, j);
	if (file->f_pos + len > i_size_read(file_inode(file)))
		return vmad_fill_fail(st, -EIO, lo, hi);
	file->f_pos += len;
	f->s->pos += len;
	/* a compressed record's end is aligned */
	if (cr_skip_pad(f->s, CR_REC_ALIGN))
		return vmad_fill_fail(st, -EIO, lo, hi);
	return vmad_fill_note(f, st);
}

/*
 * Compressed pages, whose head in describes, are inflated at once from
 * the stream's one buffer: never deferred nor handed to a worker.
 */
int vmad_fill_zipped(struct vmad_fill *f, struct vmad_job *j,
		     struct cr_pages_in *in, struct cr_status *st)
{
	struct cr_batch *b = &j->b;
	struct cr_unzip *u;
	int err;

	b->n = 0;
	err = cr_read_zipped(f->s, in, &u) ?:
	      vmad_pin(f->mm, b, in->n) ?:
	      cr_unzip_pages(u, in->clen, b->pages, in->n);
	vmad_unpin(b);
	vmad_fill_done(f, j, err);
	return vmad_fill_note(f, st);
}

/* Waits for every job, frees f; returns the first error. */
int vmad_fill_end(struct vmad_fill *f, struct cr_status *st)
{
	struct vmad_later *l, *next;
	int i, err;

	for (i = 0; i < VMAD_JOBS; i++)
		flush_work(&f->jobs[i].work);
	list_for_each_entry_safe(l, next, &f->later, list)
		kfree(l);
	err = vmad_fill_note(f, st);
	kvfree(f);
	return err;
}

/* Whether f has deferred jobs, for vmad_fill_later() to run. */
bool vmad_fill_deferred(struct vmad_fill *f)
{
	return !list_empty(&f->later);
}

/*
 * Runs the deferred jobs of f (NULL: none), in the process whose memory
 * they fill, and frees f; returns the first error.
 */
int vmad_fill_later(struct vmad_fill *f, struct cr_status *st)
{
	struct vmad_job *j;
	struct vmad_later *l;
	int err = 0;

	if (!f)
		return 0;
	j = &f->jobs[0];
	list_for_each_entry(l, &f->later, list) {
		j->r = l->r;
		memcpy(j->b.addrs, l->addrs, l->r.n * sizeof(l->addrs[0]));
		err = vmad_fill_do(f, j);
		if (err) {
			vmad_fill_done(f, j, err);
			break;
		}
	}
	return vmad_fill_end(f, st);
}
