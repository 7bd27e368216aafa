// SPDX-License-Identifier: GPL-2.0-only
/*
 * Relocation, cr_restart --relocate OLD=NEW: a path of the context file
 * that is OLD or lies under it (by whole components) is opened at NEW
 * plus the rest.  This is the one rule for every path a restart opens:
 * open files, mapped files and the executable, FIFOs and cwds (the last
 * two are rewritten here before the restarter sees them).  It only
 * changes a name: the file is then opened with the restarting user's
 * rights, as any other.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "cr_internal.h"

struct cr_reloc_pair {
	char *from, *to;
	size_t from_len, to_len;	/* 0 for "/": the rest keeps its '/' */
};

struct cr_reloc {
	unsigned int n;
	struct cr_reloc_pair pair[CR_RSTRT_MAX_RELOC];
};

void cr_reloc_free(struct cr_reloc *r)
{
	unsigned int i;

	for (i = 0; r && i < r->n; i++) {
		kfree(r->pair[i].from);
		kfree(r->pair[i].to);
	}
	kfree(r);
}

/* One path from the restarter: absolute, no trailing '/' but "/". */
static char *cr_reloc_arg(u64 uptr, size_t *len)
{
	char *p = strndup_user(u64_to_user_ptr(uptr), CR_PATH_MAX);
	size_t n;

	if (IS_ERR(p))
		return p;
	n = strlen(p);
	if (p[0] != '/' || (n > 1 && p[n - 1] == '/')) {
		kfree(p);
		return ERR_PTR(-EINVAL);
	}
	*len = n == 1 ? 0 : n;
	return p;
}

static int cr_reloc_pair(struct cr_reloc_pair *p,
			 const struct cr_rstrt_reloc *u)
{
	p->from = cr_reloc_arg(u->oldpath, &p->from_len);
	if (IS_ERR(p->from))
		return PTR_ERR(p->from);
	p->to = cr_reloc_arg(u->newpath, &p->to_len);
	if (IS_ERR(p->to)) {
		kfree(p->from);
		return PTR_ERR(p->to);
	}
	return 0;
}

/* CR_OP_RSTRT_RELOCATE's table, copied and checked. */
struct cr_reloc *cr_reloc_copy(void __user *uarg, struct cr_status *st)
{
	struct cr_rstrt_reloc u[CR_RSTRT_MAX_RELOC];
	struct cr_rstrt_reloc_args a;
	struct cr_reloc *r;
	unsigned int i;
	int err = 0;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return ERR_PTR(-EFAULT);
	if (a.pad || !a.npairs || a.npairs > CR_RSTRT_MAX_RELOC)
		return ERR_PTR(cr_fail(st, -EINVAL, "bad relocation count %u",
				       a.npairs));
	if (copy_from_user(u, u64_to_user_ptr(a.pairs),
			   a.npairs * sizeof(*u)))
		return ERR_PTR(-EFAULT);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	for (i = 0; !err && i < a.npairs; i++) {
		err = cr_reloc_pair(&r->pair[i], &u[i]);
		if (!err)
			r->n++;
	}
	if (!err)
		return r;
	cr_reloc_free(r);
	if (err == -EFAULT || err == -ENOMEM)
		return ERR_PTR(err);
	return ERR_PTR(cr_fail(st, err,
			       "relocation %u: paths must be absolute, under %u bytes",
			       i, CR_PATH_MAX));
}

/*
 * The path to open for a saved one: NULL when no pair applies, else a
 * new string (to kfree), or an ERR_PTR.
 */
char *cr_relocate(const struct cr_reloc *r, const char *path,
		  struct cr_status *st)
{
	const struct cr_reloc_pair *p;
	const char *rest;
	unsigned int i;
	size_t len;

	for (i = 0; r && i < r->n; i++) {
		p = &r->pair[i];
		rest = path + p->from_len;
		if (!strncmp(path, p->from, p->from_len) &&
		    (*rest == '/' || !*rest))
			break;
	}
	if (!r || i == r->n)
		return NULL;
	len = p->to_len + strlen(rest);
	if (len >= CR_PATH_MAX)
		return ERR_PTR(cr_fail(st, -ENAMETOOLONG,
				       "%s relocated is too long", path));
	if (!len)
		return kstrdup("/", GFP_KERNEL) ?: ERR_PTR(-ENOMEM);
	return kasprintf(GFP_KERNEL, "%.*s%s", (int)p->to_len, p->to, rest) ?:
	       ERR_PTR(-ENOMEM);
}
