// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process-wide attributes: personality, umask, no_new_privs, credentials
 * (with the securebits) and resource limits.  Restart applies credentials
 * and limits only as far as the restarting user could set them itself.
 * The name is each thread's own (cr_sched.c).
 */
#include <linux/cred.h>
#include <linux/fs_struct.h>
#include <linux/personality.h>
#include <linux/resource.h>
#include <linux/sched/coredump.h>
#include <linux/sched/signal.h>
#include <linux/securebits.h>
#include <linux/slab.h>

#include "cr_compat.h"
#include "cr_internal.h"

/* Ids in the caller's user namespace; supplementary groups follow. */
static struct cr_img_creds *cr_fill_creds(const struct cred *cred,
					  size_t *len)
{
	struct user_namespace *ns = current_user_ns();
	struct group_info *gi = cred->group_info;
	struct cr_img_creds *c;
	int i;

	*len = struct_size(c, groups, gi->ngroups);
	c = kvzalloc(*len, GFP_KERNEL);
	if (!c)
		return NULL;
	c->uid = from_kuid_munged(ns, cred->uid);
	c->euid = from_kuid_munged(ns, cred->euid);
	c->suid = from_kuid_munged(ns, cred->suid);
	c->fsuid = from_kuid_munged(ns, cred->fsuid);
	c->gid = from_kgid_munged(ns, cred->gid);
	c->egid = from_kgid_munged(ns, cred->egid);
	c->sgid = from_kgid_munged(ns, cred->sgid);
	c->fsgid = from_kgid_munged(ns, cred->fsgid);
	c->cap_inheritable = cr_cap_to_u64(cred->cap_inheritable);
	c->cap_permitted = cr_cap_to_u64(cred->cap_permitted);
	c->cap_effective = cr_cap_to_u64(cred->cap_effective);
	c->cap_bset = cr_cap_to_u64(cred->cap_bset);
	c->cap_ambient = cr_cap_to_u64(cred->cap_ambient);
	c->securebits = cred->securebits;
	c->ngroups = gi->ngroups;
	for (i = 0; i < gi->ngroups; i++)
		c->groups[i] = from_kgid_munged(ns, gi->gid[i]);
	return c;
}

static void cr_fill_rlimits(struct cr_img_rlimits *r)
{
	int i;

	BUILD_BUG_ON(RLIM_NLIMITS > CR_NLIMITS);
	memset(r, 0, sizeof(*r));
	task_lock(current->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		r->cur[i] = current->signal->rlim[i].rlim_cur;
		r->max[i] = current->signal->rlim[i].rlim_max;
	}
	task_unlock(current->group_leader);
}

int cr_save_proc(struct cr_stream *s, bool stopped, struct cr_status *st)
{
	struct cr_img_proc p;
	struct cr_img_creds *c;
	struct cr_img_rlimits r;
	size_t clen;
	int err;

	memset(&p, 0, sizeof(p));
	p.pid = task_tgid_vnr(current);
	p.nthreads = get_nr_threads(current);
	p.personality = current->personality;
	p.umask = current->fs->umask;
	p.exit_signal = current->group_leader->exit_signal;
	if (task_no_new_privs(current))
		p.flags |= CR_PROCF_NO_NEW_PRIVS;
	if (get_dumpable(current->mm) == SUID_DUMP_USER)
		p.flags |= CR_PROCF_DUMPABLE;
	if (stopped)
		p.flags |= CR_PROCF_STOPPED;
	if (current->signal->is_child_subreaper)
		p.flags |= CR_PROCF_SUBREAPER;
	if (current->signal->has_child_subreaper)
		p.flags |= CR_PROCF_HAS_SUBREAPER;
	c = cr_fill_creds(current_cred(), &clen);
	if (!c)
		return -ENOMEM;
	cr_fill_rlimits(&r);
	err = cr_write_rec(s, CR_REC_PROC, &p, sizeof(p));
	if (!err)
		err = cr_write_rec(s, CR_REC_CREDS, c, clen);
	if (!err)
		err = cr_write_rec(s, CR_REC_RLIMITS, &r, sizeof(r));
	kvfree(c);
	return err;
}

static int cr_check_proc_rec(const struct cr_img_proc *p)
{
	if (p->umask & ~0777 || p->flags & ~(CR_PROCF_NO_NEW_PRIVS |
					       CR_PROCF_DUMPABLE |
					       CR_PROCF_STOPPED |
					       CR_PROCF_SUBREAPER |
					       CR_PROCF_HAS_SUBREAPER) ||
	    p->exit_signal >= _NSIG)
		return -EBADMSG;
	return 0;
}

static void cr_load_proc(const struct cr_img_proc *p)
{
	current->personality = p->personality;
	current->fs->umask = p->umask;
	/* no_new_privs can only be turned on, never off. */
	if (p->flags & CR_PROCF_NO_NEW_PRIVS)
		task_set_no_new_privs(current);
	/*
	 * Its children are already forked: they learn of a subreaper above
	 * them from their own record, not from fork.
	 */
	current->signal->is_child_subreaper = !!(p->flags & CR_PROCF_SUBREAPER);
	current->signal->has_child_subreaper |=
		!!(p->flags & (CR_PROCF_SUBREAPER | CR_PROCF_HAS_SUBREAPER));
}

/* After the credentials, whose change resets it. */
void cr_load_dumpable(u32 flags)
{
	set_mask_bits(&current->mm->flags, MMF_DUMPABLE_MASK,
		      flags & CR_PROCF_DUMPABLE ? SUID_DUMP_USER :
						  SUID_DUMP_DISABLE);
}

static bool cr_same_ids(const struct cr_img_creds *a,
			const struct cr_img_creds *b)
{
	return !memcmp(a, b, offsetof(struct cr_img_creds, cap_inheritable));
}

/* The saved ids, groups and capabilities, as far as the caller has them. */
static int cr_apply_creds(struct cred *new, const struct cr_img_creds *c,
			  bool set_ids)
{
	struct user_namespace *ns = current_user_ns();
	struct group_info *gi;
	const u32 *id = &c->uid;
	kuid_t uid[4];
	kgid_t gid[4];
	u32 i;

	for (i = 0; i < 4; i++) {
		uid[i] = make_kuid(ns, id[i]);
		gid[i] = make_kgid(ns, id[i + 4]);
		if (!uid_valid(uid[i]) || !gid_valid(gid[i]))
			return -EINVAL;
	}
	if (set_ids) {
		gi = groups_alloc(c->ngroups);
		if (!gi)
			return -ENOMEM;
		for (i = 0; i < c->ngroups; i++) {
			gi->gid[i] = make_kgid(ns, c->groups[i]);
			if (!gid_valid(gi->gid[i])) {
				put_group_info(gi);
				return -EINVAL;
			}
		}
		groups_sort(gi);
		set_groups(new, gi);
		put_group_info(gi);
		new->uid = uid[0];
		new->euid = uid[1];
		new->suid = uid[2];
		new->fsuid = uid[3];
		new->gid = gid[0];
		new->egid = gid[1];
		new->sgid = gid[2];
		new->fsgid = gid[3];
	}
	new->securebits = c->securebits;
	new->cap_inheritable = cap_intersect(new->cap_inheritable,
			cr_u64_to_cap(c->cap_inheritable));
	new->cap_permitted = cap_intersect(new->cap_permitted,
			cr_u64_to_cap(c->cap_permitted));
	new->cap_effective = cap_intersect(new->cap_permitted,
			cr_u64_to_cap(c->cap_effective));
	new->cap_bset = cap_intersect(new->cap_bset, cr_u64_to_cap(c->cap_bset));
	new->cap_ambient = cap_intersect(cap_intersect(new->cap_ambient,
			cr_u64_to_cap(c->cap_ambient)),
			cap_intersect(new->cap_permitted, new->cap_inheritable));
	return 0;
}

/* Indexed by bit number (linux/securebits.h), for messages. */
static const char *const cr_secbit_names[] = {
	"noroot", "noroot_locked", "no_setuid_fixup",
	"no_setuid_fixup_locked", "keep_caps", "keep_caps_locked",
	"no_cap_ambient_raise", "no_cap_ambient_raise_locked",
};

/*
 * Securebits as prctl() would let the caller change its own: a bit the
 * caller has locked stays as it is, as does a lock; keep_caps is anyone's
 * (PR_SET_KEEPCAPS), any other change needs CAP_SETPCAP.  Unlike a
 * capability the caller lacks (dropped), a bit it may not change refuses
 * the restart, naming it, as a resource limit does: most bits take rights
 * away, and the job must not run on silently without them.
 */
static int cr_check_securebits(u32 mine, u32 want, struct cr_status *st)
{
	u32 locks = mine & SECURE_ALL_LOCKS;
	u32 bad = (mine ^ want) & (locks | locks >> 1);
	const char *why = "locked by the caller";

	if (!bad && !ns_capable(current_user_ns(), CAP_SETPCAP)) {
		bad = (mine ^ want) & ~issecure_mask(SECURE_KEEP_CAPS);
		why = "needs CAP_SETPCAP";
	}
	if (!bad)
		return 0;
	return cr_fail(st, -EPERM, "securebit %s (securebits %#x, the caller's %#x): %s",
		       cr_secbit_names[__ffs(bad)], want, mine, why);
}

/*
 * The process runs with the restarting user's credentials.  A file saved
 * under other ids is refused unless the caller may change ids; then (e.g.
 * root restarting a user's job) the saved ids and groups are applied.
 * Capabilities are the saved ones the caller also has: never more.
 * Securebits are the saved ones, if the caller may set them.
 * Returns whether ids and groups are to be set, or -errno.
 */
static int cr_check_creds(const struct cr_img_creds *c, struct cr_status *st)
{
	struct user_namespace *ns = current_user_ns();
	bool privileged = ns_capable(ns, CAP_SETUID) &&
			  ns_capable(ns, CAP_SETGID);
	struct cr_img_creds *mine;
	bool same_ids, same_groups;
	size_t len;
	int err;

	mine = cr_fill_creds(current_cred(), &len);
	if (!mine)
		return -ENOMEM;
	same_ids = cr_same_ids(mine, c);
	same_groups = mine->ngroups == c->ngroups &&
		      !memcmp(mine->groups, c->groups, c->ngroups * sizeof(u32));
	kvfree(mine);
	if (!same_ids && !privileged)
		return cr_fail(st, -EPERM,
			       "the context file belongs to uid %u gid %u",
			       c->uid, c->gid);
	err = cr_check_securebits(current_cred()->securebits, c->securebits,
				  st);
	if (err)
		return err;
	return privileged && !(same_ids && same_groups);
}

/* Last step of a process's restart: files were opened as the caller. */
int cr_restore_creds(struct cr_img_creds *c, struct cr_status *st)
{
	struct cred *new;
	int set_ids, err;

	set_ids = cr_check_creds(c, st);
	if (set_ids < 0)
		return set_ids;
	new = prepare_creds();
	if (!new)
		return -ENOMEM;
	err = cr_apply_creds(new, c, set_ids);
	if (err) {
		abort_creds(new);
		return cr_fail(st, err, "bad ids in the context file");
	}
	return commit_creds(new);
}

static int cr_load_rlimits(const struct cr_img_rlimits *r,
			   struct cr_status *st)
{
	struct rlimit *rlim = current->signal->rlim;
	bool may_raise = capable(CAP_SYS_RESOURCE);
	int i;

	for (i = 0; i < RLIM_NLIMITS; i++) {
		if (r->cur[i] > r->max[i])
			return cr_fail(st, -EBADMSG, "bad resource limit");
		if (r->max[i] > rlim[i].rlim_max && !may_raise)
			return cr_fail(st, -EPERM,
				       "resource limit %d above this user's", i);
	}
	task_lock(current->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		rlim[i].rlim_cur = r->cur[i];
		rlim[i].rlim_max = r->max[i];
	}
	task_unlock(current->group_leader);
	return 0;
}

/* Applies the process record; the credentials come last, through *credp. */
int cr_restore_proc(struct cr_stream *s, struct cr_img_creds **credp,
		    u32 *flags, struct cr_status *st)
{
	struct cr_img_proc p;
	struct cr_img_creds *c = NULL;
	struct cr_img_rlimits r;
	size_t clen;
	int err;

	err = cr_read_fixed(s, CR_REC_PROC, &p, sizeof(p));
	if (!err)
		err = cr_check_proc_rec(&p);
	if (!err) {
		c = cr_read_rec(s, CR_REC_CREDS, sizeof(*c),
				struct_size(c, groups, CR_MAX_GROUPS), &clen);
		err = PTR_ERR_OR_ZERO(c);
		if (err)
			c = NULL;
		else if (c->securebits & ~(SECURE_ALL_BITS | SECURE_ALL_LOCKS) ||
			 clen != struct_size(c, groups, c->ngroups))
			err = -EBADMSG;
	}
	if (!err)
		err = cr_read_fixed(s, CR_REC_RLIMITS, &r, sizeof(r));
	if (err) {
		kvfree(c);
		return cr_fail(st, err, "bad process record");
	}
	/* Refuse before anything of the caller's process is torn down. */
	err = cr_check_creds(c, st);
	if (err >= 0)
		err = cr_load_rlimits(&r, st);
	if (err < 0) {
		kvfree(c);
		return err;
	}
	cr_load_proc(&p);
	*credp = c;
	*flags = p.flags;
	return 0;
}
