/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcr: the application side of checkpoint/restart, source-compatible
 * with BLCR's libcr.h.  Link with -lcr (pkg-config libcr).
 *
 * A program that never calls cr_init() needs no libcr at all: the blcr
 * module checkpoints and restarts it as it is.  cr_init() is for programs
 * that want callbacks around a checkpoint or critical sections.
 *
 * How callbacks run here.  cr_init() starts one libcr thread (all signals
 * blocked) that waits for checkpoints covering the process.  When one
 * comes it waits until no thread is inside a critical section, runs the
 * thread-context callbacks, and, from the innermost cr_checkpoint(), sends
 * the other threads the signal CR_SIGNUM (SIGRTMAX, 64): those that
 * called cr_init() run their signal-context callbacks in the handler,
 * newest first; the others just wait there.  When all of them wait, the
 * process is saved; every cr_checkpoint() then returns 0, or later a
 * positive value in a process restarted from that checkpoint.  Then each
 * thread runs its hook (CR_HOOK_*_SIGNAL_CONTEXT, *_THREAD_CONTEXT in the
 * libcr thread, *_NO_CALLBACKS in threads without cr_init()) and, as in
 * BLCR, waits if its hold flags cover what happened (CR_HOLD_CONT after a
 * checkpoint it goes on from, or one that failed; CR_HOLD_RSTRT after a
 * restart) until every thread, the libcr thread included, has run its
 * callbacks and hook.  A thread's flags are its cr_hold_ctrl(
 * CR_HOLD_SCOPE_THREAD) value, which defaults to CR_HOLD_DFLT: the
 * CR_HOLD_SCOPE_INIT value (default CR_HOLD_BOTH); threads without
 * cr_init() have the CR_HOLD_SCOPE_UNINIT value (default CR_HOLD_BOTH).
 *
 * SIGRTMAX is libcr's from the first cr_init(), as in BLCR: the
 * program's sigaction(), signal() and sigset() for it are recorded and
 * reported back by the later ones (libcr's handler until the first), but
 * never installed, so a checkpoint never runs the program's handler.
 * libcr.so provides these three over the C library's; a program that
 * makes the rt_sigaction system call itself must leave the handler
 * alone.  Threads that called cr_init() must not block SIGRTMAX (a
 * checkpoint would wait for them).
 *
 * Callbacks may fork().  A forked child is not registered, as in BLCR: it
 * runs none of its parent's callbacks or hooks and is checkpointed like
 * a program without libcr, unless it calls cr_init() itself, which gives
 * it its own libcr thread and callbacks.  A child forked in a callback
 * must not return from it (it should exec or _exit()).
 *
 * Manual: libcr(3) and the pages it names.
 *
 * Differences from BLCR:
 *  - Restart requests run the cr_restart tool ($CR_RESTART, else the
 *    installed one): the restarted processes are children of a cr_restart
 *    process, the caller's child, which exits as the leader does and is
 *    the caller's to reap.
 *  - BLCR's module unblocked CR_SIGNUM in every thread.  Here a thread
 *    without cr_init() that blocks SIGRTMAX when the checkpoint comes is
 *    not interrupted: it is saved where it is, runs no *_NO_CALLBACKS
 *    hook and is not held.  One must not block SIGRTMAX between that
 *    check and the signal (the checkpoint would wait for it).
 *  - struct cr_restart_info's src is "" and its requester 0: the module
 *    does not say.
 */
#ifndef LIBCR_H
#define LIBCR_H

#include <sys/types.h>
#include <sys/time.h>
#include <errno.h>

#include <blcr_common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int cr_version_t;
#define CR_CHECKPOINT_ARGS_VERSION	1
#define CR_RESTART_ARGS_VERSION		1

#define CR_MAX_CALLBACKS	0x1FFFFFF

typedef int (*cr_callback_t)(void *);
typedef int cr_client_id_t;
typedef int cr_callback_id_t;
typedef unsigned int cr_spinlock_t;

typedef struct cr_checkpoint_args {
	cr_version_t cr_version;
	cr_scope_t cr_scope;	/* must be set */
	pid_t cr_target;	/* 0: the caller's own pid, pgid or sid */
	int cr_fd;		/* destination, open for writing; must be set */
	int cr_signal;		/* sent to the targets afterwards, or 0 */
	unsigned int cr_timeout; /* seconds, then ETIMEDOUT; 0: none */
	unsigned int cr_flags;	/* CR_CHKPT_* */
} cr_checkpoint_args_t;

typedef struct cr_restart_args {
	cr_version_t cr_version;
	int cr_fd;
	int cr_signal;
	unsigned int cr_flags;	/* CR_RSTRT_* */
	struct cr_rstrt_relocate *cr_relocate;
} cr_restart_args_t;

/*
 * A request in progress: a checkpoint's is an open ctrl fd, a restart's
 * the read end of the pipe its cr_restart reports on (both readable when
 * the request is over).
 */
typedef unsigned long cr_checkpoint_handle_t;
typedef unsigned long cr_restart_handle_t;

struct cr_checkpoint_info {
	int signal;		/* sent after the checkpoint, or 0 */
	/*
	 * The context file.  cr_checkpoint --atomic (the default) or
	 * --backup, which write a temporary file: the final name, -f's
	 * FILE (or context.PID) made absolute.  Otherwise the path of the
	 * file the request writes, as /proc/PID/fd shows it ("pipe:[INODE]"
	 * for a pipe, as with cr_checkpoint -f - or -F FD); "" with a module
	 * older than ABI 2.3.
	 */
	const char *dest;
	pid_t requester;
	pid_t target;
	cr_scope_t scope;
};

struct cr_restart_info {
	pid_t requester;	/* 0 here: the module does not say */
	const char *src;	/* "" here */
};

/* Callback contexts, for the flags of cr_register_callback(). */
#define CR_THREAD_CONTEXT	0x4000000
#define CR_SIGNAL_CONTEXT	0x2000000

/* The client id for cr_enter_cs() inside callbacks. */
#define CR_ID_CALLBACK		((cr_client_id_t)-1)

#define CR_SPINLOCK_INITIALIZER	0U

/* cr_status() */
enum {
	CR_STATE_IDLE,
	CR_STATE_PENDING,	/* requested, waiting for critical sections */
	CR_STATE_ACTIVE,	/* callbacks are running */
};

/* cr_poll_checkpoint() and cr_poll_restart() failures. */
#define CR_POLL_CHKPT_ERR_PRE	(-1)	/* waiting failed */
#define CR_POLL_CHKPT_ERR_POST	(-2)	/* the request failed */
#define CR_POLL_CHKPT_ERR_LOG	(-3)	/* reading its messages failed */
#define CR_POLL_RSTRT_ERR_PRE	(-1)
#define CR_POLL_RSTRT_ERR_POST	(-2)
#define CR_POLL_RSTRT_ERR_LOG	(-3)

/* Hooks: CONT after a checkpoint, RSTRT after a restart. */
typedef enum {
	CR_HOOK_CONT_SIGNAL_CONTEXT = 0, /* in a thread that called cr_init */
	CR_HOOK_CONT_THREAD_CONTEXT,	/* in the libcr thread */
	CR_HOOK_CONT_NO_CALLBACKS,	/* in a thread without cr_init */
	CR_HOOK_RSTRT_SIGNAL_CONTEXT,
	CR_HOOK_RSTRT_THREAD_CONTEXT,
	CR_HOOK_RSTRT_NO_CALLBACKS,
	CR_NUM_HOOKS
} cr_hook_event_t;

typedef void (*cr_hook_fn_t)(cr_hook_event_t);
#define CR_HOOK_FN_ERROR	((cr_hook_fn_t)(~0UL))

/* cr_hold_ctrl() scopes (its flags are in blcr_common.h). */
enum {
	CR_HOLD_SCOPE_THREAD,
	CR_HOLD_SCOPE_INIT,
	CR_HOLD_SCOPE_UNINIT
};

/*
 * Sets up libcr for the calling thread; call it in every thread that
 * registers signal-context callbacks or enters critical sections.
 * Returns the thread's client id (>= 0), or -1 with errno (ENOSYS when
 * the module is not loaded).  Not async-signal-safe.
 */
cr_client_id_t cr_init(void);

/*
 * Registers a callback run at each checkpoint: CR_THREAD_CONTEXT ones in
 * the libcr thread, CR_SIGNAL_CONTEXT ones in the calling thread's signal
 * handler (newest first).  Returns its id, or -1 with errno CR_ENOINIT,
 * EINVAL, ENOMEM, ENOSPC, or EBUSY inside a callback.
 */
cr_callback_id_t cr_register_callback(cr_callback_t func, void *arg,
				      int flags);

/* Replaces a callback (func NULL disables it); the context must match. */
int cr_replace_callback(cr_callback_id_t id, cr_callback_t func, void *arg,
			int flags);

/* Replaces the running callback; only inside a callback. */
int cr_replace_self(cr_callback_t func, void *arg, int flags);

/*
 * In a callback: lets the checkpoint go on (flags 0) or fails it.
 * Returns 0 continuing after the checkpoint, > 0 in a restarted process,
 * or -CR_ETEMPFAIL, -CR_EPERMFAIL (or the code given), -CR_EOMITTED,
 * -CR_ENOTCB outside a callback.  A callback that returns without calling
 * it gets cr_checkpoint(0) called for it, or PERM_FAILURE if it returned
 * non-zero.
 */
int cr_checkpoint(int flags);

/*
 * Critical sections defer checkpoints until the outermost cr_leave_cs().
 * cr_enter_cs() blocks while a checkpoint is pending or active;
 * cr_tryenter_cs() returns > 0 instead.  CR_ID_CALLBACK (or any id in a
 * callback) enters nothing.  Async-signal-safe.
 */
int cr_enter_cs(cr_client_id_t id);
int cr_tryenter_cs(cr_client_id_t id);
int cr_leave_cs(cr_client_id_t id);

/* CR_STATE_*, or -1 with errno CR_ENOINIT.  Async-signal-safe. */
int cr_status(void);

/* The request in progress, inside a callback before cr_checkpoint(). */
const struct cr_checkpoint_info *cr_get_checkpoint_info(void);
/* After cr_checkpoint() returned > 0 in a callback. */
const struct cr_restart_info *cr_get_restart_info(void);

/*
 * From a callback, before its cr_checkpoint(): adds scope's processes
 * (target 0: the caller's own) to the checkpoint in progress, saved in
 * the same context file.  0, or -1 with errno: CR_ENOTCB outside
 * callbacks, EINVAL after cr_checkpoint() or for a bad scope, ESRCH for
 * no such target, EPERM for a process the caller may not checkpoint.
 */
int cr_forward_checkpoint(cr_scope_t scope, pid_t target);

/* Checkpoint requests; each handle is a ctrl fd until reaped. */
int cri_init_checkpoint_args_t(cr_version_t version,
			       cr_checkpoint_args_t *args);
#define cr_initialize_checkpoint_args_t(args) \
	cri_init_checkpoint_args_t(CR_CHECKPOINT_ARGS_VERSION, (args))

/* 0, or -1 with errno (ESRCH, EPERM, EBADF, EINVAL, ENOSYS, ...). */
int cr_request_checkpoint(cr_checkpoint_args_t *args,
			  cr_checkpoint_handle_t *handle);
/* > 0 done, 0 timed out, -1 with errno; timeout NULL waits. */
int cr_wait_checkpoint(cr_checkpoint_handle_t *handle,
		       struct timeval *timeout);
/* Copies up to len bytes of the module's message; returns its size. */
int cr_log_checkpoint(cr_checkpoint_handle_t *handle, unsigned int len,
		      char *msg);
/*
 * > 0 on success, and closes the handle; -1 with errno EAGAIN while it
 * runs, CR_ERESTARTED in a process restarted from that checkpoint (also
 * a success), else the request's error.
 */
int cr_reap_checkpoint(cr_checkpoint_handle_t *handle);
/* Wait, log (malloc'd in *msg_p) and reap; 0 on timeout or
 * CR_POLL_CHKPT_ERR_*. */
int cr_poll_checkpoint_msg(cr_checkpoint_handle_t *handle,
			   struct timeval *timeout, char **msg_p);
int cr_poll_checkpoint(cr_checkpoint_handle_t *handle,
		       struct timeval *timeout);

/* Restart requests, through the cr_restart tool (see above). */
int cri_init_restart_args_t(cr_version_t version, cr_restart_args_t *args);
#define cr_initialize_restart_args_t(args) \
	cri_init_restart_args_t(CR_RESTART_ARGS_VERSION, (args))
/* 0, or -1 with errno (EINVAL, EBADF, ENOSYS for cr_relocate, ...). */
int cr_request_restart(cr_restart_args_t *args, cr_restart_handle_t *handle);
/* > 0 over, 0 timed out, -1 with errno; timeout NULL waits. */
int cr_wait_restart(cr_restart_handle_t *handle, struct timeval *timeout);
/* The module's message about a failure; 0 while the request runs. */
int cr_log_restart(cr_restart_handle_t *handle, unsigned int len, char *msg);
/*
 * The restarted leader's pid, and ends the handle; -1 with errno EAGAIN
 * while it runs, else the restart's error (EBADMSG, EBUSY, ...;
 * CR_ERSTRTABRT if cr_restart was killed).
 */
int cr_reap_restart(cr_restart_handle_t *handle);
/* Wait, log (malloc'd in *msg_p) and reap; 0 on timeout or
 * CR_POLL_RSTRT_ERR_*. */
int cr_poll_restart_msg(cr_restart_handle_t *handle, struct timeval *timeout,
			char **msg_p);
int cr_poll_restart(cr_restart_handle_t *handle, struct timeval *timeout);

/* Signal-safe spinlocks; trylock returns non-zero if it got the lock. */
void cr_spinlock_init(cr_spinlock_t *lock);
void cr_spinlock_lock(cr_spinlock_t *lock);
void cr_spinlock_unlock(cr_spinlock_t *lock);
int cr_spinlock_trylock(cr_spinlock_t *lock);

/* strerror() that knows the CR_E* codes. */
const char *cr_strerror(int errnum);

/* Like signal(): returns the previous hook, or CR_HOOK_FN_ERROR. */
cr_hook_fn_t cr_register_hook(cr_hook_event_t event, cr_hook_fn_t hook_fn);

/*
 * Reads or sets a scope's CR_HOLD_* value (see above); returns the
 * previous one, or -1.  Only CR_HOLD_SCOPE_THREAD takes CR_HOLD_DFLT.
 */
int cr_hold_ctrl(int scope, int flags);

/*
 * Exclusion hints: cr_exclude_memory() asks that the whole pages inside
 * [addr, addr + len) of the caller's memory not be saved by checkpoints
 * (buffers whose contents need not survive, e.g. an MPI library's
 * receive buffers holding no message); after a restart those pages of
 * anonymous memory read as zeros (a restart callback may refill them),
 * those of a file mapped private as the file does.  cr_include_memory()
 * saves every page of the range again.  A hint goes with the memory:
 * unmapped, it is gone; a child (fork), a new program (exec) and a
 * restarted process have none.  Shared memory is saved whatever the
 * hints.  Both return 0, or -1 with errno (ENOSPC past 512 separate
 * ranges, ENOSYS without the module).  See cr_exclude_memory(3).
 */
int cr_exclude_memory(void *addr, size_t len);
int cr_include_memory(void *addr, size_t len);

/* Keep the thread's libcr data for other TLS destructors; return the
 * previous count, or -1 with ERANGE. */
int cr_inc_persist(void);
int cr_dec_persist(void);

/* Deprecated: checkpoint the calling process and wait for it. */
void cr_request(void) _CR_DEPRECATED;
int cr_request_file(const char *filename) _CR_DEPRECATED;
int cr_request_fd(int fd) _CR_DEPRECATED;

#ifdef __cplusplus
}
#endif

#endif /* LIBCR_H */
