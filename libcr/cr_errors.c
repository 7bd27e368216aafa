// SPDX-License-Identifier: LGPL-2.1-or-later
/* cr_strerror(), in libcr_core: the tools print the CR_E* codes too. */
#include <string.h>

#include "libcr.h"

/* The module returns these itself: cr_abi.h's CR_ABI_EPTRACED, ... */
_Static_assert(CR_EPTRACED == 2360 && CR_EPTRACER == 2361,
	       "BLCR's values, as cr_abi.h has them");

static const char *const cri_errors[] = {
	[CR_ETEMPFAIL - CR_ETEMPFAIL] =
		"Checkpoint cancelled by a callback, try again later",
	[CR_EPERMFAIL - CR_ETEMPFAIL] =
		"Checkpoint cancelled by a callback for good",
	[CR_ENOSUPPORT - CR_ETEMPFAIL] =
		"Checkpoint support missing from a process",
	[CR_EVERSION - CR_ETEMPFAIL] =
		"Kernel interface version not supported",
	[CR_EOMITTED - CR_ETEMPFAIL] =
		"Process left out of the checkpoint by a callback",
	[CR_EBADARCH - CR_ETEMPFAIL] =
		"Context file is for another architecture",
	[CR_EPTRACED - CR_ETEMPFAIL] = "A target process is being traced",
	[CR_EPTRACER - CR_ETEMPFAIL] = "A target process is tracing another",
	[CR_ERSTRTABRT - CR_ETEMPFAIL] = "Restart aborted",
	[CR_ERESTARTED - CR_ETEMPFAIL] =
		"Request is not valid across a restart",
	[CR_ENOTCB - CR_ETEMPFAIL] = "Only valid inside a checkpoint callback",
	[CR_ENOINIT - CR_ETEMPFAIL] = "The thread has not called cr_init()",
};

const char *cr_strerror(int errnum)
{
	if (errnum > CR_MIN_ERRCODE && errnum < CR_MAX_ERRCODE)
		return cri_errors[errnum - CR_ETEMPFAIL];
	return strerror(errnum);
}
