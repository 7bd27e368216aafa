/* SPDX-License-Identifier: GPL-2.0-only */
/* vmadump/: a thread's registers and a process's memory. */
#ifndef VMADUMP_H
#define VMADUMP_H

#include <linux/workqueue.h>

#include "cr_pageio.h"

struct cr_shared;
struct vmad_fill;

struct cr_thread_image {
	struct cr_img_thread t;
	void *xstate;
	struct cr_img_sigqueue *sigq;	/* restart only */
};

/* A THREAD record's checksum: the fixed part, then xsize bytes of xstate. */
static inline u32 cr_thread_sum(const struct cr_thread_image *ti, u32 xsize)
{
	struct xxh64_state sum;

	cr_sum_start(&sum);
	cr_sum_add(&sum, &ti->t, sizeof(ti->t));
	cr_sum_add(&sum, ti->xstate, xsize);
	return cr_sum_end(&sum);
}

int vmad_save_thread(struct cr_thread_image *ti, struct cr_status *st);
int vmad_load_thread(const struct cr_thread_image *ti, long *ax,
		     struct cr_status *st);
int vmad_xstate_info(u64 *xfeatures, u32 *size);
int vmad_check_thread(const struct cr_img_thread *t, u32 xstate_size,
		      struct cr_status *st);
int vmad_check_mm(struct cr_shared *sh, struct cr_status *st);
void vmad_vdso_range(struct mm_struct *mm, u64 *vdso, u64 *vdso_len,
		     u64 *vvar, u64 *vvar_len);
int vmad_save_mm(struct cr_stream *s, struct cr_shared *sh,
		 struct cr_status *st);
int vmad_restore_mm(struct cr_stream *s, struct cr_shared *sh,
		    struct vmad_fill **later, struct cr_status *st);

/* vmad_fill.c: one PAGES record's pages, filled in by a worker. */
struct vmad_run {
	u64 lo, hi;			/* the mapping, for messages */
	struct xxh64_state sum;		/* of the head; the pages follow */
	u32 want;
	unsigned int n;
	loff_t pos;			/* of the page data */
};

struct vmad_job {
	struct work_struct work;
	struct vmad_fill *fill;
	struct vmad_run r;
	struct cr_batch b;
};

struct vmad_fill *vmad_fill_begin(struct cr_stream *s, bool may_defer);
struct vmad_job *vmad_fill_job(struct vmad_fill *f, u64 lo, u64 hi,
			       struct cr_status *st);
void vmad_fill_drop(struct vmad_fill *f, struct vmad_job *j);
int vmad_fill_run(struct vmad_fill *f, struct vmad_job *j, unsigned int n,
		  struct cr_status *st);
int vmad_fill_skip(struct vmad_fill *f, struct vmad_job *j, loff_t len,
		   struct cr_status *st);
int vmad_fill_zipped(struct vmad_fill *f, struct vmad_job *j,
		     struct cr_pages_in *in, struct cr_status *st);
int vmad_fill_end(struct vmad_fill *f, struct cr_status *st);
int vmad_fill_fail(struct cr_status *st, int err, u64 lo, u64 hi);
bool vmad_fill_deferred(struct vmad_fill *f);
int vmad_fill_later(struct vmad_fill *f, struct cr_status *st);

#endif /* VMADUMP_H */
