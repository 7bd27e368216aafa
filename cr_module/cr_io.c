// SPDX-License-Identifier: GPL-2.0-only
/*
 * Record framing of the context file (include/blcr/cr_image.h): sequential
 * writes and reads with a checksum per record.  Nothing here seeks, so a
 * context file can be a pipe.
 */
#include <linux/bvec.h>
#include <linux/uio.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "cr_io.h"

static const u8 cr_zero[CR_PAGE_ALIGN];

/*
 * The writer is a target: a pipe whose reader has gone sends it SIGPIPE,
 * which is not its own and would kill it.  SIGPIPE is blocked around each
 * write, and one that the write raised is taken back.
 */
static bool cr_sigpipe_hold(sigset_t *saved)
{
	bool pending;

	spin_lock_irq(&current->sighand->siglock);
	pending = sigismember(&current->pending.signal, SIGPIPE);
	*saved = current->blocked;
	sigaddset(&current->blocked, SIGPIPE);
	spin_unlock_irq(&current->sighand->siglock);
	return pending;
}

static void cr_sigpipe_release(const sigset_t *saved, bool pending,
			       ssize_t ret)
{
	if (ret == -EPIPE && !pending) {
		/* Only SIGPIPE unblocked: it is the one dequeued. */
		spin_lock_irq(&current->sighand->siglock);
		siginitsetinv(&current->blocked, sigmask(SIGPIPE));
		spin_unlock_irq(&current->sighand->siglock);
		kernel_dequeue_signal();
	}
	spin_lock_irq(&current->sighand->siglock);
	current->blocked = *saved;
	recalc_sigpending();
	spin_unlock_irq(&current->sighand->siglock);
}

/* A request that ended (timeout, requester gone) cuts a write short. */
static int cr_write_stopped(struct cr_stream *s)
{
	return READ_ONCE(s->stop) ? -EINTR : 0;
}

int cr_write_raw(struct cr_stream *s, const void *buf, size_t len)
{
	sigset_t saved;
	bool pending = cr_sigpipe_hold(&saved);
	ssize_t n = 0;

	while (len && !(n = cr_write_stopped(s))) {
		n = kernel_write(s->file, buf, len, &s->file->f_pos);
		if (n <= 0)
			break;
		s->pos += n;
		buf += n;
		len -= n;
	}
	cr_sigpipe_release(&saved, pending, n);
	if (len)
		return n < 0 ? n : -EIO;
	return 0;
}

static void cr_pages_iter(struct iov_iter *it, unsigned int dir,
			  struct page **pages, unsigned int n,
			  struct bio_vec *bv)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		bvec_set_page(&bv[i], pages[i], PAGE_SIZE, 0);
	iov_iter_bvec(it, dir, bv, n, (size_t)n * PAGE_SIZE);
}

/* Whole pages straight from their struct page: one write, no copy here. */
int cr_write_pages(struct cr_stream *s, struct page **pages, unsigned int n,
		   struct bio_vec *bv)
{
	struct iov_iter it;
	ssize_t ret = 0;
	sigset_t saved;
	bool pending;

	cr_test_write_delay();
	cr_pages_iter(&it, ITER_SOURCE, pages, n, bv);
	pending = cr_sigpipe_hold(&saved);
	while (iov_iter_count(&it) && !(ret = cr_write_stopped(s))) {
		file_start_write(s->file);
		ret = vfs_iter_write(s->file, &it, &s->file->f_pos, 0);
		file_end_write(s->file);
		if (ret <= 0)
			break;
		s->pos += ret;
	}
	cr_sigpipe_release(&saved, pending, ret);
	if (iov_iter_count(&it))
		return ret < 0 ? ret : -EIO;
	return 0;
}

/*
 * A checkpoint's task work (TWA_SIGNAL) queued on a thread being restarted
 * interrupts its read of a pipe, which would fail the restart: whether
 * the read that returned ret may go on, the work left to run on the way
 * back to user space (cr_renotify), as it does after a read of a file.
 */
static bool cr_notified(ssize_t ret, bool *notified)
{
	if (ret != -ERESTARTSYS || task_sigpending(current) ||
	    !test_thread_flag(TIF_NOTIFY_SIGNAL))
		return false;
	clear_notify_signal();
	*notified = true;
	return true;
}

static void cr_renotify(bool notified)
{
	if (notified)
		set_thread_flag(TIF_NOTIFY_SIGNAL);
}

/*
 * Whole pages read straight into their struct page at *pos: no copy here.
 * A pipe reads on from where it is, whatever *pos says.
 */
int cr_pread_pages(struct file *f, loff_t *pos, struct page **pages,
		   unsigned int n, struct bio_vec *bv)
{
	bool notified = false;
	struct iov_iter it;
	ssize_t ret = 0;

	cr_pages_iter(&it, ITER_DEST, pages, n, bv);
	while (iov_iter_count(&it)) {
		ret = vfs_iter_read(f, &it, pos, 0);
		if (ret <= 0 && !cr_notified(ret, &notified))
			break;
	}
	cr_renotify(notified);
	if (ret < 0)
		return ret;
	return iov_iter_count(&it) ? -ENODATA : 0;	/* truncated file */
}

static size_t cr_pad_len(loff_t pos, size_t align)
{
	return (align - (pos & (align - 1))) & (align - 1);
}

int cr_write_pad(struct cr_stream *s, size_t align)
{
	return cr_write_raw(s, cr_zero, cr_pad_len(s->pos, align));
}

int cr_write_hdr(struct cr_stream *s, u16 type, u16 flags, u64 len,
		 u32 sum)
{
	struct cr_rec rec = {
		.magic = CR_REC_MAGIC,
		.type = type,
		.flags = flags,
		.len = len,
		.sum = sum,
	};

	rec.hdr_sum = cr_sum(&rec, sizeof(rec));
	s->nrecords++;
	s->ident = xxh64(&rec, sizeof(rec), s->ident);
	return cr_write_raw(s, &rec, sizeof(rec));
}

int cr_write_rec(struct cr_stream *s, u16 type, const void *buf, size_t len)
{
	int err;

	err = cr_write_hdr(s, type, 0, len, cr_sum(buf, len));
	if (!err)
		err = cr_write_raw(s, buf, len);
	if (!err)
		err = cr_write_pad(s, CR_REC_ALIGN);
	return err;
}

int cr_read_raw(struct cr_stream *s, void *buf, size_t len)
{
	bool notified = false;
	ssize_t n = 0;

	while (len) {
		n = kernel_read(s->file, buf, len, &s->file->f_pos);
		if (n <= 0 && cr_notified(n, &notified))
			continue;
		if (n <= 0)
			break;
		s->pos += n;
		buf += n;
		len -= n;
	}
	cr_renotify(notified);
	if (n < 0)
		return n;
	return len ? -ENODATA : 0;	/* truncated file */
}

int cr_skip_pad(struct cr_stream *s, size_t align)
{
	u8 pad[CR_REC_ALIGN];
	size_t left = cr_pad_len(s->pos, align);

	while (left) {
		size_t n = min(left, sizeof(pad));
		int err = cr_read_raw(s, pad, n);

		if (err)
			return err;
		if (memchr_inv(pad, 0, n))
			return -EBADMSG;
		left -= n;
	}
	return 0;
}

/* Reads the next record header once, checking its own integrity. */
static int cr_fetch_hdr(struct cr_stream *s)
{
	u32 sum;
	int err;

	if (s->peeked)
		return 0;
	err = cr_read_raw(s, &s->peek, sizeof(s->peek));
	if (err)
		return err;
	sum = s->peek.hdr_sum;
	s->peek.hdr_sum = 0;
	if (s->peek.magic != CR_REC_MAGIC ||
	    cr_sum(&s->peek, sizeof(s->peek)) != sum)
		return -EBADMSG;
	s->peeked = true;
	s->nrecords++;
	return 0;
}

/* The type of the next record, without consuming it. */
int cr_peek_type(struct cr_stream *s)
{
	int err = cr_fetch_hdr(s);

	return err ? err : s->peek.type;
}

/*
 * Consumes a record header, which must be of the given type, with no
 * flag but those of flags_ok.
 */
int cr_read_hdr_flags(struct cr_stream *s, struct cr_rec *rec, u16 type,
		      u16 flags_ok, u64 maxlen)
{
	int err = cr_fetch_hdr(s);

	if (err)
		return err;
	*rec = s->peek;
	s->peeked = false;
	if (rec->type != type || rec->flags & ~flags_ok || rec->len > maxlen)
		return -EBADMSG;
	return 0;
}

int cr_read_hdr(struct cr_stream *s, struct cr_rec *rec, u16 type,
		u64 maxlen)
{
	return cr_read_hdr_flags(s, rec, type, 0, maxlen);
}

/* Reads a whole record of minlen..maxlen bytes into a new buffer. */
void *cr_read_rec(struct cr_stream *s, u16 type, size_t minlen,
		  size_t maxlen, size_t *lenp)
{
	struct cr_rec rec;
	void *buf;
	int err;

	err = cr_read_hdr(s, &rec, type, maxlen);
	if (err)
		return ERR_PTR(err);
	if (rec.len < minlen)
		return ERR_PTR(-EBADMSG);
	buf = kvmalloc(max_t(size_t, rec.len, 1), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	err = cr_read_raw(s, buf, rec.len);
	if (!err && cr_sum(buf, rec.len) != rec.sum)
		err = -EBADMSG;
	if (!err)
		err = cr_skip_pad(s, CR_REC_ALIGN);
	if (err) {
		kvfree(buf);
		return ERR_PTR(err);
	}
	*lenp = rec.len;
	return buf;
}

int cr_read_fixed(struct cr_stream *s, u16 type, void *buf, size_t len)
{
	size_t got;
	void *p = cr_read_rec(s, type, len, len, &got);

	if (IS_ERR(p))
		return PTR_ERR(p);
	memcpy(buf, p, len);
	kvfree(p);
	return 0;
}
