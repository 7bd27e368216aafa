// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pseudo-terminals.  A /dev/ptmx master inside the checkpoint comes back
 * with its slave as a new pair, which cr_restart opens with its user's
 * rights and hands over with CR_OP_RSTRT_PTYS: every descriptor of either
 * end at its number, the slave's termios, window size, packet and lock
 * modes, and what the slave's side wrote that the master's holder had not
 * read.  A slave that was the controlling terminal of a session whose
 * leader is saved is that session's terminal again (cr_restart makes the
 * session, TIOCSCTTY here), with its foreground group.  A slave whose
 * master is outside is the restarter's descriptor, as other terminals.
 *
 * The slave's input (what the master's holder wrote and the slave's
 * reader has not read) is read as n_tty gives it: the complete lines of a
 * canonical slave one by one, then, the slave made non-canonical for a
 * moment, the partial line; a non-canonical slave's bytes.  They go back
 * through the master's driver with the slave's input processing off
 * (no echo, no signals, no erase: n_tty did all that when they came) and
 * only the line ends on, so that n_tty holds them as it did.
 */
#include <linux/file.h>
#include <linux/major.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <linux/workqueue.h>

#include "cr_internal.h"

struct cr_pty {
	struct tty_struct *tty;		/* the master, referenced */
	struct file **files;		/* checkpoint: its open files held */
	unsigned int nfiles, files_cap;	/* by the checkpoint, referenced */
	struct file *master;		/* checkpoint: saved; restart: made */
	struct file *slave;		/* one of its slave's files, or NULL */
	pid_t pid;			/* checkpoint: a holder, for messages */
	unsigned int fd;
	u32 id;				/* index in PTYS */
	bool master_used, slave_used;	/* restart: the made files given */
	struct pid *fg;			/* restart: its foreground group */
	struct cr_img_pty img;
	void *out;			/* checkpoint: the master's queue */
	void *in;			/* checkpoint: the slave's */
};

/* A session leader of the checkpoint and its terminal, a pty slave. */
struct cr_pty_leader {
	struct tty_struct *tty;		/* referenced */
	pid_t sid;
};

struct cr_ptys {
	struct cr_pty *pty;
	unsigned int n, cap;
	struct cr_pty_leader *leader;
	unsigned int nleaders, leaders_cap;
};

static struct cr_ptys *cr_ptys(struct cr_shared *sh)
{
	return sh->kind[CR_KIND_PTYS].state;
}

static bool cr_pty_major(struct inode *inode)
{
	unsigned int major = imajor(inode), minor = iminor(inode);

	/* /dev/ptmx, /dev/tty (the caller's terminal) or /dev/pts/N. */
	if (major == TTYAUX_MAJOR)
		return minor == 2 || minor == 0;
	return major >= UNIX98_PTY_SLAVE_MAJOR &&
	       major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT;
}

/*
 * f's tty if f is an end of a Unix98 pty, else NULL; *slave: which.  A
 * master opened write-only is a device to write to, as before: inherited.
 */
static struct tty_struct *cr_pty_of(struct file *f, bool *slave)
{
	struct inode *inode = file_inode(f);
	struct tty_file_private *priv;
	struct tty_struct *tty;

	if (!S_ISCHR(inode->i_mode) || !cr_pty_major(inode) ||
	    tty_hung_up_p(f))
		return NULL;
	priv = f->private_data;
	tty = priv ? priv->tty : NULL;
	if (!tty || tty->driver->type != TTY_DRIVER_TYPE_PTY || !tty->link)
		return NULL;
	*slave = tty->driver->subtype == PTY_TYPE_SLAVE;
	return *slave || f->f_mode & FMODE_READ ? tty : NULL;
}

static struct tty_struct *cr_master_of(struct file *f, bool *slave)
{
	struct tty_struct *tty = cr_pty_of(f, slave);

	return tty && *slave ? tty->link : tty;
}

static int cr_pty_kind(struct file *f)
{
	bool slave;

	return cr_pty_of(f, &slave) ? CR_FD_PTY : 0;
}

static struct cr_pty *cr_find_pty(struct cr_ptys *ps, struct tty_struct *m)
{
	return cr_find_by(ps->pty, ps->n, tty, m);
}

static struct cr_pty *cr_add_pty(struct cr_ptys *ps, struct tty_struct *m)
{
	struct cr_pty *cp = cr_grow((void **)&ps->pty, &ps->n, &ps->cap,
				    sizeof(*cp), CR_MAX_PTYS);

	if (!IS_ERR(cp))
		cp->tty = tty_kref_get(m);
	return cp;
}

static bool cr_has_file(struct cr_pty *cp, struct file *f)
{
	unsigned int i;

	for (i = 0; i < cp->nfiles; i++)
		if (cp->files[i] == f)
			return true;
	return false;
}

static int cr_add_pty_file(struct cr_pty *cp, struct file *f)
{
	struct file **slot;

	if (cr_has_file(cp, f))
		return 0;
	slot = cr_grow((void **)&cp->files, &cp->nfiles, &cp->files_cap,
		       sizeof(*slot), CR_MAX_FDS);
	if (IS_ERR(slot))
		return PTR_ERR(slot);
	*slot = get_file(f);
	return 0;
}

/* Whether every open file of tty is one the checkpoint holds. */
static bool cr_held_inside(struct cr_pty *cp, struct tty_struct *tty)
{
	struct tty_file_private *priv;
	bool inside = true;

	spin_lock(&tty->files_lock);
	list_for_each_entry(priv, &tty->tty_files, list)
		inside &= cr_has_file(cp, priv->file);
	spin_unlock(&tty->files_lock);
	return inside;
}

/*
 * Reads as a non-blocking reader: a process outside sharing the file may
 * take what poll said was there (then -EAGAIN).
 */
static ssize_t cr_read_nowait(struct file *f, void *buf, size_t len)
{
	unsigned int flags;
	loff_t pos = 0;
	ssize_t n;

	spin_lock(&f->f_lock);
	flags = f->f_flags;
	f->f_flags |= O_NONBLOCK;
	spin_unlock(&f->f_lock);
	n = kernel_read(f, buf, len, &pos);
	spin_lock(&f->f_lock);
	f->f_flags = (f->f_flags & ~O_NONBLOCK) | (flags & O_NONBLOCK);
	spin_unlock(&f->f_lock);
	return n;
}

/* Called by each process of a checkpoint for each of its pty fds. */
static int cr_note_pty(struct cr_shared *sh, struct file *f, unsigned int fd,
		       struct cr_status *st)
{
	struct cr_ptys *ps = cr_ptys(sh);
	struct tty_struct *m;
	struct cr_pty *cp;
	bool slave;
	int err = 0;

	mutex_lock(&sh->lock);
	m = cr_master_of(f, &slave);
	cp = m ? cr_find_pty(ps, m) ?: cr_add_pty(ps, m) : ERR_PTR(-EBADF);
	if (IS_ERR(cp)) {
		err = cr_fail(st, PTR_ERR(cp), "pid %d fd %u: too many ptys",
			      task_tgid_vnr(current), fd);
		goto out;
	}
	err = cr_add_pty_file(cp, f);
	if (err) {
		err = cr_fail(st, err, "saving ptys");
		goto out;
	}
	if (!slave && !cp->master)
		cp->master = get_file(f);
	if (slave && !cp->slave)
		cp->slave = get_file(f);
	if (!cp->pid) {
		cp->pid = task_tgid_vnr(current);
		cp->fd = fd;
	}
out:
	mutex_unlock(&sh->lock);
	return err;
}

/* A session leader whose terminal is a pty slave: the session is saved. */
static int cr_note_pty_leader(struct cr_shared *sh, unsigned int index,
			      struct cr_status *st)
{
	struct cr_ptys *ps = cr_ptys(sh);
	struct tty_struct *tty;
	struct cr_pty_leader *l;
	bool pty;

	if (!current->signal->leader)
		return 0;
	tty = get_current_tty();
	if (!tty)
		return 0;
	pty = tty->driver->type == TTY_DRIVER_TYPE_PTY &&
	      tty->driver->subtype == PTY_TYPE_SLAVE;
	if (!pty) {
		tty_kref_put(tty);
		return 0;
	}
	mutex_lock(&sh->lock);
	l = cr_grow((void **)&ps->leader, &ps->nleaders, &ps->leaders_cap,
		    sizeof(*l), CR_MAX_PROCS);
	if (!IS_ERR(l)) {
		l->tty = tty;
		l->sid = task_tgid_vnr(current);
	}
	mutex_unlock(&sh->lock);
	if (!IS_ERR(l))
		return 0;
	tty_kref_put(tty);
	return cr_fail(st, PTR_ERR(l), "pid %d: its terminal",
		       task_tgid_vnr(current));
}

static int cr_pty_refuse(struct cr_status *st, struct cr_pty *cp, int err,
			 const char *why)
{
	return cr_fail(st, err, "pid %d fd %u: pty %s", cp->pid, cp->fd, why);
}

/*
 * Puts bytes in the other end's queue as from's driver writes them, and
 * has its line discipline take them.
 */
static int cr_pty_push(struct tty_struct *from, const u8 *buf, u32 len)
{
	struct work_struct *flush = &from->link->port->buf.work;
	bool flushed = false;
	u32 off = 0;
	int n;

	while (off < len) {
		n = from->ops->write(from, buf + off, len - off);
		if (n < 0)
			return n;
		if (!n && flushed)
			return -ENOSPC;
		/* The master's buffers take what its line discipline took. */
		if (!n)
			flush_work(flush);
		flushed = !n;
		off += n;
	}
	flush_work(flush);
	return 0;
}

/* Everything f has to read, after the len bytes at buf, up to max. */
static int cr_read_ready(struct file *f, u8 *buf, u32 *len, u32 max)
{
	ssize_t n;

	while (vfs_poll(f, NULL) & EPOLLIN) {
		if (*len == max)
			return -EFBIG;
		n = cr_read_nowait(f, buf + *len, max - *len);
		if (n <= 0)
			return n ?: -EIO;
		*len += n;
	}
	return 0;
}

/*
 * What the master's holder has not read: read (not in packet mode, so
 * without its status bytes) and put back, with the targets stopped.
 */
static int cr_save_output(struct cr_pty *cp, struct cr_status *st)
{
	struct tty_struct *m = cp->tty;
	bool packet;
	int err, back;
	u32 len;

	cp->out = kvmalloc(CR_PTY_MAX_DATA, GFP_KERNEL);
	if (!cp->out)
		return -ENOMEM;
	spin_lock_irq(&m->ctrl.lock);
	packet = m->ctrl.packet;
	m->ctrl.packet = false;
	spin_unlock_irq(&m->ctrl.lock);
	len = 0;
	err = cr_read_ready(cp->master, cp->out, &len, CR_PTY_MAX_DATA);
	back = cr_pty_push(m->link, cp->out, len);
	spin_lock_irq(&m->ctrl.lock);
	m->ctrl.packet = packet;
	spin_unlock_irq(&m->ctrl.lock);
	if (back)
		return cr_pty_refuse(st, cp, back,
				     "output could not be put back");
	if (err)
		return cr_pty_refuse(st, cp, err, "output could not be saved");
	cp->img.out_len = len;
	return 0;
}

static void cr_get_termios(struct tty_struct *s, struct ktermios *kt)
{
	down_read(&s->termios_rwsem);
	*kt = s->termios;
	up_read(&s->termios_rwsem);
}

/* What n_tty takes at once, as the slave's flags make it count. */
static u32 cr_input_max(u32 iflag)
{
	return iflag & PARMRK ? CR_PTY_MAX_INPUT / 3 : CR_PTY_MAX_INPUT;
}

static bool cr_line_end(const struct ktermios *kt, u8 c)
{
	return c == '\n' || c == kt->c_cc[VEOL] ||
	       (kt->c_lflag & IEXTEN && c == kt->c_cc[VEOL2]);
}

/*
 * The termios under which the len bytes at data go back as they were:
 * orig's line ends and flow control (as unchanged: no packet status for
 * the master), no echo, signals or input mapping, and the editing
 * characters on one that data does not hold.
 */
static int cr_feed_termios(const struct ktermios *orig, const u8 *data,
			   u32 len, struct ktermios *kt)
{
	static const u8 ends[] = { VEOF, VEOL, VEOL2, VSTART, VSTOP };
	static const u8 edits[] = { VERASE, VKILL, VWERASE, VLNEXT, VREPRINT };
	DECLARE_BITMAP(used, 256);
	unsigned int c, i;

	bitmap_zero(used, 256);
	for (i = 0; i < len; i++)
		__set_bit(data[i], used);
	__set_bit('\n', used);
	for (i = 0; i < ARRAY_SIZE(ends); i++)
		__set_bit(orig->c_cc[ends[i]], used);
	c = find_first_zero_bit(used, 256);
	if (c == 256)
		return -EOPNOTSUPP;
	*kt = *orig;
	kt->c_iflag &= IXON;
	kt->c_lflag &= ICANON | IEXTEN;
	for (i = 0; i < ARRAY_SIZE(edits); i++)
		kt->c_cc[edits[i]] = c;
	kt->c_cc[VMIN] = 1;
	kt->c_cc[VTIME] = 0;
	return 0;
}

/* Gives the slave s its input back, then its termios orig. */
static int cr_feed_input(struct tty_struct *s, const struct ktermios *orig,
			 const u8 *data, u32 len)
{
	struct ktermios kt, back = *orig;
	int err = cr_feed_termios(orig, data, len, &kt);

	if (!err && len) {
		tty_set_termios(s, &kt);
		err = cr_pty_push(s->link, data, len);
	}
	tty_set_termios(s, &back);
	return err;
}

/* A canonical slave's complete lines, each with its end. */
static int cr_read_lines(struct file *f, const struct ktermios *kt, u8 *in,
			 u32 *len, u32 max)
{
	ssize_t n;

	while (vfs_poll(f, NULL) & EPOLLIN) {
		n = cr_read_nowait(f, in + *len, max - *len);
		if (n < 0)
			return n;
		if (n == max - *len)
			return -EFBIG;
		*len += n;
		/* n_tty keeps an end-of-file to itself. */
		if (!n || !cr_line_end(kt, in[*len - 1]))
			in[(*len)++] = kt->c_cc[VEOF];
	}
	return 0;
}

/*
 * Reads the slave's input and puts it back.  From a worker: a target's
 * read of its own terminal from the background would signal its group.
 */
static int cr_take_input(struct cr_pty *cp)
{
	struct tty_struct *s = cp->tty->link;
	u32 len = 0, max = CR_PTY_MAX_INPUT;
	struct ktermios orig, raw;
	int err = 0, back;

	cr_get_termios(s, &orig);
	raw = orig;
	raw.c_lflag &= ~ICANON;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (orig.c_lflag & ICANON)
		err = cr_read_lines(cp->slave, &orig, cp->in, &len, max);
	/* Not canonical, the partial line is readable. */
	tty_set_termios(s, &raw);
	if (!err)
		err = cr_read_ready(cp->slave, cp->in, &len, max);
	back = cr_feed_input(s, &orig, cp->in, len);
	cp->img.in_len = len;
	if (!err && len > cr_input_max(orig.c_iflag))
		err = -EFBIG;
	return back ?: err;
}

struct cr_input_work {
	struct work_struct work;
	struct cr_pty *cp;
	int err;
};

static void cr_input_work(struct work_struct *work)
{
	struct cr_input_work *w = container_of(work, struct cr_input_work,
					       work);

	w->err = cr_take_input(w->cp);
}

/*
 * Input that a process outside may read (an open of the slave the
 * checkpoint does not hold) is its, not ours, to save.
 */
static int cr_save_input(struct cr_pty *cp, struct cr_status *st)
{
	struct cr_input_work w = { .cp = cp };

	if (!cp->slave || !(cp->slave->f_mode & FMODE_READ) ||
	    !cr_held_inside(cp, cp->tty->link))
		return 0;
	cp->in = kvmalloc(CR_PTY_MAX_INPUT + 1, GFP_KERNEL);
	if (!cp->in)
		return -ENOMEM;
	INIT_WORK_ONSTACK(&w.work, cr_input_work);
	queue_work(system_unbound_wq, &w.work);
	flush_work(&w.work);
	destroy_work_on_stack(&w.work);
	return w.err ? cr_pty_refuse(st, cp, w.err,
				     "input could not be saved") : 0;
}

static void cr_save_termios(struct tty_struct *s, struct cr_img_pty *p)
{
	struct ktermios kt;

	static_assert(sizeof(kt.c_cc) == CR_PTY_NCCS);
	cr_get_termios(s, &kt);
	p->iflag = kt.c_iflag;
	p->oflag = kt.c_oflag;
	p->cflag = kt.c_cflag;
	p->lflag = kt.c_lflag;
	p->ispeed = kt.c_ispeed;
	p->ospeed = kt.c_ospeed;
	p->line = kt.c_line;
	memcpy(p->cc, kt.c_cc, CR_PTY_NCCS);
	mutex_lock(&s->winsize_mutex);
	p->rows = s->winsize.ws_row;
	p->cols = s->winsize.ws_col;
	p->xpixel = s->winsize.ws_xpixel;
	p->ypixel = s->winsize.ws_ypixel;
	mutex_unlock(&s->winsize_mutex);
}

/* The session it is the terminal of, when its leader is saved. */
static void cr_save_ctty(struct cr_ptys *ps, struct cr_pty *cp)
{
	struct tty_struct *s = cp->tty->link;
	unsigned int i;

	for (i = 0; i < ps->nleaders; i++) {
		if (ps->leader[i].tty != s)
			continue;
		spin_lock_irq(&s->ctrl.lock);
		if (s->ctrl.session &&
		    pid_vnr(s->ctrl.session) == ps->leader[i].sid) {
			cp->img.sid = ps->leader[i].sid;
			cp->img.pgrp = s->ctrl.pgrp ? pid_vnr(s->ctrl.pgrp) : 0;
		}
		spin_unlock_irq(&s->ctrl.lock);
	}
}

/* Its state, every process of the checkpoint stopped. */
static int cr_snapshot_pty(struct cr_ptys *ps, struct cr_pty *cp,
			   struct cr_status *st)
{
	struct tty_struct *m = cp->tty, *s = m->link;

	cr_save_termios(s, &cp->img);
	if (cp->img.line != N_TTY)
		return cr_pty_refuse(st, cp, -EOPNOTSUPP,
				     "with another line discipline");
	if (READ_ONCE(s->flow.stopped))
		return cr_pty_refuse(st, cp, -EBUSY, "with output stopped");
	if (cp->img.lflag & EXTPROC)
		return cr_pty_refuse(st, cp, -EOPNOTSUPP, "in EXTPROC mode");
	spin_lock_irq(&m->ctrl.lock);
	if (m->ctrl.packet)
		cp->img.flags |= CR_PTYF_PACKET;
	spin_unlock_irq(&m->ctrl.lock);
	spin_lock_irq(&s->ctrl.lock);
	cp->img.pktstatus = cp->img.flags & CR_PTYF_PACKET ?
			    s->ctrl.pktstatus : 0;
	spin_unlock_irq(&s->ctrl.lock);
	if (test_bit(TTY_PTY_LOCK, &m->flags))
		cp->img.flags |= CR_PTYF_LOCKED;
	cr_save_ctty(ps, cp);
	return cr_save_output(cp, st) ?: cr_save_input(cp, st);
}

static int cr_snapshot_ptys(struct cr_shared *sh, struct cr_status *st)
{
	struct cr_ptys *ps = cr_ptys(sh);
	unsigned int i, n = 0;
	int err = 0;

	for (i = 0; !err && i < ps->n; i++) {
		if (!ps->pty[i].master)
			continue;
		ps->pty[i].id = n++;
		err = cr_snapshot_pty(ps, &ps->pty[i], st);
	}
	return err == -ENOMEM ? cr_fail(st, err, "saving ptys") : err;
}

static u32 cr_nsaved(struct cr_ptys *ps)
{
	unsigned int i;
	u32 n = 0;

	for (i = 0; i < ps->n; i++)
		n += !!ps->pty[i].master;
	return n;
}

/* PTYS; its PTYDATA come after SOCKDATA (cr_save_pty_data). */
static int cr_save_ptys(struct cr_stream *s, struct cr_shared *sh,
			struct cr_status *st)
{
	struct cr_ptys *ps = cr_ptys(sh);
	u32 n = cr_nsaved(ps);
	struct cr_img_ptys *h;
	unsigned int i;
	int err;

	h = kvzalloc(struct_size(h, pty, n), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->nptys = n;
	for (i = 0; i < ps->n; i++)
		if (ps->pty[i].master)
			h->pty[ps->pty[i].id] = ps->pty[i].img;
	err = cr_write_rec(s, CR_REC_PTYS, h, struct_size(h, pty, n));
	kvfree(h);
	return err;
}

static int cr_save_pty_data(struct cr_stream *s, struct cr_shared *sh)
{
	struct cr_ptys *ps = cr_ptys(sh);
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < ps->n; i++) {
		struct cr_pty *cp = &ps->pty[i];

		if (!cp->master)
			continue;
		if (cp->img.out_len)
			err = cr_write_rec(s, CR_REC_PTYDATA, cp->out,
					   cp->img.out_len);
		if (!err && cp->img.in_len)
			err = cr_write_rec(s, CR_REC_PTYDATA, cp->in,
					   cp->img.in_len);
	}
	return err;
}

/* f's saved pty, or NULL when its master is outside; *slave: which end. */
static struct cr_pty *cr_file_pty(struct cr_shared *sh, struct file *f,
				  bool *slave)
{
	struct tty_struct *m = cr_master_of(f, slave);
	struct cr_pty *cp = m ? cr_find_pty(cr_ptys(sh), m) : NULL;

	return cp && cp->master ? cp : NULL;
}

static int cr_pty_fd(struct cr_stream *s, struct cr_shared *sh,
		     struct file *f, struct cr_img_fd *e, struct cr_status *st)
{
	bool slave;
	struct cr_pty *cp = cr_file_pty(sh, f, &slave);

	if (!cp) {
		cr_inherit_fd(f, e);
		return 0;
	}
	e->kind = CR_FD_PTY;
	e->pipe = 2 * cp->id + slave;
	return 0;
}

static int cr_pty_watch(struct cr_shared *sh, struct file *f,
			struct cr_img_watch *w)
{
	bool slave;
	struct cr_pty *cp = cr_file_pty(sh, f, &slave);

	if (cp) {
		w->kind = CR_WATCH_PTY;
		w->index = 2 * cp->id + slave;
		return 0;
	}
	if (w->tfd > 2)
		return -EOPNOTSUPP;
	w->kind = CR_WATCH_INHERIT;
	w->index = w->tfd;
	return 0;
}

/* ---- restart ---- */

static bool cr_pty_ok(const struct cr_img_pty *p)
{
	if (p->line != N_TTY || p->lflag & EXTPROC ||
	    p->flags & ~(CR_PTYF_PACKET | CR_PTYF_LOCKED) ||
	    p->pktstatus > U8_MAX || p->out_len > CR_PTY_MAX_DATA ||
	    p->in_len > cr_input_max(p->iflag))
		return false;
	if (!(p->flags & CR_PTYF_PACKET) && p->pktstatus)
		return false;
	return p->sid >= 0 && p->pgrp >= 0 && (p->sid || !p->pgrp);
}

/* The PTYS record, read with the process table. */
static int cr_read_ptys(struct cr_stream *s, struct cr_shared *sh,
			struct cr_status *st)
{
	struct cr_ptys *ps = cr_ptys(sh);
	struct cr_img_ptys *h;
	unsigned int i;
	size_t len;
	int err = -EBADMSG;

	h = cr_read_rec(s, CR_REC_PTYS, sizeof(*h),
			struct_size(h, pty, CR_MAX_PTYS), &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad pty table");
	if (h->pad || h->nptys > CR_MAX_PTYS ||
	    len != struct_size(h, pty, h->nptys))
		goto out;
	for (i = 0; i < h->nptys; i++)
		if (!cr_pty_ok(&h->pty[i]))
			goto out;
	err = -ENOMEM;
	ps->pty = kvcalloc(max(h->nptys, 1U), sizeof(*ps->pty), GFP_KERNEL);
	if (!ps->pty)
		goto out;
	ps->n = h->nptys;
	for (i = 0; i < ps->n; i++)
		ps->pty[i].img = h->pty[i];
	err = 0;
out:
	kvfree(h);
	return err ? cr_fail(st, err, "bad pty table") : 0;
}

/*
 * A controlling terminal's session is led by a live process of the table
 * (its foreground group needs none: without its leader it is not made).
 */
static bool cr_pty_session_ok(const struct cr_img_pty *p,
			      const struct cr_kind_procs *procs)
{
	unsigned int i;

	for (i = 0; i < procs->n; i++) {
		const struct cr_img_proc_ent *e = &procs->ent[i];

		if (!(e->flags & CR_PENT_ZOMBIE) && e->pid == p->sid &&
		    e->sid == p->sid)
			return true;
	}
	return false;
}

static int cr_check_ptys(struct cr_shared *sh,
			 const struct cr_kind_procs *procs,
			 struct cr_status *st)
{
	struct cr_ptys *ps = cr_ptys(sh);
	unsigned int i;

	for (i = 0; i < ps->n; i++) {
		const struct cr_img_pty *p = &ps->pty[i].img;

		if (p->sid && !cr_pty_session_ok(p, procs))
			return cr_fail(st, -EBADMSG,
				       "pty %u: session %d not in the table",
				       i, p->sid);
	}
	return 0;
}

static u32 cr_count_ptys(struct cr_shared *sh)
{
	return cr_ptys(sh)->n;
}

static size_t cr_ptys_table_len(struct cr_shared *sh)
{
	return sizeof(u32) + cr_ptys(sh)->n * sizeof(struct cr_rstrt_pty);
}

static size_t cr_ptys_table(struct cr_shared *sh, char *buf, size_t off,
			    struct cr_rstrt_procs_args *a)
{
	struct cr_ptys *ps = cr_ptys(sh);
	struct cr_rstrt_pty *t;
	unsigned int i;

	off = ALIGN(off, sizeof(u32));
	a->ptys_off = off;
	a->nptys = ps->n;
	t = (struct cr_rstrt_pty *)(buf + off);
	for (i = 0; i < ps->n; i++)
		t[i] = (struct cr_rstrt_pty){ .ctty_sid = ps->pty[i].img.sid };
	return off + ps->n * sizeof(*t);
}

/* The pair the restarter made for entry i: a master and its slave. */
static int cr_take_pty(struct cr_pty *cp, s32 mfd, s32 sfd)
{
	struct tty_struct *m, *s;
	bool slave;

	cp->master = fget(mfd);
	cp->slave = fget(sfd);
	if (!cp->master || !cp->slave)
		return -EBADF;
	m = cr_pty_of(cp->master, &slave);
	if (!m || slave)
		return -EINVAL;
	s = cr_pty_of(cp->slave, &slave);
	if (!s || !slave || s->link != m)
		return -EINVAL;
	cp->tty = tty_kref_get(m);
	return 0;
}

static void cr_img_termios(struct tty_struct *s, const struct cr_img_pty *p,
			   struct ktermios *kt)
{
	cr_get_termios(s, kt);
	kt->c_iflag = p->iflag;
	kt->c_oflag = p->oflag;
	kt->c_cflag = p->cflag;
	kt->c_lflag = p->lflag;
	kt->c_ispeed = p->ispeed;
	kt->c_ospeed = p->ospeed;
	memcpy(kt->c_cc, p->cc, CR_PTY_NCCS);
}

static int cr_load_termios(struct tty_struct *s, const struct cr_img_pty *p)
{
	struct winsize ws = { .ws_row = p->rows, .ws_col = p->cols,
			      .ws_xpixel = p->xpixel, .ws_ypixel = p->ypixel };
	struct ktermios kt;
	int err;

	cr_img_termios(s, p, &kt);
	err = tty_set_termios(s, &kt);
	return err ?: tty_do_resize(s, &ws);
}

/* Its next PTYDATA record, of len bytes, or NULL when len is 0. */
static void *cr_read_pty_data(struct cr_stream *s, u32 len)
{
	size_t got;

	return len ? cr_read_rec(s, CR_REC_PTYDATA, len, len, &got) : NULL;
}

/* Both queues again, then the master's modes. */
static int cr_refill_pty(struct cr_stream *s, struct cr_pty *cp)
{
	struct tty_struct *m = cp->tty, *sl = m->link;
	struct ktermios kt;
	void *data;
	int err = 0;

	data = cr_read_pty_data(s, cp->img.out_len);
	if (IS_ERR(data))
		return PTR_ERR(data);
	if (data)
		err = cr_pty_push(sl, data, cp->img.out_len);
	kvfree(data);
	data = err ? NULL : cr_read_pty_data(s, cp->img.in_len);
	if (IS_ERR(data))
		return PTR_ERR(data);
	cr_img_termios(sl, &cp->img, &kt);
	if (data)
		err = cr_feed_input(sl, &kt, data, cp->img.in_len);
	kvfree(data);
	if (err)
		return err;
	spin_lock_irq(&m->ctrl.lock);
	m->ctrl.packet = cp->img.flags & CR_PTYF_PACKET;
	spin_unlock_irq(&m->ctrl.lock);
	spin_lock_irq(&sl->ctrl.lock);
	sl->ctrl.pktstatus = cp->img.pktstatus;
	spin_unlock_irq(&sl->ctrl.lock);
	return 0;
}

/* CR_OP_RSTRT_PTYS, with the stream locked: after the sockets' data. */
static int cr_fill_ptys(struct cr_stream *s, struct cr_shared *sh,
			const s32 *fds, struct cr_status *st)
{
	struct cr_ptys *ps = cr_ptys(sh);
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < ps->n; i++)
		err = cr_take_pty(&ps->pty[i], fds[2 * i], fds[2 * i + 1]);
	if (err)
		return cr_fail(st, err, "pty %u from the restarter", i - 1);
	for (i = 0; !err && i < ps->n; i++)
		err = cr_load_termios(ps->pty[i].tty->link, &ps->pty[i].img) ?:
		      cr_refill_pty(s, &ps->pty[i]);
	return err ? cr_fail(st, err, "refilling pty %u", i - 1) : 0;
}

static bool cr_pty_fd_ok(struct cr_shared *sh, const struct cr_img_fd *e)
{
	u32 acc = e->flags & O_ACCMODE;

	return e->pipe < 2 * cr_ptys(sh)->n && !e->path_len &&
	       acc != O_ACCMODE && (e->pipe & 1 || acc == O_RDWR);
}

/*
 * The file for a CR_FD_PTY entry: the restarter's master, its slave for
 * the first read-write slave entry, a new open of the slave for others.
 */
static struct file *cr_pty_file(struct cr_shared *sh,
				const struct cr_img_fd *e,
				struct cr_status *st)
{
	struct cr_pty *cp = &cr_ptys(sh)->pty[e->pipe / 2];
	struct file *f;

	if (!(e->pipe & 1)) {
		/* Another open of /dev/ptmx would be another pty. */
		if (cp->master_used)
			return ERR_PTR(-EBADMSG);
		cp->master_used = true;
		return cr_shared_file(cp->master, e);
	}
	if (!cp->slave_used && (e->flags & O_ACCMODE) == O_RDWR) {
		cp->slave_used = true;
		return cr_shared_file(cp->slave, e);
	}
	f = dentry_open(&cp->slave->f_path, e->flags | O_NOCTTY,
			current_cred());
	if (IS_ERR(f))
		cr_fail(st, PTR_ERR(f), "cannot open pty slave for fd %d",
			e->fd);
	return f;
}

/*
 * A member of the session whose terminal s is, forked before its leader
 * took it (its children are made first): it has it too, as a fork after
 * would have.
 */
static void cr_join_ctty(struct tty_struct *s)
{
	bool member;

	spin_lock_irq(&s->ctrl.lock);
	member = s->ctrl.session && task_session(current) == s->ctrl.session;
	spin_unlock_irq(&s->ctrl.lock);
	if (!member)
		return;
	spin_lock_irq(&current->sighand->siglock);
	if (!current->signal->tty)
		current->signal->tty = tty_kref_get(s);
	spin_unlock_irq(&current->sighand->siglock);
}

/*
 * In each restarting process, in table order (a session's leader before
 * the rest of it): a session leader whose terminal it was takes it again,
 * the others of the session join it; the leader of its foreground group
 * is noted.
 */
static int cr_load_pty_proc(struct cr_shared *sh, pid_t pid,
			    struct cr_status *st)
{
	struct cr_ptys *ps = cr_ptys(sh);
	unsigned int i;
	long err = 0;

	for (i = 0; !err && i < ps->n; i++) {
		struct cr_pty *cp = &ps->pty[i];

		if (cp->img.pgrp == pid && !cp->fg)
			cp->fg = get_pid(task_pgrp(current));
		if (!cp->img.sid)
			continue;
		/* Without its session made again, it keeps the restarter's. */
		if (cp->img.sid == pid && current->signal->leader &&
		    !current->signal->tty)
			err = cp->slave->f_op->unlocked_ioctl(cp->slave,
							      TIOCSCTTY, 0);
		else
			cr_join_ctty(cp->tty->link);
	}
	return err ? cr_fail(st, err, "pid %d: its terminal", pid) : 0;
}

static void cr_set_fg(struct cr_pty *cp)
{
	struct tty_struct *s = cp->tty->link;
	struct task_struct *t;

	rcu_read_lock();
	t = pid_task(cp->fg, PIDTYPE_PGID);
	spin_lock_irq(&s->ctrl.lock);
	if (t && s->ctrl.session && task_session(t) == s->ctrl.session) {
		put_pid(s->ctrl.pgrp);
		s->ctrl.pgrp = get_pid(cp->fg);
	}
	spin_unlock_irq(&s->ctrl.lock);
	rcu_read_unlock();
}

/* Every process rebuilt: the foreground groups, then the locks. */
static int cr_finish_ptys(struct cr_shared *sh, struct cr_status *st)
{
	struct cr_ptys *ps = cr_ptys(sh);
	unsigned int i;

	for (i = 0; i < ps->n; i++) {
		if (ps->pty[i].fg)
			cr_set_fg(&ps->pty[i]);
		if (ps->pty[i].img.flags & CR_PTYF_LOCKED)
			set_bit(TTY_PTY_LOCK, &ps->pty[i].tty->flags);
	}
	return 0;
}

static void *cr_alloc_ptys(void)
{
	return kzalloc(sizeof(struct cr_ptys), GFP_KERNEL);
}

static void cr_release_ptys(void *state)
{
	struct cr_ptys *ps = state;
	unsigned int i;

	for (i = 0; i < ps->n; i++) {
		struct cr_pty *cp = &ps->pty[i];

		tty_kref_put(cp->tty);
		if (cp->master)
			fput(cp->master);
		if (cp->slave)
			fput(cp->slave);
		put_pid(cp->fg);
		kvfree(cp->out);
		kvfree(cp->in);
		while (cp->nfiles)
			fput(cp->files[--cp->nfiles]);
		kvfree(cp->files);
	}
	for (i = 0; i < ps->nleaders; i++)
		tty_kref_put(ps->leader[i].tty);
	kvfree(ps->pty);
	kvfree(ps->leader);
	kfree(ps);
}

CR_HANDOVER_ARGS(struct cr_rstrt_ptys_args, nptys);

const struct cr_kind_ops cr_pty_ops = {
	.name = "ptys",
	.fd_kind = CR_FD_PTY,
	.watch_kinds = BIT(CR_WATCH_PTY),
	.watch_ends = 2,
	.handover_op = CR_OP_RSTRT_PTYS,
	.fds_per = 2,
	.alloc = cr_alloc_ptys,
	.release = cr_release_ptys,
	.classify = cr_pty_kind,
	.note = cr_note_pty,
	.note_proc = cr_note_pty_leader,
	.snapshot = cr_snapshot_ptys,
	.save = cr_save_ptys,
	.save_data = cr_save_pty_data,
	.save_fd = cr_pty_fd,
	.watch = cr_pty_watch,
	.read = cr_read_ptys,
	.check = cr_check_ptys,
	.count = cr_count_ptys,
	.table_len = cr_ptys_table_len,
	.table = cr_ptys_table,
	.take = cr_fill_ptys,
	.fd_ok = cr_pty_fd_ok,
	.open_fd = cr_pty_file,
	.load_proc = cr_load_pty_proc,
	.finish = cr_finish_ptys,
};
