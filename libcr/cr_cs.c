// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Critical sections.  One futex word counts the threads inside one, plus
 * CRI_CS_PENDING while a checkpoint waits for them to leave or runs; new
 * entries wait for it to clear.  Only atomics and futex calls, so all of
 * this is async-signal-safe.
 */
#include <errno.h>

#include "cr_lib.h"

#define CRI_CS_PENDING	0x40000000

static atomic_int cri_cs;

/* The caller's data for a critical section call, NULL if it is a no-op. */
static struct cri_thread *cri_cs_thread(cr_client_id_t id, int *err)
{
	*err = 0;
	if (cri_chain || id == CR_ID_CALLBACK)
		return NULL;
	if (!cri_self)
		*err = CR_ENOINIT;
	else if (id != cri_self->tid)
		*err = EINVAL;
	return *err ? NULL : cri_self;
}

/* Counts one more inside unless a checkpoint is pending: 0, or 1. */
static int cri_cs_inc(bool wait)
{
	int v = atomic_load(&cri_cs);

	for (;;) {
		if (!(v & CRI_CS_PENDING)) {
			if (atomic_compare_exchange_weak(&cri_cs, &v, v + 1))
				return 0;
			continue;
		}
		if (!wait)
			return 1;
		cri_futex_wait(&cri_cs, v);
		v = atomic_load(&cri_cs);
	}
}

static void cri_cs_dec(void)
{
	/* The last one out lets a pending checkpoint go. */
	if (atomic_fetch_sub(&cri_cs, 1) == CRI_CS_PENDING + 1)
		cri_futex_wake_all(&cri_cs);
}

/* Enters unless a checkpoint is pending: 0, or 1 with wait set. */
static int cri_cs_try(struct cri_thread *t, bool wait)
{
	if (cri_cs_inc(wait))
		return 1;
	t->cs_depth = 1;
	return 0;
}

static int cri_cs_enter(cr_client_id_t id, bool wait)
{
	struct cri_thread *t;
	int err;

	t = cri_cs_thread(id, &err);
	if (!t)
		return err ? cri_fail(err) : 0;
	if (t->cs_depth) {
		t->cs_depth++;
		return 0;
	}
	return cri_cs_try(t, wait);
}

int cr_enter_cs(cr_client_id_t id)
{
	return cri_cs_enter(id, true);
}

int cr_tryenter_cs(cr_client_id_t id)
{
	return cri_cs_enter(id, false);
}

int cr_leave_cs(cr_client_id_t id)
{
	struct cri_thread *t;
	int err;

	t = cri_cs_thread(id, &err);
	if (!t)
		return err ? cri_fail(err) : 0;
	if (!t->cs_depth)
		return cri_fail(EINVAL);
	if (!--t->cs_depth)
		cri_cs_dec();
	return 0;
}

/*
 * Holds checkpoints off, as a critical section does, once any in progress
 * is over (its signal may come meanwhile): for a thread leaving libcr.
 */
void cri_cs_hold(void)
{
	cri_cs_inc(true);
}

void cri_cs_release(void)
{
	cri_cs_dec();
}

/* In the libcr thread: holds new entries off and waits for the rest. */
void cri_cs_block(void)
{
	int v = atomic_fetch_or(&cri_cs, CRI_CS_PENDING) | CRI_CS_PENDING;

	atomic_store(&cri_state, CR_STATE_PENDING);
	while (v != CRI_CS_PENDING) {
		cri_futex_wait(&cri_cs, v);
		v = atomic_load(&cri_cs);
	}
}

void cri_cs_unblock(void)
{
	atomic_fetch_and(&cri_cs, ~CRI_CS_PENDING);
	cri_futex_wake_all(&cri_cs);
}

/* A forked child has no registered thread, so none inside a section. */
void cri_cs_fork_child(void)
{
	atomic_store(&cri_cs, 0);
}
