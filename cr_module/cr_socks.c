// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unix sockets.  A connected socket is saved only with its peer, and the
 * two come back as one socketpair with what each one's receive queue
 * held, re-sent from the other end, and their shutdown state.  A socket
 * whose peer was closed comes back as a socketpair whose other end is
 * closed once its data is in.  A listening socket is bound again at its
 * path (a stale socket file is replaced) or abstract name; so is an
 * unconnected one, and the datagrams it had queued are sent to it again
 * from an unnamed socket.  What a restart could not rebuild is refused at
 * checkpoint time with the process and fd that hold it: a peer outside
 * the checkpoint (except on fds 0-2, which get the restarter's, or when
 * the user asked for such sockets to come back with their peer closed),
 * fds in flight, urgent data, connections not yet accepted, datagrams
 * queued on a socket neither connected nor bound.
 *
 * As with pipes, cr_restart makes the sockets with its user's rights
 * (binding creates a file) and hands them over with CR_OP_RSTRT_SOCKS;
 * the module refills them.  Accepted sockets lose their name: a
 * socketpair has none.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "cr_internal.h"

struct cr_sock {
	struct sock *sk;		/* checkpoint: referenced */
	struct sock *peer;		/* checkpoint: referenced, or NULL */
	struct file *file;		/* restart */
	pid_t pid;			/* checkpoint: a holder, for messages */
	unsigned int fd;
	bool high_fd;			/* held above fd 2 somewhere */
	bool external;			/* its peer is outside */
	u32 id;				/* index in SOCKS */
	struct cr_img_sock img;
	char *addr;
	u32 *lens;			/* checkpoint: each message's length */
	void *data;
};

/* The kind's state. */
struct cr_socks {
	struct cr_sock *sock;
	unsigned int n, cap;
};

static struct cr_socks *cr_socks(struct cr_shared *sh)
{
	return sh->kind[CR_KIND_SOCKS].state;
}

/* A Unix socket's struct sock, else NULL. */
static struct sock *cr_unix_sk(struct file *f)
{
	struct socket *sock = sock_from_file(f);

	return sock && sock->sk && sock->sk->sk_family == AF_UNIX ?
	       sock->sk : NULL;
}

static int cr_sock_kind(struct file *f)
{
	return S_ISSOCK(file_inode(f)->i_mode) && cr_unix_sk(f) ?
	       CR_FD_SOCK : 0;
}

static struct cr_sock *cr_find_sock(struct cr_socks *ss, struct sock *sk)
{
	return cr_find_by(ss->sock, ss->n, sk, sk);
}

static struct cr_sock *cr_add_sock(struct cr_socks *ss, struct sock *sk)
{
	struct cr_sock *cs = cr_grow((void **)&ss->sock, &ss->n, &ss->cap,
				     sizeof(*cs), CR_MAX_SOCKS);

	if (IS_ERR(cs))
		return cs;
	sock_hold(sk);
	cs->sk = sk;
	return cs;
}

/* Called by each process of a checkpoint for each of its Unix sockets. */
static int cr_note_sock(struct cr_shared *sh, struct file *f, unsigned int fd,
			struct cr_status *st)
{
	struct cr_socks *ss = cr_socks(sh);
	struct sock *sk = cr_unix_sk(f);
	struct cr_sock *cs;
	int err = 0;

	mutex_lock(&sh->lock);
	cs = cr_find_sock(ss, sk) ?: cr_add_sock(ss, sk);
	if (IS_ERR(cs)) {
		err = cr_fail(st, PTR_ERR(cs), "pid %d fd %u: too many sockets",
			      task_tgid_vnr(current), fd);
		goto out;
	}
	/* Name the holder a refusal would be about. */
	if (!cs->pid || (fd > 2 && !cs->high_fd)) {
		cs->pid = task_tgid_vnr(current);
		cs->fd = fd;
	}
	cs->high_fd |= fd > 2;
out:
	mutex_unlock(&sh->lock);
	return err;
}

static int cr_sock_refuse(struct cr_status *st, struct cr_sock *cs, int err,
			  const char *why)
{
	return cr_fail(st, err, "pid %d fd %u: unix socket %s", cs->pid,
		       cs->fd, why);
}

/* Its bound name: a path (absolute, for any cwd) or an abstract name. */
static int cr_sock_addr(struct cr_sock *cs, struct cr_status *st)
{
	struct unix_sock *u = unix_sk(cs->sk);
	struct unix_address *addr = smp_load_acquire(&u->addr);
	char *buf;
	u32 len;
	int err;

	if (!addr)
		return 0;
	buf = kmalloc(CR_PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cs->addr = buf;
	if (!u->path.dentry) {
		len = addr->len - offsetof(struct sockaddr_un, sun_path);
		memcpy(buf, addr->name->sun_path, len);
		cs->img.addr_len = len;
		return 0;
	}
	err = cr_file_path_of(&u->path, buf, &len);
	if (err || len > UNIX_PATH_MAX)
		return cr_sock_refuse(st, cs, err ?: -ENAMETOOLONG,
				      "bound to a path too long to bind again");
	cs->img.addr_len = len;
	return 0;
}

static bool cr_is_stream(const struct cr_sock *cs)
{
	return cs->img.type == SOCK_STREAM;
}

/* Counts the queue, or refuses it; queue locked. */
static int cr_count_queue(struct cr_sock *cs, u32 *n, u32 *len)
{
	struct sk_buff *skb;

	*n = *len = 0;
	skb_queue_walk(&cs->sk->sk_receive_queue, skb) {
		if (UNIXCB(skb).fp)
			return -EOPNOTSUPP;
		(*n)++;
		*len += skb->len - (cr_is_stream(cs) ? UNIXCB(skb).consumed : 0);
	}
	return 0;
}

/* Copies the queue, which was n messages of len bytes; queue locked. */
static int cr_copy_queue(struct cr_sock *cs, u32 n, u32 len)
{
	struct sk_buff *skb;
	u32 i = 0, off = 0;
	int err;

	skb_queue_walk(&cs->sk->sk_receive_queue, skb) {
		u32 skip = cr_is_stream(cs) ? UNIXCB(skb).consumed : 0;
		u32 l = skb->len - skip;

		if (i == n || l > len - off)
			return -EAGAIN;
		err = skb_copy_bits(skb, skip, cs->data + off, l);
		if (err)
			return err;
		cs->lens[i++] = l;
		off += l;
	}
	return i == n && off == len ? 0 : -EAGAIN;
}

/* What its receive queue holds, without taking it. */
static int cr_save_queue(struct cr_sock *cs, struct cr_status *st)
{
	spinlock_t *lock = &cs->sk->sk_receive_queue.lock;
	u32 n, len;
	int err;

#if IS_ENABLED(CONFIG_AF_UNIX_OOB)
	if (READ_ONCE(unix_sk(cs->sk)->oob_skb))
		return cr_sock_refuse(st, cs, -EOPNOTSUPP, "with urgent data");
#endif
	spin_lock(lock);
	err = cr_count_queue(cs, &n, &len);
	spin_unlock(lock);
	if (err)
		return cr_sock_refuse(st, cs, err, "with fds in flight");
	if (n > CR_SOCK_MAX_MSGS || len > CR_SOCK_MAX_DATA)
		return cr_sock_refuse(st, cs, -EFBIG, "with too much queued");
	if (!n)
		return 0;
	cs->lens = kvmalloc_array(n, sizeof(*cs->lens), GFP_KERNEL);
	cs->data = kvmalloc(max(len, 1U), GFP_KERNEL);
	if (!cs->lens || !cs->data)
		return -ENOMEM;
	spin_lock(lock);
	err = cr_copy_queue(cs, n, len);
	spin_unlock(lock);
	if (err)
		return cr_sock_refuse(st, cs, err, "changed while saved");
	/* A stream's bytes go back in one piece. */
	if (cr_is_stream(cs) && n > 1) {
		cs->lens[0] = len;
		n = 1;
	}
	cs->img.nmsgs = n;
	cs->img.data_len = len;
	return 0;
}

/* Its state, every process of the checkpoint stopped. */
static int cr_snapshot_sock(struct cr_sock *cs, struct cr_status *st)
{
	struct sock *sk = cs->sk;
	int err;

	cs->img.type = sk->sk_type;
	cs->img.shutdown = READ_ONCE(sk->sk_shutdown) & SHUTDOWN_MASK;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		cs->img.sndbuf = READ_ONCE(sk->sk_sndbuf);
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		cs->img.rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		if (skb_queue_len(&sk->sk_receive_queue))
			return cr_sock_refuse(st, cs, -EBUSY,
				"has connections not yet accepted");
		cs->img.kind = CR_SOCK_LISTEN;
		cs->img.backlog = READ_ONCE(sk->sk_max_ack_backlog);
		return cr_sock_addr(cs, st);
	}
	cs->peer = unix_peer_get(sk);
	if (cs->peer) {
		cs->img.kind = CR_SOCK_PAIR;
		return cr_save_queue(cs, st);
	}
	cs->img.kind = CR_SOCK_ALONE;
	err = cr_sock_addr(cs, st);
	if (err || !skb_queue_len(&sk->sk_receive_queue))
		return err;
	/* They are sent to its name again at restart. */
	if (!cs->img.addr_len)
		return cr_sock_refuse(st, cs, -EOPNOTSUPP,
			"neither connected nor bound, with datagrams queued");
	return cr_save_queue(cs, st);
}

/* Pairs it with its peer: inside, closed, or outside the checkpoint. */
static int cr_pair_sock(struct cr_shared *sh, struct cr_sock *cs,
			struct cr_status *st)
{
	struct cr_sock *p = cr_find_sock(cr_socks(sh), cs->peer);

	if (p && p->peer == cs->sk)
		return 0;
	if (p)
		return cr_sock_refuse(st, cs, -EOPNOTSUPP,
			"connected to one that is not connected back");
	if (sock_flag(cs->peer, SOCK_DEAD))
		return 0;
	if (!cs->high_fd) {
		cs->external = true;
		return 0;
	}
	/* The user asked for it to come back as if its peer closed. */
	if (sh->outside_closed)
		return 0;
	return cr_sock_refuse(st, cs, -EOPNOTSUPP,
			      "connected to a process outside the checkpoint");
}

/* With every process stopped and noted: what each socket holds. */
static int cr_snapshot_socks(struct cr_shared *sh, struct cr_status *st)
{
	struct cr_socks *ss = cr_socks(sh);
	unsigned int i, n = 0;
	int err = 0;

	for (i = 0; !err && i < ss->n; i++)
		err = cr_snapshot_sock(&ss->sock[i], st);
	for (i = 0; !err && i < ss->n; i++)
		if (ss->sock[i].peer)
			err = cr_pair_sock(sh, &ss->sock[i], st);
	for (i = 0; !err && i < ss->n; i++)
		if (!ss->sock[i].external)
			ss->sock[i].id = n++;
	/* A closed peer is named by the socket itself. */
	for (i = 0; !err && i < ss->n; i++) {
		struct cr_sock *cs = &ss->sock[i], *p;

		if (cs->img.kind != CR_SOCK_PAIR || cs->external)
			continue;
		p = cr_find_sock(ss, cs->peer);
		cs->img.peer = p ? p->id : cs->id;
	}
	return err == -ENOMEM ? cr_fail(st, err, "saving sockets") : err;
}

/* SOCKS; its SOCKDATA come after PIPEDATA (cr_save_sock_data). */
static int cr_save_socks(struct cr_stream *s, struct cr_shared *sh,
			 struct cr_status *st)
{
	struct cr_socks *ss = cr_socks(sh);
	struct cr_img_socks *h;
	size_t len, addrs = 0;
	unsigned int i;
	char *at;
	u32 n = 0;
	int err;

	for (i = 0; i < ss->n; i++) {
		if (!ss->sock[i].external) {
			addrs += ss->sock[i].img.addr_len;
			n++;
		}
	}
	len = struct_size(h, sock, n) + addrs;
	h = kvzalloc(len, GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->nsocks = n;
	at = (char *)&h->sock[n];
	for (i = 0; i < ss->n; i++) {
		struct cr_sock *cs = &ss->sock[i];

		if (cs->external)
			continue;
		h->sock[cs->id] = cs->img;
		memcpy(at, cs->addr, cs->img.addr_len);
		at += cs->img.addr_len;
	}
	err = cr_write_rec(s, CR_REC_SOCKS, h, len);
	kvfree(h);
	return err;
}

static int cr_save_sock_data(struct cr_stream *s, struct cr_shared *sh)
{
	struct cr_socks *ss = cr_socks(sh);
	unsigned int i, m;
	int err = 0;

	for (i = 0; !err && i < ss->n; i++) {
		struct cr_sock *cs = &ss->sock[i];
		size_t off = 0;

		for (m = 0; !err && !cs->external && m < cs->img.nmsgs; m++) {
			err = cr_write_rec(s, CR_REC_SOCKDATA, cs->data + off,
					   cs->lens[m]);
			off += cs->lens[m];
		}
	}
	return err;
}

static struct cr_sock *cr_file_sock(struct cr_shared *sh, struct file *f)
{
	struct cr_sock *cs = cr_find_sock(cr_socks(sh), cr_unix_sk(f));

	return cs && !cs->external ? cs : NULL;
}

/* A socket whose peer is outside is only ever on fds 0-2: inherited. */
static int cr_sock_fd(struct cr_stream *s, struct cr_shared *sh,
		      struct file *f, struct cr_img_fd *e, struct cr_status *st)
{
	struct cr_sock *cs = cr_file_sock(sh, f);

	if (cs) {
		e->kind = CR_FD_SOCK;
		e->pipe = cs->id;
	} else {
		e->kind = CR_FD_INHERIT;
		e->inherit_fd = e->fd;
	}
	return 0;
}

static int cr_sock_watch(struct cr_shared *sh, struct file *f,
			 struct cr_img_watch *w)
{
	struct cr_sock *cs = cr_file_sock(sh, f);

	if (cs) {
		w->kind = CR_WATCH_SOCK;
		w->index = cs->id;
		return 0;
	}
	if (w->tfd > 2)
		return -EOPNOTSUPP;
	w->kind = CR_WATCH_INHERIT;
	w->index = w->tfd;
	return 0;
}

/* ---- restart ---- */

static bool cr_sock_type_ok(u32 type)
{
	return type == SOCK_STREAM || type == SOCK_DGRAM ||
	       type == SOCK_SEQPACKET;
}

static bool cr_sock_addr_ok(const char *addr, u32 len)
{
	if (!len)
		return true;
	if (len > UNIX_PATH_MAX)
		return false;
	return !addr[0] || cr_path_ok(addr, len);
}

static bool cr_sock_ok(const struct cr_img_socks *h, u32 i, const char *addr)
{
	const struct cr_img_sock *is = &h->sock[i];
	const struct cr_img_sock *p = &h->sock[is->peer % h->nsocks];

	if (!cr_sock_type_ok(is->type) || is->shutdown > SHUTDOWN_MASK ||
	    is->sndbuf > CR_SOCK_MAX_DATA || is->rcvbuf > CR_SOCK_MAX_DATA ||
	    is->nmsgs > CR_SOCK_MAX_MSGS || is->data_len > CR_SOCK_MAX_DATA ||
	    (!is->nmsgs && is->data_len) || !cr_sock_addr_ok(addr, is->addr_len))
		return false;
	if (is->type == SOCK_STREAM && is->nmsgs > 1)
		return false;
	switch (is->kind) {
	case CR_SOCK_PAIR:
		return is->peer < h->nsocks && !is->addr_len &&
		       !is->backlog && p->type == is->type &&
		       (is->peer == i ||
			(p->kind == CR_SOCK_PAIR && p->peer == i));
	case CR_SOCK_LISTEN:
		return is->type != SOCK_DGRAM && is->addr_len &&
		       !is->nmsgs && !is->peer && is->backlog <= U16_MAX;
	case CR_SOCK_ALONE:
		/* datagrams queued: sent to its name again */
		return (!is->nmsgs ||
			(is->type == SOCK_DGRAM && is->addr_len)) &&
		       !is->peer && !is->backlog;
	}
	return false;
}

static int cr_check_socks_rec(const struct cr_img_socks *h, size_t len)
{
	const char *addr;
	size_t room;
	unsigned int i;

	if (h->pad || h->nsocks > CR_MAX_SOCKS ||
	    len < struct_size(h, sock, h->nsocks))
		return -EBADMSG;
	addr = (const char *)&h->sock[h->nsocks];
	room = len - struct_size(h, sock, h->nsocks);
	for (i = 0; i < h->nsocks; i++) {
		u32 al = h->sock[i].addr_len;

		if (al > room || !cr_sock_ok(h, i, addr))
			return -EBADMSG;
		addr += al;
		room -= al;
	}
	return room ? -EBADMSG : 0;
}

/* The SOCKS record, read with the process table. */
static int cr_read_socks(struct cr_stream *s, struct cr_shared *sh,
			 struct cr_status *st)
{
	struct cr_socks *ss = cr_socks(sh);
	struct cr_img_socks *h;
	const char *addr;
	unsigned int i;
	size_t len;
	int err;

	h = cr_read_rec(s, CR_REC_SOCKS, sizeof(*h),
			struct_size(h, sock, CR_MAX_SOCKS) +
			CR_MAX_SOCKS * UNIX_PATH_MAX, &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad socket table");
	err = cr_check_socks_rec(h, len);
	if (err)
		goto out;
	err = -ENOMEM;
	ss->sock = kvcalloc(max(h->nsocks, 1U), sizeof(*ss->sock), GFP_KERNEL);
	if (!ss->sock)
		goto out;
	ss->n = h->nsocks;
	addr = (const char *)&h->sock[h->nsocks];
	for (i = 0, err = 0; !err && i < h->nsocks; i++) {
		struct cr_sock *cs = &ss->sock[i];

		cs->img = h->sock[i];
		if (!cs->img.addr_len)
			continue;
		cs->addr = kmemdup(addr, cs->img.addr_len, GFP_KERNEL);
		err = cs->addr ? 0 : -ENOMEM;
		addr += cs->img.addr_len;
	}
out:
	kvfree(h);
	return err ? cr_fail(st, err, "bad socket table") : 0;
}

static u32 cr_count_socks(struct cr_shared *sh)
{
	return cr_socks(sh)->n;
}

static size_t cr_socks_table_len(struct cr_shared *sh)
{
	struct cr_socks *ss = cr_socks(sh);
	size_t len = sizeof(u32) + ss->n * sizeof(struct cr_rstrt_sock);
	unsigned int i;

	for (i = 0; i < ss->n; i++)
		len += ss->sock[i].img.addr_len;
	return len;
}

/* What the restarter must make, at buf + off (u32-aligned). */
static size_t cr_socks_table(struct cr_shared *sh, char *buf, size_t off,
			     struct cr_rstrt_procs_args *a)
{
	struct cr_socks *ss = cr_socks(sh);
	struct cr_rstrt_sock *t;
	unsigned int i;

	off = ALIGN(off, sizeof(u32));
	a->socks_off = off;
	a->nsocks = ss->n;
	t = (struct cr_rstrt_sock *)(buf + off);
	off += ss->n * sizeof(*t);
	for (i = 0; i < ss->n; i++) {
		const struct cr_img_sock *is = &ss->sock[i].img;

		t[i].type = is->type;
		t[i].kind = is->kind;
		t[i].peer = is->peer;
		t[i].backlog = is->backlog;
		t[i].sndbuf = is->sndbuf;
		t[i].rcvbuf = is->rcvbuf;
		t[i].addr_len = is->addr_len;
		t[i].addr_off = is->addr_len ? off : 0;
		memcpy(buf + off, ss->sock[i].addr, is->addr_len);
		off += is->addr_len;
	}
	return off;
}

/* The socket the restarter made for entry i, of the right type. */
static int cr_take_sock(struct cr_sock *cs, s32 fd)
{
	struct sock *sk;

	cs->file = fget(fd);
	if (!cs->file)
		return -EBADF;
	sk = cr_unix_sk(cs->file);
	return sk && sk->sk_type == cs->img.type ? 0 : -EINVAL;
}

/* Whether entry i is connected, or listening, as the table asked. */
static int cr_check_sock(struct cr_socks *ss, unsigned int i)
{
	struct cr_sock *cs = &ss->sock[i];
	struct sock *sk = cr_unix_sk(cs->file), *peer;
	bool ok;

	if (cs->img.kind == CR_SOCK_LISTEN)
		return READ_ONCE(sk->sk_state) == TCP_LISTEN ? 0 : -EINVAL;
	peer = unix_peer_get(sk);
	if (cs->img.kind == CR_SOCK_ALONE)
		ok = !peer;
	else if (cs->img.peer == i)
		ok = peer;
	else
		ok = peer == cr_unix_sk(ss->sock[cs->img.peer].file);
	if (peer)
		sock_put(peer);
	return ok ? 0 : -EINVAL;
}

/*
 * Re-sends its queue from the socket from, connected to it, whose send
 * buffer and its receive queue's length are made room.
 */
static int cr_resend(struct cr_stream *s, struct cr_sock *cs,
		     struct sock *from)
{
	struct sock *sk = cr_unix_sk(cs->file);
	u32 backlog = READ_ONCE(sk->sk_max_ack_backlog);
	u32 m, left = cs->img.data_len;
	int sndbuf = READ_ONCE(from->sk_sndbuf), err = 0;

	WRITE_ONCE(from->sk_sndbuf, max_t(int, sndbuf, 2 * left + SZ_64K));
	WRITE_ONCE(sk->sk_max_ack_backlog, max(backlog, cs->img.nmsgs));
	for (m = 0; !err && m < cs->img.nmsgs; m++) {
		size_t len;
		void *data = cr_read_rec(s, CR_REC_SOCKDATA, 0, left, &len);

		if (IS_ERR(data)) {
			err = PTR_ERR(data);
			break;
		}
		left -= len;
		err = from->sk_socket ? cr_send_all(from->sk_socket, data, len) :
					-EINVAL;
		kvfree(data);
	}
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	WRITE_ONCE(from->sk_sndbuf, sndbuf);
	return err ?: left ? -EBADMSG : 0;
}

/* An unconnected one's datagrams come from an unnamed socket. */
static int cr_refill_alone(struct cr_stream *s, struct cr_sock *cs)
{
	struct sockaddr_un to = { .sun_family = AF_UNIX };
	struct socket *from;
	int err;

	err = sock_create_kern(sock_net(cr_unix_sk(cs->file)), AF_UNIX,
			       SOCK_DGRAM, 0, &from);
	if (err)
		return err;
	memcpy(to.sun_path, cs->addr, cs->img.addr_len);
	err = kernel_connect(from, (struct sockaddr *)&to,
			     offsetof(struct sockaddr_un, sun_path) +
			     cs->img.addr_len, 0) ?:
	      cr_resend(s, cs, from->sk);
	sock_release(from);
	return err;
}

/* Re-sends its queue from its peer, or to its name. */
static int cr_refill_sock(struct cr_stream *s, struct cr_sock *cs)
{
	struct sock *peer;
	int err;

	if (cs->img.kind == CR_SOCK_ALONE)
		return cr_refill_alone(s, cs);
	peer = unix_peer_get(cr_unix_sk(cs->file));
	if (!peer)
		return -EINVAL;
	err = cr_resend(s, cs, peer);
	sock_put(peer);
	return err;
}

static int cr_shutdown_sock(struct cr_sock *cs)
{
	struct socket *sock = sock_from_file(cs->file);
	u32 now = READ_ONCE(sock->sk->sk_shutdown);
	int err = 0;

	if (cs->img.shutdown & SEND_SHUTDOWN && !(now & SEND_SHUTDOWN))
		err = kernel_sock_shutdown(sock, SHUT_WR);
	if (!err && cs->img.shutdown & RCV_SHUTDOWN && !(now & RCV_SHUTDOWN))
		err = kernel_sock_shutdown(sock, SHUT_RD);
	return err;
}

/* CR_OP_RSTRT_SOCKS, with the stream locked: after the pipes' data. */
static int cr_fill_socks(struct cr_stream *s, struct cr_shared *sh,
			 const s32 *fds, struct cr_status *st)
{
	struct cr_socks *ss = cr_socks(sh);
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < ss->n; i++)
		err = cr_take_sock(&ss->sock[i], fds[i]);
	for (i = 0; !err && i < ss->n; i++)
		err = cr_check_sock(ss, i);
	if (err)
		return cr_fail(st, err, "socket %u from the restarter", i - 1);
	for (i = 0; !err && i < ss->n; i++)
		if (ss->sock[i].img.nmsgs)
			err = cr_refill_sock(s, &ss->sock[i]);
	if (err)
		return cr_fail(st, err, "refilling socket %u", i - 1);
	for (i = 0; !err && i < ss->n; i++)
		err = cr_shutdown_sock(&ss->sock[i]);
	if (err)
		return cr_fail(st, err, "shutting socket %u down", i - 1);
	return 0;
}

/* The file for a CR_FD_SOCK entry, with the entry's O_NONBLOCK. */
static struct file *cr_sock_file(struct cr_shared *sh,
				 const struct cr_img_fd *e,
				 struct cr_status *st)
{
	struct cr_socks *ss = cr_socks(sh);

	if (e->pipe >= ss->n || (e->flags & O_ACCMODE) != O_RDWR)
		return ERR_PTR(-EBADMSG);
	return cr_shared_file(ss->sock[e->pipe].file, e);
}

static void *cr_alloc_socks(void)
{
	return kzalloc(sizeof(struct cr_socks), GFP_KERNEL);
}

static void cr_release_socks(void *state)
{
	struct cr_socks *ss = state;
	unsigned int i;

	for (i = 0; i < ss->n; i++) {
		struct cr_sock *cs = &ss->sock[i];

		if (cs->sk)
			sock_put(cs->sk);
		if (cs->peer)
			sock_put(cs->peer);
		if (cs->file)
			fput(cs->file);
		kfree(cs->addr);
		kvfree(cs->lens);
		kvfree(cs->data);
	}
	kvfree(ss->sock);
	kfree(ss);
}

CR_HANDOVER_ARGS(struct cr_rstrt_socks_args, nsocks);

const struct cr_kind_ops cr_sock_ops = {
	.name = "sockets",
	.fd_kind = CR_FD_SOCK,
	.watch_kinds = BIT(CR_WATCH_SOCK),
	.handover_op = CR_OP_RSTRT_SOCKS,
	.fds_per = 1,
	.alloc = cr_alloc_socks,
	.release = cr_release_socks,
	.classify = cr_sock_kind,
	.note = cr_note_sock,
	.snapshot = cr_snapshot_socks,
	.save = cr_save_socks,
	.save_data = cr_save_sock_data,
	.save_fd = cr_sock_fd,
	.watch = cr_sock_watch,
	.read = cr_read_socks,
	.count = cr_count_socks,
	.table_len = cr_socks_table_len,
	.table = cr_socks_table,
	.take = cr_fill_socks,
	.open_fd = cr_sock_file,
};
