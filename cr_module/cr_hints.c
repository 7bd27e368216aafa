// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exclusion hints (libcr's cr_exclude_memory()): ranges of its own memory
 * that a process asks not to be saved, kept by the module per address
 * space and skipped by vmadump.  A range goes with its pages: unmapped
 * (munmap, mremap, MAP_FIXED over it), it is forgotten, through an MMU
 * notifier that only an address space with hints has.  Ranges are by
 * address, so a mapping split or merged keeps them where they were.
 * Forgetting is always safe: the pages are then saved.
 */
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "cr_base.h"
#include "cr_hints.h"

struct cr_range {
	unsigned long start, end;
};

/* Sorted, disjoint and not touching. */
struct cr_hints {
	struct mmu_notifier mn;
	spinlock_t lock;
	unsigned int n;
	struct cr_range r[CR_HINTS_MAX];
};

static DEFINE_XARRAY(cr_hints_of_mm);
static DEFINE_MUTEX(cr_hints_create);

/*
 * Takes [s, e) out of h's ranges.  A range split in two with no room for
 * the second goes whole.
 */
static void cr_hints_cut(struct cr_hints *h, unsigned long s,
			 unsigned long e)
{
	unsigned int i, j;

	if (s >= e)
		return;
	for (i = 0; i < h->n; i++) {
		struct cr_range r = h->r[i];

		if (r.start >= s || r.end <= e)
			continue;
		if (h->n < CR_HINTS_MAX) {
			memmove(&h->r[i + 1], &h->r[i],
				(h->n - i) * sizeof(r));
			h->r[i].end = s;
			h->r[i + 1].start = e;
			h->n++;
		} else {
			memmove(&h->r[i], &h->r[i + 1],
				(h->n - i - 1) * sizeof(r));
			h->n--;
		}
		return;
	}
	for (i = 0, j = 0; i < h->n; i++) {
		struct cr_range r = h->r[i];

		if (r.end > s && r.start < e) {
			if (r.start < s)
				r.end = s;
			else if (r.end > e)
				r.start = e;
			else
				continue;
		}
		h->r[j++] = r;
	}
	h->n = j;
}

/* Forgets [s, e): unmapped, or included again. */
static void cr_hints_forget(struct cr_hints *h, unsigned long s,
			    unsigned long e)
{
	spin_lock(&h->lock);
	cr_hints_cut(h, s, e);
	spin_unlock(&h->lock);
}

/* Adds [s, e), merged with the ranges it overlaps or touches. */
static int cr_hints_add(struct cr_hints *h, unsigned long s,
			unsigned long e)
{
	unsigned int i;

	for (i = 0; i < h->n; i++) {
		if (h->r[i].end >= s && h->r[i].start <= e) {
			s = min(s, h->r[i].start);
			e = max(e, h->r[i].end);
		}
	}
	cr_hints_cut(h, s, e);
	if (h->n == CR_HINTS_MAX)
		return -ENOSPC;
	for (i = 0; i < h->n && h->r[i].start < s; i++)
		;
	memmove(&h->r[i + 1], &h->r[i], (h->n - i) * sizeof(h->r[0]));
	h->r[i].start = s;
	h->r[i].end = e;
	h->n++;
	return 0;
}

static int cr_hints_invalidate(struct mmu_notifier *mn,
			       const struct mmu_notifier_range *range)
{
	struct cr_hints *h = container_of(mn, struct cr_hints, mn);

	if (range->event == MMU_NOTIFY_UNMAP)
		cr_hints_forget(h, range->start, range->end);
	return 0;
}

/* The address space is going: so do its hints. */
static void cr_hints_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	xa_erase(&cr_hints_of_mm, (unsigned long)mm);
	mmu_notifier_put(mn);
}

/* Each address space with hints holds the module (cr_hints_exit()). */
static struct mmu_notifier *cr_hints_alloc(struct mm_struct *mm)
{
	struct cr_hints *h = kvzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);

	if (!h)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&h->lock);
	__module_get(THIS_MODULE);
	return &h->mn;
}

static void cr_hints_free(struct mmu_notifier *mn)
{
	kvfree(container_of(mn, struct cr_hints, mn));
	module_put(THIS_MODULE);
}

static const struct mmu_notifier_ops cr_hints_ops = {
	.release = cr_hints_release,
	.invalidate_range_start = cr_hints_invalidate,
	.alloc_notifier = cr_hints_alloc,
	.free_notifier = cr_hints_free,
};

/* The hints of current's address space, made on first use. */
static struct cr_hints *cr_hints_mine(void)
{
	struct mm_struct *mm = current->mm;
	struct mmu_notifier *mn;
	struct cr_hints *h;
	int err;

	h = xa_load(&cr_hints_of_mm, (unsigned long)mm);
	if (h)
		return h;
	mutex_lock(&cr_hints_create);
	h = xa_load(&cr_hints_of_mm, (unsigned long)mm);
	if (h)
		goto out;
	mn = mmu_notifier_get(&cr_hints_ops, mm);
	if (IS_ERR(mn)) {
		h = ERR_CAST(mn);
		goto out;
	}
	h = container_of(mn, struct cr_hints, mn);
	err = xa_insert(&cr_hints_of_mm, (unsigned long)mm, h, GFP_KERNEL);
	if (err) {
		mmu_notifier_put(mn);
		h = ERR_PTR(err);
	}
out:
	mutex_unlock(&cr_hints_create);
	return h;
}

/* CR_OP_HINT: only ever on the caller's own address space. */
long cr_hint_ioctl(void __user *uarg)
{
	struct cr_hint_args a;
	struct cr_hints *h;
	unsigned long s, e;
	int err = 0;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.pad || (a.op != CR_HINT_EXCLUDE && a.op != CR_HINT_INCLUDE) ||
	    a.addr + a.len < a.addr || a.addr + a.len > TASK_SIZE ||
	    !current->mm)
		return -EINVAL;
	if (a.op == CR_HINT_INCLUDE) {
		h = xa_load(&cr_hints_of_mm, (unsigned long)current->mm);
		if (h)
			cr_hints_forget(h, a.addr & PAGE_MASK,
					PAGE_ALIGN(a.addr + a.len));
		return 0;
	}
	/* A page partly outside holds other data: it is saved. */
	s = PAGE_ALIGN(a.addr);
	e = (a.addr + a.len) & PAGE_MASK;
	if (s >= e)
		return 0;
	h = cr_hints_mine();
	if (IS_ERR(h))
		return PTR_ERR(h);
	spin_lock(&h->lock);
	err = cr_hints_add(h, s, e);
	spin_unlock(&h->lock);
	return err;
}

/*
 * For saving [addr, end) of mm: the first address from addr on that is
 * not excluded (at most end), and through stop where the next excluded
 * range after it starts (end if none).
 */
unsigned long cr_hints_skip(struct mm_struct *mm, unsigned long addr,
			    unsigned long end, unsigned long *stop)
{
	struct cr_hints *h = xa_load(&cr_hints_of_mm, (unsigned long)mm);
	unsigned int i;

	*stop = end;
	if (!h)
		return addr;
	spin_lock(&h->lock);
	for (i = 0; i < h->n && h->r[i].start < end; i++) {
		if (h->r[i].end <= addr)
			continue;
		if (h->r[i].start > addr) {
			*stop = h->r[i].start;
			break;
		}
		addr = min(h->r[i].end, end);
	}
	spin_unlock(&h->lock);
	return addr;
}

/* Waits for hints being freed: each held the module until then. */
void cr_hints_exit(void)
{
	mmu_notifier_synchronize();
}
