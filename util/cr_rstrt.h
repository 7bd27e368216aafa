/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cr_restart's parts. */
#ifndef CR_RSTRT_H
#define CR_RSTRT_H

#include <stdbool.h>
#include <stdint.h>

#include "cr_abi.h"

#include <sys/types.h>

/* What the module said to create: CR_OP_RSTRT_PROCS's output. */
struct cr_plan {
	int ctrl;
	const char *buf;
	const struct cr_rstrt_proc *procs;
	unsigned int nprocs;
	const uint32_t *pipe_sizes;
	unsigned int npipes;
	bool restore_pid, restore_pgid, restore_sid;
};

__attribute__((format(printf, 2, 3)))
int cr_rstrt_error(int err, const char *fmt, ...);
pid_t cr_fork_with_pid(pid_t pid, bool restore_pid);
bool cr_is_root(const struct cr_plan *plan, unsigned int index);
void cr_set_group(const struct cr_plan *plan, unsigned int index, pid_t pid);
int cr_rstrt_child_run(const struct cr_plan *plan, unsigned int index);

#endif /* CR_RSTRT_H */
