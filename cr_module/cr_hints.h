/* SPDX-License-Identifier: GPL-2.0-only */
/* cr_hints.c: the ranges a process asked not to be saved. */
#ifndef CR_HINTS_H
#define CR_HINTS_H

#include <linux/mm_types.h>

long cr_hint_ioctl(void __user *uarg);
unsigned long cr_hints_skip(struct mm_struct *mm, unsigned long addr,
			    unsigned long end, unsigned long *stop);
void cr_hints_exit(void);

#endif /* CR_HINTS_H */
