// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Exclusion hints (libcr.h): the module keeps them with the caller's
 * address space, so they need no libcr state and no cr_init(); a
 * thread-context callback may set them just before its checkpoint.
 */
#include "cr_lib.h"

static int cri_hint_call(unsigned int op, void *addr, size_t len)
{
	int err = cri_hint(op, addr, len);

	return err < 0 ? cri_fail(-err) : 0;
}

int cr_exclude_memory(void *addr, size_t len)
{
	return cri_hint_call(CR_HINT_EXCLUDE, addr, len);
}

int cr_include_memory(void *addr, size_t len)
{
	return cri_hint_call(CR_HINT_INCLUDE, addr, len);
}
