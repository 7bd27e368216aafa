/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr_checkpoint --live, the requester's side: which processes the
 * checkpoint covers, and the pre-copy of their memory written while they
 * run (include/blcr/cr_image.h, PRECOPY), which the module's image then
 * refers to for every page not soft-dirty since (CR_OP_CHKPT_LIVE).
 */
#ifndef CR_LIVE_H
#define CR_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <blcr/cr_abi.h>

/*
 * The processes a checkpoint of scope (CR_ABI_SCOPE_*) and target would
 * cover, as /proc shows them now: *procs malloc'd, pids only (start 0).
 * TREE: target and all its descendants (each thread's children, or the
 * parent pids of every process where the kernel lacks those files);
 * PROC: target alone; PGRP, SESS: every process whose process group or
 * session is target.  The caller is left out, as the module leaves out
 * the requester (CR_ABI_CHKPT_OMIT_REQUESTER).  0, or -1 with why (e.g.
 * "no such process 123").
 */
int cr_live_scope(unsigned int scope, pid_t target,
		  struct cr_live_proc **procs, unsigned int *n, char *why,
		  size_t why_len);

/*
 * For procs[0..*n): records each one's start time, has the module watch
 * them (CR_OP_LIVE_WATCH), then clears the soft-dirty bits of all, then
 * writes their memory as a pre-copy image to fd (from its offset, never
 * seeking: it may be a pipe), padded with zeros to a multiple of
 * CR_PAGE_ALIGN bytes.  A process found gone (or a zombie) before the
 * image begins is dropped from procs, order kept; one gone later keeps
 * its PROC record, with what was read of it.  0 with *watch, the watch's
 * fd for CR_OP_CHKPT_LIVE, *ident, the image's identity, *time_ns, its
 * HEADER's, and *bytes, what was written; or -1 with why (naming the pid
 * and file), also when no process is left.
 */
int cr_live_precopy(int fd, struct cr_live_proc *procs, unsigned int *n,
		    int *watch, uint64_t *ident, uint64_t *time_ns,
		    uint64_t *bytes, char *why, size_t why_len);

#endif /* CR_LIVE_H */
