/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An open /proc/checkpoint/ctrl (cr_ioctl.c), and what a checkpoint saves
 * of one that a process holds (cr_ctrlfd.c).
 */
#ifndef CR_CTRL_H
#define CR_CTRL_H

#include <linux/fs.h>
#include <linux/mutex.h>

#include "cr_req.h"

struct cr_chkpt_req;
struct cr_rstrt_req;
struct cr_hand;

struct cr_ctrl {
	struct mutex lock;
	struct cr_req *req;		/* the request, either kind */
	struct cr_chkpt_req *chkpt;	/* req, a checkpoint */
	struct cr_rstrt_req *rstrt;	/* or a restart */
	struct cr_hand *hand;		/* libcr's token */
	bool restored;			/* reopened by a restart */
	s64 saved;			/* then its request's CR_CTRL_* */
};

int cr_ctrl_file_add(struct file *f);
void cr_ctrl_file_del(struct file *f);
bool cr_ctrl_state(struct file *f, s64 *state);
int cr_ctrl_restore(struct file *f, s64 state);

#endif /* CR_CTRL_H */
