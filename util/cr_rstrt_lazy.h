/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cr_restart --lazy: the restarted processes run before their anonymous
 * memory is read; it is filled on first touch, through a userfaultfd of
 * each process, and in the background, from the context file.
 */
#ifndef CR_RSTRT_LAZY_H
#define CR_RSTRT_LAZY_H

#include <stdint.h>
#include <sys/types.h>

struct cr_lazy;

/*
 * Reads the image at img (path for messages) whole: where each PAGES
 * record of every private anonymous mapping (CR_VMA_ANON) of each
 * process lies, and those mappings.  img's offset is left as it was.
 * NULL after saying why on stderr.
 */
struct cr_lazy *cr_lazy_open(int img, const char *path);

/*
 * Process opid of the image, now pid, whose address space's userfaultfd
 * is ufd (taken over): its anonymous mappings with pages in the image
 * are registered for missing faults.  After the module rebuilt it,
 * before it runs.  0, or -errno after saying why.
 */
int cr_lazy_add(struct cr_lazy *lz, int32_t opid, pid_t pid, int ufd);

/* Starts filling: faults first, the rest in the background. */
int cr_lazy_start(struct cr_lazy *lz);

/*
 * Waits until every page is in, and frees lz: 0, or -errno once damaged
 * or missing data had the processes killed (and said why).
 */
int cr_lazy_finish(struct cr_lazy *lz);

/* A restart that failed: frees lz, filling nothing more. */
void cr_lazy_abort(struct cr_lazy *lz);

#endif /* CR_RSTRT_LAZY_H */
