// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netlink sockets.  Programs open them for a moment (glibc's
 * getaddrinfo and if_nameindex) or keep them to listen (uevents, route
 * changes).  One comes back as a new socket of its protocol and type,
 * with its options, bound again to the same port id and multicast
 * groups, connected again if it was: cr_restart makes it with its
 * user's rights (a group may need them) and hands it over with
 * CR_OP_RSTRT_NLSOCKS.  What its receive queue held is dropped: an
 * answer cannot be asked for again, nor an event seen twice; the
 * restarted socket reports ENOBUFS once instead, as an overrun does
 * (unless the program set NETLINK_NO_ENOBUFS).
 *
 * netlink_sock is private to the kernel: the port id and peer come from
 * getsockname and getpeername, the options and every group from the
 * socket's own getsockopt, which wants user memory: a page mapped for
 * the moment in the process that holds the socket.
 */
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "cr_internal.h"

struct cr_nlsock {
	struct sock *sk;		/* checkpoint: referenced */
	struct file *file;		/* restart */
	struct cr_img_nlsock img;
};

/* A socket being read in a process that holds it at fd. */
struct cr_nl_reading {
	struct sock *sk;
	struct socket *sock;
	unsigned int fd;
	struct cr_img_nlsock *img;
	struct cr_status *st;
};

/* The kind's state. */
struct cr_nlsocks {
	struct cr_nlsock *sock;
	unsigned int n, cap;
};

static struct cr_nlsocks *cr_nlsocks(struct cr_shared *sh)
{
	return sh->kind[CR_KIND_NLSOCKS].state;
}

/* A netlink socket's struct sock, else NULL. */
static struct sock *cr_nl_sk(struct file *f)
{
	struct socket *sock = sock_from_file(f);

	return sock && sock->sk && sock->sk->sk_family == AF_NETLINK ?
	       sock->sk : NULL;
}

static int cr_nlsock_kind(struct file *f)
{
	return S_ISSOCK(file_inode(f)->i_mode) && cr_nl_sk(f) ?
	       CR_FD_NLSOCK : 0;
}

static struct cr_nlsock *cr_find_nlsock(struct cr_nlsocks *ns,
					struct sock *sk)
{
	return cr_find_by(ns->sock, ns->n, sk, sk);
}

static int cr_nl_refuse(const struct cr_nl_reading *r, int err,
			const char *why)
{
	return cr_fail(r->st, err,
		       "pid %d fd %u: netlink socket (protocol %u) %s",
		       task_tgid_vnr(current), r->fd, r->sk->sk_protocol, why);
}

/*
 * A SOL_NETLINK option of up to *len bytes, through the user page u;
 * *len becomes what it has, which may be more than was read.
 */
static int cr_nl_getopt(struct socket *sock, char __user *u, int opt,
			void *val, int *len)
{
	int __user *ulen = (int __user *)u;
	int room = *len, err;

	if (put_user(room, ulen))
		return -EFAULT;
	err = sock->ops->getsockopt(sock, SOL_NETLINK, opt, u + sizeof(int),
				    ulen);
	if (err)
		return err;
	if (get_user(*len, ulen) || *len < 0)
		return -EFAULT;
	return copy_from_user(val, u + sizeof(int), min(*len, room)) ?
	       -EFAULT : 0;
}

/* Its options and groups: in the holder, whose memory lends a page. */
static int cr_nl_opts(const struct cr_nl_reading *r)
{
	struct socket *sock = r->sock;
	unsigned long u;
	int opt, val, len, err = 0;

	if (!sock->ops->getsockopt)
		return cr_nl_refuse(r, -EOPNOTSUPP,
				    "whose options cannot be read");
	u = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(u))
		return cr_nl_refuse(r, (long)u, "options: no memory");
	for (opt = 0; !err && opt < 32; opt++) {
		if (!(CR_NL_OPTS & BIT(opt)))
			continue;
		len = sizeof(val);
		err = cr_nl_getopt(sock, (char __user *)u, opt, &val, &len);
		if (!err && len == sizeof(val) && val)
			r->img->nlopts |= BIT(opt);
		/* An option this kernel does not have is off. */
		if (err == -ENOPROTOOPT)
			err = 0;
	}
	len = sizeof(r->img->groups);
	if (!err)
		err = cr_nl_getopt(sock, (char __user *)u,
				   NETLINK_LIST_MEMBERSHIPS, r->img->groups,
				   &len);
	vm_munmap(u, PAGE_SIZE);
	if (err)
		return cr_nl_refuse(r, err, "whose options cannot be read");
	/* optlen says what all its groups need, even when they do not fit. */
	if (len > sizeof(r->img->groups))
		return cr_nl_refuse(r, -EOPNOTSUPP,
				    "in a multicast group above 1024");
	return 0;
}

static int cr_nl_timeo(const struct cr_nl_reading *r, long t, u32 *ms)
{
	if (t == MAX_SCHEDULE_TIMEOUT || !t)
		return 0;
	if (t > msecs_to_jiffies(CR_NL_MAX_TIMEO_MS))
		return cr_nl_refuse(r, -EOPNOTSUPP,
				    "with a timeout over a day");
	*ms = max(jiffies_to_msecs(t), 1U);
	return 0;
}

/* Its state, read in a holder: every process is at the barrier. */
static int cr_nl_state(const struct cr_nl_reading *r)
{
	struct cr_img_nlsock *img = r->img;
	struct sock *sk = r->sk;
	struct sockaddr_nl a;
	int err;

	if (!net_eq(sock_net(sk), current->nsproxy->net_ns))
		return cr_nl_refuse(r, -EOPNOTSUPP,
				    "of another network namespace");
	if (rcu_access_pointer(sk->sk_filter))
		return cr_nl_refuse(r, -EOPNOTSUPP,
				    "with a socket filter attached");
	img->protocol = sk->sk_protocol;
	img->type = sk->sk_type;
	err = kernel_getsockname(r->sock, (struct sockaddr *)&a);
	if (err < 0)
		return cr_nl_refuse(r, err, "without a name");
	img->portid = a.nl_pid;
	err = kernel_getpeername(r->sock, (struct sockaddr *)&a);
	if (err < 0)
		return cr_nl_refuse(r, err, "without a peer name");
	img->dst_portid = a.nl_pid;
	img->dst_groups = a.nl_groups;
	if (test_bit(SOCK_PASSCRED, &r->sock->flags))
		img->flags |= CR_NL_PASSCRED;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		img->sndbuf = READ_ONCE(sk->sk_sndbuf);
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		img->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	return cr_nl_timeo(r, READ_ONCE(sk->sk_rcvtimeo), &img->rcvtimeo_ms) ?:
	       cr_nl_timeo(r, READ_ONCE(sk->sk_sndtimeo), &img->sndtimeo_ms) ?:
	       cr_nl_opts(r);
}

static bool cr_nlsock_known(struct cr_shared *sh, struct sock *sk)
{
	bool known;

	mutex_lock(&sh->lock);
	known = cr_find_nlsock(cr_nlsocks(sh), sk);
	mutex_unlock(&sh->lock);
	return known;
}

/*
 * Called by each process of a checkpoint for each of its netlink
 * sockets.  Read outside sh->lock, which its user memory must not nest
 * in; a socket two processes share may be read twice, and kept once.
 */
static int cr_note_nlsock(struct cr_shared *sh, struct file *f,
			  unsigned int fd, struct cr_status *st)
{
	struct cr_img_nlsock img = { 0 };
	struct cr_nl_reading r = { .sk = cr_nl_sk(f), .sock = sock_from_file(f),
				   .fd = fd, .img = &img, .st = st };
	struct cr_nlsocks *ns = cr_nlsocks(sh);
	struct cr_nlsock *cs;
	int err;

	if (cr_nlsock_known(sh, r.sk))
		return 0;
	err = cr_nl_state(&r);
	if (err)
		return err;
	mutex_lock(&sh->lock);
	if (cr_find_nlsock(ns, r.sk))
		goto out;
	cs = cr_grow((void **)&ns->sock, &ns->n, &ns->cap, sizeof(*cs),
		     CR_MAX_SOCKS);
	if (IS_ERR(cs)) {
		err = cr_fail(st, PTR_ERR(cs), "pid %d fd %u: too many sockets",
			      task_tgid_vnr(current), fd);
		goto out;
	}
	sock_hold(r.sk);
	cs->sk = r.sk;
	cs->img = img;
out:
	mutex_unlock(&sh->lock);
	return err;
}

/* Once every process is stopped: what was queued is lost. */
static int cr_snapshot_nlsocks(struct cr_shared *sh, struct cr_status *st)
{
	struct cr_nlsocks *ns = cr_nlsocks(sh);
	unsigned int i;

	for (i = 0; i < ns->n; i++)
		if (skb_queue_len(&ns->sock[i].sk->sk_receive_queue))
			ns->sock[i].img.flags |= CR_NL_LOST;
	return 0;
}

static int cr_save_nlsocks(struct cr_stream *s, struct cr_shared *sh,
			   struct cr_status *st)
{
	struct cr_nlsocks *ns = cr_nlsocks(sh);
	struct cr_img_nlsocks *h;
	size_t len = struct_size(h, sock, ns->n);
	unsigned int i;
	int err;

	h = kvzalloc(len, GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->nsocks = ns->n;
	for (i = 0; i < ns->n; i++)
		h->sock[i] = ns->sock[i].img;
	err = cr_write_rec(s, CR_REC_NLSOCKS, h, len);
	kvfree(h);
	return err;
}

static int cr_nlsock_fd(struct cr_stream *s, struct cr_shared *sh,
			struct file *f, struct cr_img_fd *e,
			struct cr_status *st)
{
	struct cr_nlsocks *ns = cr_nlsocks(sh);
	struct cr_nlsock *cs = cr_find_nlsock(ns, cr_nl_sk(f));

	if (!cs)
		return -EINVAL;
	e->kind = CR_FD_NLSOCK;
	e->pipe = cs - ns->sock;
	return 0;
}

static int cr_nlsock_watch(struct cr_shared *sh, struct file *f,
			   struct cr_img_watch *w)
{
	struct cr_nlsocks *ns = cr_nlsocks(sh);
	struct cr_nlsock *cs = cr_find_nlsock(ns, cr_nl_sk(f));

	if (!cs)
		return -EOPNOTSUPP;
	w->kind = CR_WATCH_NLSOCK;
	w->index = cs - ns->sock;
	return 0;
}

/* ---- restart ---- */

static bool cr_nlsock_ok(const struct cr_img_nlsock *is)
{
	bool groups = memchr_inv(is->groups, 0, sizeof(is->groups));

	return is->protocol <= CR_NL_MAX_PROTOCOL &&
	       (is->type == SOCK_RAW || is->type == SOCK_DGRAM) &&
	       !(is->flags & ~(CR_NL_PASSCRED | CR_NL_LOST)) &&
	       !(is->nlopts & ~CR_NL_OPTS) && !is->pad &&
	       is->sndbuf <= CR_SOCK_MAX_DATA &&
	       is->rcvbuf <= CR_SOCK_MAX_DATA &&
	       is->rcvtimeo_ms <= CR_NL_MAX_TIMEO_MS &&
	       is->sndtimeo_ms <= CR_NL_MAX_TIMEO_MS &&
	       /* A group or a peer binds it: it has a port id. */
	       (is->portid || (!groups && !is->dst_portid && !is->dst_groups));
}

/* The NLSOCKS record, read with the process table. */
static int cr_read_nlsocks(struct cr_stream *s, struct cr_shared *sh,
			   struct cr_status *st)
{
	struct cr_nlsocks *ns = cr_nlsocks(sh);
	struct cr_img_nlsocks *h;
	unsigned int i;
	size_t len;
	int err = -EBADMSG;

	h = cr_read_rec(s, CR_REC_NLSOCKS, sizeof(*h),
			struct_size(h, sock, CR_MAX_SOCKS), &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad netlink socket table");
	if (h->pad || h->nsocks > CR_MAX_SOCKS ||
	    len != struct_size(h, sock, h->nsocks))
		goto out;
	for (i = 0; i < h->nsocks; i++)
		if (!cr_nlsock_ok(&h->sock[i]))
			goto out;
	err = -ENOMEM;
	ns->sock = kvcalloc(max(h->nsocks, 1U), sizeof(*ns->sock), GFP_KERNEL);
	if (!ns->sock)
		goto out;
	ns->n = h->nsocks;
	for (i = 0; i < h->nsocks; i++)
		ns->sock[i].img = h->sock[i];
	err = 0;
out:
	kvfree(h);
	return err ? cr_fail(st, err, "bad netlink socket table") : 0;
}

static u32 cr_count_nlsocks(struct cr_shared *sh)
{
	return cr_nlsocks(sh)->n;
}

static size_t cr_nlsocks_table_len(struct cr_shared *sh)
{
	return sizeof(u32) + cr_nlsocks(sh)->n * sizeof(struct cr_rstrt_nlsock);
}

static void cr_nlsock_plan(struct cr_rstrt_nlsock *t,
			   const struct cr_img_nlsock *is)
{
	t->protocol = is->protocol;
	t->type = is->type;
	t->portid = is->portid;
	t->flags = is->flags & CR_NL_PASSCRED;
	t->dst_portid = is->dst_portid;
	t->dst_groups = is->dst_groups;
	t->nlopts = is->nlopts;
	t->sndbuf = is->sndbuf;
	t->rcvbuf = is->rcvbuf;
	t->rcvtimeo_ms = is->rcvtimeo_ms;
	t->sndtimeo_ms = is->sndtimeo_ms;
	memcpy(t->groups, is->groups, sizeof(t->groups));
}

/* What the restarter must make, at buf + off (u32-aligned). */
static size_t cr_nlsocks_table(struct cr_shared *sh, char *buf, size_t off,
			       struct cr_rstrt_procs_args *a)
{
	struct cr_nlsocks *ns = cr_nlsocks(sh);
	struct cr_rstrt_nlsock *t;
	unsigned int i;

	off = ALIGN(off, sizeof(u32));
	a->nlsocks_off = off;
	a->nnlsocks = ns->n;
	t = (struct cr_rstrt_nlsock *)(buf + off);
	for (i = 0; i < ns->n; i++)
		cr_nlsock_plan(&t[i], &ns->sock[i].img);
	return off + ns->n * sizeof(*t);
}

/* Whether the restarter's socket for cs is what the table asked for. */
static int cr_take_nlsock(struct cr_nlsock *cs, s32 fd)
{
	const struct cr_img_nlsock *is = &cs->img;
	struct sockaddr_nl a;
	struct sock *sk;

	cs->file = fget(fd);
	if (!cs->file)
		return -EBADF;
	sk = cr_nl_sk(cs->file);
	if (!sk || sk->sk_type != is->type || sk->sk_protocol != is->protocol)
		return -EINVAL;
	if (kernel_getsockname(sk->sk_socket, (struct sockaddr *)&a) < 0 ||
	    a.nl_pid != is->portid || a.nl_groups != is->groups[0])
		return -EINVAL;
	if (kernel_getpeername(sk->sk_socket, (struct sockaddr *)&a) < 0 ||
	    a.nl_pid != is->dst_portid || a.nl_groups != is->dst_groups)
		return -EINVAL;
	/* What was queued is lost: say so, as an overrun would. */
	if (is->flags & CR_NL_LOST && !(is->nlopts & BIT(NETLINK_NO_ENOBUFS))) {
		WRITE_ONCE(sk->sk_err, ENOBUFS);
		sk_error_report(sk);
	}
	return 0;
}

/* CR_OP_RSTRT_NLSOCKS. */
static int cr_take_nlsocks(struct cr_stream *s, struct cr_shared *sh,
			   const s32 *fds, struct cr_status *st)
{
	struct cr_nlsocks *ns = cr_nlsocks(sh);
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < ns->n; i++)
		err = cr_take_nlsock(&ns->sock[i], fds[i]);
	return err ? cr_fail(st, err, "netlink socket %u from the restarter",
			     i - 1) : 0;
}

/* The file for a CR_FD_NLSOCK entry, with the entry's O_NONBLOCK. */
static struct file *cr_nlsock_file(struct cr_shared *sh,
				   const struct cr_img_fd *e,
				   struct cr_status *st)
{
	struct cr_nlsocks *ns = cr_nlsocks(sh);

	if (e->pipe >= ns->n || (e->flags & O_ACCMODE) != O_RDWR)
		return ERR_PTR(-EBADMSG);
	return cr_shared_file(ns->sock[e->pipe].file, e);
}

static void *cr_alloc_nlsocks(void)
{
	return kzalloc(sizeof(struct cr_nlsocks), GFP_KERNEL);
}

static void cr_release_nlsocks(void *state)
{
	struct cr_nlsocks *ns = state;
	unsigned int i;

	for (i = 0; i < ns->n; i++) {
		if (ns->sock[i].sk)
			sock_put(ns->sock[i].sk);
		if (ns->sock[i].file)
			fput(ns->sock[i].file);
	}
	kvfree(ns->sock);
	kfree(ns);
}

CR_HANDOVER_ARGS(struct cr_rstrt_nlsocks_args, nsocks);

const struct cr_kind_ops cr_nlsock_ops = {
	.name = "netlink sockets",
	.fd_kind = CR_FD_NLSOCK,
	.watch_kinds = BIT(CR_WATCH_NLSOCK),
	.handover_op = CR_OP_RSTRT_NLSOCKS,
	.fds_per = 1,
	.alloc = cr_alloc_nlsocks,
	.release = cr_release_nlsocks,
	.classify = cr_nlsock_kind,
	.note = cr_note_nlsock,
	.snapshot = cr_snapshot_nlsocks,
	.save = cr_save_nlsocks,
	.save_fd = cr_nlsock_fd,
	.watch = cr_nlsock_watch,
	.read = cr_read_nlsocks,
	.count = cr_count_nlsocks,
	.table_len = cr_nlsocks_table_len,
	.table = cr_nlsocks_table,
	.take = cr_take_nlsocks,
	.open_fd = cr_nlsock_file,
};
