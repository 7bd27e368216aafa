// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Callbacks: their tables, and cr_checkpoint(), which runs the rest of a
 * group (each callback's cr_checkpoint() calls the next one) and, from
 * the innermost, the group's end in cr_handler.c.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "cr_lib.h"

struct cri_cb_table cri_thread_cbs;	/* under cri_lock() */
struct cr_checkpoint_info cri_chkpt_info;
static struct cr_restart_info cri_rstrt_info = { 0, "" };
static _Atomic(cr_hook_fn_t) cri_hooks[CR_NUM_HOOKS];

static int cri_table_add(struct cri_cb_table *tab, cr_callback_t func,
			 void *arg)
{
	struct cri_cb *cb = tab->cb;
	int cap = tab->cap ? 2 * tab->cap : 8;

	if (tab->n >= CR_MAX_CALLBACKS)
		return cri_fail(ENOSPC);
	if (tab->n == tab->cap) {
		cb = realloc(cb, cap * sizeof(*cb));
		if (!cb)
			return cri_fail(ENOMEM);
		tab->cb = cb;
		tab->cap = cap;
	}
	tab->cb[tab->n] = (struct cri_cb){ func, arg };
	return tab->n++;
}

static int cri_table_set(struct cri_cb_table *tab, int id,
			 cr_callback_t func, void *arg)
{
	if (id < 0 || id >= tab->n)
		return cri_fail(EINVAL);
	tab->cb[id] = (struct cri_cb){ func, arg };
	return 0;
}

/* The context in flags: exactly one of the two. */
static int cri_context(int flags)
{
	int ctx = flags & (CR_THREAD_CONTEXT | CR_SIGNAL_CONTEXT);

	if (ctx == CR_THREAD_CONTEXT || ctx == CR_SIGNAL_CONTEXT)
		return ctx;
	return cri_fail(EINVAL);
}

/*
 * Applies op to the table of flags' context: the global thread-context
 * one under the lock, or the caller's signal-context one with CR_SIGNUM
 * blocked so that its handler never sees the table half changed.
 */
static int cri_table_op(int flags, int id, cr_callback_t func, void *arg,
			bool add)
{
	struct cri_thread *t = cri_need_init();
	sigset_t sig, old;
	int ctx = cri_context(flags);
	int r;

	if (!t || ctx < 0)
		return -1;
	if (cri_chain)
		return cri_fail(EBUSY);
	if (ctx == CR_THREAD_CONTEXT) {
		cri_lock();
		r = add ? cri_table_add(&cri_thread_cbs, func, arg) :
			  cri_table_set(&cri_thread_cbs, id, func, arg);
		cri_unlock();
		return r;
	}
	sigemptyset(&sig);
	sigaddset(&sig, CR_SIGNUM);
	pthread_sigmask(SIG_BLOCK, &sig, &old);
	r = add ? cri_table_add(&t->sig, func, arg) :
		  cri_table_set(&t->sig, id, func, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

cr_callback_id_t cr_register_callback(cr_callback_t func, void *arg,
				      int flags)
{
	if (!func)
		return cri_fail(EINVAL);
	return cri_table_op(flags, 0, func, arg, true);
}

int cr_replace_callback(cr_callback_id_t id, cr_callback_t func, void *arg,
			int flags)
{
	return cri_table_op(flags, id, func, arg, false);
}

static struct cri_cb *cri_chain_cb(struct cri_chain *c, int pos)
{
	return &c->tab->cb[c->lifo ? c->n - 1 - pos : pos];
}

/*
 * The thread-context table may grow in another thread while its group
 * runs: each access takes the lock, never held across a callback (which
 * may fork() or call libcr).  A thread's own table needs none.
 */
static void cri_chain_lock(struct cri_chain *c)
{
	if (c->tab == &cri_thread_cbs)
		cri_lock();
}

static void cri_chain_unlock(struct cri_chain *c)
{
	if (c->tab == &cri_thread_cbs)
		cri_unlock();
}

static struct cri_cb cri_chain_get(struct cri_chain *c, int pos)
{
	struct cri_cb cb;

	cri_chain_lock(c);
	cb = *cri_chain_cb(c, pos);
	cri_chain_unlock(c);
	return cb;
}

int cr_replace_self(cr_callback_t func, void *arg, int flags)
{
	struct cri_chain *c = cri_chain;
	int ctx = cri_context(flags);

	if (!c)
		return cri_fail(CR_ENOTCB);
	if (ctx < 0 || (ctx == CR_SIGNAL_CONTEXT) != c->lifo)
		return cri_fail(EINVAL);
	cri_chain_lock(c);
	*cri_chain_cb(c, c->cur) = (struct cri_cb){ func, arg };
	cri_chain_unlock(c);
	return 0;
}

/* The errno a failure flag stands for; 0 for READY. */
int cri_checkpoint_errno(int flags)
{
	int code = (unsigned int)flags >> 16;

	if (flags & CR_CHECKPOINT_PERM_FAILURE)
		return code ? code : CR_EPERMFAIL;
	if (flags & CR_CHECKPOINT_TEMP_FAILURE)
		return code ? code : CR_ETEMPFAIL;
	return flags & CR_CHECKPOINT_OMIT ? CR_EOMITTED : 0;
}

static int cri_chain_call(struct cri_chain *c, int pos);

/* Runs the callbacks after the current one, or ends the group. */
static int cri_chain_next(struct cri_chain *c, int flags)
{
	int pos;

	c->called = true;
	if (!(flags & CR_CHECKPOINT_ABORT_MASK))
		for (pos = c->cur + 1; pos < c->n; pos++)
			if (cri_chain_get(c, pos).func)
				return cri_chain_call(c, pos);
	c->result = c->end(flags);
	c->done = true;
	return c->result;
}

static int cri_chain_call(struct cri_chain *c, int pos)
{
	struct cri_cb cb = cri_chain_get(c, pos);
	int outer = c->cur;
	int ret;

	c->cur = pos;
	c->called = false;
	ret = cb.func(cb.arg);
	if (!c->called)
		cri_chain_next(c, ret ? CR_CHECKPOINT_PERM_FAILURE : 0);
	c->cur = outer;
	return c->result;
}

/* Runs a group of callbacks in the calling thread; returns its result. */
int cri_chain_run(struct cri_chain *c)
{
	cri_chain_lock(c);
	c->n = c->tab->n;
	cri_chain_unlock(c);
	c->cur = -1;
	cri_chain = c;
	cri_chain_next(c, 0);
	cri_chain = NULL;
	return c->result;
}

int cr_checkpoint(int flags)
{
	struct cri_chain *c = cri_chain;

	if (!c || c->called)
		return -CR_ENOTCB;
	return cri_chain_next(c, flags);
}

const struct cr_checkpoint_info *cr_get_checkpoint_info(void)
{
	if (!cri_chain || cri_chain->done) {
		errno = CR_ENOTCB;
		return NULL;
	}
	return &cri_chkpt_info;
}

const struct cr_restart_info *cr_get_restart_info(void)
{
	if (!cri_chain || !cri_chain->done || cri_chain->result <= 0) {
		errno = CR_ENOTCB;
		return NULL;
	}
	return &cri_rstrt_info;
}

cr_hook_fn_t cr_register_hook(cr_hook_event_t event, cr_hook_fn_t hook_fn)
{
	if (cri_token < 0) {
		errno = CR_ENOINIT;
		return CR_HOOK_FN_ERROR;
	}
	if ((unsigned int)event >= CR_NUM_HOOKS || hook_fn == CR_HOOK_FN_ERROR) {
		errno = EINVAL;
		return CR_HOOK_FN_ERROR;
	}
	return atomic_exchange(&cri_hooks[event], hook_fn);
}

/* A forked child starts with no callbacks and no hooks. */
void cri_callbacks_fork_child(void)
{
	int ev;

	cri_thread_cbs = (struct cri_cb_table){ 0 };
	for (ev = 0; ev < CR_NUM_HOOKS; ev++)
		atomic_store(&cri_hooks[ev], NULL);
}

/* After a group: cont's hook when it went on, its RSTRT twin if restarted. */
void cri_run_hook(cr_hook_event_t cont, int result)
{
	cr_hook_event_t ev = cont + (result > 0 ?
		CR_HOOK_RSTRT_SIGNAL_CONTEXT - CR_HOOK_CONT_SIGNAL_CONTEXT : 0);
	cr_hook_fn_t fn;

	if (result < 0)
		return;
	fn = atomic_load(&cri_hooks[ev]);
	if (fn)
		fn(ev);
}
