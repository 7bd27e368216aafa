// SPDX-License-Identifier: GPL-2.0-only
/*
 * The descriptor table.  Regular files, directories and memory devices
 * are reopened by path at restart with the restarting user's rights, at
 * the same number, flags and offset; descriptors that shared an open file
 * share one again.  A terminal, pipe or socket on 0-2 is replaced by the
 * restarter's own descriptor of that number.  Anything else is refused at
 * checkpoint time, before anything is written.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/major.h>
#include <linux/slab.h>

#include "cr_internal.h"

#define CR_FD_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECT | \
		     O_NOATIME | O_LARGEFILE | O_DSYNC | __O_SYNC | \
		     O_DIRECTORY | O_PATH)

/* Bounds what a FILES record may make the restarter allocate. */
#define CR_FILES_MAX_LEN	(64 << 20)

struct cr_fd_slot {
	struct file *file;
	unsigned int fd;
	bool cloexec;
};

struct cr_fd_list {
	struct cr_fd_slot *slots;
	unsigned int n, cap;
};

static int cr_count_fd(const void *p, struct file *f, unsigned int fd)
{
	(*(unsigned int *)p)++;
	return 0;
}

/* Called under files->file_lock: takes a reference, nothing that sleeps. */
static int cr_take_fd(const void *p, struct file *f, unsigned int fd)
{
	struct cr_fd_list *l = (struct cr_fd_list *)p;

	if (l->n == l->cap)
		return 1;
	l->slots[l->n].file = get_file(f);
	l->slots[l->n].fd = fd;
	l->slots[l->n].cloexec =
		test_bit(fd, files_fdtable(current->files)->close_on_exec);
	l->n++;
	return 0;
}

static void cr_fd_list_free(struct cr_fd_list *l)
{
	while (l->n)
		fput(l->slots[--l->n].file);
	kvfree(l->slots);
}

static int cr_fd_kind(struct file *f, unsigned int fd)
{
	struct inode *inode = file_inode(f);
	umode_t mode = inode->i_mode;

	if (S_ISREG(mode) || S_ISDIR(mode))
		return d_unlinked(f->f_path.dentry) ? -EOPNOTSUPP : CR_FD_REG;
	if (S_ISCHR(mode) && imajor(inode) == MEM_MAJOR)
		return CR_FD_REG;
	if (fd <= 2 && (S_ISCHR(mode) || S_ISFIFO(mode) || S_ISSOCK(mode)))
		return CR_FD_INHERIT;
	return -EOPNOTSUPP;
}

static int cr_collect_fds(struct cr_fd_list *l, struct cr_status *st)
{
	unsigned int count = 0, i;

	iterate_fd(current->files, 0, cr_count_fd, &count);
	if (count > CR_MAX_FDS)
		return cr_fail(st, -E2BIG, "too many open files");
	l->n = 0;
	l->cap = count;
	l->slots = kvcalloc(max(count, 1U), sizeof(*l->slots), GFP_KERNEL);
	if (!l->slots)
		return -ENOMEM;
	if (iterate_fd(current->files, 0, cr_take_fd, l)) {
		cr_fd_list_free(l);
		return cr_fail(st, -EAGAIN, "files opened during the checkpoint");
	}
	for (i = 0; i < l->n; i++) {
		if (cr_fd_kind(l->slots[i].file, l->slots[i].fd) < 0) {
			cr_fail(st, -EOPNOTSUPP,
				"pid %d fd %u: unsupported kind of file",
				task_tgid_vnr(current), l->slots[i].fd);
			cr_fd_list_free(l);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/*
 * Refuses what cannot be saved, before anything is written, and notes the
 * pipes and sockets on fds 0-2 so that the caller can refuse those that
 * connect two processes of the checkpoint.
 */
int cr_check_files(struct inode **std, struct cr_status *st)
{
	struct cr_fd_list l;
	unsigned int i;
	int err = cr_collect_fds(&l, st);

	if (err)
		return err;
	for (i = 0; i < l.n; i++) {
		struct inode *inode = file_inode(l.slots[i].file);

		if (l.slots[i].fd <= 2 && !S_ISCHR(inode->i_mode) &&
		    cr_fd_kind(l.slots[i].file, l.slots[i].fd) == CR_FD_INHERIT)
			std[l.slots[i].fd] = inode;
	}
	cr_fd_list_free(&l);
	return 0;
}

static unsigned int cr_shared_with(struct cr_fd_list *l, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (l->slots[j].file == l->slots[i].file)
			return j + 1;
	return 0;
}

/* Appends one entry at *pos of buf; returns its size or -errno. */
static int cr_fill_fd(struct cr_fd_list *l, unsigned int i, char *buf)
{
	struct cr_fd_slot *slot = &l->slots[i];
	struct cr_img_fd *e = (struct cr_img_fd *)buf;
	char *path = buf + sizeof(*e), *p;

	memset(e, 0, sizeof(*e));
	e->fd = slot->fd;
	e->kind = cr_fd_kind(slot->file, slot->fd);
	e->flags = slot->file->f_flags & CR_FD_FLAGS;
	e->cloexec = slot->cloexec;
	e->pos = slot->file->f_pos;
	e->shared_with = cr_shared_with(l, i);
	if (e->kind == CR_FD_REG && !e->shared_with) {
		p = d_path(&slot->file->f_path, path, CR_PATH_MAX);
		if (IS_ERR(p))
			return PTR_ERR(p);
		e->path_len = strlen(p) + 1;
		memmove(path, p, e->path_len);
	}
	return ALIGN(sizeof(*e) + e->path_len, 8);
}

int cr_save_files(struct cr_stream *s, struct cr_status *st)
{
	struct cr_fd_list l;
	struct cr_img_files *h;
	size_t len = sizeof(*h);
	unsigned int i;
	char *buf;
	int err;

	err = cr_collect_fds(&l, st);
	if (err)
		return err;
	buf = kvzalloc(sizeof(*h) + l.n * (sizeof(struct cr_img_fd) +
					   CR_PATH_MAX + 8), GFP_KERNEL);
	err = -ENOMEM;
	if (!buf)
		goto out;
	h = (struct cr_img_files *)buf;
	h->nfds = l.n;
	for (i = 0, err = 0; !err && i < l.n; i++) {
		int n = cr_fill_fd(&l, i, buf + len);

		if (n < 0)
			err = cr_fail(st, n, "path of fd %u", l.slots[i].fd);
		else
			len += n;
	}
	if (!err)
		err = cr_write_rec(s, CR_REC_FILES, buf, len);
	kvfree(buf);
out:
	cr_fd_list_free(&l);
	return err;
}

/* ---- restart ---- */

struct cr_fd_new {
	const struct cr_img_fd *e;
	struct file *file;
};

static int cr_check_fd_rec(const struct cr_img_fd *e, size_t room,
			   unsigned int i, int prev_fd, struct cr_fd_new *fds)
{
	const char *path = (const char *)(e + 1);

	if (room < sizeof(*e) || e->path_len > CR_PATH_MAX ||
	    room < sizeof(*e) + e->path_len)
		return -EBADMSG;
	if (e->fd <= prev_fd || e->fd >= rlimit(RLIMIT_NOFILE) ||
	    e->flags & ~CR_FD_FLAGS || e->cloexec > 1 || e->pos < 0)
		return -EBADMSG;
	if (e->shared_with)
		return e->shared_with <= i && !e->path_len &&
		       !fds[e->shared_with - 1].e->shared_with ? 0 : -EBADMSG;
	if (e->kind == CR_FD_INHERIT)
		return e->fd <= 2 && !e->path_len ? 0 : -EBADMSG;
	if (e->kind != CR_FD_REG || e->path_len < 2 ||
	    path[e->path_len - 1] || strlen(path) != e->path_len - 1)
		return -EBADMSG;
	return 0;
}

static int cr_parse_fds(const char *buf, size_t len, struct cr_fd_new *fds,
			unsigned int nfds)
{
	size_t off = sizeof(struct cr_img_files);
	unsigned int i;
	int prev = -1, err;

	for (i = 0; i < nfds; i++) {
		const struct cr_img_fd *e = (const void *)(buf + off);

		if (off > len)
			return -EBADMSG;
		err = cr_check_fd_rec(e, len - off, i, prev, fds);
		if (err)
			return err;
		fds[i].e = e;
		prev = e->fd;
		off += ALIGN(sizeof(*e) + e->path_len, 8);
	}
	return off == len ? 0 : -EBADMSG;
}

static struct file *cr_open_fd(struct cr_fd_new *fds, unsigned int i,
			       struct cr_status *st)
{
	const struct cr_img_fd *e = fds[i].e;
	const char *path = (const char *)(e + 1);
	struct file *f;
	loff_t pos;

	if (e->shared_with)
		return get_file(fds[e->shared_with - 1].file);
	if (e->kind == CR_FD_INHERIT) {
		f = fget(e->fd);
		return f ? f : ERR_PTR(-EBADF);
	}
	f = filp_open(path, e->flags, 0);
	if (IS_ERR(f)) {
		cr_fail(st, PTR_ERR(f), "cannot reopen %s for fd %d", path,
			e->fd);
		return f;
	}
	if (e->pos && (f->f_mode & FMODE_LSEEK)) {
		pos = vfs_llseek(f, e->pos, SEEK_SET);
		if (pos != e->pos) {
			fput(f);
			cr_fail(st, -EIO, "cannot seek %s to %lld", path, e->pos);
			return ERR_PTR(-EIO);
		}
	}
	return f;
}

static int cr_max_fd(const void *p, struct file *f, unsigned int fd)
{
	*(unsigned int *)p = fd + 1;
	return 0;
}

/* Reserves every number below end, in order, in an empty table. */
static int cr_reserve_fds(struct cr_fd_new *fds, unsigned int end)
{
	unsigned int fd, i = 0;
	int n;

	for (fd = 0; fd < end; fd++) {
		bool cloexec = fds[i].e->fd == fd && fds[i].e->cloexec;

		n = get_unused_fd_flags(cloexec ? O_CLOEXEC : 0);
		if (n != fd) {
			if (n >= 0)
				put_unused_fd(n);
			while (fd--)
				put_unused_fd(fd);
			return n < 0 ? n : -EBUSY;
		}
		if (fds[i].e->fd == fd)
			i++;
	}
	return 0;
}

/* Empties the table, then fills it with the new files at their numbers. */
static int cr_install_fds(struct cr_fd_new *fds, unsigned int nfds)
{
	unsigned int end = 0, fd, i = 0;
	int err;

	iterate_fd(current->files, 0, cr_max_fd, &end);
	for (fd = 0; fd < end; fd++)
		close_fd(fd);
	if (!nfds)
		return 0;
	end = fds[nfds - 1].e->fd + 1;
	err = cr_reserve_fds(fds, end);
	if (err)
		return err;
	for (fd = 0; fd < end; fd++) {
		if (fds[i].e->fd == fd) {
			fd_install(fd, fds[i].file);
			fds[i++].file = NULL;
		} else {
			put_unused_fd(fd);
		}
	}
	return 0;
}

int cr_restore_files(struct cr_stream *s, struct cr_status *st)
{
	const struct cr_img_files *h;
	struct cr_fd_new *fds = NULL;
	unsigned int i;
	size_t len;
	int err;

	h = cr_read_rec(s, CR_REC_FILES, sizeof(*h), CR_FILES_MAX_LEN, &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad file record");
	err = -EBADMSG;
	if (h->nfds > CR_MAX_FDS || h->pad)
		goto out;
	err = -ENOMEM;
	fds = kvcalloc(max(h->nfds, 1U), sizeof(*fds), GFP_KERNEL);
	if (!fds)
		goto out;
	err = cr_parse_fds((const char *)h, len, fds, h->nfds);
	for (i = 0; !err && i < h->nfds; i++) {
		fds[i].file = cr_open_fd(fds, i, st);
		if (IS_ERR(fds[i].file)) {
			err = PTR_ERR(fds[i].file);
			fds[i].file = NULL;
		}
	}
	if (!err)
		err = cr_install_fds(fds, h->nfds);
	for (i = 0; fds && i < h->nfds; i++)
		if (fds[i].file)
			fput(fds[i].file);
out:
	kvfree(fds);
	kvfree(h);
	return err ? cr_fail(st, err, "restoring open files") : 0;
}
