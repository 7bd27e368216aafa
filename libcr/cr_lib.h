/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of libcr's public API (libcr.h on top of the module's ABI). */
#ifndef CR_LIB_H
#define CR_LIB_H

#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cr_ioctl.h"
#include "libcr.h"

struct cri_cb {
	cr_callback_t func;	/* NULL: disabled */
	void *arg;
};

struct cri_cb_table {
	struct cri_cb *cb;
	int n, cap;
};

/* A thread that called cr_init(). */
struct cri_thread {
	pid_t tid;		/* also its client id */
	int cs_depth;		/* critical sections entered */
	atomic_int hold;	/* cr_hold_ctrl(CR_HOLD_SCOPE_THREAD) */
	int persist;		/* cr_inc_persist() count */
	bool exiting;		/* its TLS destructor ran */
	struct cri_cb_table sig; /* signal-context callbacks */
	struct cri_thread *next;
};

/* A group of callbacks running in one thread, innermost last. */
struct cri_chain {
	struct cri_cb_table *tab;
	int n;			/* callbacks when the group started */
	bool lifo;		/* newest first (signal context) */
	int cur;		/* the running callback's position */
	bool called;		/* it called cr_checkpoint() */
	bool done;		/* the checkpoint happened or failed */
	int result;		/* what cr_checkpoint() returns */
	int (*end)(int flags);	/* the innermost cr_checkpoint() */
};

/* cr_core.c: process and thread state. */
extern int cri_token;		/* the handler-side ctrl fd, or -1 */
extern __thread struct cri_thread *cri_self;
extern __thread struct cri_chain *cri_chain;
extern struct cri_thread *cri_threads;
extern atomic_int cri_state;	/* CR_STATE_* */
void cri_lock(void);
void cri_unlock(void);
int cri_fail(int err);
struct cri_thread *cri_need_init(void);
int cri_hold_flags(struct cri_thread *t);

/* cr_callbacks.c */
extern struct cri_cb_table cri_thread_cbs;
int cri_chain_run(struct cri_chain *c);
int cri_checkpoint_errno(int flags);
void cri_run_hook(cr_hook_event_t cont, int result);
void cri_callbacks_fork_child(void);
extern struct cr_checkpoint_info cri_chkpt_info;

/* cr_chkpt_api.c: scopes between libcr.h and the module. */
__u32 cri_kscope(cr_scope_t scope);
cr_scope_t cri_uscope(__u32 kscope);

/*
 * A request's wait, log and reap (checkpoint or restart), and their
 * cr_poll_*_msg() (the CR_POLL_CHKPT_ERR_* and RSTRT ones are equal).
 */
struct cri_req_ops {
	int (*wait)(unsigned long *handle, struct timeval *timeout);
	int (*log)(unsigned long *handle, unsigned int len, char *msg);
	int (*reap)(unsigned long *handle);
};
int cri_poll_msg(unsigned long *handle, struct timeval *timeout,
		 char **msg_p, const struct cri_req_ops *ops);

/* cr_handler.c: the libcr thread and the signal handler. */
int cri_handler_start(void);

/* cr_signal.c: CR_SIGNUM's handler, kept from the program. */
int cri_sig_own(const struct sigaction *sa);

/* cr_cs.c: critical sections. */
void cri_cs_block(void);
void cri_cs_unblock(void);
void cri_cs_hold(void);
void cri_cs_release(void);
void cri_cs_fork_child(void);

static inline void cri_futex_wait(atomic_int *word, int val)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static inline void cri_futex_wake_all(atomic_int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

#endif /* CR_LIB_H */
