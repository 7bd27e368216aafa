// SPDX-License-Identifier: GPL-2.0-only
/*
 * Incremental checkpoints (cr_checkpoint --incremental): what the module
 * remembers of an address space's last incremental checkpoint, so that
 * the next one writes only the pages that changed and refers to that
 * image for the rest.  It keeps, per address space, the image's identity
 * and path, and a 63-bit hash (xxh64) of every page the image holds;
 * a page whose hash is unchanged, at the same address, is referred to.
 *
 * Hashes rather than soft-dirty bits: clearing those needs clear_refs or
 * a TLB flush of another mm, neither of which a module may call, and a
 * clear through /proc by anyone else would silently lose writes.  A hash
 * cannot be lost: the state lives and dies with the address space (an
 * MMU notifier's release), so a new process, an execve or a reloaded
 * module starts with a full image.  The hashes cost 8 bytes per page
 * saved, charged to the target's memory cgroup.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "cr_track.h"

struct cr_track {
	struct mmu_notifier mn;
	struct mutex lock;	/* the fields below */
	struct cr_track_image last;	/* ident 0: none yet */
	struct xarray *hashes;	/* page index -> hash of what it holds */
};

static DEFINE_XARRAY(cr_track_of_mm);
static DEFINE_MUTEX(cr_track_create);

static void cr_hashes_free(struct xarray *x)
{
	if (!x)
		return;
	xa_destroy(x);
	kfree(x);
}

static struct xarray *cr_hashes_new(void)
{
	struct xarray *x = kmalloc(sizeof(*x), GFP_KERNEL_ACCOUNT);

	if (x)
		xa_init(x);
	return x;
}

/* The address space is going: so does what we knew of it. */
static void cr_track_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	xa_erase(&cr_track_of_mm, (unsigned long)mm);
	mmu_notifier_put(mn);
}

/* Each tracked address space holds the module (cr_track_exit()). */
static struct mmu_notifier *cr_track_alloc(struct mm_struct *mm)
{
	struct cr_track *t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);

	if (!t)
		return ERR_PTR(-ENOMEM);
	mutex_init(&t->lock);
	__module_get(THIS_MODULE);
	return &t->mn;
}

static void cr_track_free(struct mmu_notifier *mn)
{
	struct cr_track *t = container_of(mn, struct cr_track, mn);

	cr_hashes_free(t->hashes);
	kfree(t->last.path);
	kfree(t);
	module_put(THIS_MODULE);
}

static const struct mmu_notifier_ops cr_track_ops = {
	.release = cr_track_release,
	.alloc_notifier = cr_track_alloc,
	.free_notifier = cr_track_free,
};

/*
 * current's state, made on first use (its reference is the address
 * space's, dropped at release), with a reference of the caller's.
 */
static struct cr_track *cr_track_get(void)
{
	struct mm_struct *mm = current->mm;
	struct mmu_notifier *mn;
	int err;

	mutex_lock(&cr_track_create);
	if (!xa_load(&cr_track_of_mm, (unsigned long)mm)) {
		mn = mmu_notifier_get(&cr_track_ops, mm);
		if (IS_ERR(mn))
			goto out;
		err = xa_insert(&cr_track_of_mm, (unsigned long)mm, mn,
				GFP_KERNEL);
		if (err) {
			mmu_notifier_put(mn);
			mn = ERR_PTR(err);
			goto out;
		}
	}
	mn = mmu_notifier_get(&cr_track_ops, mm);
out:
	mutex_unlock(&cr_track_create);
	if (IS_ERR(mn))
		return ERR_CAST(mn);
	return container_of(mn, struct cr_track, mn);
}

/*
 * The parent of an incremental image: current's last one, if its path is
 * known and the chain has room.  0, or -ENOENT for a full image.
 */
int cr_track_parent(struct cr_track_image *p)
{
	struct cr_track *t;
	int err = -ENOENT;

	mutex_lock(&cr_track_create);
	t = xa_load(&cr_track_of_mm, (unsigned long)current->mm);
	if (t) {
		mutex_lock(&t->lock);
		if (t->last.ident && t->last.path &&
		    t->last.depth < CR_MAX_CHAIN) {
			*p = t->last;
			p->path = kstrdup(t->last.path, GFP_KERNEL);
			err = p->path ? 0 : -ENOMEM;
		}
		mutex_unlock(&t->lock);
	}
	mutex_unlock(&cr_track_create);
	return err;
}

/*
 * current's part in an incremental checkpoint whose parent is parent (0:
 * none): its pages are compared with the hashes of the parent image if
 * that is current's last one.
 */
struct cr_track_next *cr_track_begin(u64 parent)
{
	struct cr_track_next *n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	struct cr_track *t;

	if (!n)
		return ERR_PTR(-ENOMEM);
	n->hashes = cr_hashes_new();
	t = n->hashes ? cr_track_get() : ERR_PTR(-ENOMEM);
	if (IS_ERR(t)) {
		cr_hashes_free(n->hashes);
		kfree(n);
		return ERR_CAST(t);
	}
	n->t = t;
	mutex_lock(&t->lock);
	if (parent && t->last.ident == parent)
		n->old = t->hashes;
	mutex_unlock(&t->lock);
	return n;
}

/* 63 bits of a page's xxh64, as an xarray value. */
static void *cr_page_hash(struct page *page)
{
	void *p = kmap_local_page(page);
	u64 h = xxh64(p, PAGE_SIZE, 0);

	kunmap_local(p);
	return xa_mk_value(h >> 1);
}

/* Whether the parent holds the page at key as it is; notes its hash. */
static int cr_track_same(struct cr_track_next *n, unsigned long idx,
			 struct page *page, bool *same)
{
	void *h = cr_page_hash(page);

	*same = n->old && xa_load(n->old, idx) == h;
	return xa_err(xa_store(n->hashes, idx, h, GFP_KERNEL_ACCOUNT));
}

/*
 * cr_batch_flush() of an incremental checkpoint: the pages of a mapping
 * (key 0) or of object id (CR_TRACK_OBJ(id)), each page known by key +
 * its page number.
 */
int cr_track_flush(struct cr_track_next *n, struct cr_stream *s,
		   struct cr_batch *b, unsigned long key)
{
	unsigned int i;
	bool same;
	int err;

	for (i = 0; i < b->n; i++) {
		err = cr_track_same(n, key + (b->addrs[i] >> PAGE_SHIFT),
				    b->pages[i], &same);
		if (err) {
			cr_batch_release(b);
			return err;
		}
		__assign_bit(i, b->ref, same);
	}
	return cr_batch_flush(s, b);
}

/*
 * The image img is complete: it becomes the address space's last one.
 * Without its path (a stream, or no memory), the next image cannot name
 * it and is full.
 */
void cr_track_commit(struct cr_track_next *n,
		     const struct cr_track_image *img)
{
	struct cr_track *t = n->t;
	char *copy = img->path ? kstrdup(img->path, GFP_KERNEL) : NULL;

	mutex_lock(&t->lock);
	cr_hashes_free(t->hashes);
	t->hashes = n->hashes;
	n->hashes = NULL;
	n->old = NULL;
	kfree(t->last.path);
	t->last = *img;
	t->last.path = copy;
	mutex_unlock(&t->lock);
}

void cr_track_end(struct cr_track_next *n)
{
	if (!n)
		return;
	cr_hashes_free(n->hashes);
	mmu_notifier_put(&n->t->mn);
	kfree(n);
}

/* Waits for the states being freed: each held the module until then. */
void cr_track_exit(void)
{
	mmu_notifier_synchronize();
}
