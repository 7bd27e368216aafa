/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cr_restart --omit-*, on libcr.h's callbacks. */
#ifndef CR_RSTRT_OMIT_H
#define CR_RSTRT_OMIT_H

/* --omit-maybe (the default), --omit-always, --omit-never. */
enum cr_omit { CR_OMIT_MAYBE, CR_OMIT_ALWAYS, CR_OMIT_NEVER };

void cr_rstrt_omit_start(enum cr_omit mode);

#endif /* CR_RSTRT_OMIT_H */
