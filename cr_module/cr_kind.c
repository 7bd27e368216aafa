// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table of kinds (cr_kind.h), and what the generic code asks of them
 * all: their states, which kind a file, an fd entry, a handover or an
 * epoll watch is.
 */
#include <linux/slab.h>

#include "cr_internal.h"

#define CR_KIND_PTR(id, ops)	[CR_KIND_##id] = &ops,
const struct cr_kind_ops *const cr_kinds[CR_NKINDS] = { CR_KINDS(CR_KIND_PTR) };
#undef CR_KIND_PTR

/*
 * Every kind's state, once per request: by each process of a checkpoint
 * before it notes anything (they do so concurrently), and by a restart
 * before it reads the tables.
 */
int cr_kinds_alloc(struct cr_shared *sh)
{
	unsigned int i;
	int err = 0;

	mutex_lock(&sh->lock);
	for (i = 0; !err && i < CR_NKINDS; i++) {
		if (!cr_kinds[i]->alloc || sh->kind[i].state)
			continue;
		sh->kind[i].state = cr_kinds[i]->alloc();
		if (!sh->kind[i].state)
			err = -ENOMEM;
	}
	mutex_unlock(&sh->lock);
	return err;
}

void cr_kinds_release(struct cr_shared *sh)
{
	unsigned int i;

	for (i = 0; i < CR_NKINDS; i++) {
		if (sh->kind[i].state)
			cr_kinds[i]->release(sh->kind[i].state);
		sh->kind[i].state = NULL;
	}
}

/* The first kind that match() says has key, and its id; or NULL. */
static const struct cr_kind_ops *
cr_kind_find(bool (*match)(const struct cr_kind_ops *k, u32 key), u32 key,
	     unsigned int *id)
{
	unsigned int i;

	for (i = 0; i < CR_NKINDS; i++) {
		if (match(cr_kinds[i], key)) {
			*id = i;
			return cr_kinds[i];
		}
	}
	return NULL;
}

static bool cr_has_fd_kind(const struct cr_kind_ops *k, u32 fd_kind)
{
	return fd_kind && k->fd_kind == fd_kind;
}

static bool cr_has_op(const struct cr_kind_ops *k, u32 op)
{
	return op && k->handover_op == op;
}

static bool cr_has_watch(const struct cr_kind_ops *k, u32 watch_kind)
{
	return watch_kind < 32 && (k->watch_kinds & BIT(watch_kind));
}

/* The kind of the descriptors of fd_kind (CR_FD_*), or NULL. */
const struct cr_kind_ops *cr_kind_of_fd(u32 fd_kind, unsigned int *id)
{
	return cr_kind_find(cr_has_fd_kind, fd_kind, id);
}

/* The kind whose handover is ioctl op, or NULL. */
const struct cr_kind_ops *cr_kind_of_op(unsigned int op, unsigned int *id)
{
	return cr_kind_find(cr_has_op, op, id);
}

/* f's CR_FD_* if a kind has it, 0 if none, or the kind's refusal. */
int cr_kind_classify(struct file *f)
{
	unsigned int i;
	int k;

	for (i = 0; i < CR_NKINDS; i++) {
		k = cr_kinds[i]->classify ? cr_kinds[i]->classify(f) : 0;
		if (k)
			return k;
	}
	return 0;
}

/* An epoll's watch on f, by f's kind: 1 if no kind takes it. */
int cr_kind_watch(struct cr_shared *sh, struct file *f,
		  struct cr_img_watch *w)
{
	unsigned int i;

	for (i = 0; i < CR_NKINDS; i++)
		if (cr_kinds[i]->watch && cr_kinds[i]->classify(f) > 0)
			return cr_kinds[i]->watch(sh, f, w);
	return 1;
}

static const struct cr_kind_ops *cr_kind_of_watch(u32 watch_kind,
						  unsigned int *id)
{
	return cr_kind_find(cr_has_watch, watch_kind, id);
}

/* Whether a watch's kind is a kind's, whose index a table bounds. */
bool cr_kind_watch_known(u32 watch_kind)
{
	unsigned int id;

	return cr_kind_of_watch(watch_kind, &id);
}

/* A watch's index, once every table is read: in its kind's table. */
bool cr_kind_watch_ok(struct cr_shared *sh, const struct cr_img_watch *w)
{
	unsigned int id;

	if (!cr_kind_of_watch(w->kind, &id))
		return true;
	return w->index / (cr_kinds[id]->watch_ends ?: 1) <
	       cr_kind_count(sh, id);
}

/* The entries of kind id's table, 0 once the kind's state is gone. */
u32 cr_kind_count(struct cr_shared *sh, unsigned int id)
{
	if (!sh->kind[id].state || !cr_kinds[id]->count)
		return 0;
	return cr_kinds[id]->count(sh);
}
