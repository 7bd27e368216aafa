// SPDX-License-Identifier: GPL-2.0-only
/*
 * The descriptor table.  Regular files, directories and memory devices
 * are reopened by path at restart with the restarting user's rights, at
 * the same number, flags and offset; the other kinds' descriptors are
 * their kinds' (cr_kind.h): pipes are rebuilt (cr_pipes.c), deleted
 * files and memfds come back from their saved contents (cr_objs.c),
 * eventfd, timerfd, signalfd and epoll instances from their state
 * (cr_evfiles.c), Unix sockets with their peers (cr_socks.c), TCP and
 * UDP sockets (cr_inet.c), pseudo-terminals (cr_ptys.c), netlink
 * sockets (cr_nlsocks.c).
 * Descriptors that shared an open file, in one process or across the
 * checkpoint's processes, share one again.  A terminal or other device,
 * or a socket on 0-2, is replaced by the restarter's descriptor
 * (cr_inherit_fd()).  Anything else is refused at checkpoint time,
 * before anything is written.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/major.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "cr_internal.h"

#define CR_FD_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECT | \
		     O_NOATIME | O_LARGEFILE | O_DSYNC | __O_SYNC | \
		     O_DIRECTORY | O_PATH)

/* Bounds what a FILES record may make the restarter allocate. */
#define CR_FILES_MAX_LEN	(64 << 20)

struct cr_fd_slot {
	struct file *file;
	unsigned int fd;
	int kind;		/* cr_fd_kind()'s, found once: it may walk VMAs */
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

/* out: the context file being written, a named file reopened by path. */
static int cr_fd_kind(struct file *f, unsigned int fd, struct file *out)
{
	struct inode *inode = file_inode(f);
	umode_t mode = inode->i_mode;
	int kind;

	if (cr_ctrl_state(f, NULL))
		return CR_FD_CTRL;
	if (f == out && S_ISREG(mode) && !cr_obj_needed(f))
		return CR_FD_REG;
	kind = cr_kind_classify(f);
	if (kind)
		return kind;
	if (S_ISREG(mode) || S_ISDIR(mode))
		return d_unlinked(f->f_path.dentry) ? -EOPNOTSUPP : CR_FD_REG;
	if (S_ISCHR(mode) && imajor(inode) == MEM_MAJOR)
		return CR_FD_REG;
	if (S_ISCHR(mode) || S_ISBLK(mode) || (fd <= 2 && S_ISSOCK(mode)))
		return CR_FD_INHERIT;
	return -EOPNOTSUPP;
}

#define CR_NAME(x)	[x] = #x
static const char *const cr_family_names[AF_MAX] = {
	CR_NAME(AF_UNIX), CR_NAME(AF_INET), CR_NAME(AF_AX25),
	CR_NAME(AF_IPX), CR_NAME(AF_APPLETALK), CR_NAME(AF_NETROM),
	CR_NAME(AF_BRIDGE), CR_NAME(AF_ATMPVC), CR_NAME(AF_X25),
	CR_NAME(AF_INET6), CR_NAME(AF_ROSE), CR_NAME(AF_DECnet),
	CR_NAME(AF_NETBEUI), CR_NAME(AF_SECURITY), CR_NAME(AF_KEY),
	CR_NAME(AF_NETLINK), CR_NAME(AF_PACKET), CR_NAME(AF_ASH),
	CR_NAME(AF_ECONET), CR_NAME(AF_ATMSVC), CR_NAME(AF_RDS),
	CR_NAME(AF_SNA), CR_NAME(AF_IRDA), CR_NAME(AF_PPPOX),
	CR_NAME(AF_WANPIPE), CR_NAME(AF_LLC), CR_NAME(AF_IB),
	CR_NAME(AF_MPLS), CR_NAME(AF_CAN), CR_NAME(AF_TIPC),
	CR_NAME(AF_BLUETOOTH), CR_NAME(AF_IUCV), CR_NAME(AF_RXRPC),
	CR_NAME(AF_ISDN), CR_NAME(AF_PHONET), CR_NAME(AF_IEEE802154),
	CR_NAME(AF_CAIF), CR_NAME(AF_ALG), CR_NAME(AF_NFC),
	CR_NAME(AF_VSOCK), CR_NAME(AF_KCM), CR_NAME(AF_QIPCRTR),
	CR_NAME(AF_SMC), CR_NAME(AF_XDP), CR_NAME(AF_MCTP),
};

static const char *const cr_type_names[] = {
	CR_NAME(SOCK_STREAM), CR_NAME(SOCK_DGRAM), CR_NAME(SOCK_RAW),
	CR_NAME(SOCK_RDM), CR_NAME(SOCK_SEQPACKET), CR_NAME(SOCK_DCCP),
	CR_NAME(SOCK_PACKET),
};
#undef CR_NAME

/* names[i], else i in buf (of 16 bytes), after prefix. */
static const char *cr_name_of(const char *const *names, size_t n,
			      unsigned int i, const char *prefix, char *buf)
{
	if (i < n && names[i])
		return names[i];
	snprintf(buf, 16, "%s%u", prefix, i);
	return buf;
}

/*
 * Names what cannot be saved (err from cr_fd_kind()): its path, or what
 * the kernel calls it; a socket by family, type and protocol.
 */
static void cr_refuse_fd(struct cr_fd_slot *slot, int err,
			 struct cr_status *st)
{
	struct socket *sock = sock_from_file(slot->file);
	char *buf = kmalloc(CR_PATH_MAX, GFP_KERNEL);
	const char *what = "?";
	char family[16], type[16], proto[24] = "";
	struct sock *sk;
	u32 len;

	if (buf && !cr_file_path(slot->file, buf, &len))
		what = buf;
	sk = sock ? sock->sk : NULL;
	/* Some families (AF_PACKET) keep their protocol elsewhere. */
	if (sk && sk->sk_protocol)
		snprintf(proto, sizeof(proto), ", protocol %u",
			 sk->sk_protocol);
	if (sk)
		cr_fail(st, -EOPNOTSUPP,
			"pid %d fd %u: cannot save %s (%s %s socket%s)",
			task_tgid_vnr(current), slot->fd, what,
			cr_name_of(cr_family_names, AF_MAX, sk->sk_family,
				   "family ", family),
			cr_name_of(cr_type_names, ARRAY_SIZE(cr_type_names),
				   sk->sk_type, "type ", type), proto);
	else
		cr_fail(st, err, "pid %d fd %u: cannot save %s%s",
			task_tgid_vnr(current), slot->fd, what,
			err == -EACCES ?
			" (no path, and the process may not read it)" : "");
	kfree(buf);
}

static int cr_collect_fds(struct cr_fd_list *l, struct file *out,
			  struct cr_status *st)
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
		struct cr_fd_slot *slot = &l->slots[i];

		slot->kind = cr_fd_kind(slot->file, slot->fd, out);
		if (slot->kind < 0) {
			int err = slot->kind;

			cr_refuse_fd(slot, err, st);
			cr_fd_list_free(l);
			return err;
		}
	}
	return 0;
}

void cr_shared_init(struct cr_shared *sh)
{
	mutex_init(&sh->lock);
	xa_init(&sh->ids);
	xa_init(&sh->files);
}

/* Also called early, once a restart has no more use for the files. */
void cr_shared_release(struct cr_shared *sh)
{
	struct file *f;
	unsigned long id;

	xa_destroy(&sh->ids);
	xa_for_each(&sh->files, id, f)
		fput(f);
	xa_destroy(&sh->files);
	cr_kinds_release(sh);
	cr_reloc_free(sh->reloc);
	sh->reloc = NULL;
}

/*
 * Refuses what cannot be saved, before anything is written, and lets the
 * kinds note this process's descriptors: whether a pipe is whole inside
 * the checkpoint, say, is known once every process has been noted.
 */
int cr_check_files(struct cr_shared *sh, struct cr_status *st)
{
	const struct cr_kind_ops *ops;
	struct cr_fd_list l;
	unsigned int i, id;
	int err = cr_kinds_alloc(sh) ?: cr_collect_fds(&l, sh->out, st);

	if (err)
		return err;
	for (i = 0; !err && i < l.n; i++) {
		struct file *f = l.slots[i].file;
		unsigned int fd = l.slots[i].fd;
		int kind = l.slots[i].kind;

		/* Restarted, it is opened O_PATH: it cannot be refilled. */
		if (f == sh->out && kind != CR_FD_REG) {
			err = cr_fail(st, -EOPNOTSUPP,
				      "pid %d fd %u: the context file itself, not a named file",
				      task_tgid_vnr(current), fd);
			break;
		}
		ops = cr_kind_of_fd(kind, &id);
		if (ops && ops->note)
			err = ops->note(sh, f, fd, st);
	}
	cr_fd_list_free(&l);
	return err;
}

/* f's file id: 1 when f is new to the checkpoint, 0 when known, or -errno. */
static int cr_file_id(struct cr_shared *sh, struct file *f, u32 *id)
{
	void *v = xa_load(&sh->ids, (unsigned long)f);

	if (v) {
		*id = xa_to_value(v);
		return 0;
	}
	if (sh->nfiles == CR_MAX_FILES)
		return -E2BIG;
	*id = ++sh->nfiles;
	return xa_err(xa_store(&sh->ids, (unsigned long)f, xa_mk_value(*id),
			       GFP_KERNEL)) ?: 1;
}

/* Appends one entry at buf; returns its size or -errno. */
static int cr_fill_fd(struct cr_stream *s, struct cr_shared *sh,
		      struct cr_fd_slot *slot, char *buf, struct cr_status *st)
{
	struct cr_img_fd *e = (struct cr_img_fd *)buf;
	char *path = buf + sizeof(*e);
	const struct cr_kind_ops *ops;
	unsigned int id;
	int n;

	memset(e, 0, sizeof(*e));
	e->fd = slot->fd;
	e->cloexec = slot->cloexec;
	n = cr_file_id(sh, slot->file, &e->file_id);
	if (n <= 0)
		return n ?: sizeof(*e);
	e->kind = slot->kind;
	e->flags = slot->file->f_flags & CR_FD_FLAGS;
	/* O_TMPFILE leaves O_DIRECTORY on the regular file it made. */
	if (!S_ISDIR(file_inode(slot->file)->i_mode))
		e->flags &= ~O_DIRECTORY;
	ops = cr_kind_of_fd(e->kind, &id);
	if (ops)
		return ops->save_fd(s, sh, slot->file, e, st) ?: sizeof(*e);
	if (e->kind == CR_FD_INHERIT)
		cr_inherit_fd(slot->file, e);
	if (e->kind == CR_FD_REG)
		e->pos = slot->file->f_pos;
	/* The file being written: restarted, it is complete and closed. */
	if (slot->file == sh->out) {
		e->flags = O_PATH;
		e->pos = 0;
	}
	if (e->kind == CR_FD_CTRL)
		cr_ctrl_state(slot->file, &e->pos);
	else if (e->kind != CR_FD_REG)
		return sizeof(*e);
	n = cr_file_path(slot->file, path, &e->path_len);
	return n ?: ALIGN(sizeof(*e) + e->path_len, 8);
}

int cr_save_files(struct cr_stream *s, struct cr_shared *sh,
		  struct cr_status *st)
{
	struct cr_fd_list l;
	struct cr_img_files *h;
	size_t len = sizeof(*h);
	unsigned int i;
	char *buf;
	int err;

	err = cr_collect_fds(&l, sh->out, st);
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
		int n = cr_fill_fd(s, sh, &l.slots[i], buf + len, st);

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

/* A reference to a file described earlier carries nothing else. */
static bool cr_fd_is_ref(const struct cr_img_fd *e, u32 next_id)
{
	return e->file_id < next_id;
}

static int cr_check_fd_rec(struct cr_shared *sh, const struct cr_img_fd *e,
			   size_t room, int prev_fd, u32 *next_id)
{
	const char *path = (const char *)(e + 1);
	const struct cr_kind_ops *ops;
	unsigned int id;

	if (room < sizeof(*e) || e->path_len > CR_PATH_MAX ||
	    room < sizeof(*e) + e->path_len)
		return -EBADMSG;
	if (e->fd <= prev_fd || e->fd >= rlimit(RLIMIT_NOFILE) ||
	    e->flags & ~CR_FD_FLAGS || e->cloexec > 1 || e->pos < 0 ||
	    !e->file_id || e->file_id > *next_id)
		return -EBADMSG;
	if ((e->obj_id && e->kind != CR_FD_OBJ) ||
	    (e->event && e->kind != CR_FD_EVENT))
		return -EBADMSG;
	if (cr_fd_is_ref(e, *next_id))
		return e->kind || e->flags || e->pos || e->path_len ||
		       e->pipe || e->inherit_fd ? -EBADMSG : 0;
	if (*next_id == CR_MAX_FILES)
		return -EBADMSG;
	(*next_id)++;
	if (e->kind == CR_FD_INHERIT)
		return e->inherit_fd <= 2 && !e->path_len ? 0 : -EBADMSG;
	ops = cr_kind_of_fd(e->kind, &id);
	if (ops && ops->fd_ok)
		return ops->fd_ok(sh, e) ? 0 : -EBADMSG;
	if (ops)
		return e->path_len ? -EBADMSG : 0;
	if ((e->kind != CR_FD_REG && e->kind != CR_FD_CTRL) ||
	    e->path_len < 2 ||
	    path[e->path_len - 1] || strlen(path) != e->path_len - 1)
		return -EBADMSG;
	return 0;
}

static int cr_parse_fds(struct cr_shared *sh, const char *buf, size_t len,
			struct cr_fd_new *fds, unsigned int nfds)
{
	u32 next_id = sh->nfiles + 1;
	size_t off = sizeof(struct cr_img_files);
	unsigned int i;
	int prev = -1, err;

	for (i = 0; i < nfds; i++) {
		const struct cr_img_fd *e = (const void *)(buf + off);

		if (off > len)
			return -EBADMSG;
		err = cr_check_fd_rec(sh, e, len - off, prev, &next_id);
		if (err)
			return err;
		fds[i].e = e;
		prev = e->fd;
		off += ALIGN(sizeof(*e) + e->path_len, 8);
	}
	return off == len ? 0 : -EBADMSG;
}

/* Keeps the file just opened under the next file id. */
static int cr_add_file(struct cr_shared *sh, struct file *f)
{
	int err = xa_err(xa_store(&sh->files, sh->nfiles + 1, f, GFP_KERNEL));

	if (err)
		return err;
	sh->nfiles++;
	get_file(f);
	return 0;
}

static struct file *cr_open_path(struct cr_shared *sh,
				 const struct cr_img_fd *e,
				 struct cr_status *st)
{
	const char *path = (const char *)(e + 1);
	char *moved = cr_relocate(sh->reloc, path, st);
	struct file *f;

	if (IS_ERR(moved))
		return ERR_CAST(moved);
	f = filp_open(moved ?: path, e->flags, 0);
	if (IS_ERR(f))
		cr_fail(st, PTR_ERR(f), "cannot reopen %s for fd %d",
			moved ?: path, e->fd);
	kfree(moved);
	return f;
}

static struct file *cr_reopen(struct cr_shared *sh, const struct cr_img_fd *e,
			      struct cr_status *st)
{
	struct file *f = cr_open_path(sh, e, st);

	return IS_ERR(f) ? f : cr_seek(f, e, st);
}

/* Its path must lead to a ctrl file again, which takes its request. */
static struct file *cr_reopen_ctrl(struct cr_shared *sh,
				   const struct cr_img_fd *e,
				   struct cr_status *st)
{
	struct file *f = cr_open_path(sh, e, st);
	int err;

	if (IS_ERR(f))
		return f;
	err = cr_ctrl_restore(f, e->pos);
	if (!err)
		return f;
	fput(f);
	cr_fail(st, err, "fd %d: not a checkpoint ctrl file", e->fd);
	return ERR_PTR(err);
}

/*
 * The restarter's fd of e's number if open and not close-on-exec (passed
 * on, as a wrapper would to a program it runs), else inherit_fd.
 */
static struct file *cr_inherited(const struct cr_img_fd *e)
{
	struct fdtable *fdt;
	struct file *f = NULL;
	bool passed;

	rcu_read_lock();
	fdt = files_fdtable(current->files);
	passed = e->fd > 2 && e->fd < fdt->max_fds &&
		 !test_bit(e->fd, fdt->close_on_exec);
	rcu_read_unlock();
	if (passed)
		f = fget(e->fd);
	return f ?: fget(e->inherit_fd) ?: ERR_PTR(-EBADF);
}

static struct file *cr_open_fd(struct cr_shared *sh, const struct cr_img_fd *e,
			       struct cr_status *st)
{
	unsigned int id;
	const struct cr_kind_ops *ops = cr_kind_of_fd(e->kind, &id);
	struct file *f;
	int err;

	if (cr_fd_is_ref(e, sh->nfiles + 1))
		return get_file(xa_load(&sh->files, e->file_id));
	if (e->kind == CR_FD_INHERIT)
		f = cr_inherited(e);
	/* A kind with a handover has its files from the restarter. */
	else if (ops && ops->take && !sh->kind[id].ready)
		f = ERR_PTR(-EBADMSG);
	else if (ops)
		f = ops->open_fd(sh, e, st);
	else if (e->kind == CR_FD_CTRL)
		f = cr_reopen_ctrl(sh, e, st);
	else
		f = cr_reopen(sh, e, st);
	if (IS_ERR(f))
		return f;
	err = cr_add_file(sh, f);
	if (err) {
		fput(f);
		return ERR_PTR(err);
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

int cr_restore_files(struct cr_stream *s, struct cr_shared *sh,
		     struct cr_status *st)
{
	const struct cr_img_files *h;
	struct cr_fd_new *fds = NULL;
	unsigned int i;
	size_t len;
	int err;

	err = cr_kinds_call(read_ahead, s, sh, st);
	if (err)
		return err;
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
	err = cr_parse_fds(sh, (const char *)h, len, fds, h->nfds);
	for (i = 0; !err && i < h->nfds; i++) {
		fds[i].file = cr_open_fd(sh, fds[i].e, st);
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
