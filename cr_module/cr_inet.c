// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP and UDP sockets, IPv4 and IPv6.  A TCP connection is saved only
 * with both its ends (its peer found by the four addresses among the
 * checkpoint's sockets, connections not yet accepted included) and comes
 * back connected with the same addresses, each direction refilled with
 * what its receiver had not read followed by what its sender had not had
 * acknowledged, then its shutdown state.  A listener is bound and
 * listening again; other sockets bound (UDP connected) again.  Read
 * straight from the sockets, every process stopped: no TCP_REPAIR, no
 * privilege.  Refused at checkpoint time, with the process and fd: a
 * connection to outside (unless the user asked for it to come back reset,
 * CR_ABI_CHKPT_TCP_CLOSE), urgent data, states in between (SYN_SENT,
 * LAST_ACK, ...).  Queued UDP datagrams are not saved.
 *
 * cr_restart makes the sockets with its user's rights and hands them
 * over with CR_OP_RSTRT_INET; the module refills them.  Before a --kill,
 * the connections are set to reset on close, so that no TIME_WAIT
 * socket holds their ports against the restart.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "cr_internal.h"

struct cr_inet {
	struct sock *sk;		/* checkpoint: referenced */
	struct file *file;		/* restart */
	pid_t pid;			/* checkpoint: a holder, for messages */
	unsigned int fd;
	bool high_fd;			/* held above fd 2 somewhere */
	bool external;			/* its peer is outside: fds 0-2 only */
	u32 id;				/* index in INET */
	struct cr_img_inet img;
	/* checkpoint, TCP connections: sequence-numbered bytes */
	int peer;			/* index, or -1 */
	u32 snd_seq, snd_len;		/* not acknowledged */
	u32 rcv_seq, rcv_len;		/* not read */
	void *snd, *rcv;
	void *out;			/* what it re-sends, img.data_len */
};

/* The kind's state. */
struct cr_inets {
	struct cr_inet *inet;
	unsigned int n, cap;
	bool no_linger;			/* set before a --kill */
};

static struct cr_inets *cr_inets(struct cr_shared *sh)
{
	return sh->kind[CR_KIND_INET].state;
}

static bool cr_is_tcp(const struct sock *sk)
{
	return sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP;
}

/* A TCP or UDP socket's struct sock, else NULL. */
static struct sock *cr_inet_sk(struct file *f)
{
	struct socket *sock = sock_from_file(f);
	struct sock *sk = sock ? sock->sk : NULL;

	if (!sk || (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return NULL;
	if (cr_is_tcp(sk) ||
	    (sk->sk_type == SOCK_DGRAM && sk->sk_protocol == IPPROTO_UDP))
		return sk;
	return NULL;
}

static int cr_inet_kind(struct file *f)
{
	return S_ISSOCK(file_inode(f)->i_mode) && cr_inet_sk(f) ?
	       CR_FD_INET : 0;
}

static int cr_find_inet(struct cr_inets *is, struct sock *sk)
{
	struct cr_inet *ci = cr_find_by(is->inet, is->n, sk, sk);

	return ci ? ci - is->inet : -1;
}

/* A new entry for sk, referenced: its index, or -errno. */
static int cr_add_inet(struct cr_inets *is, struct sock *sk)
{
	struct cr_inet *ci = cr_grow((void **)&is->inet, &is->n, &is->cap,
				     sizeof(*ci), CR_MAX_INETS);

	if (IS_ERR(ci))
		return PTR_ERR(ci);
	sock_hold(sk);
	ci->sk = sk;
	ci->peer = -1;
	return is->n - 1;
}

/* Called by each process of a checkpoint for each of its sockets. */
static int cr_note_inet(struct cr_shared *sh, struct file *f,
			unsigned int fd, struct cr_status *st)
{
	struct cr_inets *is = cr_inets(sh);
	struct sock *sk = cr_inet_sk(f);
	int i;

	mutex_lock(&sh->lock);
	i = cr_find_inet(is, sk);
	if (i < 0)
		i = cr_add_inet(is, sk);
	/* Name the holder a refusal would be about. */
	if (i >= 0 && (!is->inet[i].pid || (fd > 2 && !is->inet[i].high_fd))) {
		is->inet[i].pid = task_tgid_vnr(current);
		is->inet[i].fd = fd;
	}
	if (i >= 0)
		is->inet[i].high_fd |= fd > 2;
	mutex_unlock(&sh->lock);
	return i < 0 ? cr_fail(st, i, "pid %d fd %u: too many sockets",
			       task_tgid_vnr(current), fd) : 0;
}

static const char *cr_proto(const struct cr_inet *ci)
{
	return ci->img.type == SOCK_STREAM ? "TCP" : "UDP";
}

static int cr_inet_refuse(struct cr_status *st, const struct cr_inet *ci,
			  int err, const char *why)
{
	return cr_fail(st, err, "pid %d fd %u: %s socket %s", ci->pid, ci->fd,
		       cr_proto(ci), why);
}

/* The address in the IPv6 form (IPv4-mapped), for pairing. */
static void cr_addr6(const struct cr_img_inet *e, const u8 *addr,
		     struct in6_addr *a)
{
	if (e->family == AF_INET6)
		memcpy(a, addr, sizeof(*a));
	else
		ipv6_addr_set_v4mapped(*(const __be32 *)addr, a);
}

/* "addr:port" of one end, into buf (at least 64 bytes). */
static const char *cr_addr_str(const struct cr_img_inet *e, bool remote,
			       char *buf)
{
	const u8 *a = remote ? e->raddr : e->laddr;
	u16 port = remote ? e->rport : e->lport;

	if (e->family == AF_INET)
		snprintf(buf, 64, "%pI4:%u", a, port);
	else
		snprintf(buf, 64, "[%pI6c]:%u", a, port);
	return buf;
}

static void cr_save_addrs(struct cr_inet *ci)
{
	struct sock *sk = ci->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct cr_img_inet *e = &ci->img;

	e->lport = ntohs(inet->inet_sport) ?: inet->inet_num;
	e->rport = ntohs(inet->inet_dport);
	if (sk->sk_family == AF_INET) {
		memcpy(e->laddr, &inet->inet_rcv_saddr, 4);
		memcpy(e->raddr, &inet->inet_daddr, 4);
	}
#if IS_ENABLED(CONFIG_IPV6)
	else {
		memcpy(e->laddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(e->raddr, &sk->sk_v6_daddr, 16);
	}
#endif
}

/* Its options that a program sets; sk locked. */
static void cr_save_opts(struct cr_inet *ci)
{
	struct sock *sk = ci->sk;
	struct cr_img_inet *e = &ci->img;

	e->flags |= inet_sk(sk)->inet_num ? CR_INET_BOUND : 0;
	e->flags |= sk->sk_reuse ? CR_INET_REUSEADDR : 0;
	e->flags |= sk->sk_reuseport ? CR_INET_REUSEPORT : 0;
	e->flags |= sock_flag(sk, SOCK_KEEPOPEN) ? CR_INET_KEEPALIVE : 0;
	if (sock_flag(sk, SOCK_LINGER)) {
		e->flags |= CR_INET_LINGER;
		e->linger = min_t(unsigned long,
				  READ_ONCE(sk->sk_lingertime) / HZ, INT_MAX);
	}
	if (sk->sk_family == AF_INET6 && sk->sk_ipv6only)
		e->flags |= CR_INET_V6ONLY;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		e->sndbuf = READ_ONCE(sk->sk_sndbuf);
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		e->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	if (cr_is_tcp(sk)) {
		struct tcp_sock *tp = tcp_sk(sk);

		e->flags |= tp->nonagle & TCP_NAGLE_OFF ? CR_INET_NODELAY : 0;
		e->keepidle = READ_ONCE(tp->keepalive_time) / HZ;
		e->keepintvl = READ_ONCE(tp->keepalive_intvl) / HZ;
		e->keepcnt = READ_ONCE(tp->keepalive_probes);
	}
	e->shutdown = READ_ONCE(sk->sk_shutdown) & SHUTDOWN_MASK;
}

/* The connections a listener has not accepted yet, in queue order. */
static int cr_note_pending(struct cr_inets *is, unsigned int l)
{
	struct request_sock_queue *q;
	struct request_sock *req;
	struct sock *child[64];
	unsigned int n = 0, i;
	int err = 0;

	q = &inet_csk(is->inet[l].sk)->icsk_accept_queue;
	spin_lock_bh(&q->rskq_lock);
	for (req = q->rskq_accept_head; req && n < ARRAY_SIZE(child);
	     req = req->dl_next) {
		if (req->sk) {
			sock_hold(req->sk);
			child[n++] = req->sk;
		}
	}
	if (req)
		err = -EFBIG;
	spin_unlock_bh(&q->rskq_lock);
	for (i = 0; i < n; i++) {
		int k = err ? err : cr_add_inet(is, child[i]);

		if (k >= 0) {
			is->inet[k].img.kind = CR_INET_PENDING;
			is->inet[k].img.listener = l;
			is->inet[k].pid = is->inet[l].pid;
			is->inet[k].fd = is->inet[l].fd;
			is->inet[k].high_fd = true;
		}
		err = k < 0 ? k : 0;
		sock_put(child[i]);
	}
	return err;
}

/* Its kind and what it holds but data, every process stopped. */
static int cr_snapshot_inet(struct cr_inets *is, unsigned int i,
			    struct cr_status *st)
{
	static const char *const states[TCP_MAX_STATES] = {
		[TCP_SYN_SENT] = "connecting",
		[TCP_SYN_RECV] = "in SYN_RECV",
		[TCP_TIME_WAIT] = "in TIME_WAIT",
		[TCP_LAST_ACK] = "in LAST_ACK",
		[TCP_CLOSING] = "in CLOSING",
		[TCP_NEW_SYN_RECV] = "in SYN_RECV",
	};
	struct cr_inet *ci = &is->inet[i];
	struct sock *sk = ci->sk;
	int state, err = 0;

	lock_sock(sk);
	state = READ_ONCE(sk->sk_state);
	ci->img.family = sk->sk_family;
	ci->img.type = sk->sk_type;
	cr_save_addrs(ci);
	cr_save_opts(ci);
	if (!cr_is_tcp(sk)) {
		ci->img.kind = state == TCP_ESTABLISHED ? CR_INET_CONN :
			       CR_INET_ALONE;
		goto out;
	}
	if (ci->img.kind == CR_INET_PENDING)
		goto out;
	switch (state) {
	case TCP_LISTEN:
		ci->img.kind = CR_INET_LISTEN;
		ci->img.backlog = READ_ONCE(sk->sk_max_ack_backlog);
		break;
	case TCP_CLOSE:
		ci->img.kind = CR_INET_ALONE;
		/* Only a port the program bound comes back. */
		if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
			ci->img.flags &= ~CR_INET_BOUND;
		break;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		ci->img.kind = CR_INET_CONN;
		break;
	default:
		err = -EBUSY;
	}
out:
	release_sock(sk);
	if (err)
		return cr_inet_refuse(st, ci, err,
				      states[state] ?: "in transit");
	if (ci->img.kind != CR_INET_LISTEN)
		return 0;
	err = cr_note_pending(is, i);
	return err ? cr_inet_refuse(st, &is->inet[i], err,
				    "with too many connections to accept") : 0;
}

/*
 * The data bytes of skb in [from, from + len), into buf at their offset
 * from "from"; *end: the first byte past the bytes seen so far, which
 * must leave no hole.
 */
static int cr_copy_seq(struct sk_buff *skb, u32 from, u32 len, void *buf,
		       u32 *end)
{
	u32 seq = TCP_SKB_CB(skb)->seq, s, e;

	s = after(from, seq) ? from : seq;
	e = before(seq + skb->len, from + len) ? seq + skb->len : from + len;
	if (!before(s, e))
		return 0;
	if (after(s, *end))
		return -EAGAIN;
	if (after(e, *end))
		*end = e;
	return skb_copy_bits(skb, s - seq, buf + (s - from), e - s);
}

/* Bytes [from, to) its queues hold, into *data and *len; sk locked. */
static int cr_copy_range(struct sock *sk, bool send, u32 from, u32 to,
			 void **data, u32 *len)
{
	u32 end = from;
	struct sk_buff *skb;
	int err = 0;

	if (to - from > CR_SOCK_MAX_DATA)
		return -EFBIG;
	*data = kvmalloc(max(to - from, 1U), GFP_KERNEL);
	if (!*data)
		return -ENOMEM;
	if (send) {
		for (skb = skb_rb_first(&sk->tcp_rtx_queue); !err && skb;
		     skb = skb_rb_next(skb))
			err = cr_copy_seq(skb, from, to - from, *data, &end);
		skb_queue_walk(&sk->sk_write_queue, skb)
			if (!err)
				err = cr_copy_seq(skb, from, to - from, *data,
						  &end);
	} else {
		skb_queue_walk(&sk->sk_receive_queue, skb)
			if (!err)
				err = cr_copy_seq(skb, from, to - from, *data,
						  &end);
	}
	*len = end - from;
	return err;
}

/* What a connection's end had not sent or read; send first, see below. */
static int cr_copy_conn(struct cr_inet *ci, bool send, struct cr_status *st)
{
	struct sock *sk = ci->sk;
	struct tcp_sock *tp = tcp_sk(sk);
	const char *why = "changed while saved";
	int err = 0;

	lock_sock(sk);
	if (send) {
		/* Its FIN, if shut down, takes a sequence number, no byte. */
		u32 to = tp->write_seq -
			 !!(READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN);

		ci->snd_seq = before(tp->snd_una, to) ? tp->snd_una : to;
		if (tp->snd_up != tp->snd_una)
			err = -EOPNOTSUPP;
		else
			err = cr_copy_range(sk, true, ci->snd_seq, to,
					    &ci->snd, &ci->snd_len);
	} else {
		ci->rcv_seq = tp->copied_seq;
		if ((tp->urg_data & TCP_URG_VALID) ||
		    !RB_EMPTY_ROOT(&tp->out_of_order_queue))
			err = -EOPNOTSUPP;
		else
			err = cr_copy_range(sk, false, tp->copied_seq,
					    tp->rcv_nxt, &ci->rcv,
					    &ci->rcv_len);
	}
	release_sock(sk);
	if (err == -EOPNOTSUPP)
		why = "with urgent or out-of-order data";
	else if (err == -EFBIG)
		why = "with too much queued";
	return err ? cr_inet_refuse(st, ci, err, why) : 0;
}

static bool cr_ends_meet(const struct cr_img_inet *a,
			 const struct cr_img_inet *b)
{
	struct in6_addr al, ar, bl, br;

	cr_addr6(a, a->laddr, &al);
	cr_addr6(a, a->raddr, &ar);
	cr_addr6(b, b->laddr, &bl);
	cr_addr6(b, b->raddr, &br);
	return a->lport == b->rport && a->rport == b->lport &&
	       ipv6_addr_equal(&al, &br) && ipv6_addr_equal(&ar, &bl);
}

static bool cr_addr_any(const struct cr_img_inet *e)
{
	return !memchr_inv(e->laddr, 0, e->family == AF_INET ? 4 : 16);
}

/* Whether e's local port is a listener's of the checkpoint. */
static bool cr_is_server(struct cr_inets *is, const struct cr_img_inet *e)
{
	struct in6_addr a, l;
	unsigned int i;

	cr_addr6(e, e->laddr, &a);
	for (i = 0; i < is->n; i++) {
		const struct cr_img_inet *x = &is->inet[i].img;

		if (x->kind != CR_INET_LISTEN || x->lport != e->lport)
			continue;
		cr_addr6(x, x->laddr, &l);
		if (cr_addr_any(x) || ipv6_addr_equal(&a, &l))
			return true;
	}
	return false;
}

/* The other end of connection i, inside; or reset, or refused. */
static int cr_pair_inet(struct cr_shared *sh, unsigned int i,
			struct cr_status *st)
{
	struct cr_inets *is = cr_inets(sh);
	struct cr_inet *ci = &is->inet[i];
	char a[64], b[64];
	unsigned int j;

	for (j = 0; j < is->n; j++) {
		struct cr_inet *p = &is->inet[j];

		if (j == i || p->img.type != SOCK_STREAM ||
		    (p->img.kind != CR_INET_CONN &&
		     p->img.kind != CR_INET_PENDING) ||
		    !cr_ends_meet(&ci->img, &p->img))
			continue;
		ci->peer = j;
		/* A pending end waits in its listener for us to connect. */
		if (p->img.kind == CR_INET_PENDING ||
		    (j > i && !cr_is_server(is, &ci->img)))
			ci->img.flags |= CR_INET_CONNECT;
		else if (j > i)
			p->img.flags |= CR_INET_CONNECT;
		return 0;
	}
	/* On fds 0-2 only, it is cr_restart's own's to give. */
	if (!ci->high_fd) {
		ci->external = true;
		return 0;
	}
	if (sh->tcp_close) {
		ci->img.kind = CR_INET_RESET;
		return 0;
	}
	return cr_fail(st, -EOPNOTSUPP,
		       "pid %d fd %u: TCP connection %s -> %s has its peer outside the checkpoint (cr_checkpoint --tcp-close restarts it reset)",
		       ci->pid, ci->fd, cr_addr_str(&ci->img, false, a),
		       cr_addr_str(&ci->img, true, b));
}

/*
 * What ci re-sends to its peer p: what p had not read, then what ci had
 * sent past it (its unacknowledged bytes start at or before p's).
 */
static int cr_join(struct cr_inet *ci, struct cr_inet *p,
		   struct cr_status *st)
{
	u32 end = p->rcv_seq + p->rcv_len, skip = end - ci->snd_seq;

	if (after(ci->snd_seq, end) ||
	    (ci->snd_len && after(end, ci->snd_seq + ci->snd_len)))
		return cr_inet_refuse(st, ci, -EAGAIN, "changed while saved");
	if (skip > ci->snd_len)
		skip = ci->snd_len;
	ci->img.data_len = p->rcv_len + ci->snd_len - skip;
	if (ci->img.data_len > CR_SOCK_MAX_DATA)
		return cr_inet_refuse(st, ci, -EFBIG, "with too much queued");
	if (!ci->img.data_len)
		return 0;
	ci->out = kvmalloc(ci->img.data_len, GFP_KERNEL);
	if (!ci->out)
		return -ENOMEM;
	memcpy(ci->out, p->rcv, p->rcv_len);
	memcpy(ci->out + p->rcv_len, ci->snd + skip, ci->snd_len - skip);
	return 0;
}

static bool cr_tcp_conn(const struct cr_inet *ci)
{
	return ci->img.type == SOCK_STREAM &&
	       (ci->img.kind == CR_INET_CONN ||
		ci->img.kind == CR_INET_PENDING);
}

/* Their indices in INET, without those whose peer is outside. */
static void cr_number_inets(struct cr_inets *is)
{
	unsigned int i, n = 0;

	for (i = 0; i < is->n; i++)
		if (!is->inet[i].external)
			is->inet[i].id = n++;
	for (i = 0; i < is->n; i++) {
		struct cr_inet *ci = &is->inet[i];

		if (ci->peer >= 0)
			ci->img.peer = is->inet[ci->peer].id;
		if (ci->img.kind == CR_INET_PENDING)
			ci->img.listener = is->inet[ci->img.listener].id;
	}
}

/*
 * With every process stopped and noted.  Each sender's unacknowledged
 * bytes are read before any receiver's queue: whatever arrives in
 * between is still in the sender's, so nothing is lost.
 */
static int cr_snapshot_inets(struct cr_shared *sh, struct cr_status *st)
{
	struct cr_inets *is = cr_inets(sh);
	unsigned int i, pass;
	int err = 0;

	for (i = 0; !err && i < is->n; i++)
		err = cr_snapshot_inet(is, i, st);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; !err && i < is->n; i++)
			if (cr_tcp_conn(&is->inet[i]))
				err = cr_copy_conn(&is->inet[i], !pass, st);
	for (i = 0; !err && i < is->n; i++)
		if (is->inet[i].img.kind == CR_INET_CONN &&
		    is->inet[i].img.type == SOCK_STREAM)
			err = cr_pair_inet(sh, i, st);
	for (i = 0; !err && i < is->n; i++)
		if (is->inet[i].peer >= 0)
			is->inet[is->inet[i].peer].peer = i;
	for (i = 0; !err && i < is->n; i++)
		if (is->inet[i].img.kind == CR_INET_PENDING &&
		    is->inet[i].peer < 0)
			err = cr_inet_refuse(st, &is->inet[i], -EOPNOTSUPP,
				"listening, with a connection from outside not yet accepted");
	if (!err)
		cr_number_inets(is);
	for (i = 0; !err && i < is->n; i++)
		if (is->inet[i].peer >= 0)
			err = cr_join(&is->inet[i],
				      &is->inet[is->inet[i].peer], st);
	return err == -ENOMEM ? cr_fail(st, err, "saving sockets") : err;
}

/* INET; its INETDATA come after SOCKDATA (cr_save_inet_data). */
static int cr_save_inets(struct cr_stream *s, struct cr_shared *sh,
			 struct cr_status *st)
{
	struct cr_inets *is = cr_inets(sh);
	struct cr_img_inets *h;
	unsigned int i, n = 0;
	size_t len;
	int err;

	for (i = 0; i < is->n; i++)
		n += !is->inet[i].external;
	len = struct_size(h, inet, n);
	h = kvzalloc(len, GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->ninets = n;
	for (i = 0; i < is->n; i++)
		if (!is->inet[i].external)
			h->inet[is->inet[i].id] = is->inet[i].img;
	err = cr_write_rec(s, CR_REC_INET, h, len);
	kvfree(h);
	return err;
}

static int cr_save_inet_data(struct cr_stream *s, struct cr_shared *sh)
{
	struct cr_inets *is = cr_inets(sh);
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < is->n; i++)
		if (is->inet[i].img.data_len)
			err = cr_write_rec(s, CR_REC_INETDATA, is->inet[i].out,
					   is->inet[i].img.data_len);
	return err;
}

static struct cr_inet *cr_file_inet(struct cr_shared *sh, struct file *f)
{
	struct cr_inets *is = cr_inets(sh);
	int i = cr_find_inet(is, cr_inet_sk(f));

	return i < 0 ? NULL : &is->inet[i];
}

/* A connection to outside is only ever on fds 0-2: inherited. */
static int cr_inet_fd(struct cr_stream *s, struct cr_shared *sh,
		      struct file *f, struct cr_img_fd *e, struct cr_status *st)
{
	struct cr_inet *ci = cr_file_inet(sh, f);

	if (!ci)
		return -EINVAL;
	if (ci->external) {
		e->kind = CR_FD_INHERIT;
		e->inherit_fd = e->fd;
		return 0;
	}
	e->kind = CR_FD_INET;
	e->pipe = ci->id;
	return 0;
}

static int cr_inet_watch(struct cr_shared *sh, struct file *f,
			 struct cr_img_watch *w)
{
	struct cr_inet *ci = cr_file_inet(sh, f);

	if (!ci || (ci->external && w->tfd > 2))
		return -EOPNOTSUPP;
	w->kind = ci->external ? CR_WATCH_INHERIT : CR_WATCH_INET;
	w->index = ci->external ? w->tfd : ci->id;
	return 0;
}

/*
 * Before a --kill: the connections inside reset instead of closing, so
 * that no TIME_WAIT socket keeps their ports from the restart.
 */
static int cr_inet_before_kill(struct cr_shared *sh)
{
	struct cr_inets *is = cr_inets(sh);
	unsigned int i;

	mutex_lock(&sh->lock);
	for (i = 0; !is->no_linger && i < is->n; i++)
		if (is->inet[i].peer >= 0)
			sock_no_linger(is->inet[i].sk);
	is->no_linger = true;
	mutex_unlock(&sh->lock);
	return 0;
}

/* ---- restart ---- */

static bool cr_inet_opts_ok(const struct cr_img_inet *e)
{
	bool v4 = e->family == AF_INET;

	if ((!v4 && e->family != AF_INET6) ||
	    (e->type != SOCK_STREAM && e->type != SOCK_DGRAM) ||
	    e->flags & ~CR_INET_FLAGS || e->shutdown > SHUTDOWN_MASK ||
	    e->sndbuf > CR_SOCK_MAX_DATA || e->rcvbuf > CR_SOCK_MAX_DATA ||
	    e->data_len > CR_SOCK_MAX_DATA || e->linger > INT_MAX / HZ ||
	    e->keepidle > MAX_TCP_KEEPIDLE ||
	    e->keepintvl > MAX_TCP_KEEPINTVL || e->keepcnt > MAX_TCP_KEEPCNT)
		return false;
	if (v4 && (memchr_inv(e->laddr + 4, 0, 12) ||
		   memchr_inv(e->raddr + 4, 0, 12) ||
		   e->flags & CR_INET_V6ONLY))
		return false;
	return true;
}

/* The two ends of a TCP connection, one of which connects. */
static bool cr_conn_ok(const struct cr_img_inets *h, u32 i)
{
	const struct cr_img_inet *e = &h->inet[i];
	const struct cr_img_inet *p = &h->inet[e->peer];
	bool conn = e->flags & CR_INET_CONNECT;

	if (e->peer == i || p->type != SOCK_STREAM || p->peer != i ||
	    !e->lport || !e->rport || !cr_ends_meet(e, p))
		return false;
	if (p->kind == CR_INET_PENDING)
		return conn;
	return p->kind == CR_INET_CONN &&
	       conn != !!(p->flags & CR_INET_CONNECT);
}

static bool cr_inet_ok(const struct cr_img_inets *h, u32 i)
{
	const struct cr_img_inet *e = &h->inet[i];
	bool tcp = e->type == SOCK_STREAM, conn = e->kind == CR_INET_CONN;

	if (!cr_inet_opts_ok(e) || (e->data_len && !(tcp && conn)) ||
	    (e->peer && !conn && e->kind != CR_INET_PENDING) ||
	    (e->listener && e->kind != CR_INET_PENDING) ||
	    (e->backlog && e->kind != CR_INET_LISTEN) ||
	    (e->flags & CR_INET_CONNECT && !(tcp && conn)))
		return false;
	switch (e->kind) {
	case CR_INET_ALONE:
		return true;
	case CR_INET_LISTEN:
		return tcp && e->lport && e->backlog <= U16_MAX;
	case CR_INET_RESET:
		return tcp;
	case CR_INET_CONN:
		if (!tcp)
			return e->rport && !e->peer;
		return e->peer < h->ninets && cr_conn_ok(h, i);
	case CR_INET_PENDING:
		return tcp && e->peer < h->ninets && e->listener < h->ninets &&
		       h->inet[e->listener].kind == CR_INET_LISTEN &&
		       h->inet[e->listener].lport == e->lport &&
		       h->inet[e->peer].kind == CR_INET_CONN &&
		       h->inet[e->peer].type == SOCK_STREAM &&
		       h->inet[e->peer].peer == i;
	}
	return false;
}

/* The INET record, read with the process table. */
static int cr_read_inets(struct cr_stream *s, struct cr_shared *sh,
			 struct cr_status *st)
{
	struct cr_inets *is = cr_inets(sh);
	struct cr_img_inets *h;
	unsigned int i;
	size_t len;
	int err = -EBADMSG;

	h = cr_read_rec(s, CR_REC_INET, sizeof(*h),
			struct_size(h, inet, CR_MAX_INETS), &len);
	if (IS_ERR(h))
		return cr_fail(st, PTR_ERR(h), "bad TCP/UDP socket table");
	if (h->pad || h->ninets > CR_MAX_INETS ||
	    len != struct_size(h, inet, h->ninets))
		goto out;
	for (i = 0; i < h->ninets; i++)
		if (!cr_inet_ok(h, i))
			goto out;
	err = -ENOMEM;
	is->inet = kvcalloc(max(h->ninets, 1U), sizeof(*is->inet), GFP_KERNEL);
	if (!is->inet)
		goto out;
	is->n = h->ninets;
	for (i = 0; i < h->ninets; i++)
		is->inet[i].img = h->inet[i];
	err = 0;
out:
	kvfree(h);
	return err ? cr_fail(st, err, "bad TCP/UDP socket table") : 0;
}

static u32 cr_count_inets(struct cr_shared *sh)
{
	return cr_inets(sh)->n;
}

static size_t cr_inets_table_len(struct cr_shared *sh)
{
	return sizeof(u32) + cr_inets(sh)->n * sizeof(struct cr_rstrt_inet);
}

/* What the restarter must make, at buf + off (u32-aligned). */
static size_t cr_inets_table(struct cr_shared *sh, char *buf, size_t off,
			     struct cr_rstrt_procs_args *a)
{
	struct cr_inets *is = cr_inets(sh);
	struct cr_rstrt_inet *t;
	unsigned int i;

	off = ALIGN(off, sizeof(u32));
	a->inets_off = off;
	a->ninets = is->n;
	t = (struct cr_rstrt_inet *)(buf + off);
	for (i = 0; i < is->n; i++) {
		const struct cr_img_inet *e = &is->inet[i].img;

		t[i] = (struct cr_rstrt_inet){
			.family = e->family, .type = e->type, .kind = e->kind,
			.flags = e->flags, .peer = e->peer,
			.listener = e->listener, .backlog = e->backlog,
			.sndbuf = e->sndbuf, .rcvbuf = e->rcvbuf,
			.linger = e->linger, .keepidle = e->keepidle,
			.keepintvl = e->keepintvl, .keepcnt = e->keepcnt,
			.lport = e->lport, .rport = e->rport,
		};
		memcpy(t[i].laddr, e->laddr, sizeof(e->laddr));
		memcpy(t[i].raddr, e->raddr, sizeof(e->raddr));
	}
	return off + is->n * sizeof(*t);
}

/* The socket the restarter made for entry ci, as the table asked. */
static int cr_take_inet(struct cr_inet *ci, s32 fd)
{
	const struct cr_img_inet *e = &ci->img;
	struct inet_sock *inet;
	struct sock *sk;
	int state;

	if (e->kind == CR_INET_PENDING)
		return fd == -1 ? 0 : -EINVAL;
	ci->file = fget(fd);
	if (!ci->file)
		return -EBADF;
	sk = cr_inet_sk(ci->file);
	if (!sk || sk->sk_family != e->family || sk->sk_type != e->type)
		return -EINVAL;
	inet = inet_sk(sk);
	state = READ_ONCE(sk->sk_state);
	switch (e->kind) {
	case CR_INET_LISTEN:
		return state == TCP_LISTEN && inet->inet_num == e->lport ?
		       0 : -EINVAL;
	case CR_INET_CONN:
		return state == TCP_ESTABLISHED &&
		       ntohs(inet->inet_sport) == e->lport &&
		       ntohs(inet->inet_dport) == e->rport ? 0 : -EINVAL;
	case CR_INET_ALONE:
		return state == TCP_LISTEN || state == TCP_ESTABLISHED ?
		       -EINVAL : 0;
	}
	return 0;
}

/* Re-sends what its peer is to receive, its send buffer made room. */
static int cr_refill_inet(struct cr_stream *s, struct cr_inet *ci)
{
	struct socket *sock = sock_from_file(ci->file);
	struct sock *sk = sock->sk;
	int sndbuf, err;
	size_t len;
	void *data;

	data = cr_read_rec(s, CR_REC_INETDATA, ci->img.data_len,
			   ci->img.data_len, &len);
	if (IS_ERR(data))
		return PTR_ERR(data);
	sndbuf = READ_ONCE(sk->sk_sndbuf);
	WRITE_ONCE(sk->sk_sndbuf, max_t(int, sndbuf, 2 * len + SZ_64K));
	err = cr_send_all(sock, data, len);
	WRITE_ONCE(sk->sk_sndbuf, sndbuf);
	kvfree(data);
	return err;
}

/*
 * Its shutdown, after its data.  A receive side closed by the peer's FIN
 * closes again when that FIN arrives, behind the data.
 */
static int cr_shutdown_inet(struct cr_inets *is, struct cr_inet *ci)
{
	struct socket *sock;
	u32 peer_shut;
	int err = 0;

	if (ci->img.kind != CR_INET_CONN || ci->img.type != SOCK_STREAM)
		return 0;
	sock = sock_from_file(ci->file);
	peer_shut = is->inet[ci->img.peer].img.shutdown;
	if (ci->img.shutdown & SEND_SHUTDOWN)
		err = kernel_sock_shutdown(sock, SHUT_WR);
	if (!err && ci->img.shutdown & RCV_SHUTDOWN &&
	    !(peer_shut & SEND_SHUTDOWN))
		err = kernel_sock_shutdown(sock, SHUT_RD);
	return err;
}

/* CR_OP_RSTRT_INET, with the stream locked: after the Unix sockets' data. */
static int cr_fill_inets(struct cr_stream *s, struct cr_shared *sh,
			 const s32 *fds, struct cr_status *st)
{
	struct cr_inets *is = cr_inets(sh);
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < is->n; i++)
		err = cr_take_inet(&is->inet[i], fds[i]);
	if (err)
		return cr_fail(st, err, "TCP/UDP socket %u from the restarter",
			       i - 1);
	for (i = 0; !err && i < is->n; i++)
		if (is->inet[i].img.data_len)
			err = cr_refill_inet(s, &is->inet[i]);
	if (err)
		return cr_fail(st, err, "refilling TCP socket %u", i - 1);
	for (i = 0; !err && i < is->n; i++)
		err = cr_shutdown_inet(is, &is->inet[i]);
	if (err)
		return cr_fail(st, err, "shutting TCP socket %u down", i - 1);
	return 0;
}

/* The file for a CR_FD_INET entry, with the entry's O_NONBLOCK. */
static struct file *cr_inet_file(struct cr_shared *sh,
				 const struct cr_img_fd *e,
				 struct cr_status *st)
{
	struct cr_inets *is = cr_inets(sh);

	if (e->pipe >= is->n || !is->inet[e->pipe].file ||
	    (e->flags & O_ACCMODE) != O_RDWR)
		return ERR_PTR(-EBADMSG);
	return cr_shared_file(is->inet[e->pipe].file, e);
}

static void *cr_alloc_inets(void)
{
	return kzalloc(sizeof(struct cr_inets), GFP_KERNEL);
}

static void cr_release_inets(void *state)
{
	struct cr_inets *is = state;
	unsigned int i;

	for (i = 0; i < is->n; i++) {
		struct cr_inet *ci = &is->inet[i];

		if (ci->sk)
			sock_put(ci->sk);
		if (ci->file)
			fput(ci->file);
		kvfree(ci->snd);
		kvfree(ci->rcv);
		kvfree(ci->out);
	}
	kvfree(is->inet);
	kfree(is);
}

CR_HANDOVER_ARGS(struct cr_rstrt_inet_args, ninets);

const struct cr_kind_ops cr_inet_ops = {
	.name = "TCP/UDP sockets",
	.fd_kind = CR_FD_INET,
	.watch_kinds = BIT(CR_WATCH_INET),
	.handover_op = CR_OP_RSTRT_INET,
	.fds_per = 1,
	.alloc = cr_alloc_inets,
	.release = cr_release_inets,
	.classify = cr_inet_kind,
	.note = cr_note_inet,
	.snapshot = cr_snapshot_inets,
	.save = cr_save_inets,
	.save_data = cr_save_inet_data,
	.save_fd = cr_inet_fd,
	.watch = cr_inet_watch,
	.before_kill = cr_inet_before_kill,
	.read = cr_read_inets,
	.count = cr_count_inets,
	.table_len = cr_inets_table_len,
	.table = cr_inets_table,
	.take = cr_fill_inets,
	.open_fd = cr_inet_file,
};
