// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The restart request API.  Restarting means creating every process and
 * thread of the context file (see util/cr_restart.c), which libcr does not
 * do yet: the requests fail with ENOSYS.  Use the cr_restart tool.
 */
#include <errno.h>

#include "cr_lib.h"

int cri_init_restart_args_t(cr_version_t version, cr_restart_args_t *args)
{
	if (version != CR_RESTART_ARGS_VERSION || !args)
		return cri_fail(EINVAL);
	*args = (cr_restart_args_t){
		.cr_version = version,
		.cr_fd = -1,
		.cr_flags = CR_RSTRT_RESTORE_PID,
	};
	return 0;
}

int cr_request_restart(cr_restart_args_t *args, cr_restart_handle_t *handle)
{
	return cri_fail(ENOSYS);
}

int cr_wait_restart(cr_restart_handle_t *handle, struct timeval *timeout)
{
	return cri_fail(ENOSYS);
}

int cr_log_restart(cr_restart_handle_t *handle, unsigned int len, char *msg)
{
	return cri_fail(ENOSYS);
}

int cr_reap_restart(cr_restart_handle_t *handle)
{
	return cri_fail(ENOSYS);
}

int cr_poll_restart_msg(cr_restart_handle_t *handle, struct timeval *timeout,
			char **msg_p)
{
	errno = ENOSYS;
	return CR_POLL_RSTRT_ERR_PRE;
}

int cr_poll_restart(cr_restart_handle_t *handle, struct timeval *timeout)
{
	return cr_poll_restart_msg(handle, timeout, NULL);
}
