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
#include "cr_base.h"
#include "cr_ctrl.h"
#include "cr_hints.h"
#include "cr_image.h"
#include "cr_io.h"
#include "cr_pageio.h"
#include "cr_track.h"
#include "cr_live.h"
#include "vmadump.h"

#define CR_DEFAULT_TIMEOUT_MS	10000
#define CR_DEFER_RETRY_MS	5
/* How long a --kill's requester waits for its targets to exit. */
#define CR_KILL_WAIT_MS		30000

/* cr_chkpt.c */
struct cr_chkpt_req;
long cr_chkpt_request(struct file *ctrl, void __user *uarg, bool live,
		      struct cr_chkpt_req **reqp, struct cr_req **basep);
void cr_chkpt_cancel(struct cr_chkpt_req *req);
const char *cr_chkpt_warnings(struct cr_chkpt_req *req);
int cr_chkpt_reap(struct cr_chkpt_req *req);

/* cr_rstrt.c */
struct cr_rstrt_req;
long cr_rstrt_request(struct file *ctrl, void __user *uarg,
		      struct cr_rstrt_req **reqp, struct cr_req **basep);
long cr_rstrt_procs(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_child(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_abort(struct cr_rstrt_req *req, int err);
long cr_rstrt_relocate(struct cr_rstrt_req *req, void __user *uarg);
long cr_rstrt_next_pid(struct cr_rstrt_req *req, unsigned long pid);
long cr_rstrt_signal(struct cr_rstrt_req *req, unsigned long sig);
long cr_rstrt_lazy(struct cr_rstrt_req *req, void __user *uarg);
void cr_rstrt_abandon(struct cr_rstrt_req *req);
long cr_rstrt_handover(struct cr_rstrt_req *req, unsigned int op,
		       void __user *uarg);

/* cr_hand.c: processes with libcr callbacks. */
struct cr_hand;
long cr_hand_wait(struct cr_hand **hp);
long cr_hand_chkpt(struct cr_hand **hp, bool restored, unsigned long flags);
long cr_hand_info(struct cr_hand *h, void __user *uarg);
long cr_hand_forward(struct cr_hand *h, void __user *uarg);
void cr_hand_release(struct cr_hand *h);
bool cr_restoring(struct task_struct *t);

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
	bool tcp_close;		/* checkpoint: CR_ABI_CHKPT_TCP_CLOSE */
	struct file *out;	/* checkpoint: the context file */
	struct cr_track_next *track;	/* checkpoint, incremental: the */
					/* section's, while it is written */
	bool live;		/* checkpoint: the section's process is */
				/* the pre-copy's (cr_live.c) */
	struct cr_reloc *reloc;	/* restart: --relocate, or NULL */
	bool lazy;		/* restart: CR_ABI_RSTRT_LAZY */
};

/* cr_reloc.c */
struct cr_reloc *cr_reloc_copy(void __user *uarg, struct cr_status *st);
void cr_reloc_free(struct cr_reloc *r);
char *cr_relocate(const struct cr_reloc *r, const char *path,
		  struct cr_status *st);

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

#endif /* CR_INTERNAL_H */
