/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared inside the module. */
#ifndef CR_INTERNAL_H
#define CR_INTERNAL_H

#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/task_work.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/xxhash.h>

#include "cr_abi.h"
#include "cr_image.h"

#define CR_MSG_LEN		256
#define CR_DEFAULT_TIMEOUT_MS	10000

/* Sequential access to a context file: no seeks, position tracked here. */
struct cr_stream {
	struct file *file;
	loff_t pos;
	u64 nrecords;
	struct cr_rec peek;	/* read ahead by cr_peek_type() */
	bool peeked;
	bool stop;		/* the request ended: write no more */
};

/*
 * A record's checksum: the low 32 bits of its xxh64 (seed 0).  One load
 * per 8 bytes; the table-driven crc32c of formats 1 to 5 made nine, and
 * under emulation it was the costliest pass over the pages.
 */
static inline void cr_sum_start(struct xxh64_state *st)
{
	xxh64_reset(st, 0);
}

static inline void cr_sum_add(struct xxh64_state *st, const void *buf,
			      size_t len)
{
	/* It fails only for a NULL buf; ours never are. */
	xxh64_update(st, buf, len);
}

static inline u32 cr_sum_end(const struct xxh64_state *st)
{
	return (u32)xxh64_digest(st);
}

static inline u32 cr_sum(const void *buf, size_t len)
{
	return (u32)xxh64(buf, len, 0);
}

/* cr_io.c */
int cr_write_raw(struct cr_stream *s, const void *buf, size_t len);
int cr_write_pages(struct cr_stream *s, struct page **pages, unsigned int n,
		   struct bio_vec *bv);
int cr_write_hdr(struct cr_stream *s, u16 type, u64 len, u32 sum);
int cr_write_pad(struct cr_stream *s, size_t align);
int cr_write_rec(struct cr_stream *s, u16 type, const void *buf, size_t len);
int cr_read_raw(struct cr_stream *s, void *buf, size_t len);
int cr_pread_pages(struct file *f, loff_t *pos, struct page **pages,
		   unsigned int n, struct bio_vec *bv);
int cr_skip_pad(struct cr_stream *s, size_t align);
int cr_peek_type(struct cr_stream *s);
int cr_read_hdr(struct cr_stream *s, struct cr_rec *rec, u16 type,
		u64 maxlen);
void *cr_read_rec(struct cr_stream *s, u16 type, size_t minlen,
		  size_t maxlen, size_t *lenp);
int cr_read_fixed(struct cr_stream *s, u16 type, void *buf, size_t len);

/* What a request reports back: an errno and one line for the user. */
struct cr_status {
	int result;
	char msg[CR_MSG_LEN];
};

__printf(3, 4) int cr_fail(struct cr_status *st, int err,
			   const char *fmt, ...);

/* cr_chkpt.c */
struct cr_chkpt_req;
long cr_chkpt_request(struct file *ctrl, void __user *uarg,
		      struct cr_chkpt_req **reqp);
__poll_t cr_chkpt_poll(struct cr_chkpt_req *req, struct file *file,
		       poll_table *wait);
int cr_chkpt_reap(struct cr_chkpt_req *req);
bool cr_chkpt_done(struct cr_chkpt_req *req);
void cr_chkpt_put(struct cr_chkpt_req *req);
void cr_chkpt_cancel(struct cr_chkpt_req *req);
struct cr_status *cr_chkpt_status(struct cr_chkpt_req *req);
const char *cr_chkpt_warnings(struct cr_chkpt_req *req);

/* cr_rstrt.c */
struct cr_rstrt_req;
long cr_rstrt_request(struct file *ctrl, void __user *uarg,
		      struct cr_rstrt_req **reqp);
__poll_t cr_rstrt_poll(struct cr_rstrt_req *req, struct file *file,
		       poll_table *wait);
long cr_rstrt_procs(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_child(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_abort(struct cr_rstrt_req *req, int err);
long cr_rstrt_relocate(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_next_pid(struct cr_rstrt_req *req, unsigned long pid);
long cr_rstrt_signal(struct cr_rstrt_req *req, unsigned long sig);
long cr_rstrt_handover(struct cr_rstrt_req *req, unsigned int op,
		       void __user *uarg);
int cr_rstrt_reap(struct cr_rstrt_req *req);
bool cr_rstrt_done(struct cr_rstrt_req *req);
void cr_rstrt_get(struct cr_rstrt_req *req);
void cr_rstrt_put(struct cr_rstrt_req *req);
struct cr_status *cr_rstrt_status(struct cr_rstrt_req *req);

/* cr_hand.c: processes with libcr callbacks. */
struct cr_hand;
long cr_hand_wait(struct cr_hand **hp);
long cr_hand_chkpt(struct cr_hand **hp, bool restored, unsigned long flags);
long cr_hand_info(struct cr_hand *h, void __user *uarg);
long cr_hand_forward(struct cr_hand *h, void __user *uarg);
void cr_hand_release(struct cr_hand *h);
bool cr_restoring(struct task_struct *t);

bool cr_ctrl_state(struct file *f, s64 *state);
int cr_ctrl_restore(struct file *f, s64 state);
int cr_ctrl_init(void);
void cr_ctrl_exit(void);

/* Per-resource save and restore, each in its own file. */
int cr_save_proc(struct cr_stream *s, bool stopped, struct cr_status *st);
int cr_restore_proc(struct cr_stream *s, struct cr_img_creds **credp,
		    u32 *flags, struct cr_status *st);
void cr_load_dumpable(u32 flags);
int cr_restore_creds(struct cr_img_creds *c, struct cr_status *st);
int cr_save_signals(struct cr_stream *s, struct cr_status *st);
int cr_restore_signals(struct cr_stream *s, struct cr_status *st);
void cr_save_itimer_real(struct cr_img_sighand *h);
void cr_load_itimer_real(const struct cr_img_sighand *h);
void cr_save_cpu_itimers(struct cr_img_proc_ent *e);
int cr_save_sigqueue(struct cr_stream *s, struct sigpending *p);
struct cr_img_sigqueue *cr_read_sigqueue(struct cr_stream *s);
void cr_raise_pending(const struct cr_img_sigqueue *q, u64 set, bool group);

#include "cr_kind.h"

/*
 * What the processes of one checkpoint or restart share: the open files
 * (numbered by file id, cr_files.c) and each kind's state (cr_kind.h).
 */
struct cr_reloc;
struct cr_shared {
	struct mutex lock;	/* checkpoint: the kinds', while noting */
	struct xarray ids;	/* checkpoint: file -> file id */
	struct xarray files;	/* restart: file id -> file */
	unsigned int nfiles;	/* file ids given out */
	struct cr_kind_slot kind[CR_NKINDS];
	u32 save;		/* checkpoint: CR_ABI_CHKPT_SAVE_* */
	bool outside_closed;	/* checkpoint: CR_ABI_CHKPT_SOCK_CLOSED */
	struct file *out;	/* checkpoint: the context file */
	struct cr_reloc *reloc;	/* restart: --relocate, or NULL */
};

int cr_file_path_of(const struct path *path, char *buf, u32 *len);
/* cr_reloc.c */
struct cr_reloc *cr_reloc_copy(void __user *uarg, struct cr_status *st);
void cr_reloc_free(struct cr_reloc *r);
char *cr_relocate(const struct cr_reloc *r, const char *path,
		  struct cr_status *st);

int cr_file_path(struct file *f, char *buf, u32 *len);
void *cr_grow(void **arr, unsigned int *n, unsigned int *cap, size_t size,
	      unsigned int limit);
void cr_shared_init(struct cr_shared *sh);
void cr_shared_release(struct cr_shared *sh);
int cr_check_files(struct cr_shared *sh, struct cr_status *st);
int cr_save_files(struct cr_stream *s, struct cr_shared *sh,
		  struct cr_status *st);
int cr_restore_files(struct cr_stream *s, struct cr_shared *sh,
		     struct cr_status *st);

/* cr_sched.c */
void cr_save_sched(struct cr_img_sched *s);
int cr_check_sched(const struct cr_img_sched *s);
int cr_load_sched(const struct cr_img_sched *s, struct cr_status *st);

/* vmadump/: registers and memory. */
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
struct vmad_fill;
int vmad_restore_mm(struct cr_stream *s, struct cr_shared *sh,
		    struct vmad_fill **later, struct cr_status *st);

/* Pages on their way to a PAGES record, with their addresses or offsets. */
struct cr_batch {
	unsigned int n;
	u64 addrs[CR_PAGES_MAX];
	struct page *pages[CR_PAGES_MAX];
	struct bio_vec bv[CR_PAGES_MAX];
};

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
int vmad_fill_end(struct vmad_fill *f, struct cr_status *st);
int vmad_fill_fail(struct cr_status *st, int err, u64 lo, u64 hi);
bool vmad_fill_deferred(struct vmad_fill *f);
int vmad_fill_later(struct vmad_fill *f, struct cr_status *st);

void cr_sum_page(struct xxh64_state *sum, struct page *page);
bool cr_page_is_zero(struct page *page);
bool cr_path_ok(const char *path, u32 len);
int cr_batch_flush(struct cr_stream *s, struct cr_batch *b);
void cr_batch_release(struct cr_batch *b);
int cr_read_pages(struct cr_stream *s, u64 lo, u64 hi, u8 *data,
		    u64 *addrs);

#ifdef CR_TEST_IOCTLS
long cr_test_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
void cr_test_write_delay(void);
#else
static inline long cr_test_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	return -ENOTTY;
}

static inline void cr_test_write_delay(void)
{
}
#endif

#endif /* CR_INTERNAL_H */
