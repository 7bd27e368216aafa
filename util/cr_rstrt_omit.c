// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_restart --omit-maybe|--omit-always|--omit-never: what a checkpoint
 * that covers a running cr_restart does with it, as in BLCR.  Once the
 * restarted processes run, a libcr callback forwards every such
 * checkpoint to cr_restart's tree, so that they are saved whoever was
 * named, and leaves cr_restart itself out or not.
 */
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include <libcr.h>

#include "cr_rstrt_omit.h"

static enum cr_omit cr_omit_mode;

/* --omit-maybe: out when named as the target, or when an orphan. */
static bool cr_omit_self(void)
{
	const struct cr_checkpoint_info *ci;

	switch (cr_omit_mode) {
	case CR_OMIT_ALWAYS:
		return true;
	case CR_OMIT_NEVER:
		return false;
	default:
		ci = cr_get_checkpoint_info();
		return getppid() == 1 || (ci && ci->target == getpid());
	}
}

static int cr_omit_cb(void *arg)
{
	int flags = cr_omit_self() ? CR_CHECKPOINT_OMIT : 0;

	if (cr_forward_checkpoint(CR_SCOPE_TREE, 0) < 0)
		flags = CR_CHECKPOINT_PERM_FAILURE_CODE(errno);
	cr_checkpoint(flags);
	return 0;
}

/*
 * After the restart: before it, forked children would inherit libcr's
 * thread.  Without the module's callback support cr_restart is saved as
 * any process.
 */
void cr_rstrt_omit_start(enum cr_omit mode)
{
	cr_omit_mode = mode;
	if (cr_init() >= 0)
		cr_register_callback(cr_omit_cb, NULL, CR_THREAD_CONTEXT);
}
