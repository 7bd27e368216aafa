// SPDX-License-Identifier: GPL-2.0-only
/*
 * eventfd, timerfd, signalfd, epoll and inotify instances (inotify
 * watches: cr_inotify.c).  Their state is private to the kernel, but each
 * shows it in /proc/PID/fdinfo: at checkpoint the module asks the file's
 * show_fdinfo for it, into a buffer of its own, and parses that.  Each
 * instance is saved once in the EVENTS record; every descriptor of it,
 * in any process, names it by index.
 *
 * The module cannot create these files (their file operations are not
 * exported), so cr_restart makes them from the table CR_OP_RSTRT_PROCS
 * returns, adds the epolls' and inotifys' watches, and hands them over
 * with CR_OP_RSTRT_EVENTS, as it does pipes.
 *
 * An epoll watch is found by its fd number in the first process met
 * holding the epoll, and must still be open there on the file it was
 * registered with (same inode); its target must be a pipe end, another
 * of these files, or a terminal or socket on fds 0-2.  Anything else is
 * refused at checkpoint time.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/magic.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/timerfd.h>

#include "cr_evfiles.h"

#define CR_FDINFO_MAX	(16 << 20)

static const char *const cr_ev_names[] = {
	[CR_EV_EVENTFD] = "[eventfd]",
	[CR_EV_TIMERFD] = "[timerfd]",
	[CR_EV_SIGNALFD] = "[signalfd]",
	[CR_EV_EPOLL] = "[eventpoll]",
	[CR_EV_INOTIFY] = "inotify",
};

/* The enum cr_event_kind of f, or 0 when it is none of these. */
static int cr_event_kind(struct file *f)
{
	const char *name = f->f_path.dentry->d_name.name;
	int k;

	if (file_inode(f)->i_sb->s_magic != ANON_INODE_FS_MAGIC ||
	    !f->f_op->show_fdinfo)
		return 0;
	for (k = CR_EV_EVENTFD; k <= CR_EV_INOTIFY; k++)
		if (!strcmp(name, cr_ev_names[k]))
			return k;
	return 0;
}

/* ---- checkpoint ---- */

/* What /proc/PID/fdinfo would show after its pos and flags lines. */
static char *cr_fdinfo(struct file *f)
{
	struct seq_file m = { 0 };
	size_t size = PAGE_SIZE;

	for (;;) {
		m.buf = kvmalloc(size, GFP_KERNEL);
		if (!m.buf)
			return ERR_PTR(-ENOMEM);
		m.size = size;
		m.count = 0;
		f->f_op->show_fdinfo(&m, f);
		if (m.count < m.size) {
			m.buf[m.count] = 0;
			return m.buf;
		}
		kvfree(m.buf);
		size *= 2;
		if (size > CR_FDINFO_MAX)
			return ERR_PTR(-E2BIG);
	}
}

/* The text after key, where key starts a line, or NULL. */
static const char *cr_field(const char *buf, const char *key)
{
	size_t n = strlen(key);
	const char *p = buf;

	while (p) {
		if (!strncmp(p, key, n))
			return p + n;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

#ifdef HAVE_EVENTFD_SIGNAL_COUNT
/* One read through the kernel's interface: 1 for a semaphore, or all. */
static u64 cr_eventfd_take(struct eventfd_ctx *ctx)
{
	wait_queue_entry_t wait;
	u64 n;

	init_waitqueue_entry(&wait, current);
	INIT_LIST_HEAD(&wait.entry);	/* removed, never added */
	eventfd_ctx_remove_wait_queue(ctx, &wait, &n);
	return n;
}

/*
 * Before Linux 6.3 fdinfo does not show EFD_SEMAPHORE.  A read tells:
 * with a count of 2 or more, a semaphore gives 1.  The count is put back;
 * pollers of the eventfd may see a spurious wakeup.
 */
static int cr_eventfd_semaphore(struct file *f, struct cr_img_event *ev)
{
	struct eventfd_ctx *ctx = eventfd_ctx_fileget(f);
	u64 extra = ev->count < 2 ? 2 : 0, got;

	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (extra)
		eventfd_signal(ctx, extra);
	got = cr_eventfd_take(ctx);
	if (got == 1) {
		ev->flags = EFD_SEMAPHORE;
		if (extra)
			cr_eventfd_take(ctx);
		else
			eventfd_signal(ctx, 1);
	} else if (got > extra) {
		eventfd_signal(ctx, got - extra);
	}
	eventfd_ctx_put(ctx);
	return 0;
}
#else
static int cr_eventfd_semaphore(struct file *f, struct cr_img_event *ev)
{
	return -EIO;	/* fdinfo shows the flag on these kernels */
}
#endif

static int cr_parse_eventfd(struct file *f, const char *buf,
			    struct cr_img_event *ev)
{
	const char *p = cr_field(buf, "eventfd-count:");
	int sem;

	if (!p || sscanf(p, "%llx", &ev->count) != 1 || ev->count == ULLONG_MAX)
		return -EIO;
	/* Shown since Linux 6.3. */
	p = cr_field(buf, "eventfd-semaphore:");
	if (!p)
		return cr_eventfd_semaphore(f, ev);
	if (sscanf(p, "%d", &sem) != 1)
		return -EIO;
	if (sem)
		ev->flags = EFD_SEMAPHORE;
	return 0;
}

static int cr_timespec_ns(const char *p, u64 *ns)
{
	unsigned long long sec, nsec;

	if (!p || sscanf(p, " (%llu, %llu)", &sec, &nsec) != 2 ||
	    nsec >= NSEC_PER_SEC || sec >= KTIME_SEC_MAX)
		return -EIO;
	*ns = sec * NSEC_PER_SEC + nsec;
	return 0;
}

static bool cr_clock_realtime(u32 clockid)
{
	return clockid == CLOCK_REALTIME || clockid == CLOCK_REALTIME_ALARM;
}

static int cr_parse_timerfd(const char *buf, struct cr_img_event *ev)
{
	const char *p;
	unsigned int flags;
	int clockid;

	p = cr_field(buf, "clockid:");
	if (!p || sscanf(p, "%d", &clockid) != 1 || clockid < 0)
		return -EIO;
	ev->clockid = clockid;
	p = cr_field(buf, "ticks:");
	if (!p || sscanf(p, "%llu", &ev->count) != 1)
		return -EIO;
	p = cr_field(buf, "settime flags:");
	if (!p || sscanf(p, "%o", &flags) != 1)
		return -EIO;
	if (cr_timespec_ns(cr_field(buf, "it_value:"), &ev->value_ns) ||
	    cr_timespec_ns(cr_field(buf, "it_interval:"), &ev->interval_ns))
		return -EIO;
	/* Expired, not read: an interval timer re-arms on the next read. */
	if (!ev->value_ns && ev->interval_ns)
		ev->value_ns = ev->interval_ns;
	/*
	 * A deadline on a realtime clock is kept; on the others, whose
	 * origin a reboot moves, the timer resumes with the time it had
	 * left.
	 */
	if (!(flags & TFD_TIMER_ABSTIME) || !cr_clock_realtime(clockid))
		return 0;
	ev->flags = flags & (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET);
	if (ev->value_ns)
		ev->value_ns += ktime_get_real_ns();
	return 0;
}

static int cr_parse_signalfd(const char *buf, struct cr_img_event *ev)
{
	const char *p = cr_field(buf, "sigmask:");

	return p && sscanf(p, "%llx", &ev->sigmask) == 1 ? 0 : -EIO;
}

static int cr_find_event(struct cr_events *es, struct file *f)
{
	struct cr_event *e = cr_find_by(es->ev, es->n, file, f);

	return e ? e - es->ev : -ENOENT;
}

static struct cr_event *cr_add_event(struct cr_events *es, struct file *f,
				     unsigned int fd)
{
	struct cr_event *ev = cr_grow((void **)&es->ev, &es->n, &es->cap,
				      sizeof(*ev), CR_MAX_EVENTS);

	if (IS_ERR(ev))
		return ev;
	ev->file = get_file(f);
	ev->img.kind = cr_event_kind(f);
	ev->pid = task_tgid_vnr(current);
	ev->fd = fd;
	return ev;
}

/* One "tfd:" line: the target, open at that number in this process. */
static int cr_note_watch(const char *p, struct cr_event *ev,
			 struct cr_watch *w, struct cr_status *st)
{
	unsigned long long data;
	long long pos;
	unsigned long ino;
	unsigned int events, sdev;
	struct inode *inode;
	int tfd;

	if (sscanf(p, " %d events: %x data: %llx pos:%lli ino:%lx sdev:%x",
		   &tfd, &events, &data, &pos, &ino, &sdev) != 6 ||
	    tfd < 0 || tfd >= CR_MAX_TFD)
		return cr_fail(st, -EIO, "pid %d fd %u: cannot read the epoll",
			       ev->pid, ev->fd);
	w->img.tfd = tfd;
	w->img.events = events;
	w->img.data = data;
	w->file = fget(tfd);
	inode = w->file ? file_inode(w->file) : NULL;
	if (!inode || inode->i_ino != ino || inode->i_sb->s_dev != sdev)
		return cr_fail(st, -EOPNOTSUPP,
			       "pid %d fd %u: the epoll watches fd %d, no longer open as it was",
			       ev->pid, ev->fd, tfd);
	return 0;
}

/*
 * ev's watches, one per line of its fdinfo that starts with key, each
 * noted by note: an epoll's (found in the calling process's table) or an
 * inotify's.
 */
int cr_note_lines(struct cr_event *ev, const char *key, cr_line_fn note,
		  struct cr_status *st)
{
	const char *p, *what = ev->img.kind == CR_EV_EPOLL ? "epoll" :
								"inotify";
	unsigned int n = 0;
	char *buf = cr_fdinfo(ev->file);
	int err = 0;

	if (IS_ERR(buf))
		return cr_fail(st, PTR_ERR(buf), "pid %d fd %u: %s",
			       ev->pid, ev->fd, what);
	for (p = cr_field(buf, key); p; p = cr_field(p, key))
		n++;
	if (n > CR_MAX_WATCHES) {
		err = cr_fail(st, -E2BIG, "pid %d fd %u: %s too large",
			      ev->pid, ev->fd, what);
		goto out;
	}
	ev->watch = kvcalloc(max(n, 1U), sizeof(*ev->watch), GFP_KERNEL);
	if (!ev->watch) {
		err = -ENOMEM;
		goto out;
	}
	ev->img.nwatch = n;
	n = 0;
	for (p = cr_field(buf, key); !err && p; p = cr_field(p, key))
		err = note(p, ev, &ev->watch[n++], st);
out:
	kvfree(buf);
	return err;
}

/*
 * Notes f, once however many descriptors and processes hold it.  Called
 * by each process of a checkpoint, concurrently, before anything is
 * written; an epoll's watches are looked up in the caller's table.
 */
static int cr_note_event(struct cr_shared *sh, struct file *f,
			 unsigned int fd, struct cr_status *st)
{
	struct cr_events *es = cr_events(sh);
	struct cr_event *ev;
	int err = 0;

	mutex_lock(&sh->lock);
	if (cr_find_event(es, f) >= 0)
		goto out;
	ev = cr_add_event(es, f, fd);
	if (IS_ERR(ev))
		err = cr_fail(st, PTR_ERR(ev),
			      "pid %d fd %u: too many event files",
			      task_tgid_vnr(current), fd);
	else if (ev->img.kind == CR_EV_EPOLL)
		err = cr_note_lines(ev, "tfd:", cr_note_watch, st);
	else if (ev->img.kind == CR_EV_INOTIFY)
		err = cr_note_inotify(ev, st);
out:
	mutex_unlock(&sh->lock);
	return err;
}

/* An epoll's watch on another event file. */
static int cr_event_watch(struct cr_shared *sh, struct file *f,
			  struct cr_img_watch *w)
{
	int i = cr_find_event(cr_events(sh), f);

	if (i < 0)
		return i;
	w->kind = CR_WATCH_EVENT;
	w->index = i;
	return 0;
}

/* Where the restarter finds a watch's target: by its kind (cr_kind.h). */
static int cr_watch_target(struct cr_shared *sh, struct cr_watch *w)
{
	umode_t mode = file_inode(w->file)->i_mode;
	int err = cr_kind_watch(sh, w->file, &w->img);

	if (err <= 0)
		return err;
	if (w->img.tfd <= 2 && (S_ISCHR(mode) || S_ISSOCK(mode))) {
		w->img.kind = CR_WATCH_INHERIT;
		w->img.index = w->img.tfd;
		return 0;
	}
	return -EOPNOTSUPP;
}

/* The state now, every process stopped; after the pipes' snapshot. */
static int cr_snapshot_event(struct cr_shared *sh, struct cr_event *ev,
			     struct cr_status *st)
{
	unsigned int i;
	char *buf;
	int err;

	if (ev->img.kind == CR_EV_EPOLL) {
		for (i = 0; i < ev->img.nwatch; i++) {
			err = cr_watch_target(sh, &ev->watch[i]);
			if (err)
				return cr_fail(st, err,
					       "pid %d fd %u: the epoll watches fd %d, of a kind that cannot be restored",
					       ev->pid, ev->fd,
					       ev->watch[i].img.tfd);
			/*
			 * A signalfd wakes the waiters on the signal handlers
			 * of whoever registered it: at restart, the process
			 * that noted the epoll does, the likeliest registrant.
			 */
			if (cr_event_kind(ev->watch[i].file) == CR_EV_SIGNALFD)
				ev->img.owner = ev->pid;
		}
		return 0;
	}
	if (ev->img.kind == CR_EV_INOTIFY)
		return 0;	/* its watches noted with it */
	buf = cr_fdinfo(ev->file);
	if (IS_ERR(buf))
		return cr_fail(st, PTR_ERR(buf), "pid %d fd %u: event file",
			       ev->pid, ev->fd);
	if (ev->img.kind == CR_EV_EVENTFD)
		err = cr_parse_eventfd(ev->file, buf, &ev->img);
	else if (ev->img.kind == CR_EV_TIMERFD)
		err = cr_parse_timerfd(buf, &ev->img);
	else
		err = cr_parse_signalfd(buf, &ev->img);
	kvfree(buf);
	return err ? cr_fail(st, err, "pid %d fd %u: cannot read its %s",
			     ev->pid, ev->fd, cr_ev_names[ev->img.kind]) : 0;
}

/* Bytes of the paths of ev's inotify watches. */
static size_t cr_watch_paths(const struct cr_event *ev)
{
	unsigned int j;
	size_t n = 0;

	for (j = 0; ev->img.kind == CR_EV_INOTIFY && j < ev->img.nwatch; j++)
		n += ev->watch[j].img.index;
	return n;
}

/* The watches after the events, then the inotify watches' paths. */
static void cr_fill_watches(struct cr_events *es, struct cr_img_watch *w)
{
	struct cr_watch *cw;
	unsigned int i, j;
	char *at;

	for (i = 0; i < es->n; i++)
		for (j = 0; j < es->ev[i].img.nwatch; j++)
			*w++ = es->ev[i].watch[j].img;
	at = (char *)w;
	for (i = 0; i < es->n; i++) {
		for (j = 0; j < es->ev[i].img.nwatch; j++) {
			cw = &es->ev[i].watch[j];
			if (cw->path) {
				memcpy(at, cw->path, cw->img.index);
				at += cw->img.index;
			}
		}
	}
}

static int cr_save_events(struct cr_stream *s, struct cr_shared *sh,
			  struct cr_status *st)
{
	struct cr_events *es = cr_events(sh);
	struct cr_img_events *h;
	size_t len, paths = 0;
	unsigned int i, nw = 0;
	int err;

	for (i = 0; i < es->n; i++) {
		err = cr_snapshot_event(sh, &es->ev[i], st);
		if (err)
			return err;
		nw += es->ev[i].img.nwatch;
		paths += cr_watch_paths(&es->ev[i]);
	}
	if (nw > CR_MAX_WATCHES)
		return cr_fail(st, -E2BIG, "too many epoll and inotify watches");
	if (paths > CR_MAX_WATCH_PATHS)
		return cr_fail(st, -E2BIG, "inotify watches' paths too long");
	len = struct_size(h, event, es->n) +
	      nw * sizeof(struct cr_img_watch) + paths;
	h = kvzalloc(len, GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->nevents = es->n;
	h->nwatches = nw;
	for (i = 0; i < es->n; i++)
		h->event[i] = es->ev[i].img;
	cr_fill_watches(es, (struct cr_img_watch *)&h->event[es->n]);
	err = cr_write_rec(s, CR_REC_EVENTS, h, len);
	kvfree(h);
	return err;
}

/* Fills e for a descriptor of an instance noted by cr_note_event. */
static int cr_event_fd(struct cr_stream *s, struct cr_shared *sh,
		       struct file *f, struct cr_img_fd *e,
		       struct cr_status *st)
{
	int i = cr_find_event(cr_events(sh), f);

	if (i < 0)
		return i;
	e->event = i;
	return 0;
}

/* ---- restart ---- */

#define CR_EPOLL_EVENTS	0xf000ffffU

static bool cr_clock_ok(u32 clockid)
{
	return clockid == CLOCK_REALTIME || clockid == CLOCK_MONOTONIC ||
	       clockid == CLOCK_BOOTTIME || clockid == CLOCK_REALTIME_ALARM ||
	       clockid == CLOCK_BOOTTIME_ALARM;
}

static bool cr_event_ok(const struct cr_img_event *ev)
{
	switch (ev->kind) {
	case CR_EV_EVENTFD:
		return !(ev->flags & ~EFD_SEMAPHORE) && !ev->clockid &&
		       !ev->owner && !ev->pad &&
		       !ev->nwatch && ev->count != ULLONG_MAX &&
		       !ev->value_ns && !ev->interval_ns && !ev->sigmask;
	case CR_EV_TIMERFD:
		/* ABSTIME only on a realtime clock; CANCEL_ON_SET with it. */
		if (ev->flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
			return false;
		if (ev->flags && (!(ev->flags & TFD_TIMER_ABSTIME) ||
				  !cr_clock_realtime(ev->clockid)))
			return false;
		return cr_clock_ok(ev->clockid) && !ev->nwatch &&
		       !ev->owner && !ev->pad &&
		       ev->value_ns <= KTIME_MAX &&
		       ev->interval_ns <= KTIME_MAX && !ev->sigmask;
	case CR_EV_SIGNALFD:
		return !ev->flags && !ev->clockid && !ev->nwatch &&
		       !ev->count && !ev->value_ns && !ev->interval_ns &&
		       !ev->owner && !ev->pad;
	case CR_EV_EPOLL:
		return !ev->flags && !ev->clockid && !ev->count &&
		       !ev->value_ns && !ev->interval_ns && !ev->sigmask &&
		       !ev->pad;
	case CR_EV_INOTIFY:
		return !ev->flags && !ev->clockid && !ev->count &&
		       !ev->value_ns && !ev->interval_ns && !ev->sigmask &&
		       !ev->owner && !ev->pad;
	}
	return false;
}

static bool cr_watch_ok(const struct cr_img_watch *w, u32 nevents, u32 self)
{
	if (w->tfd < 0 || w->tfd >= CR_MAX_TFD || w->events & ~CR_EPOLL_EVENTS)
		return false;
	switch (w->kind) {
	case CR_WATCH_EVENT:
		return w->index < nevents && w->index != self;
	case CR_WATCH_INHERIT:
		return w->index <= 2;
	}
	/* Another kind's (a pipe's): the index, once its table is read. */
	return cr_kind_watch_known(w->kind);
}

/* Event i's watches, at w; its inotify paths counted in *paths. */
static bool cr_watches_ok(const struct cr_img_events *h, unsigned int i,
			  const struct cr_img_watch *w, size_t *paths)
{
	bool inotify = h->event[i].kind == CR_EV_INOTIFY;
	s32 prev = 0;
	unsigned int j;

	for (j = 0; j < h->event[i].nwatch; j++, w++) {
		if (inotify ? !cr_inotify_watch_ok(w, prev) :
			      !cr_watch_ok(w, h->nevents, i))
			return false;
		prev = w->tfd;
		*paths += inotify ? w->index : 0;
	}
	return true;
}

/* An epoll has an owner exactly when it watches a signalfd. */
static bool cr_owner_ok(const struct cr_img_events *h, unsigned int i,
			const struct cr_img_watch *w)
{
	bool sfd = false;
	unsigned int j;

	if (h->event[i].kind != CR_EV_EPOLL)
		return true;
	for (j = 0; j < h->event[i].nwatch; j++)
		if (w[j].kind == CR_WATCH_EVENT &&
		    h->event[w[j].index].kind == CR_EV_SIGNALFD)
			sfd = true;
	return sfd ? h->event[i].owner > 0 : !h->event[i].owner;
}

/* Checks the record; the inotify paths' bytes at *paths. */
static int cr_check_events_rec(const struct cr_img_events *h, size_t len,
			       size_t *paths)
{
	const struct cr_img_watch *w;
	const char *path;
	unsigned int i;
	size_t head;
	u64 nw = 0;

	head = struct_size(h, event, h->nevents) +
	       (size_t)h->nwatches * sizeof(*w);
	if (h->nevents > CR_MAX_EVENTS || h->nwatches > CR_MAX_WATCHES ||
	    len < head)
		return -EBADMSG;
	w = (const struct cr_img_watch *)&h->event[h->nevents];
	*paths = 0;
	for (i = 0; i < h->nevents; i++) {
		if (!cr_event_ok(&h->event[i]) ||
		    nw + h->event[i].nwatch > h->nwatches ||
		    !cr_watches_ok(h, i, &w[nw], paths) ||
		    !cr_owner_ok(h, i, &w[nw]))
			return -EBADMSG;
		nw += h->event[i].nwatch;
	}
	if (nw != h->nwatches || len - head != *paths)
		return -EBADMSG;
	path = (const char *)h + head;
	for (i = 0; i < h->nwatches; i++) {
		if (w[i].kind != CR_WATCH_INOTIFY)
			continue;
		if (*path != '/' || !cr_path_ok(path, w[i].index))
			return -EBADMSG;
		path += w[i].index;
	}
	return 0;
}

/* Each inotify watch's path, from the record's at path. */
static int cr_copy_wpaths(struct cr_events *es, const char *path)
{
	unsigned int i;

	es->wpaths = kvcalloc(max(es->nwatches, 1U), sizeof(*es->wpaths),
			      GFP_KERNEL);
	if (!es->wpaths)
		return -ENOMEM;
	for (i = 0; i < es->nwatches; i++) {
		if (es->watches[i].kind != CR_WATCH_INOTIFY)
			continue;
		es->wpaths[i] = kstrdup(path, GFP_KERNEL);
		if (!es->wpaths[i])
			return -ENOMEM;
		path += es->watches[i].index;
	}
	return 0;
}

/* The EVENTS record, read with the process table, before PIPES. */
static int cr_read_events(struct cr_stream *s, struct cr_shared *sh,
			  struct cr_status *st)
{
	struct cr_events *es = cr_events(sh);
	struct cr_img_events *h;
	size_t len, paths;
	unsigned int i;
	int err;

	h = cr_read_rec(s, CR_REC_EVENTS, sizeof(*h),
			struct_size(h, event, CR_MAX_EVENTS) +
			CR_MAX_WATCHES * sizeof(struct cr_img_watch) +
			CR_MAX_WATCH_PATHS, &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad event file table");
	err = cr_check_events_rec(h, len, &paths);
	if (err)
		goto out;
	err = -ENOMEM;
	es->ev = kvcalloc(max(h->nevents, 1U), sizeof(*es->ev), GFP_KERNEL);
	es->watches = kvmalloc_array(max(h->nwatches, 1U),
				     sizeof(*es->watches), GFP_KERNEL);
	if (!es->ev || !es->watches)
		goto out;
	es->n = h->nevents;
	for (i = 0; i < h->nevents; i++)
		es->ev[i].img = h->event[i];
	es->nwatches = h->nwatches;
	memcpy(es->watches, &h->event[h->nevents],
	       h->nwatches * sizeof(*es->watches));
	err = cr_copy_wpaths(es, (const char *)h + len - paths);
out:
	kvfree(h);
	return err ? cr_fail(st, err, "bad event file table") : 0;
}

/* Each epoll that watches a signalfd is registered by a live process. */
static int cr_check_owners(struct cr_events *es,
			   const struct cr_kind_procs *procs,
			   struct cr_status *st)
{
	unsigned int i, p;

	for (i = 0; i < es->n; i++) {
		pid_t owner = es->ev[i].img.owner;

		for (p = 0; owner && p < procs->n; p++)
			if (procs->ent[p].pid == owner)
				break;
		if (owner && p == procs->n)
			return cr_fail(st, -EBADMSG, "bad epoll owner %d",
				       owner);
	}
	return 0;
}

/* The owners, and the watches' indexes in the other kinds' tables. */
static int cr_check_events(struct cr_shared *sh,
			   const struct cr_kind_procs *procs,
			   struct cr_status *st)
{
	struct cr_events *es = cr_events(sh);
	unsigned int i;
	int err = cr_check_owners(es, procs, st);

	for (i = 0; !err && i < es->nwatches; i++)
		if (!cr_kind_watch_ok(sh, &es->watches[i]))
			err = cr_fail(st, -EBADMSG, "bad epoll watch");
	return err;
}

static u32 cr_count_events(struct cr_shared *sh)
{
	return cr_events(sh)->n;
}

/* Room for cr_events_table(), alignment included. */
static size_t cr_events_table_len(struct cr_shared *sh)
{
	struct cr_events *es = cr_events(sh);
	size_t len = sizeof(u64) + es->n * sizeof(struct cr_rstrt_event) +
		     es->nwatches * sizeof(struct cr_rstrt_watch);
	unsigned int i;

	for (i = 0; i < es->nwatches; i++)
		if (es->wpaths[i])
			len += es->watches[i].index;
	return len;
}

/*
 * The events, then the watches, at buf + off (u64-aligned), then the
 * inotify watches' paths.
 */
static size_t cr_events_table(struct cr_shared *sh, char *buf, size_t off,
			      struct cr_rstrt_procs_args *a)
{
	struct cr_events *es = cr_events(sh);
	struct cr_rstrt_event *t;
	struct cr_rstrt_watch *w;
	char *path;
	unsigned int i;

	off = ALIGN(off, sizeof(u64));
	a->events_off = off;
	a->nevents = es->n;
	t = (struct cr_rstrt_event *)(buf + off);
	w = (struct cr_rstrt_watch *)&t[es->n];
	path = (char *)&w[es->nwatches];
	for (i = 0; i < es->n; i++) {
		const struct cr_img_event *ev = &es->ev[i].img;

		t[i].kind = ev->kind;
		t[i].flags = ev->flags;
		t[i].clockid = ev->clockid;
		t[i].nwatch = ev->nwatch;
		t[i].count = ev->count;
		t[i].value_ns = ev->value_ns;
		t[i].interval_ns = ev->interval_ns;
		t[i].sigmask = ev->sigmask;
		t[i].owner = ev->owner;
	}
	for (i = 0; i < es->nwatches; i++) {
		w[i].tfd = es->watches[i].tfd;
		w[i].events = es->watches[i].events;
		w[i].data = es->watches[i].data;
		w[i].kind = es->watches[i].kind;
		w[i].index = es->watches[i].index;
		if (!es->wpaths[i])
			continue;
		w[i].index = path - buf;
		memcpy(path, es->wpaths[i], es->watches[i].index);
		path += es->watches[i].index;
	}
	return path - buf;
}

/* CR_OP_RSTRT_EVENTS: the files the restarter made, of the right kinds. */
static int cr_take_events(struct cr_stream *s, struct cr_shared *sh,
			  const s32 *fds, struct cr_status *st)
{
	struct cr_events *es = cr_events(sh);
	unsigned int i;

	for (i = 0; i < es->n; i++) {
		struct cr_event *ev = &es->ev[i];

		ev->file = fget(fds[i]);
		if (!ev->file || cr_event_kind(ev->file) != ev->img.kind)
			return cr_fail(st, -EINVAL,
				       "event file %u from the restarter", i);
	}
	return 0;
}

/* The file for a CR_FD_EVENT entry, with the entry's O_NONBLOCK. */
static struct file *cr_event_file(struct cr_shared *sh,
				  const struct cr_img_fd *e,
				  struct cr_status *st)
{
	struct cr_events *es = cr_events(sh);

	if (e->event >= es->n)
		return ERR_PTR(-EBADMSG);
	return cr_shared_file(es->ev[e->event].file, e);
}

static int cr_event_type(struct file *f)
{
	return cr_event_kind(f) ? CR_FD_EVENT : 0;
}

static void *cr_alloc_events(void)
{
	return kzalloc(sizeof(struct cr_events), GFP_KERNEL);
}

static void cr_release_events(void *state)
{
	struct cr_events *es = state;
	unsigned int i, j;

	for (i = 0; i < es->n; i++) {
		struct cr_event *ev = &es->ev[i];

		if (ev->file)
			fput(ev->file);
		for (j = 0; ev->watch && j < ev->img.nwatch; j++) {
			if (ev->watch[j].file)
				fput(ev->watch[j].file);
			kfree(ev->watch[j].path);
		}
		kvfree(ev->watch);
	}
	for (i = 0; es->wpaths && i < es->nwatches; i++)
		kfree(es->wpaths[i]);
	kvfree(es->ev);
	kvfree(es->watches);
	kvfree(es->wpaths);
	kfree(es);
}

CR_HANDOVER_ARGS(struct cr_rstrt_events_args, nevents);

const struct cr_kind_ops cr_evfile_ops = {
	.name = "event files",
	.fd_kind = CR_FD_EVENT,
	.watch_kinds = BIT(CR_WATCH_EVENT),
	.handover_op = CR_OP_RSTRT_EVENTS,
	.fds_per = 1,
	.alloc = cr_alloc_events,
	.release = cr_release_events,
	.classify = cr_event_type,
	.note = cr_note_event,
	.save = cr_save_events,
	.save_fd = cr_event_fd,
	.watch = cr_event_watch,
	.read = cr_read_events,
	.check = cr_check_events,
	.relocate = cr_relocate_inotify,
	.count = cr_count_events,
	.table_len = cr_events_table_len,
	.table = cr_events_table,
	.take = cr_take_events,
	.open_fd = cr_event_file,
};
