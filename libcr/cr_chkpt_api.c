// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The checkpoint request API: a handle is a ctrl fd of its own carrying
 * one CR_OP_CHKPT_REQ, polled, logged and reaped as in cr_checkpoint(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "cr_lib.h"

static const __u32 cri_kscopes[] = {
	[CR_SCOPE_PROC] = CR_ABI_SCOPE_PROC,
	[CR_SCOPE_PGRP] = CR_ABI_SCOPE_PGRP,
	[CR_SCOPE_SESS] = CR_ABI_SCOPE_SESS,
	[CR_SCOPE_TREE] = CR_ABI_SCOPE_TREE,
};

/* The module's scope for a libcr.h one, 0 if invalid. */
__u32 cri_kscope(cr_scope_t scope)
{
	if ((unsigned int)scope >= sizeof(cri_kscopes) / sizeof(__u32))
		return 0;
	return cri_kscopes[scope];
}

/* And back, for cr_get_checkpoint_info(). */
cr_scope_t cri_uscope(__u32 kscope)
{
	cr_scope_t s;

	for (s = CR_SCOPE_PROC; s < CR_SCOPE_TREE; s++)
		if (cri_kscopes[s] == kscope)
			break;
	return s;
}

int cri_init_checkpoint_args_t(cr_version_t version,
			       cr_checkpoint_args_t *args)
{
	if (version != CR_CHECKPOINT_ARGS_VERSION || !args)
		return cri_fail(EINVAL);
	*args = (cr_checkpoint_args_t){
		.cr_version = version,
		.cr_scope = (cr_scope_t)-1,
		.cr_fd = -1,
	};
	return 0;
}

/* Target 0 is the caller itself, in the scope's terms. */
static pid_t cri_self_target(cr_scope_t scope)
{
	if (scope == CR_SCOPE_PGRP)
		return getpgrp();
	return scope == CR_SCOPE_SESS ? getsid(0) : getpid();
}

/*
 * CR_CHKPT_ASYNC_ERR is accepted, but errors are still reported here:
 * the module fails a request at once.  The others go to the module as
 * they are: BLCR's values, which the ABI's CR_ABI_CHKPT_* keep.
 */
#define CRI_CHKPT_PASSED (CR_CHKPT_DUMP_ALL | CR_CHKPT_PTRACED_ALLOW | \
			  CR_CHKPT_PTRACED_SKIP | CR_CHKPT_PTRACER_SKIP | \
			  CR_CHKPT_PROHIBIT_SELF)
_Static_assert(CR_CHKPT_DUMP_EXEC == CR_ABI_CHKPT_SAVE_EXE &&
	       CR_CHKPT_DUMP_PRIVATE == CR_ABI_CHKPT_SAVE_PRIVATE &&
	       CR_CHKPT_DUMP_SHARED == CR_ABI_CHKPT_SAVE_SHARED &&
	       CR_CHKPT_PTRACED_ALLOW == CR_ABI_CHKPT_PTRACED_ALLOW &&
	       CR_CHKPT_PTRACED_SKIP == CR_ABI_CHKPT_PTRACED_SKIP &&
	       CR_CHKPT_PTRACER_SKIP == CR_ABI_CHKPT_PTRACER_SKIP &&
	       CR_CHKPT_PROHIBIT_SELF == CR_ABI_CHKPT_PROHIBIT_SELF,
	       "libcr.h's request flags are the module's");

int cr_request_checkpoint(cr_checkpoint_args_t *args,
			  cr_checkpoint_handle_t *handle)
{
	struct cr_chkpt_args a = { 0 };
	int ctrl, err;

	if (!args || !handle || args->cr_version != CR_CHECKPOINT_ARGS_VERSION ||
	    (args->cr_flags & ~(CR_CHKPT_ASYNC_ERR | CRI_CHKPT_PASSED)) ||
	    args->cr_signal < 0)
		return cri_fail(EINVAL);
	a.scope = cri_kscope(args->cr_scope);
	if (!a.scope)
		return cri_fail(EINVAL);
	a.target = args->cr_target ? args->cr_target :
		   cri_self_target(args->cr_scope);
	a.fd = args->cr_fd;
	a.flags = args->cr_flags & CRI_CHKPT_PASSED;
	a.signal = args->cr_signal;
	a.timeout_ms = args->cr_timeout > UINT_MAX / 1000 ? UINT_MAX :
		       args->cr_timeout * 1000;
	ctrl = cri_ctrl_open();
	if (ctrl < 0)
		return cri_fail(-ctrl);
	err = cri_chkpt_start(ctrl, &a);
	if (err) {
		close(ctrl);
		return cri_fail(-err);
	}
	*handle = ctrl;
	return 0;
}

/* The handle's fd, or -1 with errno EINVAL. */
static int cri_handle_fd(const unsigned long *handle)
{
	if (!handle || *handle > INT_MAX)
		return cri_fail(EINVAL);
	return *handle;
}

int cr_wait_checkpoint(cr_checkpoint_handle_t *handle,
		       struct timeval *timeout)
{
	int fd = cri_handle_fd(handle);
	int ms = -1, r;

	if (fd < 0)
		return -1;
	if (timeout)
		ms = timeout->tv_sec * 1000 + timeout->tv_usec / 1000;
	r = cri_wait(fd, ms);
	return r < 0 ? cri_fail(-r) : r;
}

int cr_log_checkpoint(cr_checkpoint_handle_t *handle, unsigned int len,
		      char *msg)
{
	int fd = cri_handle_fd(handle);
	int r;

	if (fd < 0)
		return -1;
	r = cri_log_get(fd, CR_LOG_ERROR, msg, len);
	if (r < 0)
		return cri_fail(-r);
	/* The module counts the NUL of an empty message; BLCR says 0. */
	return r > 1 ? r : 0;
}

int cr_reap_checkpoint(cr_checkpoint_handle_t *handle)
{
	int fd = cri_handle_fd(handle);
	int r;

	if (fd < 0)
		return -1;
	r = cri_reap(fd, 0);
	if (r == -EAGAIN)
		return cri_fail(EAGAIN);
	close(fd);
	*handle = (unsigned long)-1;
	if (r == 1)
		return cri_fail(CR_ERESTARTED);
	return r < 0 ? cri_fail(-r) : 1;
}

/* The request's message in a malloc'd string, or NULL with errno. */
static char *cri_log_dup(unsigned long *handle, const struct cri_req_ops *ops)
{
	int len = ops->log(handle, 0, NULL);
	char *msg;

	if (len < 0)
		return NULL;
	msg = calloc(1, len + 1);
	if (msg && len && ops->log(handle, len + 1, msg) < 0) {
		free(msg);
		return NULL;
	}
	return msg;
}

int cri_poll_msg(unsigned long *handle, struct timeval *timeout,
		 char **msg_p, const struct cri_req_ops *ops)
{
	int r = ops->wait(handle, timeout);

	if (r <= 0)
		return r ? CR_POLL_CHKPT_ERR_PRE : 0;
	if (msg_p) {
		*msg_p = cri_log_dup(handle, ops);
		if (!*msg_p)
			return CR_POLL_CHKPT_ERR_LOG;
	}
	r = ops->reap(handle);
	return r < 0 ? CR_POLL_CHKPT_ERR_POST : r;
}

static const struct cri_req_ops cri_chkpt_ops = {
	.wait = cr_wait_checkpoint,
	.log = cr_log_checkpoint,
	.reap = cr_reap_checkpoint,
};

int cr_poll_checkpoint_msg(cr_checkpoint_handle_t *handle,
			   struct timeval *timeout, char **msg_p)
{
	return cri_poll_msg(handle, timeout, msg_p, &cri_chkpt_ops);
}

int cr_poll_checkpoint(cr_checkpoint_handle_t *handle,
		       struct timeval *timeout)
{
	return cr_poll_checkpoint_msg(handle, timeout, NULL);
}

/* From a callback, before cr_checkpoint(): the kernel knows which request. */
int cr_forward_checkpoint(cr_scope_t scope, pid_t target)
{
	struct cr_fwd_args a = { .scope = cri_kscope(scope) };
	int r;

	if (!cri_chain)
		return cri_fail(CR_ENOTCB);
	if (!a.scope)
		return cri_fail(EINVAL);
	a.target = target ? target : cri_self_target(scope);
	r = cri_chkpt_fwd(cri_token, &a);
	return r < 0 ? cri_fail(-r) : 0;
}

/* The deprecated self requests: 0 continuing, 1 restarted, -1 failed. */
static int cri_request_fd(int fd)
{
	cr_checkpoint_handle_t h;
	cr_checkpoint_args_t args;
	int r;

	cr_initialize_checkpoint_args_t(&args);
	args.cr_scope = CR_SCOPE_PROC;
	args.cr_fd = fd;
	if (cr_request_checkpoint(&args, &h))
		return -1;
	r = cr_poll_checkpoint(&h, NULL);
	if (r == CR_POLL_CHKPT_ERR_POST && errno == CR_ERESTARTED)
		return 1;
	return r < 0 ? -1 : 0;
}

static int cri_request_file(const char *filename)
{
	int fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0400);
	int r;

	if (fd < 0)
		return -1;
	r = cri_request_fd(fd);
	close(fd);
	return r;
}

int cr_request_fd(int fd)
{
	return cri_request_fd(fd);
}

int cr_request_file(const char *filename)
{
	return cri_request_file(filename);
}

/* Writes context.PID in the current directory. */
void cr_request(void)
{
	char name[32];

	snprintf(name, sizeof(name), "context.%d", (int)getpid());
	cri_request_file(name);
}
