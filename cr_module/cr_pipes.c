// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pipes.  A pipe whose every end is held by processes of the checkpoint
 * is saved once, with its capacity and the bytes buffered in it, and
 * rebuilt as one new pipe whose ends every holder shares again.  A pipe
 * with an end outside (the shell reading the job's output, say) cannot be
 * rebuilt: its ends inside are given the restarter's stdin (read ends) or
 * stdout (write ends), as BLCR did; on fds 0-2 the restarter's own.
 *
 * The module cannot create pipes (create_pipe_files is not exported), so
 * cr_restart makes them and hands them over with CR_OP_RSTRT_PIPES.
 */
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>

#include "cr_internal.h"

struct cr_pipe {
	struct pipe_inode_info *pipe;	/* checkpoint only */
	struct file *end[2];		/* restart: read and write end */
	unsigned int files[2];		/* checkpoint: files per end */
	bool external;
	bool named;			/* a FIFO in the file system */
	u32 id;				/* index in PIPES */
	struct cr_img_pipe img;
	void *data;
};

static struct pipe_inode_info *cr_pipe_of(struct file *f)
{
	struct inode *inode = file_inode(f);

	return S_ISFIFO(inode->i_mode) ? inode->i_pipe : NULL;
}

static struct cr_pipe *cr_find_pipe(struct cr_shared *sh,
				    struct pipe_inode_info *pipe)
{
	unsigned int i;

	for (i = 0; i < sh->npipes; i++)
		if (sh->pipes[i].pipe == pipe)
			return &sh->pipes[i];
	return NULL;
}

static struct cr_pipe *cr_add_pipe(struct cr_shared *sh, struct file *f)
{
	struct cr_pipe *p;

	if (sh->npipes == CR_MAX_PIPES)
		return ERR_PTR(-E2BIG);
	if (sh->npipes == sh->pcap) {
		unsigned int cap = max(2 * sh->pcap, 16U);

		p = krealloc_array(sh->pipes, cap, sizeof(*p), GFP_KERNEL);
		if (!p)
			return ERR_PTR(-ENOMEM);
		memset(p + sh->pcap, 0, (cap - sh->pcap) * sizeof(*p));
		sh->pipes = p;
		sh->pcap = cap;
	}
	p = &sh->pipes[sh->npipes++];
	p->pipe = cr_pipe_of(f);
	p->named = file_inode(f)->i_sb->s_magic != PIPEFS_MAGIC;
	return p;
}

/*
 * Counts f, once however many descriptors and processes hold it, against
 * its pipe.  Called by each process of a checkpoint before anything is
 * written; the processes do it concurrently.
 */
int cr_note_pipe(struct cr_shared *sh, struct file *f)
{
	struct cr_pipe *p;
	int err;

	/* Packet mode keeps write boundaries this format does not. */
	if (f->f_flags & O_DIRECT)
		return -EOPNOTSUPP;
	mutex_lock(&sh->lock);
	err = xa_insert(&sh->seen, (unsigned long)f, xa_mk_value(0),
			GFP_KERNEL);
	if (err) {
		err = err == -EBUSY ? 0 : err;
		goto out;
	}
	p = cr_find_pipe(sh, cr_pipe_of(f));
	if (!p)
		p = cr_add_pipe(sh, f);
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
static int cr_snapshot_pipes(struct cr_shared *sh, u32 *n,
			     struct cr_status *st)
{
	unsigned int i;
	int err = 0;

	*n = 0;
	for (i = 0; !err && i < sh->npipes; i++) {
		struct cr_pipe *p = &sh->pipes[i];

		pipe_lock(p->pipe);
		p->external = p->files[0] != p->pipe->readers ||
			      p->files[1] != p->pipe->writers;
		if (!p->external && !p->named)
			err = cr_copy_pipe(p);
		pipe_unlock(p->pipe);
		if (!p->external && p->named)
			return cr_fail(st, -EOPNOTSUPP,
				       "a named FIFO connects processes of the checkpoint; not supported");
		if (err)
			return cr_fail(st, err, "cannot save a pipe's data");
		if (!p->external)
			p->id = (*n)++;
	}
	return 0;
}

int cr_save_pipes(struct cr_stream *s, struct cr_shared *sh,
		  struct cr_status *st)
{
	struct cr_img_pipes *h;
	unsigned int i;
	u32 n;
	int err;

	err = cr_snapshot_pipes(sh, &n, st);
	if (err)
		return err;
	h = kvzalloc(struct_size(h, pipe, n), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->npipes = n;
	for (i = 0; i < sh->npipes; i++)
		if (!sh->pipes[i].external)
			h->pipe[sh->pipes[i].id] = sh->pipes[i].img;
	err = cr_write_rec(s, CR_REC_PIPES, h, struct_size(h, pipe, n));
	kvfree(h);
	for (i = 0; !err && i < sh->npipes; i++) {
		struct cr_pipe *p = &sh->pipes[i];

		if (!p->external && p->img.data_len)
			err = cr_write_rec(s, CR_REC_PIPEDATA, p->data,
					   p->img.data_len);
	}
	return err;
}

/* Fills e's kind for a pipe end; the pipe was noted by cr_note_pipe. */
void cr_pipe_fd(struct cr_shared *sh, struct file *f, struct cr_img_fd *e)
{
	struct cr_pipe *p = cr_find_pipe(sh, cr_pipe_of(f));

	if (p && !p->external) {
		e->kind = CR_FD_PIPE;
		e->pipe = p->id;
		return;
	}
	e->kind = CR_FD_INHERIT;
	if (e->fd <= 2)
		e->inherit_fd = e->fd;
	else
		e->inherit_fd = f->f_mode & FMODE_READ ? 0 : 1;
}

/* ---- restart ---- */

/* The PIPES record, read with the process table. */
int cr_read_pipes(struct cr_stream *s, struct cr_shared *sh,
		  struct cr_status *st)
{
	struct cr_img_pipes *h;
	unsigned int i;
	size_t len;
	int err = -EBADMSG;

	h = cr_read_rec(s, CR_REC_PIPES, sizeof(*h),
			struct_size(h, pipe, CR_MAX_PIPES), &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad pipe table");
	if (h->pad || h->npipes > CR_MAX_PIPES ||
	    len != struct_size(h, pipe, h->npipes))
		goto out;
	for (i = 0; i < h->npipes; i++) {
		struct cr_img_pipe *ip = &h->pipe[i];

		if (ip->size < PAGE_SIZE || ip->size > CR_PIPE_MAX_SIZE ||
		    !is_power_of_2(ip->size) || ip->data_len > ip->size)
			goto out;
	}
	err = -ENOMEM;
	sh->pipes = kvcalloc(max(h->npipes, 1U), sizeof(*sh->pipes),
			     GFP_KERNEL);
	if (!sh->pipes)
		goto out;
	sh->npipes = h->npipes;
	for (i = 0; i < h->npipes; i++)
		sh->pipes[i].img = h->pipe[i];
	err = 0;
out:
	kvfree(h);
	return err ? cr_fail(st, err, "bad pipe table") : 0;
}

u32 cr_pipe_size(struct cr_shared *sh, unsigned int i)
{
	return sh->pipes[i].img.size;
}

/* The two ends of one pipe the restarter made, big enough. */
static int cr_take_pipe(struct cr_pipe *p, const s32 *fds)
{
	struct pipe_inode_info *pipe;

	p->end[0] = fget(fds[0]);
	p->end[1] = fget(fds[1]);
	if (!p->end[0] || !p->end[1])
		return -EBADF;
	pipe = cr_pipe_of(p->end[0]);
	if (!pipe || pipe != cr_pipe_of(p->end[1]) ||
	    file_inode(p->end[0])->i_sb->s_magic != PIPEFS_MAGIC ||
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
int cr_fill_pipes(struct cr_stream *s, struct cr_shared *sh, const s32 *fds,
		  struct cr_status *st)
{
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < sh->npipes; i++) {
		err = cr_take_pipe(&sh->pipes[i], fds + 2 * i);
		if (err)
			return cr_fail(st, err, "pipe %u from the restarter", i);
		err = cr_refill_pipe(s, &sh->pipes[i]);
		if (err)
			return cr_fail(st, err, "refilling pipe %u", i);
	}
	sh->pipes_ready = true;
	return 0;
}

/* The new file for a CR_FD_PIPE entry, with its own O_NONBLOCK. */
struct file *cr_pipe_file(struct cr_shared *sh, const struct cr_img_fd *e)
{
	struct file *f;

	if (e->pipe >= sh->npipes || !sh->pipes_ready)
		return ERR_PTR(-EBADMSG);
	switch (e->flags & ~O_NONBLOCK) {
	case O_RDONLY:
		f = sh->pipes[e->pipe].end[0];
		break;
	case O_WRONLY:
		f = sh->pipes[e->pipe].end[1];
		break;
	default:
		return ERR_PTR(-EBADMSG);
	}
	spin_lock(&f->f_lock);
	f->f_flags = (f->f_flags & ~O_NONBLOCK) | (e->flags & O_NONBLOCK);
	spin_unlock(&f->f_lock);
	return get_file(f);
}

void cr_release_pipes(struct cr_shared *sh)
{
	unsigned int i, j;

	for (i = 0; i < sh->npipes; i++) {
		for (j = 0; j < 2; j++)
			if (sh->pipes[i].end[j])
				fput(sh->pipes[i].end[j]);
		kvfree(sh->pipes[i].data);
	}
	kvfree(sh->pipes);
	sh->pipes = NULL;
	sh->npipes = 0;
}
