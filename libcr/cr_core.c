// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Process and thread state: cr_init(), the registry of threads that called
 * it, their client ids, hold flags (cr_hold_ctrl()) and persistence
 * counts, cr_status().
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "cr_lib.h"

int cri_token = -1;
__thread struct cri_thread *cri_self;
__thread struct cri_chain *cri_chain;
struct cri_thread *cri_threads;
atomic_int cri_state;

static pthread_mutex_t cri_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t cri_key;
static atomic_int cri_hold_init = CR_HOLD_BOTH;
static atomic_int cri_hold_uninit = CR_HOLD_BOTH;
static int cri_init_err;		/* cri_init_process() failed */

/* A link anchor, as in BLCR: -u cr_link_me pulls libcr into a link. */
int cr_link_me;

void cri_lock(void)
{
	pthread_mutex_lock(&cri_mutex);
}

void cri_unlock(void)
{
	pthread_mutex_unlock(&cri_mutex);
}

/* Sets errno and returns -1, BLCR's convention. */
int cri_fail(int err)
{
	errno = err;
	return -1;
}

/* The caller's libcr data, or NULL with errno CR_ENOINIT. */
struct cri_thread *cri_need_init(void)
{
	if (!cri_self)
		errno = CR_ENOINIT;
	return cri_self;
}

static void cri_unlink(struct cri_thread *t)
{
	struct cri_thread **p;

	/* A round signals registered threads: none may run while t goes. */
	cri_cs_hold();
	cri_lock();
	for (p = &cri_threads; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	cri_unlock();
	free(t->sig.cb);
	free(t);
	cri_self = NULL;
	cri_cs_release();
}

/* At thread exit, unless cr_inc_persist() asked to keep the data. */
static void cri_thread_exit(void *arg)
{
	struct cri_thread *t = arg;

	t->exiting = true;
	if (!t->persist)
		cri_unlink(t);
}

/*
 * A forked child is not registered, as in BLCR: it drops its parent's
 * token, threads, callbacks and settings; cr_init() there starts afresh.
 * fork() takes no libcr lock, so that callbacks may fork: the dropped
 * data is not freed, another thread may have been changing it.
 */
static void cri_fork_child(void)
{
	pthread_mutex_init(&cri_mutex, NULL);
	if (cri_token >= 0)
		close(cri_token);
	cri_token = -1;
	cri_threads = NULL;
	cri_self = NULL;
	cri_chain = NULL;
	pthread_setspecific(cri_key, NULL);
	atomic_store(&cri_state, CR_STATE_IDLE);
	atomic_store(&cri_hold_init, CR_HOLD_BOTH);
	atomic_store(&cri_hold_uninit, CR_HOLD_BOTH);
	cri_callbacks_fork_child();
	cri_cs_fork_child();
}

static void cri_init_process(void)
{
	cri_init_err = pthread_key_create(&cri_key, cri_thread_exit);
	if (!cri_init_err)
		cri_init_err = pthread_atfork(NULL, NULL, cri_fork_child);
}

/* The token and the libcr thread, under cri_lock(): one per process. */
static int cri_connect(void)
{
	if (cri_token >= 0)
		return 0;
	cri_token = cri_ctrl_open();
	if (cri_token < 0)
		return -1;
	if (!cri_handler_start())
		return 0;
	close(cri_token);
	cri_token = -1;
	return -1;
}

static int cri_register(struct cri_thread *t)
{
	int err = 0;

	cri_lock();
	if (cri_connect()) {
		err = ENOSYS;
	} else {
		pthread_setspecific(cri_key, t);
		t->next = cri_threads;
		cri_threads = t;
		cri_self = t;
	}
	cri_unlock();
	return err;
}

cr_client_id_t cr_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct cri_thread *t;
	int err;

	pthread_once(&once, cri_init_process);
	if (cri_init_err)
		return cri_fail(cri_init_err);
	if (cri_self)
		return cri_self->tid;
	t = calloc(1, sizeof(*t));
	if (!t)
		return cri_fail(ENOMEM);
	t->tid = gettid();
	t->hold = CR_HOLD_DFLT;
	err = cri_register(t);
	if (err) {
		free(t);
		return cri_fail(err);
	}
	return t->tid;
}

int cr_status(void)
{
	if (!cri_chain && !cri_need_init())
		return -1;
	return atomic_load(&cri_state);
}

static atomic_int *cri_hold_var(int scope)
{
	switch (scope) {
	case CR_HOLD_SCOPE_THREAD:
		return cri_self ? &cri_self->hold : NULL;
	case CR_HOLD_SCOPE_INIT:
		return &cri_hold_init;
	case CR_HOLD_SCOPE_UNINIT:
		return &cri_hold_uninit;
	}
	return NULL;
}

/* The hold barrier that applies to t, or to a thread without cr_init(). */
int cri_hold_flags(struct cri_thread *t)
{
	int flags;

	if (!t)
		return atomic_load(&cri_hold_uninit);
	flags = atomic_load(&t->hold);
	return flags == CR_HOLD_DFLT ? atomic_load(&cri_hold_init) : flags;
}

/* Read by each thread as it ends its part in a checkpoint (cr_handler.c). */
int cr_hold_ctrl(int scope, int flags)
{
	atomic_int *v;

	if (!cri_need_init())
		return -1;
	v = cri_hold_var(scope);
	if (!v)
		return cri_fail(EINVAL);
	if (flags == CR_HOLD_READ)
		return atomic_load(v);
	if ((flags & ~CR_HOLD_BOTH) &&
	    !(scope == CR_HOLD_SCOPE_THREAD && flags == CR_HOLD_DFLT))
		return cri_fail(EINVAL);
	return atomic_exchange(v, flags);
}

int cr_inc_persist(void)
{
	struct cri_thread *t = cri_need_init();

	if (!t)
		return -1;
	if (t->persist == INT_MAX)
		return cri_fail(ERANGE);
	return t->persist++;
}

int cr_dec_persist(void)
{
	struct cri_thread *t = cri_need_init();
	int old;

	if (!t)
		return -1;
	if (!t->persist)
		return cri_fail(ERANGE);
	old = t->persist--;
	if (!t->persist && t->exiting)
		cri_unlink(t);
	return old;
}
