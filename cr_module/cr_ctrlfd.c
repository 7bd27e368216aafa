// SPDX-License-Identifier: GPL-2.0-only
/*
 * A ctrl file held by a checkpointed process (CR_FD_CTRL): the state of
 * its checkpoint request is saved, and a restart gives it back.
 */
#include <linux/xarray.h>

#include "cr_abi.h"
#include "cr_ctrl.h"

/* The open ctrl files, by address: a checkpoint tells them from others. */
static DEFINE_XARRAY(cr_ctrl_files);

int cr_ctrl_file_add(struct file *f)
{
	return xa_err(xa_store(&cr_ctrl_files, (unsigned long)f, f,
			       GFP_KERNEL));
}

void cr_ctrl_file_del(struct file *f)
{
	xa_erase(&cr_ctrl_files, (unsigned long)f);
}

/* f's request as CR_FD_CTRL saves it; false if f is no ctrl file. */
bool cr_ctrl_state(struct file *f, s64 *state)
{
	struct cr_ctrl *c;

	if (xa_load(&cr_ctrl_files, (unsigned long)f) != f)
		return false;
	if (!state)
		return true;
	/* Our reference to f keeps c, and c its request. */
	c = f->private_data;
	if (!READ_ONCE(c->chkpt))
		*state = c->saved;
	else if (!cr_req_done(c->req))
		*state = CR_CTRL_RUNNING;
	else
		*state = CR_CTRL_DONE - c->req->st.result;
	return true;
}

/* A ctrl file a restart reopened takes its saved state. */
int cr_ctrl_restore(struct file *f, s64 state)
{
	struct cr_ctrl *c;

	if (!cr_ctrl_state(f, NULL) || state < CR_CTRL_NONE ||
	    state > CR_CTRL_DONE + MAX_ERRNO)
		return -EBADMSG;
	c = f->private_data;
	/*
	 * Under the restart's stream lock, which a requester's handover
	 * takes under its own ctrl's lock: this ctrl is another one, new.
	 */
	mutex_lock_nested(&c->lock, SINGLE_DEPTH_NESTING);
	c->saved = state;
	mutex_unlock(&c->lock);
	return 0;
}
