// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pipes and FIFOs.  A pipe whose every end is held by processes of the
 * checkpoint is saved once, with its capacity and the bytes buffered in
 * it, and rebuilt as one new pipe whose ends every holder shares again; a
 * FIFO likewise, reopened at its path.  A pipe
 * with an end outside (the shell reading the job's output, say) cannot be
 * rebuilt: its ends inside are given the restarter's fd of their number,
 * or its stdin (read ends) or stdout (write ends), as BLCR did
 * (cr_inherit_fd()).
 *
 * The module cannot create pipes (create_pipe_files is not exported) nor
 * size them (pipe_fcntl is not), so cr_restart makes them, or opens the
 * FIFOs with its user's rights, and hands them over with
 * CR_OP_RSTRT_PIPES.
 */
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>

#include "cr_internal.h"

struct cr_pipe {
	struct pipe_inode_info *pipe;	/* checkpoint only */
	/* restart: read, write, and (a FIFO's) read-write end */
	struct file *end[3];
	unsigned int files[2];		/* checkpoint: files per end */
	bool external;
	char *path;			/* a FIFO's, else NULL */
	u32 id;				/* index in PIPES */
	struct cr_img_pipe img;
	void *data;
};

/* The kind's state. */
struct cr_pipes {
	struct xarray seen;		/* checkpoint: pipe files counted */
	struct cr_pipe *pipe;
	unsigned int n, cap;
};

static struct cr_pipes *cr_pipes(struct cr_shared *sh)
{
	return sh->kind[CR_KIND_PIPES].state;
}

static struct pipe_inode_info *cr_pipe_of(struct file *f)
{
	struct inode *inode = file_inode(f);

	return S_ISFIFO(inode->i_mode) ? inode->i_pipe : NULL;
}

static struct cr_pipe *cr_find_pipe(struct cr_pipes *ps,
				    struct pipe_inode_info *pipe)
{
	return cr_find_by(ps->pipe, ps->n, pipe, pipe);
}

/* A FIFO's path, at p->path, or 0 for a pipe. */
static int cr_fifo_path(struct cr_pipe *p, struct file *f)
{
	if (file_inode(f)->i_sb->s_magic == PIPEFS_MAGIC)
		return 0;
	p->path = kmalloc(CR_PATH_MAX, GFP_KERNEL);
	if (!p->path)
		return -ENOMEM;
	return cr_file_path(f, p->path, &p->img.path_len);
}

static struct cr_pipe *cr_add_pipe(struct cr_pipes *ps, struct file *f)
{
	struct cr_pipe *p = cr_grow((void **)&ps->pipe, &ps->n, &ps->cap,
				    sizeof(*p), CR_MAX_PIPES);
	int err;

	if (IS_ERR(p))
		return p;
	p->pipe = cr_pipe_of(f);
	err = cr_fifo_path(p, f);
	return err ? ERR_PTR(err) : p;
}

/*
 * Counts f, once however many descriptors and processes hold it, against
 * its pipe.  Called by each process of a checkpoint before anything is
 * written; the processes do it concurrently.
 */
static int cr_count_pipe(struct cr_shared *sh, struct file *f)
{
	struct cr_pipes *ps = cr_pipes(sh);
	struct cr_pipe *p;
	int err;

	/* Packet mode keeps write boundaries this format does not. */
	if (f->f_flags & O_DIRECT)
		return -EOPNOTSUPP;
	mutex_lock(&sh->lock);
	err = xa_insert(&ps->seen, (unsigned long)f, xa_mk_value(0),
			GFP_KERNEL);
	if (err) {
		err = err == -EBUSY ? 0 : err;
		goto out;
	}
	p = cr_find_pipe(ps, cr_pipe_of(f));
	if (!p)
		p = cr_add_pipe(ps, f);
	if (IS_ERR(p)) {
		err = PTR_ERR(p);
		goto out;
	}
	if (f->f_mode & FMODE_READ)
		p->files[0]++;
	if (f->f_mode & FMODE_WRITE)
		p->files[1]++;
out:
	mutex_unlock(&sh->lock);
	return err;
}

static int cr_note_pipe(struct cr_shared *sh, struct file *f, unsigned int fd,
			struct cr_status *st)
{
	int err = cr_count_pipe(sh, f);

	return err ? cr_fail(st, err, "pid %d fd %u: pipe",
			     task_tgid_vnr(current), fd) : 0;
}

/* The bytes buffered, without consuming them; pipe locked. */
static int cr_copy_pipe(struct cr_pipe *p)
{
	struct pipe_inode_info *pipe = p->pipe;
	unsigned int i, off = 0;
	size_t len = 0;
	int err;

	for (i = pipe->tail; i != pipe->head; i++)
		len += pipe->bufs[i & (pipe->ring_size - 1)].len;
	p->img.size = pipe->max_usage * PAGE_SIZE;
	if (len > p->img.size || p->img.size > CR_PIPE_MAX_SIZE)
		return -EFBIG;
	p->img.data_len = len;
	if (!len)
		return 0;
	p->data = kvmalloc(len, GFP_KERNEL);
	if (!p->data)
		return -ENOMEM;
	for (i = pipe->tail; i != pipe->head; i++) {
		struct pipe_buffer *buf = &pipe->bufs[i & (pipe->ring_size - 1)];
		char *src;

		err = pipe_buf_confirm(pipe, buf);
		if (err)
			return err;
		src = kmap_local_page(buf->page);
		memcpy(p->data + off, src + buf->offset, buf->len);
		kunmap_local(src);
		off += buf->len;
	}
	return 0;
}

/*
 * With every process stopped and counted: which pipes are whole inside
 * the checkpoint, and what they hold.
 */
static int cr_snapshot_pipes(struct cr_shared *sh, struct cr_status *st)
{
	struct cr_pipes *ps = cr_pipes(sh);
	unsigned int i, n = 0;
	int err = 0;

	for (i = 0; !err && i < ps->n; i++) {
		struct cr_pipe *p = &ps->pipe[i];

		pipe_lock(p->pipe);
		p->external = p->files[0] != p->pipe->readers ||
			      p->files[1] != p->pipe->writers;
		if (!p->external)
			err = cr_copy_pipe(p);
		pipe_unlock(p->pipe);
		if (err)
			return cr_fail(st, err, "cannot save a pipe's data");
		if (!p->external)
			p->id = n++;
	}
	return 0;
}

/* PIPES; their PIPEDATA come after SOCKS (cr_save_pipe_data). */
static int cr_save_pipes(struct cr_stream *s, struct cr_shared *sh,
			 struct cr_status *st)
{
	struct cr_pipes *ps = cr_pipes(sh);
	struct cr_img_pipes *h;
	size_t len, paths = 0;
	unsigned int i;
	char *at;
	u32 n = 0;
	int err;

	/* Taken by cr_snapshot_pipes(), before the event files. */
	for (i = 0; i < ps->n; i++) {
		if (!ps->pipe[i].external) {
			paths += ps->pipe[i].img.path_len;
			n++;
		}
	}
	len = struct_size(h, pipe, n) + paths;
	h = kvzalloc(len, GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->npipes = n;
	for (i = 0; i < ps->n; i++)
		if (!ps->pipe[i].external)
			h->pipe[ps->pipe[i].id] = ps->pipe[i].img;
	/* Paths in PIPES order, which is the order of ids. */
	at = (char *)&h->pipe[n];
	for (i = 0; i < ps->n; i++) {
		struct cr_pipe *p = &ps->pipe[i];

		if (!p->external && p->path) {
			memcpy(at, p->path, p->img.path_len);
			at += p->img.path_len;
		}
	}
	err = cr_write_rec(s, CR_REC_PIPES, h, len);
	kvfree(h);
	return err;
}

static int cr_save_pipe_data(struct cr_stream *s, struct cr_shared *sh)
{
	struct cr_pipes *ps = cr_pipes(sh);
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < ps->n; i++) {
		struct cr_pipe *p = &ps->pipe[i];

		if (!p->external && p->img.data_len)
			err = cr_write_rec(s, CR_REC_PIPEDATA, p->data,
					   p->img.data_len);
	}
	return err;
}

/* Fills e's kind for a pipe end; the pipe was noted by cr_note_pipe. */
static int cr_pipe_fd(struct cr_stream *s, struct cr_shared *sh,
		      struct file *f, struct cr_img_fd *e, struct cr_status *st)
{
	struct cr_pipe *p = cr_find_pipe(cr_pipes(sh), cr_pipe_of(f));

	if (p && !p->external) {
		e->kind = CR_FD_PIPE;
		e->pipe = p->id;
		return 0;
	}
	cr_inherit_fd(f, e);
	return 0;
}

/*
 * An epoll watch on a pipe end: the end the restarter made, or for a pipe
 * with an end outside, the restarter's fd that replaces it (as above).
 */
static int cr_pipe_watch(struct cr_shared *sh, struct file *f,
			 struct cr_img_watch *w)
{
	struct cr_pipe *p = cr_find_pipe(cr_pipes(sh), cr_pipe_of(f));
	fmode_t mode = f->f_mode & (FMODE_READ | FMODE_WRITE);

	if (p && !p->external) {
		/* A FIFO open both ways becomes a file of its own. */
		if (mode != FMODE_READ && mode != FMODE_WRITE)
			return -EOPNOTSUPP;
		w->kind = mode == FMODE_READ ? CR_WATCH_PIPE_R : CR_WATCH_PIPE_W;
		w->index = p->id;
		return 0;
	}
	w->kind = CR_WATCH_INHERIT;
	if (w->tfd <= 2)
		w->index = w->tfd;
	else
		w->index = mode & FMODE_READ ? 0 : 1;
	return 0;
}

/* ---- restart ---- */

/* Checks the entries and the paths after them; their total length. */
static int cr_check_pipes_rec(const struct cr_img_pipes *h, size_t len)
{
	const char *path;
	size_t room;
	unsigned int i;

	if (h->pad || h->npipes > CR_MAX_PIPES ||
	    len < struct_size(h, pipe, h->npipes))
		return -EBADMSG;
	path = (const char *)&h->pipe[h->npipes];
	room = len - struct_size(h, pipe, h->npipes);
	for (i = 0; i < h->npipes; i++) {
		const struct cr_img_pipe *ip = &h->pipe[i];
		u32 pl = ip->path_len;

		if (ip->size < PAGE_SIZE || ip->size > CR_PIPE_MAX_SIZE ||
		    !is_power_of_2(ip->size) || ip->data_len > ip->size ||
		    ip->pad || pl > room || pl > CR_PATH_MAX)
			return -EBADMSG;
		if (pl && !cr_path_ok(path, pl))
			return -EBADMSG;
		path += pl;
		room -= pl;
	}
	return room ? -EBADMSG : 0;
}

/* The PIPES record, read with the process table. */
static int cr_read_pipes(struct cr_stream *s, struct cr_shared *sh,
			 struct cr_status *st)
{
	struct cr_pipes *ps = cr_pipes(sh);
	struct cr_img_pipes *h;
	const char *path;
	unsigned int i;
	size_t len;
	int err;

	h = cr_read_rec(s, CR_REC_PIPES, sizeof(*h),
			struct_size(h, pipe, CR_MAX_PIPES) +
			CR_MAX_PIPES * CR_PATH_MAX, &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad pipe table");
	err = cr_check_pipes_rec(h, len);
	if (err)
		goto out;
	err = -ENOMEM;
	ps->pipe = kvcalloc(max(h->npipes, 1U), sizeof(*ps->pipe), GFP_KERNEL);
	if (!ps->pipe)
		goto out;
	ps->n = h->npipes;
	path = (const char *)&h->pipe[h->npipes];
	for (i = 0, err = 0; !err && i < h->npipes; i++) {
		ps->pipe[i].img = h->pipe[i];
		if (!h->pipe[i].path_len)
			continue;
		ps->pipe[i].path = kstrdup(path, GFP_KERNEL);
		err = ps->pipe[i].path ? 0 : -ENOMEM;
		path += h->pipe[i].path_len;
	}
out:
	kvfree(h);
	return err ? cr_fail(st, err, "bad pipe table") : 0;
}

/* --relocate: the paths at which the restarter is to open the FIFOs. */
static int cr_relocate_fifos(struct cr_shared *sh, struct cr_status *st)
{
	struct cr_pipes *ps = cr_pipes(sh);
	unsigned int i;
	char *moved;

	for (i = 0; i < ps->n; i++) {
		struct cr_pipe *p = &ps->pipe[i];

		moved = p->path ? cr_relocate(sh->reloc, p->path, st) : NULL;
		if (IS_ERR(moved))
			return PTR_ERR(moved);
		if (!moved)
			continue;
		kfree(p->path);
		p->path = moved;
		p->img.path_len = strlen(moved) + 1;
	}
	return 0;
}

static u32 cr_count_pipes(struct cr_shared *sh)
{
	return cr_pipes(sh)->n;
}

/* Room for cr_pipes_table(), alignment included. */
static size_t cr_pipes_table_len(struct cr_shared *sh)
{
	struct cr_pipes *ps = cr_pipes(sh);
	size_t len = sizeof(u32) + ps->n * sizeof(struct cr_rstrt_pipe);
	unsigned int i;

	for (i = 0; i < ps->n; i++)
		len += ps->pipe[i].img.path_len;
	return len;
}

/*
 * What the restarter must make, at buf + off (u32-aligned): each pipe's
 * size, then the FIFOs' paths.  Returns the offset past the end.
 */
static size_t cr_pipes_table(struct cr_shared *sh, char *buf, size_t off,
			     struct cr_rstrt_procs_args *a)
{
	struct cr_pipes *ps = cr_pipes(sh);
	struct cr_rstrt_pipe *t;
	unsigned int i;

	off = ALIGN(off, sizeof(u32));
	a->pipes_off = off;
	a->npipes = ps->n;
	t = (struct cr_rstrt_pipe *)(buf + off);
	off += ps->n * sizeof(*t);
	for (i = 0; i < ps->n; i++) {
		t[i].size = ps->pipe[i].img.size;
		if (!ps->pipe[i].path)
			continue;
		t[i].path_off = off;
		memcpy(buf + off, ps->pipe[i].path, ps->pipe[i].img.path_len);
		off += ps->pipe[i].img.path_len;
	}
	return off;
}

/* The two ends of one pipe the restarter made, big enough. */
static int cr_take_pipe(struct cr_pipe *p, const s32 *fds)
{
	struct pipe_inode_info *pipe;
	bool fifo;

	p->end[0] = fget(fds[0]);
	p->end[1] = fget(fds[1]);
	if (!p->end[0] || !p->end[1])
		return -EBADF;
	pipe = cr_pipe_of(p->end[0]);
	fifo = file_inode(p->end[0])->i_sb->s_magic != PIPEFS_MAGIC;
	if (!pipe || pipe != cr_pipe_of(p->end[1]) || fifo != !!p->path ||
	    (p->end[0]->f_mode & (FMODE_READ | FMODE_WRITE)) != FMODE_READ ||
	    (p->end[1]->f_mode & (FMODE_READ | FMODE_WRITE)) != FMODE_WRITE)
		return -EINVAL;
	if (READ_ONCE(pipe->max_usage) * PAGE_SIZE < p->img.data_len)
		return -ENOSPC;
	return 0;
}

/* Writes the saved bytes; the write end is non-blocking, as handed over. */
static int cr_refill_pipe(struct cr_stream *s, struct cr_pipe *p)
{
	loff_t pos = 0;
	size_t len;
	ssize_t n;
	void *data;

	if (!p->img.data_len)
		return 0;
	if (!(p->end[1]->f_flags & O_NONBLOCK))
		return -EINVAL;
	data = cr_read_rec(s, CR_REC_PIPEDATA, p->img.data_len,
			   p->img.data_len, &len);
	if (IS_ERR(data))
		return PTR_ERR(data);
	n = kernel_write(p->end[1], data, len, &pos);
	kvfree(data);
	return n == len ? 0 : n < 0 ? n : -ENOSPC;
}

/* CR_OP_RSTRT_PIPES, with the stream locked. */
static int cr_fill_pipes(struct cr_stream *s, struct cr_shared *sh,
			 const s32 *fds, struct cr_status *st)
{
	struct cr_pipes *ps = cr_pipes(sh);
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < ps->n; i++) {
		err = cr_take_pipe(&ps->pipe[i], fds + 2 * i);
		if (err)
			return cr_fail(st, err, "pipe %u from the restarter", i);
		err = cr_refill_pipe(s, &ps->pipe[i]);
		if (err)
			return cr_fail(st, err, "refilling pipe %u", i);
	}
	return 0;
}

/*
 * A FIFO opened for reading and writing: one more open of the FIFO the
 * restarter opened both ways, so no further permission is involved.
 * dentry_open() does not add O_LARGEFILE as open(2) does: the saved one
 * is kept.  Flags that open(2) checks (O_NOATIME) are not taken.
 */
static struct file *cr_fifo_rdwr(struct cr_pipe *p, u32 flags)
{
	struct file *f;

	if (!p->path)
		return ERR_PTR(-EBADMSG);
	if (p->end[2])
		return p->end[2];
	f = dentry_open(&p->end[0]->f_path,
			O_RDWR | O_NONBLOCK | (flags & O_LARGEFILE),
			current_cred());
	if (!IS_ERR(f))
		p->end[2] = f;
	return f;
}

/* The new file for a CR_FD_PIPE entry, with its own O_NONBLOCK. */
static struct file *cr_pipe_file(struct cr_shared *sh,
				 const struct cr_img_fd *e,
				 struct cr_status *st)
{
	struct cr_pipes *ps = cr_pipes(sh);
	struct file *f;

	if (e->pipe >= ps->n)
		return ERR_PTR(-EBADMSG);
	switch (e->flags & O_ACCMODE) {
	case O_RDONLY:
		f = ps->pipe[e->pipe].end[0];
		break;
	case O_WRONLY:
		f = ps->pipe[e->pipe].end[1];
		break;
	case O_RDWR:
		f = cr_fifo_rdwr(&ps->pipe[e->pipe], e->flags);
		if (IS_ERR(f))
			return f;
		break;
	default:
		return ERR_PTR(-EBADMSG);
	}
	return cr_shared_file(f, e);
}

static int cr_pipe_kind(struct file *f)
{
	return S_ISFIFO(file_inode(f)->i_mode) ? CR_FD_PIPE : 0;
}

static void *cr_alloc_pipes(void)
{
	struct cr_pipes *ps = kzalloc(sizeof(*ps), GFP_KERNEL);

	if (ps)
		xa_init(&ps->seen);
	return ps;
}

static void cr_release_pipes(void *state)
{
	struct cr_pipes *ps = state;
	unsigned int i, j;

	for (i = 0; i < ps->n; i++) {
		for (j = 0; j < 3; j++)
			if (ps->pipe[i].end[j])
				fput(ps->pipe[i].end[j]);
		kvfree(ps->pipe[i].data);
		kfree(ps->pipe[i].path);
	}
	kvfree(ps->pipe);
	xa_destroy(&ps->seen);
	kfree(ps);
}

CR_HANDOVER_ARGS(struct cr_rstrt_pipes_args, npipes);

const struct cr_kind_ops cr_pipe_ops = {
	.name = "pipes",
	.fd_kind = CR_FD_PIPE,
	.watch_kinds = BIT(CR_WATCH_PIPE_R) | BIT(CR_WATCH_PIPE_W),
	.handover_op = CR_OP_RSTRT_PIPES,
	.fds_per = 2,
	.alloc = cr_alloc_pipes,
	.release = cr_release_pipes,
	.classify = cr_pipe_kind,
	.note = cr_note_pipe,
	.snapshot = cr_snapshot_pipes,
	.save = cr_save_pipes,
	.save_data = cr_save_pipe_data,
	.save_fd = cr_pipe_fd,
	.watch = cr_pipe_watch,
	.read = cr_read_pipes,
	.relocate = cr_relocate_fifos,
	.count = cr_count_pipes,
	.table_len = cr_pipes_table_len,
	.table = cr_pipes_table,
	.take = cr_fill_pipes,
	.open_fd = cr_pipe_file,
};
