// SPDX-License-Identifier: GPL-2.0-only
/*
 * inotify instances: one more kind of event file (cr_evfiles.c), whose
 * watches are saved with the instance.  fdinfo shows each watch's wd,
 * mask and inode (number and device); the inode itself is found among
 * the group's marks, and its path is made from its dentry and a mount
 * of the checkpointed process's /proc/self/mountinfo, then checked by
 * looking it up again.  A watch on a deleted file, or on one that has
 * no such path, is refused.
 *
 * cr_restart adds the watches again, with its user's rights, in order
 * of wd: 6.1 gives out wds cyclically after the last one given, so
 * placeholder watches, added then removed, fill the holes.  Events not
 * read yet are lost.
 */
#include <linux/file.h>
#include <linux/fsnotify_backend.h>
#include <linux/inotify.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "cr_compat.h"
#include "cr_evfiles.h"

#define CR_IN_MASK	(IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK)
#define CR_MOUNTINFO_MAX	(16 << 20)

/* ---- checkpoint ---- */

/* The process's mount table, NUL-terminated, or an ERR_PTR. */
static char *cr_mountinfo(void)
{
	struct file *f = filp_open("/proc/self/mountinfo", O_RDONLY, 0);
	size_t size = PAGE_SIZE, len = 0;
	char *buf, *more;
	loff_t pos = 0;
	ssize_t n = 0;

	if (IS_ERR(f))
		return ERR_CAST(f);
	buf = kvmalloc(size, GFP_KERNEL);
	while (buf) {
		if (len + 1 == size) {
			more = size < CR_MOUNTINFO_MAX ?
			       kvmalloc(size * 2, GFP_KERNEL) : NULL;
			if (more)
				memcpy(more, buf, len);
			kvfree(buf);
			buf = more;
			size *= 2;
			if (!buf)
				break;
		}
		n = kernel_read(f, buf + len, size - 1 - len, &pos);
		if (n <= 0)
			break;
		len += n;
	}
	fput(f);
	if (!buf || n < 0) {
		kvfree(buf);
		return ERR_PTR(buf ? n : -ENOMEM);
	}
	buf[len] = 0;
	return buf;
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void cr_unescape(char *s)
{
	char *d = s;

	for (; *s; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d = (s[1] - '0') << 6 | (s[2] - '0') << 3 |
			     (s[3] - '0');
			s += 3;
		} else {
			*d = *s;
		}
	}
	*d = 0;
}

/* The mount point of one mountinfo line, at mp, if on device dev. */
static bool cr_mount_point(const char *line, dev_t dev, char *mp)
{
	unsigned int major, minor;
	const char *p = line;
	size_t n;
	int i;

	if (sscanf(line, "%*u %*u %u:%u", &major, &minor) != 2 ||
	    MKDEV(major, minor) != dev)
		return false;
	for (i = 0; i < 4 && p; i++) {	/* skip id, parent, dev, root */
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return false;
	n = strcspn(p, " \n");
	if (!n || n >= CR_PATH_MAX)
		return false;
	memcpy(mp, p, n);
	mp[n] = 0;
	cr_unescape(mp);
	return true;
}

/*
 * d's path through the mount at mp, into buf (CR_PATH_MAX), if looking
 * it up finds inode again.
 */
static bool cr_path_through(const char *mp, struct dentry *d, char *buf)
{
	struct path mnt, p, again;
	bool found = false;
	char *s;

	if (kern_path(mp, 0, &mnt))
		return false;
	if (mnt.mnt->mnt_sb != d->d_sb)
		goto out;
	p.mnt = mnt.mnt;
	p.dentry = d;
	s = d_path(&p, buf, CR_PATH_MAX);
	if (IS_ERR(s) || *s != '/' || kern_path(s, 0, &again))
		goto out;
	found = d_inode(again.dentry) == d_inode(d);
	path_put(&again);
	if (found)
		memmove(buf, s, strlen(s) + 1);
out:
	path_put(&mnt);
	return found;
}

/* A path to d's inode in the calling process's view, into buf. */
static int cr_inode_path(struct dentry *d, char *buf)
{
	char *info = cr_mountinfo(), *line, *mp;
	int err = -ENOENT;

	if (IS_ERR(info))
		return PTR_ERR(info);
	mp = kmalloc(CR_PATH_MAX, GFP_KERNEL);
	for (line = info; mp && line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (cr_mount_point(line, d->d_sb->s_dev, mp) &&
		    cr_path_through(mp, d, buf)) {
			err = 0;
			break;
		}
	}
	if (!mp)
		err = -ENOMEM;
	kfree(mp);
	kvfree(info);
	return err;
}

/* The inode a mark of group g is on, by number and device, held. */
static struct inode *cr_marked_inode(struct fsnotify_group *g,
				     unsigned long ino, dev_t dev)
{
	struct fsnotify_mark *mark;
	struct inode *inode, *found = NULL;

	fsnotify_group_lock(g);
	list_for_each_entry(mark, &g->marks_list, g_list) {
		if (mark->connector->type != FSNOTIFY_OBJ_TYPE_INODE)
			continue;
		inode = cr_conn_inode(mark->connector);
		if (inode->i_ino == ino && inode->i_sb->s_dev == dev) {
			found = igrab(inode);
			break;
		}
	}
	fsnotify_group_unlock(g);
	return found;
}

/* The watched file's path, at w->path, or a refusal. */
static int cr_watch_path(struct cr_event *ev, struct cr_watch *w,
			 unsigned long ino, dev_t dev, struct cr_status *st)
{
	struct inode *inode = cr_marked_inode(ev->file->private_data, ino,
					      dev);
	struct dentry *d = inode ? d_find_alias(inode) : NULL;
	int err = 0;

	if (!inode)
		err = cr_fail(st, -EAGAIN,
			      "pid %d fd %u: inotify watch %d changed during the checkpoint",
			      ev->pid, ev->fd, w->img.tfd);
	else if (!inode->i_nlink || (d && d_unlinked(d)))
		err = cr_fail(st, -EOPNOTSUPP,
			      "pid %d fd %u: inotify watch %d is on a deleted file",
			      ev->pid, ev->fd, w->img.tfd);
	if (err)
		goto out;
	w->path = kmalloc(CR_PATH_MAX, GFP_KERNEL);
	err = !w->path ? -ENOMEM : d ? cr_inode_path(d, w->path) : -ENOENT;
	if (err)
		err = cr_fail(st, err == -ENOMEM ? err : -EOPNOTSUPP,
			      "pid %d fd %u: inotify watch %d: no path to the watched file",
			      ev->pid, ev->fd, w->img.tfd);
	else
		w->img.index = strlen(w->path) + 1;
out:
	dput(d);
	iput(inode);
	return err;
}

/* One "inotify wd:" line. */
static int cr_note_iwatch(const char *p, struct cr_event *ev,
			  struct cr_watch *w, struct cr_status *st)
{
	unsigned int wd, mask, sdev;
	unsigned long ino;

	if (sscanf(p, "%x ino:%lx sdev:%x mask:%x", &wd, &ino, &sdev,
		   &mask) != 4 || !wd || wd > INT_MAX || mask & ~CR_IN_MASK)
		return cr_fail(st, -EIO, "pid %d fd %u: cannot read the inotify",
			       ev->pid, ev->fd);
	w->img.tfd = wd;
	w->img.events = mask;
	w->img.kind = CR_WATCH_INOTIFY;
	if (wd > CR_MAX_INOTIFY_WD)
		return cr_fail(st, -EOPNOTSUPP,
			       "pid %d fd %u: inotify watch %u: wds over %u cannot be restored",
			       ev->pid, ev->fd, wd, CR_MAX_INOTIFY_WD);
	return cr_watch_path(ev, w, ino, sdev, st);
}

static int cr_cmp_wd(const void *a, const void *b)
{
	const struct cr_watch *x = a, *y = b;

	return x->img.tfd < y->img.tfd ? -1 : x->img.tfd > y->img.tfd;
}

/* An inotify instance's watches, by increasing wd. */
int cr_note_inotify(struct cr_event *ev, struct cr_status *st)
{
	int err = cr_note_lines(ev, "inotify wd:", cr_note_iwatch, st);

	if (!err)
		sort(ev->watch, ev->img.nwatch, sizeof(*ev->watch), cr_cmp_wd,
		     NULL);
	return err;
}

/* ---- restart ---- */

/* One watch of an inotify instance, after the one with wd prev. */
bool cr_inotify_watch_ok(const struct cr_img_watch *w, s32 prev)
{
	return w->kind == CR_WATCH_INOTIFY && w->tfd > prev &&
	       w->tfd <= CR_MAX_INOTIFY_WD && !(w->events & ~CR_IN_MASK) &&
	       !w->data && w->index > 1 && w->index <= CR_PATH_MAX;
}

/* --relocate: the paths at which the restarter is to add the watches. */
int cr_relocate_inotify(struct cr_shared *sh, struct cr_status *st)
{
	struct cr_events *es = cr_events(sh);
	unsigned int i;
	char *moved;

	for (i = 0; i < es->nwatches; i++) {
		if (!es->wpaths[i])
			continue;
		moved = cr_relocate(sh->reloc, es->wpaths[i], st);
		if (IS_ERR(moved))
			return PTR_ERR(moved);
		if (!moved)
			continue;
		kfree(es->wpaths[i]);
		es->wpaths[i] = moved;
		es->watches[i].index = strlen(moved) + 1;
	}
	return 0;
}
