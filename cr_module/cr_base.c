// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bottom layer (cr_base.h): helpers for every part of the module,
 * calling none of them.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/sched/coredump.h>
#include <linux/security.h>
#include <linux/slab.h>

#include "cr_base.h"
#include "cr_compat.h"

/* Records a failure; the first message, the most precise, is kept. */
int cr_fail(struct cr_status *st, int err, const char *fmt, ...)
{
	va_list ap;

	st->result = err;
	if (st->msg[0])
		return err;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	return err;
}

/*
 * One more element of the growing array *arr (n used, cap allocated, at
 * most limit), zeroed.
 */
void *cr_grow(void **arr, unsigned int *n, unsigned int *cap, size_t size,
	      unsigned int limit)
{
	if (*n == limit)
		return ERR_PTR(-E2BIG);
	if (*n == *cap) {
		unsigned int c = max(2 * *cap, 16U);
		char *a = krealloc_array(*arr, c, size, GFP_KERNEL);

		if (!a)
			return ERR_PTR(-ENOMEM);
		memset(a + *cap * size, 0, (c - *cap) * size);
		*arr = a;
		*cap = c;
	}
	return (char *)*arr + (*n)++ * size;
}

/* A path as the context file holds it: absolute, NUL-terminated. */
bool cr_path_ok(const char *path, u32 len)
{
	return len > 1 && len <= CR_PATH_MAX && path[len - 1] == '\0' &&
	       strlen(path) == len - 1 && path[0] == '/';
}

/* The directory name, 0700, unless there is something there already. */
static int cr_mkdir(const char *name)
{
	struct path parent;
	struct dentry *d;
	int err;

	d = kern_path_create(AT_FDCWD, name, &parent, LOOKUP_DIRECTORY);
	if (IS_ERR(d))
		return PTR_ERR(d) == -EEXIST ? 0 : PTR_ERR(d);
	err = security_path_mkdir(&parent, d, 0700);
	if (!err)
		err = cr_vfs_mkdir(&parent, d, 0700);
	done_path_create(&parent, d);
	return err;
}

/*
 * The missing directories above an absolute path, made with the caller's
 * rights: what a restart puts back in a directory that the job, ending,
 * removed (an MPI session directory, say).
 */
int cr_make_parents(const char *path)
{
	char *p = kstrdup(path, GFP_KERNEL), *slash;
	int err = 0;

	if (!p)
		return -ENOMEM;
	for (slash = strchr(p + 1, '/'); !err && slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		err = cr_mkdir(p);
		*slash = '/';
	}
	kfree(p);
	return err;
}

/*
 * Removes the name of f, a file a failed restart made: what it could not
 * fill is not left behind as the file the job had.  Nothing if the name
 * is no longer f's.
 */
void cr_unmake(struct file *f)
{
	struct path parent = { .mnt = f->f_path.mnt };
	/* a reference besides f's, as a lookup's: d stays f's, unhashed */
	struct dentry *d = dget(f->f_path.dentry);

	if (mnt_want_write(parent.mnt))
		goto out;
	parent.dentry = dget_parent(d);
	inode_lock_nested(d_inode(parent.dentry), I_MUTEX_PARENT);
	if (d->d_parent == parent.dentry && !d_unhashed(d) &&
	    !security_path_unlink(&parent, d))
		cr_vfs_unlink(&parent, d);
	inode_unlock(d_inode(parent.dentry));
	dput(parent.dentry);
	mnt_drop_write(parent.mnt);
out:
	dput(d);
}

/* A path at the start of buf (CR_PATH_MAX), and its length with NUL. */
int cr_file_path_of(const struct path *path, char *buf, u32 *len)
{
	char *p = d_path(path, buf, CR_PATH_MAX);

	if (IS_ERR(p))
		return PTR_ERR(p);
	*len = strlen(p) + 1;
	memmove(buf, p, *len);
	return 0;
}

int cr_file_path(struct file *f, char *buf, u32 *len)
{
	return cr_file_path_of(&f->f_path, buf, len);
}

/*
 * What stands in at restart for a file from outside (a terminal, device,
 * or pipe end whose peer is not saved): the restarter's fd of the same
 * number if it passes one on (cr_inherited()), else its own fd 0-2, or
 * for a higher fd its stdin (read ends) or stdout.
 */
void cr_inherit_fd(struct file *f, struct cr_img_fd *e)
{
	e->kind = CR_FD_INHERIT;
	if (e->fd <= 2)
		e->inherit_fd = e->fd;
	else
		e->inherit_fd = f->f_mode & FMODE_READ ? 0 : 1;
}

/*
 * A new reference to a file the restart made once for all its holders
 * (a pipe end, socket, event file), with entry e's O_NONBLOCK.
 */
struct file *cr_shared_file(struct file *f, const struct cr_img_fd *e)
{
	spin_lock(&f->f_lock);
	f->f_flags = (f->f_flags & ~O_NONBLOCK) | (e->flags & O_NONBLOCK);
	spin_unlock(&f->f_lock);
	return get_file(f);
}

/* A reopened file at its saved offset; f is dropped if it cannot be. */
struct file *cr_seek(struct file *f, const struct cr_img_fd *e,
		     struct cr_status *st)
{
	loff_t pos;

	if (!e->pos || !(f->f_mode & FMODE_LSEEK))
		return f;
	pos = vfs_llseek(f, e->pos, SEEK_SET);
	if (pos == e->pos)
		return f;
	fput(f);
	cr_fail(st, -EIO, "cannot seek fd %d to %lld", e->fd, e->pos);
	return ERR_PTR(-EIO);
}

/* Sends all of data on a socket without blocking: -ENOSPC if no room. */
int cr_send_all(struct socket *from, void *data, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec vec;
	int n;

	do {
		vec.iov_base = data;
		vec.iov_len = len;
		n = kernel_sendmsg(from, &msg, &vec, 1, len);
		if (n < 0)
			return n;
		data += n;
		len -= n;
	} while (len && n);
	return len ? -ENOSPC : 0;
}

/* Like ptrace: the same user and a dumpable target, or CAP_SYS_PTRACE. */
bool cr_may_checkpoint(struct task_struct *t)
{
	const struct cred *me = current_cred(), *tc;
	bool ok;

	if (capable(CAP_SYS_PTRACE) || capable(CAP_CHECKPOINT_RESTORE))
		return true;
	rcu_read_lock();
	tc = __task_cred(t);
	ok = uid_eq(me->uid, tc->euid) && uid_eq(me->uid, tc->suid) &&
	     uid_eq(me->uid, tc->uid) && gid_eq(me->gid, tc->egid) &&
	     gid_eq(me->gid, tc->sgid) && gid_eq(me->gid, tc->gid);
	rcu_read_unlock();
	task_lock(t);
	ok = ok && t->mm && get_dumpable(t->mm) == SUID_DUMP_USER;
	task_unlock(t);
	return ok;
}
