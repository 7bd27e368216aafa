// SPDX-License-Identifier: LGPL-2.1-or-later
/* Spinlocks: no state, no kernel. */
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
