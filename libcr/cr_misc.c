// SPDX-License-Identifier: LGPL-2.1-or-later
/* Spinlocks and cr_strerror(): no state, no kernel. */
#include <string.h>

#include "cr_lib.h"

void cr_spinlock_init(cr_spinlock_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

int cr_spinlock_trylock(cr_spinlock_t *lock)
{
	return !__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE);
}

void cr_spinlock_lock(cr_spinlock_t *lock)
{
	/* Spin on plain loads: the exchange would bounce the cache line. */
	while (!cr_spinlock_trylock(lock))
		while (__atomic_load_n(lock, __ATOMIC_RELAXED))
			;
}

void cr_spinlock_unlock(cr_spinlock_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

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
