/* SPDX-License-Identifier: GPL-2.0-only */
/* A checkpoint request, shared by cr_chkpt.c and cr_scope.c. */
#ifndef CR_CHKPT_H
#define CR_CHKPT_H

#include <linux/workqueue.h>

#include "cr_internal.h"
#include "cr_req.h"

struct cr_chkpt_req;
struct cr_thread_ctx;

/* One process in the scope; its first thread to arrive writes it. */
struct cr_proc_ctx {
	unsigned int index;		/* in req->procs */
	struct task_struct *task;
	int depth;			/* generations below init */
	bool pgl;			/* a process group leader */
	struct cr_thread_ctx *threads;
	unsigned int nthreads;
	atomic_t expected;		/* its threads that will arrive */
	atomic_t arrived;
	atomic_t saved;
	struct cr_img_proc_ent ent;	/* filled by its dumper */
	char *cwd;
	bool stopped;			/* by job control, before we came */
	bool queued;			/* its threads are being stopped */
	bool omitted;			/* by its callbacks */
	bool released;			/* its signal sent: threads may go */
	struct cr_track_next *track;	/* --incremental: its pages' hashes */
};

struct cr_thread_ctx {
	struct callback_head cb;
	struct cr_chkpt_req *req;
	struct cr_proc_ctx *proc;
	struct task_struct *task;
	struct cr_thread_image img;
	atomic_t deferred;		/* a vfork child, asked again later */
	bool saved;
};

/* An unreaped child of a process in the scope: it goes in the table only. */
struct cr_zombie {
	struct task_struct *task;
	struct cr_img_proc_ent ent;	/* filled once all are stopped */
	u32 status;
	bool kept;			/* still a zombie then */
	bool stand_in;			/* the requester, alive, left out */
};

struct cr_chkpt_req {
	struct cr_req r;		/* its lock also keeps writer */
	struct list_head busy;		/* on the busy list while running */
	struct cr_chkpt_args args;
	pid_t requester;
	struct pid *requester_pid;
	struct file *out;
	char *dest;			/* args.dest's string, or NULL */
	struct cr_track_image parent;	/* its parent (ident 0: none) */
	struct cr_track_image image;	/* and itself */
	struct cr_live *live;		/* a live checkpoint's pre-copy */
	struct pid *root;
	struct mutex scope_lock;	/* adding, omitting, stopping */
	struct cr_proc_ctx **procs;	/* the table, then the omitted */
	unsigned int nprocs, nall;
	unsigned int nthreads;		/* threads of the table, roughly */
	struct cr_zombie *zombies;
	unsigned int nzombies, nkept;
	atomic_t expected;		/* threads of all processes */
	atomic_t arrived;
	atomic_t described;		/* processes checked and described */
	unsigned int turn;		/* the process writing its section */
	struct cr_stream s;
	struct cr_shared sh;
	struct delayed_work timer;	/* --time: gives the request up */
	struct delayed_work retry;	/* stops deferred threads again */
	struct task_struct *writer;	/* in cr_write_turn(), under lock */
	struct callback_head kick;	/* wakes the writer when it ends */
	char warn[CR_MSG_LEN];		/* lines, for CR_LOG_WARNING */
	bool kill_waited;		/* its --kill targets have gone */
};

int cr_claim_task(struct cr_chkpt_req *req, struct task_struct *t);
void cr_unclaim_task(struct cr_chkpt_req *req, struct task_struct *t);
void cr_queue_proc_works(struct cr_chkpt_req *req, struct cr_proc_ctx *pc);
void cr_start_procs(struct cr_chkpt_req *req, struct cr_proc_ctx **pcs,
		    unsigned int n);
void cr_chkpt_abort(struct cr_chkpt_req *req, int err, const char *why);
char *cr_chkpt_file_name(struct cr_chkpt_req *req);

/* cr_hand.c */
bool cr_hand_claim(struct cr_chkpt_req *req, struct cr_proc_ctx *pc);

/* cr_scope.c */
int cr_collect_scope(struct cr_chkpt_req *req,
		     bool (*busy)(struct cr_chkpt_req *));
int cr_scope_forward(struct cr_chkpt_req *req, struct cr_proc_ctx *pc,
		     unsigned int scope, pid_t target);
void cr_scope_omit(struct cr_chkpt_req *req, struct cr_proc_ctx *pc);
void cr_release_scope(struct cr_chkpt_req *req);
void cr_settle_zombies(struct cr_chkpt_req *req);
int cr_check_forks(struct cr_chkpt_req *req, struct cr_status *st);

#endif /* CR_CHKPT_H */
