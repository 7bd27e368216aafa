// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_info: what a context file holds, and whether it is well formed.
 *
 * Reads the file as restart does, record after record and never seeking
 * (it may be a pipe), checks the framing, the checksums, the record order
 * of include/blcr/cr_image.h and each record's counts, lengths and
 * indexes against the format's limits, then prints a summary, or with
 * --json the same as one JSON object.  A bad file is reported as
 * "cr_info: FILE: offset N, record K (TYPE): what is wrong".
 * Exit: 0 valid, 1 invalid or unreadable, 255 usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "cr_image_read.h"
#include "cr_util.h"

#define CR_INFO_PAGE		4096ULL		/* x86_64 */
/* The largest record: PROCTAB of CR_MAX_PROCS * CR_MAX_THREADS tids. */
#define CR_INFO_MAX_REC		(128ULL << 20)
#define CR_INFO_MAX_VMAS	65536		/* as restart */

struct vma_info {
	struct cr_img_vma v;
	char *path;
	uint64_t pages;
};

struct fd_info {
	struct cr_img_fd e;
	char *path;
	bool ref;		/* shares an earlier entry's file */
};

struct proc_info {
	struct cr_img_proc_ent ent;
	int32_t *tids;
	char *cwd;
	char comm[CR_COMM_LEN];
	char *exe;
	uint32_t exe_obj;
	uint32_t status;	/* a zombie's */
	uint32_t ntimers;
	struct vma_info *vma;
	uint32_t nvma;
	struct fd_info *fd;
	uint32_t nfd;
	uint64_t pages;
};

struct obj_info {
	struct cr_img_obj o;
	char *path;
	uint64_t pages;
};

/* A data record the tables announced, in stream order. */
struct data_rec {
	uint16_t type;
	uint32_t index;		/* of its table's entry */
	uint32_t len;		/* exact; SOCKDATA: the socket's bytes so far */
	uint32_t msgs;		/* SOCKDATA: its records so far */
};

enum phase {
	PH_HEADER, PH_PROCTAB, PH_ZOMBIES, PH_TABLES, PH_DATA, PH_PROC,
	PH_CREDS, PH_RLIMITS, PH_SIGHAND, PH_SIGQUEUE, PH_MM, PH_VMAS,
	PH_FILES, PH_THREAD, PH_TSIGQUEUE, PH_END, PH_DONE,
};

static const uint16_t table_order[] = {
	CR_REC_PTIMERS, CR_REC_EVENTS, CR_REC_PIPES, CR_REC_SOCKS,
	CR_REC_INET, CR_REC_PTYS, CR_REC_NLSOCKS,
};
#define NTABLES (sizeof(table_order) / sizeof(table_order[0]))

struct info {
	const char *name;
	struct cr_img_in in;
	struct cr_img_header hdr;
	struct proc_info *proc;
	uint32_t nlive, nzombies;
	/* the tables, as read, and the FIFOs' and sockets' names */
	struct cr_img_pipe *pipe;
	char **pipe_path;
	uint32_t npipes;
	struct cr_img_sock *sock;
	uint32_t nsocks;
	struct cr_img_inet *inet;
	uint32_t ninets;
	struct cr_img_pty *pty;
	uint32_t nptys;
	struct cr_img_nlsock *nl;
	uint32_t nnl;
	struct cr_img_event *event;
	uint32_t nevents, nwatches, ntimers;
	struct obj_info *obj;
	uint32_t nobjs;
	struct data_rec *data;
	size_t ndata, next_data;
	/* where the reading is */
	enum phase phase;
	unsigned int table;
	uint32_t cur;		/* live process */
	uint32_t thread;
	uint32_t next_file;	/* the next new file id */
	uint32_t vmas;		/* of the current process, so far */
	uint64_t vma_end;	/* the last one's end */
	/* PAGES go into [page_next, page_end) of the VMA or object before */
	bool pages_ok;
	uint64_t page_next, page_end;
	uint64_t *pages_count;
	uint64_t total_pages;
	uint64_t zip_pages;	/* pages in compressed records */
	uint64_t zip_bytes;	/* their compressed data */
	/* an incremental image's PARENT, and the pages it refers to there */
	struct cr_img_parent parent;
	char *parent_path;
	uint64_t parent_pages;
	/* a live checkpoint's pre-copy before the image: its size */
	bool precopy;
	uint32_t pre_procs;
	uint64_t pre_pages, pre_bytes;
};

static bool json;
static bool validate_only;

static void *xzalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p) {
		perror("cr_info");
		exit(1);
	}
	return p;
}

static void *xgrow(void *p, size_t n, size_t size)
{
	p = realloc(p, (n ? n : 1) * size);
	if (!p) {
		perror("cr_info");
		exit(1);
	}
	return p;
}

/* What is wrong with the current record; returns -1. */
#define bad(s, ...) cr_img_fail(&(s)->in, __VA_ARGS__)

/* ---- the payload, taken piece by piece ---- */

struct cur {
	const uint8_t *p;
	size_t len, off;
};

static bool take(struct cur *c, void *dst, size_t n)
{
	if (c->len - c->off < n)
		return false;
	memcpy(dst, c->p + c->off, n);
	c->off += n;
	return true;
}

/* A NUL-terminated string of exactly len bytes (NUL included). */
static char *take_str(struct cur *c, size_t len)
{
	char *str;

	if (!len || len > CR_PATH_MAX || c->len - c->off < len ||
	    c->p[c->off + len - 1] ||
	    strlen((const char *)c->p + c->off) != len - 1)
		return NULL;
	str = xzalloc(len);
	take(c, str, len);
	return str;
}

/* A path as restart takes it: absolute, NUL-terminated, len bytes. */
static char *take_path(struct cur *c, size_t len)
{
	char *path = take_str(c, len);

	if (path && (len < 2 || path[0] != '/')) {
		free(path);
		return NULL;
	}
	return path;
}

static int exact(struct info *s, const struct cur *c, const char *what)
{
	if (c->off != c->len)
		return bad(s, "%zu bytes of payload where %s takes %zu",
			   c->len, what, c->off);
	return 0;
}

/* A table record's head: its count, within max, and pad 0. */
static int table_head(struct info *s, struct cur *c, uint32_t *n,
		      uint32_t *second, uint32_t max, const char *what)
{
	uint32_t h[2];

	if (!take(c, h, sizeof(h)))
		return bad(s, "too short for its count");
	if (h[0] > max)
		return bad(s, "%u %s, over the limit of %u", h[0], what, max);
	if (!second && h[1])
		return bad(s, "non-zero pad");
	*n = h[0];
	if (second)
		*second = h[1];
	return 0;
}

/* A table record: its count and pad, then its entries of size bytes. */
static void *table(struct info *s, struct cur *c, uint32_t *n, uint32_t max,
		   size_t size, const char *what)
{
	void *t;

	if (table_head(s, c, n, NULL, max, what))
		return NULL;
	t = xzalloc(*n * size);
	if (!take(c, t, *n * size)) {
		free(t);
		bad(s, "too short for its %u %s", *n, what);
		return NULL;
	}
	return t;
}

static void want_data(struct info *s, uint16_t type, uint32_t index,
		      uint32_t len)
{
	s->data = xgrow(s->data, s->ndata + 1, sizeof(*s->data));
	s->data[s->ndata++] = (struct data_rec){ type, index, len, 0 };
}

static struct proc_info *live_proc(struct info *s, int32_t pid)
{
	uint32_t i;

	for (i = 0; i < s->nlive; i++)
		if (s->proc[i].ent.pid == pid)
			return &s->proc[i];
	return NULL;
}

/* ---- the records before the processes ---- */

static int rd_header(struct info *s, struct cur *c)
{
	struct cr_img_header *h = &s->hdr;

	if (!take(c, h, sizeof(*h)) || exact(s, c, "a header"))
		return bad(s, "%zu bytes, a header has %zu", c->len,
			   sizeof(*h));
	if (memcmp(h->ident, CR_IMG_IDENT, sizeof(CR_IMG_IDENT)))
		return bad(s, "not a BLCR context file (bad ident)");
	if (h->version != CR_IMG_VERSION)
		return bad(s, "format version %u; this cr_info reads %u",
			   h->version, CR_IMG_VERSION);
	if (h->arch != CR_ARCH_X86_64)
		return bad(s, "unknown architecture %u", h->arch);
	if (!h->nprocs || h->nprocs > CR_MAX_PROCS)
		return bad(s, "%u processes, not 1 to %u", h->nprocs,
			   CR_MAX_PROCS);
	if (!memchr(h->release, 0, sizeof(h->release)))
		return bad(s, "kernel release not NUL-terminated");
	if (h->xstate_size > (1U << 20))
		return bad(s, "xstate size %u", h->xstate_size);
	return 0;
}

static int rd_parent(struct info *s, struct cur *c)
{
	struct cr_img_parent *p = &s->parent;

	if (!take(c, p, sizeof(*p)))
		return bad(s, "too short for a parent");
	if (!p->depth || p->depth > CR_MAX_CHAIN)
		return bad(s, "a chain of %u images", p->depth);
	s->parent_path = take_str(c, p->path_len);
	if (!s->parent_path || (p->path_len < 2) != s->precopy)
		return bad(s, "bad parent path");
	return exact(s, c, "a parent");
}

/*
 * A live checkpoint's pre-copy: its pages counted and its records
 * checked, then the image after it is read as the file's.
 */
static int rd_precopy(struct info *s, struct cur *c)
{
	struct cr_img_precopy pc;
	uint32_t n;
	size_t head, pad;
	int ret;

	if (!take(c, &pc, sizeof(pc)))
		return bad(s, "too short for a pre-copy");
	if (exact(s, c, "a pre-copy"))
		return -1;
	s->precopy = true;
	s->pre_procs = pc.nprocs;
	do {
		ret = cr_img_next(&s->in, CR_INFO_MAX_REC);
		if (ret <= 0)
			return ret ? -1 : bad(s, "truncated: the file ends "
					      "in the pre-copy");
		if (s->in.rec.type == CR_REC_PAGES) {
			if (cr_img_pages_head(&s->in, &n, &head, &pad))
				return -1;
			s->pre_pages += n;
		} else if (s->in.rec.type != CR_REC_PROC &&
			   s->in.rec.type != CR_REC_VMA &&
			   s->in.rec.type != CR_REC_END) {
			return bad(s, "a record out of place in a pre-copy");
		}
	} while (s->in.rec.type != CR_REC_END);
	s->pre_bytes = s->in.pos + cr_img_pad(s->in.pos, CR_PAGE_ALIGN);
	if (cr_img_after_precopy(&s->in))
		return -1;
	s->phase = PH_HEADER;
	return 0;
}

static int rd_proc_ents(struct info *s, struct cur *c)
{
	uint32_t i, n = s->hdr.nprocs;

	s->proc = xzalloc(n * sizeof(*s->proc));
	for (i = 0; i < n; i++) {
		struct cr_img_proc_ent *e = &s->proc[i].ent;
		bool zombie;

		if (!take(c, e, sizeof(*e)))
			return bad(s, "too short for %u processes", n);
		zombie = e->flags & CR_PENT_ZOMBIE;
		if (e->flags & ~CR_PENT_ZOMBIE)
			return bad(s, "process %d: unknown flags 0x%x", e->pid,
				   e->flags);
		if (e->pid <= 0 || e->nthreads > CR_MAX_THREADS ||
		    !e->nthreads != zombie)
			return bad(s, "process %d: %u threads", e->pid,
				   e->nthreads);
		if (!zombie && s->nzombies)
			return bad(s, "process %d: live after a zombie",
				   e->pid);
		if (zombie)
			s->nzombies++;
		else
			s->nlive++;
	}
	return 0;
}

static int rd_proctab(struct info *s, struct cur *c)
{
	uint32_t i, j, n = s->hdr.nprocs;

	if (rd_proc_ents(s, c))
		return -1;
	for (i = 0; i < n; i++) {
		struct proc_info *p = &s->proc[i];

		p->tids = xzalloc(p->ent.nthreads * sizeof(*p->tids));
		if (!take(c, p->tids, p->ent.nthreads * sizeof(*p->tids)))
			return bad(s, "too short for the thread ids");
		for (j = 0; j < p->ent.nthreads; j++)
			if (p->tids[j] <= 0)
				return bad(s, "process %d: thread id %d",
					   p->ent.pid, p->tids[j]);
	}
	for (i = 0; i < n; i++) {
		const uint8_t *at = c->p + c->off;
		const uint8_t *nul = memchr(at, 0, c->len - c->off);

		s->proc[i].cwd = nul ? take_path(c, nul - at + 1) : NULL;
		if (!s->proc[i].cwd)
			return bad(s, "process %d: bad working directory",
				   s->proc[i].ent.pid);
	}
	for (i = s->nlive; i < n; i++)
		if (!live_proc(s, s->proc[i].ent.ppid))
			return bad(s, "zombie %d: parent %d is not live here",
				   s->proc[i].ent.pid, s->proc[i].ent.ppid);
	return exact(s, c, "the process table");
}

static int rd_zombies(struct info *s, struct cur *c)
{
	uint32_t i, n = 0;

	if (table_head(s, c, &n, NULL, CR_MAX_PROCS, "zombies"))
		return -1;
	if (n != s->nzombies)
		return bad(s, "%u zombies, the table has %u", n, s->nzombies);
	for (i = 0; i < n; i++) {
		struct cr_img_zombie z;
		struct proc_info *p = &s->proc[s->nlive + i];

		if (!take(c, &z, sizeof(z)))
			return bad(s, "too short for %u zombies", n);
		if (z.pid != p->ent.pid)
			return bad(s, "zombie %u is %d, the table's is %d", i,
				   z.pid, p->ent.pid);
		p->status = z.status;
	}
	return exact(s, c, "the zombies");
}

static int rd_ptimers(struct info *s, struct cur *c)
{
	struct cr_img_ptimer t;
	struct proc_info *p;
	uint32_t i;

	if (table_head(s, c, &s->ntimers, NULL, CR_MAX_PTIMERS, "timers"))
		return -1;
	for (i = 0; i < s->ntimers; i++) {
		if (!take(c, &t, sizeof(t)))
			return bad(s, "too short for %u timers", s->ntimers);
		p = live_proc(s, t.pid);
		if (!p || t.id < 0 || t.id > CR_MAX_PTIMER_ID)
			return bad(s, "timer %u: process %d, id %d", i, t.pid,
				   t.id);
		p->ntimers++;
	}
	return exact(s, c, "the timers");
}

static int rd_events(struct info *s, struct cur *c)
{
	uint64_t watches = 0, paths = 0;
	struct cr_img_watch w;
	uint32_t i;

	if (table_head(s, c, &s->nevents, &s->nwatches, CR_MAX_EVENTS,
		       "event files"))
		return -1;
	if (s->nwatches > CR_MAX_WATCHES)
		return bad(s, "%u watches, over the limit of %u", s->nwatches,
			   CR_MAX_WATCHES);
	s->event = xzalloc(s->nevents * sizeof(*s->event));
	if (!take(c, s->event, s->nevents * sizeof(*s->event)))
		return bad(s, "too short for its %u event files", s->nevents);
	for (i = 0; i < s->nevents; i++) {
		if (s->event[i].kind < CR_EV_EVENTFD ||
		    s->event[i].kind > CR_EV_INOTIFY)
			return bad(s, "event file %u: unknown kind %u", i,
				   s->event[i].kind);
		watches += s->event[i].nwatch;
	}
	if (watches != s->nwatches)
		return bad(s, "%u watches, the instances have %llu",
			   s->nwatches, (unsigned long long)watches);
	for (i = 0; i < s->nwatches; i++) {
		if (!take(c, &w, sizeof(w)))
			return bad(s, "too short for %u watches", s->nwatches);
		if (w.kind == CR_WATCH_INOTIFY)
			paths += w.index;
	}
	if (paths > CR_MAX_WATCH_PATHS || c->len - c->off != paths)
		return bad(s, "%zu bytes of watch paths, the watches say %llu",
			   c->len - c->off, (unsigned long long)paths);
	return 0;
}

static int rd_pipes(struct info *s, struct cur *c)
{
	struct cr_img_pipe *p;
	uint32_t i;

	s->pipe = table(s, c, &s->npipes, CR_MAX_PIPES, sizeof(*s->pipe),
			 "pipes");
	if (!s->pipe)
		return -1;
	s->pipe_path = xzalloc(s->npipes * sizeof(char *));
	for (i = 0; i < s->npipes; i++) {
		p = &s->pipe[i];
		if (p->size > CR_PIPE_MAX_SIZE || !p->size ||
		    p->size & (p->size - 1) || p->data_len > p->size || p->pad)
			return bad(s, "pipe %u: size %u, %u bytes buffered", i,
				   p->size, p->data_len);
	}
	for (i = 0; i < s->npipes; i++) {
		p = &s->pipe[i];
		if (p->path_len &&
		    !(s->pipe_path[i] = take_path(c, p->path_len)))
			return bad(s, "FIFO %u: bad path", i);
		if (p->data_len)
			want_data(s, CR_REC_PIPEDATA, i, p->data_len);
	}
	return exact(s, c, "the pipes");
}

static int rd_socks(struct info *s, struct cur *c)
{
	struct cr_img_sock *k;
	uint32_t i;

	s->sock = table(s, c, &s->nsocks, CR_MAX_SOCKS, sizeof(*s->sock),
			 "sockets");
	if (!s->sock)
		return -1;
	for (i = 0; i < s->nsocks; i++) {
		k = &s->sock[i];
		if (k->kind < CR_SOCK_PAIR || k->kind > CR_SOCK_ALONE ||
		    (k->kind == CR_SOCK_PAIR && k->peer >= s->nsocks))
			return bad(s, "socket %u: kind %u, peer %u", i,
				   k->kind, k->peer);
		if (k->nmsgs > CR_SOCK_MAX_MSGS ||
		    k->data_len > CR_SOCK_MAX_DATA ||
		    (!k->nmsgs && k->data_len) ||
		    k->addr_len > sizeof(((struct sockaddr_un *)0)->sun_path))
			return bad(s, "socket %u: %u messages, %u bytes, "
				   "address of %u", i, k->nmsgs, k->data_len,
				   k->addr_len);
		if (k->nmsgs)
			want_data(s, CR_REC_SOCKDATA, i, 0);
	}
	for (i = 0; i < s->nsocks; i++) {
		if (s->sock[i].addr_len > c->len - c->off)
			return bad(s, "too short for the addresses");
		c->off += s->sock[i].addr_len;
	}
	return exact(s, c, "the sockets");
}

static int rd_inets(struct info *s, struct cur *c)
{
	struct cr_img_inet *e;
	uint32_t i;

	s->inet = table(s, c, &s->ninets, CR_MAX_INETS, sizeof(*s->inet),
			 "sockets");
	if (!s->inet)
		return -1;
	for (i = 0; i < s->ninets; i++) {
		e = &s->inet[i];
		if ((e->family != AF_INET && e->family != AF_INET6) ||
		    e->kind < CR_INET_ALONE || e->kind > CR_INET_RESET ||
		    e->data_len > CR_SOCK_MAX_DATA)
			return bad(s, "socket %u: family %u, kind %u, %u bytes",
				   i, e->family, e->kind, e->data_len);
		if (e->data_len)
			want_data(s, CR_REC_INETDATA, i, e->data_len);
	}
	return exact(s, c, "the sockets");
}

static int rd_ptys(struct info *s, struct cur *c)
{
	struct cr_img_pty *t;
	uint32_t i;

	s->pty = table(s, c, &s->nptys, CR_MAX_PTYS, sizeof(*s->pty),
			 "ptys");
	if (!s->pty)
		return -1;
	for (i = 0; i < s->nptys; i++) {
		t = &s->pty[i];
		if (t->out_len > CR_PTY_MAX_DATA || t->in_len > CR_PTY_MAX_DATA)
			return bad(s, "pty %u: %u and %u bytes", i, t->out_len,
				   t->in_len);
		if (t->out_len)
			want_data(s, CR_REC_PTYDATA, i, t->out_len);
		if (t->in_len)
			want_data(s, CR_REC_PTYDATA, i, t->in_len);
	}
	return exact(s, c, "the ptys");
}

static int rd_nlsocks(struct info *s, struct cur *c)
{
	s->nl = table(s, c, &s->nnl, CR_MAX_SOCKS, sizeof(*s->nl),
			 "sockets");
	return s->nl ? exact(s, c, "the sockets") : -1;
}

/* The data records come in the order of want_data(), table by table. */
static int rd_data(struct info *s, struct cur *c)
{
	struct data_rec *d = &s->data[s->next_data];
	struct cr_img_sock *k;

	if (d->type != CR_REC_SOCKDATA) {
		s->next_data++;
		return c->len == d->len ? 0 :
		       bad(s, "%zu bytes, entry %u has %u", c->len, d->index,
			   d->len);
	}
	k = &s->sock[d->index];
	if (c->len > k->data_len - d->len)
		return bad(s, "socket %u: over its %u bytes", d->index,
			   k->data_len);
	d->len += c->len;
	if (++d->msgs < k->nmsgs)
		return 0;
	if (d->len != k->data_len)
		return bad(s, "socket %u: %u bytes, its entry says %u",
			   d->index, d->len, k->data_len);
	s->next_data++;
	return 0;
}

/* ---- each live process ---- */

static struct proc_info *cur_proc(const struct info *s)
{
	return &s->proc[s->cur];
}

static int rd_proc(struct info *s, struct cur *c)
{
	struct proc_info *p = cur_proc(s);
	struct cr_img_proc r;

	if (!take(c, &r, sizeof(r)) || exact(s, c, "a process"))
		return bad(s, "%zu bytes, a process has %zu", c->len,
			   sizeof(r));
	if (r.pid != p->ent.pid || r.nthreads != p->ent.nthreads)
		return bad(s, "process %d of %u threads where the table has "
			   "%d of %u", r.pid, r.nthreads, p->ent.pid,
			   p->ent.nthreads);
	return 0;
}

static int rd_creds(struct info *s, struct cur *c)
{
	struct cr_img_creds cr;

	if (!take(c, &cr, sizeof(cr)))
		return bad(s, "too short for credentials");
	if (cr.ngroups > CR_MAX_GROUPS ||
	    c->len - c->off != cr.ngroups * sizeof(uint32_t))
		return bad(s, "%u groups in %zu bytes", cr.ngroups,
			   c->len - c->off);
	return 0;
}

static int rd_fixed(struct info *s, struct cur *c, size_t size)
{
	return c->len == size ? 0 :
	       bad(s, "%zu bytes, the record has %zu", c->len, size);
}

static int rd_sigqueue(struct info *s, struct cur *c)
{
	uint32_t n = 0;

	if (table_head(s, c, &n, NULL, CR_MAX_SIGQUEUE, "signals"))
		return -1;
	if (c->len - c->off != (size_t)n * CR_SIGINFO_SIZE)
		return bad(s, "%u signals in %zu bytes", n, c->len - c->off);
	return 0;
}

static int obj_ref(struct info *s, uint32_t id)
{
	return id <= s->nobjs ? 0 :
	       bad(s, "names object %u before it is saved (%u so far)", id,
		   s->nobjs);
}

static int rd_mm(struct info *s, struct cur *c)
{
	struct proc_info *p = cur_proc(s);
	struct cr_img_mm m;

	if (!take(c, &m, sizeof(m)))
		return bad(s, "too short for a memory map");
	if (m.nr_vmas > CR_INFO_MAX_VMAS)
		return bad(s, "%u mappings, over the limit of %u", m.nr_vmas,
			   CR_INFO_MAX_VMAS);
	if (m.exe_path_len && (m.exe_obj ||
			       !(p->exe = take_path(c, m.exe_path_len))))
		return bad(s, "bad executable path");
	if (obj_ref(s, m.exe_obj))
		return -1;
	p->exe_obj = m.exe_obj;
	p->vma = xzalloc(m.nr_vmas * sizeof(*p->vma));
	p->nvma = m.nr_vmas;
	s->vmas = 0;
	s->vma_end = 0;
	return exact(s, c, "a memory map");
}

static int vma_kind_ok(struct info *s, struct vma_info *vi, struct cur *c)
{
	struct cr_img_vma *v = &vi->v;

	switch (v->kind) {
	case CR_VMA_FILE:
		vi->path = take_path(c, v->path_len);
		return vi->path ? 0 : bad(s, "bad path");
	case CR_VMA_OBJ:
		if (!v->obj_id)
			return bad(s, "object mapping without an object");
		return obj_ref(s, v->obj_id);
	case CR_VMA_ANON:
	case CR_VMA_VDSO:
	case CR_VMA_VVAR:
		return 0;
	}
	return bad(s, "unknown mapping kind %u", v->kind);
}

static int rd_vma(struct info *s, struct cur *c)
{
	struct proc_info *p = cur_proc(s);
	struct vma_info *vi = &p->vma[s->vmas++];
	struct cr_img_vma *v = &vi->v;

	if (!take(c, v, sizeof(*v)))
		return bad(s, "too short for a mapping");
	if (v->start >= v->end || v->start % CR_INFO_PAGE ||
	    v->end % CR_INFO_PAGE || v->start < s->vma_end)
		return bad(s, "mapping 0x%llx-0x%llx, after one ending at "
			   "0x%llx", (unsigned long long)v->start,
			   (unsigned long long)v->end,
			   (unsigned long long)s->vma_end);
	if (v->pad || (v->obj_id && v->kind != CR_VMA_OBJ) ||
	    (v->path_len && v->kind != CR_VMA_FILE) ||
	    v->prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC) ||
	    v->mapflags & ~(MAP_SHARED | MAP_PRIVATE | MAP_GROWSDOWN) ||
	    !(v->mapflags & (MAP_SHARED | MAP_PRIVATE)))
		return bad(s, "mapping 0x%llx: bad fields",
			   (unsigned long long)v->start);
	if (vma_kind_ok(s, vi, c))
		return -1;
	s->vma_end = v->end;
	s->pages_ok = true;
	s->pages_count = &vi->pages;
	s->page_next = v->start;
	s->page_end = v->end;
	return exact(s, c, "a mapping");
}

/* Addresses (or object offsets) increasing, inside the window. */
static int rd_pages(struct info *s, struct cur *c)
{
	bool zipped = s->in.rec.flags & CR_RECF_ZSTD;
	bool parent = s->in.rec.type == CR_REC_PAGES_PARENT;
	size_t pad, head, i;
	uint64_t addr = 0;
	uint32_t n;

	if (cr_img_pages_head(&s->in, &n, &head, &pad))
		return -1;
	c->off = sizeof(struct cr_img_pages);
	for (i = 0; i < n; i++) {
		take(c, &addr, sizeof(addr));
		if (addr % CR_INFO_PAGE || addr < s->page_next ||
		    addr >= s->page_end)
			return bad(s, "page %zu at 0x%llx, outside "
				   "0x%llx-0x%llx", i, (unsigned long long)addr,
				   (unsigned long long)s->page_next,
				   (unsigned long long)s->page_end);
		s->page_next = addr + CR_INFO_PAGE;
	}
	if (parent) {
		s->parent_pages += n;
		return 0;
	}
	*s->pages_count += n;
	s->total_pages += n;
	if (zipped) {
		s->zip_pages += n;
		s->zip_bytes += c->len - head;
	}
	return 0;
}

static int rd_obj(struct info *s, struct cur *c)
{
	struct obj_info *oi;
	struct cr_img_obj *o;
	bool tmpfs;

	s->obj = xgrow(s->obj, s->nobjs + 1, sizeof(*s->obj));
	oi = memset(&s->obj[s->nobjs], 0, sizeof(*oi));
	o = &oi->o;
	if (!take(c, o, sizeof(*o)))
		return bad(s, "too short for an object");
	tmpfs = o->kind == CR_OBJ_TMPFS || o->kind == CR_OBJ_TMPFS_KEEP;
	if (o->obj_id != s->nobjs + 1 || o->obj_id > CR_MAX_OBJS)
		return bad(s, "object %u where %u comes next", o->obj_id,
			   s->nobjs + 1);
	if ((o->kind != CR_OBJ_SHMEM && o->kind != CR_OBJ_FILE && !tmpfs) ||
	    o->size > CR_OBJ_MAX_SIZE || o->mode & ~0777 || o->pad)
		return bad(s, "object %u: kind %u, size %llu, mode 0%o",
			   o->obj_id, o->kind, (unsigned long long)o->size,
			   o->mode);
	if (tmpfs ? !(oi->path = take_path(c, o->path_len)) : !!o->path_len)
		return bad(s, "object %u: bad path", o->obj_id);
	s->nobjs++;
	s->pages_ok = true;
	s->pages_count = &oi->pages;
	s->page_next = 0;
	s->page_end = o->size;
	return exact(s, c, "an object");
}

/* A new file's kind names an entry of its table, or has a path. */
static int fd_kind_ok(struct info *s, struct fd_info *fi, struct cur *c)
{
	const struct cr_img_fd *e = &fi->e;
	uint32_t n;

	if (e->kind == CR_FD_REG || e->kind == CR_FD_CTRL) {
		fi->path = e->path_len >= 2 ? take_str(c, e->path_len) : NULL;
		return fi->path ? 0 : bad(s, "fd %d: bad path", e->fd);
	}
	if (e->path_len)
		return bad(s, "fd %d: a path for kind %u", e->fd, e->kind);
	switch (e->kind) {
	case CR_FD_INHERIT:
		return e->inherit_fd <= 2 ? 0 :
		       bad(s, "fd %d: inherits fd %u", e->fd, e->inherit_fd);
	case CR_FD_OBJ:
		return e->obj_id ? obj_ref(s, e->obj_id) :
		       bad(s, "fd %d: no object", e->fd);
	case CR_FD_EVENT:
		return e->event < s->nevents ? 0 :
		       bad(s, "fd %d: event file %u of %u", e->fd, e->event,
			   s->nevents);
	case CR_FD_PIPE:
		n = s->npipes;
		break;
	case CR_FD_SOCK:
		n = s->nsocks;
		break;
	case CR_FD_INET:
		n = s->ninets;
		break;
	case CR_FD_PTY:
		n = 2 * s->nptys;
		break;
	case CR_FD_NLSOCK:
		n = s->nnl;
		break;
	default:
		return bad(s, "fd %d: unknown kind %u", e->fd, e->kind);
	}
	return e->pipe < n ? 0 :
	       bad(s, "fd %d: entry %u of a table of %u", e->fd, e->pipe, n);
}

static int rd_fd(struct info *s, struct cur *c, struct fd_info *fi,
		 int32_t prev)
{
	struct cr_img_fd *e = &fi->e;
	size_t start = c->off;

	if (!take(c, e, sizeof(*e)))
		return bad(s, "too short for its descriptors");
	if (e->fd <= prev || e->fd >= CR_MAX_TFD || e->path_len > CR_PATH_MAX ||
	    e->cloexec > 1 || e->pos < 0)
		return bad(s, "fd %d after %d: bad fields", e->fd, prev);
	if (!e->file_id || e->file_id > s->next_file)
		return bad(s, "fd %d: file %u, the next new one is %u", e->fd,
			   e->file_id, s->next_file);
	if ((e->obj_id && e->kind != CR_FD_OBJ) ||
	    (e->event && e->kind != CR_FD_EVENT))
		return bad(s, "fd %d: bad fields", e->fd);
	fi->ref = e->file_id < s->next_file;
	if (fi->ref) {
		if (e->kind || e->flags || e->pos || e->path_len || e->pipe ||
		    e->inherit_fd)
			return bad(s, "fd %d: shares file %u, with fields set",
				   e->fd, e->file_id);
	} else {
		if (s->next_file == CR_MAX_FILES)
			return bad(s, "over %u files", CR_MAX_FILES);
		s->next_file++;
		if (fd_kind_ok(s, fi, c))
			return -1;
	}
	c->off = start + sizeof(*e) + e->path_len;
	c->off += cr_img_pad(c->off, 8);
	return 0;
}

static int rd_files(struct info *s, struct cur *c)
{
	struct proc_info *p = cur_proc(s);
	int32_t prev = -1;
	uint32_t i;

	if (table_head(s, c, &p->nfd, NULL, CR_MAX_FDS, "descriptors"))
		return -1;
	p->fd = xzalloc(p->nfd * sizeof(*p->fd));
	for (i = 0; i < p->nfd; i++) {
		if (c->off > c->len || rd_fd(s, c, &p->fd[i], prev))
			return c->off > c->len ?
			       bad(s, "too short for its descriptors") : -1;
		prev = p->fd[i].e.fd;
	}
	return exact(s, c, "the descriptors");
}

static int rd_thread(struct info *s, struct cur *c)
{
	struct proc_info *p = cur_proc(s);
	struct cr_img_thread t;

	if (!take(c, &t, sizeof(t)))
		return bad(s, "too short for a thread");
	if (t.tid != p->tids[s->thread] || t.index != s->thread)
		return bad(s, "thread %d (%u) where the table has %d (%u)",
			   t.tid, t.index, p->tids[s->thread], s->thread);
	if (c->len - c->off != s->hdr.xstate_size)
		return bad(s, "thread %d: %zu bytes of xstate, the header says "
			   "%u", t.tid, c->len - c->off, s->hdr.xstate_size);
	if (!memchr(t.sched.comm, 0, CR_COMM_LEN))
		return bad(s, "thread %d: name not NUL-terminated", t.tid);
	if (!s->thread)
		memcpy(p->comm, t.sched.comm, CR_COMM_LEN);
	return 0;
}

static int rd_end(struct info *s, struct cur *c)
{
	struct cr_img_end end;

	if (!take(c, &end, sizeof(end)) || exact(s, c, "END"))
		return bad(s, "%zu bytes, END has %zu", c->len, sizeof(end));
	if (end.nrecords != s->in.nrec - 1 || end.bytes != s->in.rec_pos)
		return bad(s, "says %llu records and %llu bytes before it, "
			   "there were %llu and %llu",
			   (unsigned long long)end.nrecords,
			   (unsigned long long)end.bytes,
			   (unsigned long long)s->in.nrec - 1,
			   (unsigned long long)s->in.rec_pos);
	return 0;
}

/* ---- the record order ---- */

/* The record the order wants next (OBJ and PAGES aside). */
static unsigned int expected(const struct info *s)
{
	static const uint16_t fixed[] = {
		[PH_HEADER] = CR_REC_HEADER, [PH_PROCTAB] = CR_REC_PROCTAB,
		[PH_ZOMBIES] = CR_REC_ZOMBIES, [PH_PROC] = CR_REC_PROC,
		[PH_CREDS] = CR_REC_CREDS, [PH_RLIMITS] = CR_REC_RLIMITS,
		[PH_SIGHAND] = CR_REC_SIGHAND, [PH_SIGQUEUE] = CR_REC_SIGQUEUE,
		[PH_MM] = CR_REC_MM, [PH_FILES] = CR_REC_FILES,
		[PH_THREAD] = CR_REC_THREAD, [PH_TSIGQUEUE] = CR_REC_SIGQUEUE,
		[PH_END] = CR_REC_END,
	};

	switch (s->phase) {
	case PH_TABLES:
		return table_order[s->table];
	case PH_DATA:
		return s->data[s->next_data].type;
	case PH_VMAS:
		return s->vmas < cur_proc(s)->nvma ?
		       CR_REC_VMA : CR_REC_FILES;
	case PH_DONE:
		return 0;
	default:
		return fixed[s->phase];
	}
}

/* After the tables, their data, then the first live process. */
static void to_data(struct info *s)
{
	s->phase = s->ndata ? PH_DATA : PH_PROC;
}

static void next_phase(struct info *s, unsigned int type)
{
	struct proc_info *p = cur_proc(s);

	switch (s->phase) {
	case PH_PROCTAB:
		s->phase = s->nzombies ? PH_ZOMBIES : PH_TABLES;
		return;
	case PH_TABLES:
		if (++s->table == NTABLES)
			to_data(s);
		return;
	case PH_DATA:
		if (s->next_data == s->ndata)
			s->phase = PH_PROC;
		return;
	case PH_VMAS:
		if (type == CR_REC_FILES)
			s->phase = PH_THREAD;
		return;
	case PH_MM:
		s->phase = PH_VMAS;
		return;
	case PH_TSIGQUEUE:
		if (++s->thread < p->ent.nthreads) {
			s->phase = PH_THREAD;
			return;
		}
		s->thread = 0;
		s->phase = ++s->cur < s->nlive ? PH_PROC : PH_END;
		return;
	default:
		s->phase++;
	}
}

static int rd_rlimits(struct info *s, struct cur *c)
{
	return rd_fixed(s, c, sizeof(struct cr_img_rlimits));
}

static int rd_sighand(struct info *s, struct cur *c)
{
	return rd_fixed(s, c, sizeof(struct cr_img_sighand));
}

static int (*const readers[])(struct info *s, struct cur *c) = {
	[CR_REC_HEADER] = rd_header, [CR_REC_PROCTAB] = rd_proctab,
	[CR_REC_ZOMBIES] = rd_zombies, [CR_REC_PTIMERS] = rd_ptimers,
	[CR_REC_EVENTS] = rd_events, [CR_REC_PIPES] = rd_pipes,
	[CR_REC_SOCKS] = rd_socks, [CR_REC_INET] = rd_inets,
	[CR_REC_PTYS] = rd_ptys, [CR_REC_NLSOCKS] = rd_nlsocks,
	[CR_REC_PIPEDATA] = rd_data, [CR_REC_SOCKDATA] = rd_data,
	[CR_REC_INETDATA] = rd_data, [CR_REC_PTYDATA] = rd_data,
	[CR_REC_PROC] = rd_proc, [CR_REC_CREDS] = rd_creds,
	[CR_REC_RLIMITS] = rd_rlimits, [CR_REC_SIGHAND] = rd_sighand,
	[CR_REC_SIGQUEUE] = rd_sigqueue, [CR_REC_MM] = rd_mm,
	[CR_REC_VMA] = rd_vma, [CR_REC_FILES] = rd_files,
	[CR_REC_THREAD] = rd_thread, [CR_REC_END] = rd_end,
};

/* OBJ (and its PAGES) may come before each MM, VMA and FILES record. */
static bool obj_here(const struct info *s)
{
	return s->phase == PH_MM || s->phase == PH_VMAS;
}

static int one_record(struct info *s)
{
	unsigned int type = s->in.rec.type, want = expected(s);
	struct cur c = { s->in.buf, s->in.rec.len, 0 };
	bool pages_ok = s->pages_ok;

	s->pages_ok = false;
	if (!cr_img_type_name(type) || type == CR_REC_FS)
		return bad(s, "unknown record type %u", type);
	if (type == CR_REC_PARENT && s->phase == PH_PROCTAB &&
	    s->in.nrec == 2)
		return rd_parent(s, &c);
	if (type == CR_REC_PRECOPY && s->phase == PH_PROCTAB &&
	    s->in.nrec == 2 && !s->precopy)
		return rd_precopy(s, &c);
	if (s->precopy && !s->parent_path && s->phase == PH_PROCTAB)
		return bad(s, "the pre-copy is not followed by the image "
			   "that refers to it");
	if (type == CR_REC_PAGES_PARENT && !s->parent_path)
		return bad(s, "pages of a parent in a full image");
	if ((type == CR_REC_PAGES || type == CR_REC_PAGES_PARENT) &&
	    pages_ok) {
		s->pages_ok = true;
		return rd_pages(s, &c);
	}
	if (type == CR_REC_OBJ && obj_here(s))
		return rd_obj(s, &c);
	if (type != want)
		return bad(s, "out of order: %s expected here",
			   cr_img_type_name(want));
	if (readers[type](s, &c))
		return -1;
	next_phase(s, type);
	return 0;
}

/* Where the file ends, or goes on after END: a record not there. */
static int bad_at_end(struct info *s, const char *fmt, const char *what)
{
	s->in.rec_pos = s->in.pos;
	s->in.nrec++;
	memset(&s->in.rec, 0, sizeof(s->in.rec));
	return bad(s, fmt, what);
}

/* 0 when the whole file is valid; else -1 with s->in.why. */
static int read_all(struct info *s)
{
	int ret;

	while (s->phase != PH_DONE) {
		ret = cr_img_next(&s->in, CR_INFO_MAX_REC);
		if (ret < 0)
			return -1;
		if (!ret)
			return bad_at_end(s, "truncated: the file ends where "
					  "%s is expected",
					  cr_img_type_name(expected(s)));
		if (one_record(s))
			return -1;
	}
	if (fgetc(s->in.f) != EOF)
		return bad_at_end(s, "%s", "data after the END record");
	return 0;
}

/* ---- names ---- */

static const char *name_of(const char *const *names, size_t n, uint32_t v)
{
	return v < n && names[v] ? names[v] : "?";
}

#define NAME(names, v) name_of(names, sizeof(names) / sizeof(names[0]), v)

static const char *const vma_kinds[] = {
	[CR_VMA_ANON] = "anon", [CR_VMA_FILE] = "file",
	[CR_VMA_OBJ] = "object", [CR_VMA_VDSO] = "vdso",
	[CR_VMA_VVAR] = "vvar",
};
static const char *const fd_kinds[] = {
	[CR_FD_REG] = "file", [CR_FD_INHERIT] = "inherit",
	[CR_FD_PIPE] = "pipe", [CR_FD_OBJ] = "object",
	[CR_FD_EVENT] = "event", [CR_FD_SOCK] = "socket",
	[CR_FD_CTRL] = "ctrl", [CR_FD_INET] = "inet", [CR_FD_PTY] = "pty",
	[CR_FD_NLSOCK] = "netlink",
};
static const char *const obj_kinds[] = {
	[CR_OBJ_SHMEM] = "shmem", [CR_OBJ_FILE] = "file",
	[CR_OBJ_TMPFS] = "tmpfs", [CR_OBJ_TMPFS_KEEP] = "tmpfs-keep",
};
static const char *const event_kinds[] = {
	[CR_EV_EVENTFD] = "eventfd", [CR_EV_TIMERFD] = "timerfd",
	[CR_EV_SIGNALFD] = "signalfd", [CR_EV_EPOLL] = "epoll",
	[CR_EV_INOTIFY] = "inotify",
};
static const char *const sock_types[] = {
	[SOCK_STREAM] = "stream", [SOCK_DGRAM] = "dgram",
	[SOCK_SEQPACKET] = "seqpacket", [SOCK_RAW] = "raw",
};
static const char *const sock_kinds[] = {
	[CR_SOCK_PAIR] = "pair", [CR_SOCK_LISTEN] = "listen",
	[CR_SOCK_ALONE] = "alone",
};
static const char *const inet_kinds[] = {
	[CR_INET_ALONE] = "alone", [CR_INET_LISTEN] = "listen",
	[CR_INET_CONN] = "connected", [CR_INET_PENDING] = "pending",
	[CR_INET_RESET] = "reset",
};

static void prot_str(const struct cr_img_vma *v, char buf[5])
{
	buf[0] = v->prot & PROT_READ ? 'r' : '-';
	buf[1] = v->prot & PROT_WRITE ? 'w' : '-';
	buf[2] = v->prot & PROT_EXEC ? 'x' : '-';
	buf[3] = v->mapflags & MAP_SHARED ? 's' : 'p';
	buf[4] = '\0';
}

static uint32_t nthreads(const struct info *s)
{
	uint32_t i, n = 0;

	for (i = 0; i < s->nlive; i++)
		n += s->proc[i].ent.nthreads;
	return n;
}

/* ---- the summary ---- */

static void text_vma(const struct vma_info *vi)
{
	const struct cr_img_vma *v = &vi->v;
	char prot[5];

	prot_str(v, prot);
	printf("    %016llx-%016llx %10llu %s %s", (unsigned long long)v->start,
	       (unsigned long long)v->end,
	       (unsigned long long)(v->end - v->start), prot,
	       NAME(vma_kinds, v->kind));
	if (vi->path)
		printf(" %s", vi->path);
	if (v->obj_id)
		printf(" %u", v->obj_id);
	if (vi->pages)
		printf(", %llu pages saved", (unsigned long long)vi->pages);
	putchar('\n');
}

static void text_fd(const struct info *s, const struct fd_info *fi)
{
	const struct cr_img_fd *e = &fi->e;

	printf("    fd %d: ", e->fd);
	if (fi->ref)
		printf("shares file %u", e->file_id);
	else if (fi->path)
		printf("%s %s", NAME(fd_kinds, e->kind), fi->path);
	else if (e->kind == CR_FD_INHERIT)
		printf("inherited from the restarter's fd %u", e->inherit_fd);
	else if (e->kind == CR_FD_OBJ)
		printf("object %u", e->obj_id);
	else if (e->kind == CR_FD_EVENT)
		printf("event file %u (%s)", e->event,
		       NAME(event_kinds, s->event[e->event].kind));
	else if (e->kind == CR_FD_PTY)
		printf("pty %u %s", e->pipe / 2, e->pipe & 1 ? "slave" :
		       "master");
	else
		printf("%s %u", NAME(fd_kinds, e->kind), e->pipe);
	putchar('\n');
}

static void text_proc(const struct info *s, const struct proc_info *p)
{
	uint32_t i;

	if (p->ent.flags & CR_PENT_ZOMBIE) {
		printf("zombie %d: ppid %d, pgid %d, sid %d, status 0x%x\n",
		       p->ent.pid, p->ent.ppid, p->ent.pgid, p->ent.sid,
		       p->status);
		return;
	}
	printf("process %d (%s): ppid %d, pgid %d, sid %d, %u threads:",
	       p->ent.pid, p->comm, p->ent.ppid, p->ent.pgid, p->ent.sid,
	       p->ent.nthreads);
	for (i = 0; i < p->ent.nthreads; i++)
		printf(" %d", p->tids[i]);
	printf("\n  cwd %s\n", p->cwd);
	if (p->exe)
		printf("  exe %s\n", p->exe);
	else if (p->exe_obj)
		printf("  exe object %u\n", p->exe_obj);
	if (p->ntimers)
		printf("  %u POSIX timers\n", p->ntimers);
	printf("  %u mappings:\n", p->nvma);
	for (i = 0; i < p->nvma; i++)
		text_vma(&p->vma[i]);
	printf("  %u descriptors:\n", p->nfd);
	for (i = 0; i < p->nfd; i++)
		text_fd(s, &p->fd[i]);
}

static void text_tables(const struct info *s)
{
	uint32_t i;

	printf("%u objects saved by value:\n", s->nobjs);
	for (i = 0; i < s->nobjs; i++)
		printf("  object %u: %s, %llu bytes, mode 0%o, %llu pages "
		       "saved%s%s\n", s->obj[i].o.obj_id,
		       NAME(obj_kinds, s->obj[i].o.kind),
		       (unsigned long long)s->obj[i].o.size, s->obj[i].o.mode,
		       (unsigned long long)s->obj[i].pages,
		       s->obj[i].path ? ", " : "",
		       s->obj[i].path ? s->obj[i].path : "");
	printf("%u pipes:\n", s->npipes);
	for (i = 0; i < s->npipes; i++)
		printf("  pipe %u: capacity %u, %u bytes buffered%s%s\n", i,
		       s->pipe[i].size, s->pipe[i].data_len,
		       s->pipe_path[i] ? ", FIFO " : "",
		       s->pipe_path[i] ? s->pipe_path[i] : "");
	printf("%u Unix sockets:\n", s->nsocks);
	for (i = 0; i < s->nsocks; i++)
		printf("  socket %u: %s %s, peer %u, %u messages queued "
		       "(%u bytes)\n", i, NAME(sock_types, s->sock[i].type),
		       NAME(sock_kinds, s->sock[i].kind), s->sock[i].peer,
		       s->sock[i].nmsgs, s->sock[i].data_len);
	printf("%u TCP and UDP sockets:\n", s->ninets);
	for (i = 0; i < s->ninets; i++)
		printf("  socket %u: %s%s %s, port %u, %u bytes to re-send\n",
		       i, s->inet[i].type == SOCK_STREAM ? "tcp" : "udp",
		       s->inet[i].family == AF_INET6 ? "6" : "",
		       NAME(inet_kinds, s->inet[i].kind), s->inet[i].lport,
		       s->inet[i].data_len);
	printf("%u ptys:\n", s->nptys);
	for (i = 0; i < s->nptys; i++)
		printf("  pty %u: %ux%u, %u bytes output, %u bytes input\n",
		       i, s->pty[i].cols, s->pty[i].rows, s->pty[i].out_len,
		       s->pty[i].in_len);
	printf("%u netlink sockets:\n", s->nnl);
	for (i = 0; i < s->nnl; i++)
		printf("  socket %u: protocol %u, port id %u\n", i,
		       s->nl[i].protocol, s->nl[i].portid);
	printf("%u event files, %u watches:\n", s->nevents, s->nwatches);
	for (i = 0; i < s->nevents; i++)
		printf("  event file %u: %s\n", i,
		       NAME(event_kinds, s->event[i].kind));
}

static void print_text(const struct info *s)
{
	time_t t = s->hdr.time_ns / 1000000000;
	char when[64];
	uint32_t i;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	printf("%s: BLCR context file, format %u, x86_64\n", s->name,
	       s->hdr.version);
	printf("saved %s, kernel %s\n", when, s->hdr.release);
	printf("%u processes (%u zombies), %u threads\n", s->hdr.nprocs,
	       s->nzombies, nthreads(s));
	printf("%llu records, %llu bytes; %llu pages of data (%llu bytes)\n",
	       (unsigned long long)s->in.nrec, (unsigned long long)s->in.pos,
	       (unsigned long long)s->total_pages,
	       (unsigned long long)(s->total_pages * CR_INFO_PAGE));
	if (s->zip_pages)
		printf("compression: zstd, %llu pages in %llu bytes; ",
		       (unsigned long long)s->zip_pages,
		       (unsigned long long)s->zip_bytes);
	else
		printf("compression: none; ");
	if (s->precopy)
		printf("live checkpoint: a pre-copy of %u processes, %llu "
		       "pages, %llu bytes, before this image\n",
		       s->pre_procs, (unsigned long long)s->pre_pages,
		       (unsigned long long)s->pre_bytes);
	if (s->parent_path)
		printf("parent image: %s (%u in the chain behind this one, "
		       "identity %016llx), %llu pages there\n",
		       s->precopy ? "(the pre-copy)" : s->parent_path,
		       s->parent.depth,
		       (unsigned long long)s->parent.ident,
		       (unsigned long long)s->parent_pages);
	else
		printf("parent image: none\n");
	printf("identity %016llx\n\n", (unsigned long long)s->in.ident);
	for (i = 0; i < s->hdr.nprocs; i++)
		text_proc(s, &s->proc[i]);
	putchar('\n');
	text_tables(s);
}

/* ---- --json ---- */

/* Bytes outside printable ASCII as \u00XX: valid JSON whatever they are. */
static void jstr(const char *str)
{
	const unsigned char *c;

	if (!str) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (c = (const unsigned char *)str; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	putchar('"');
}

/* "key": value, with the comma before every item but the first. */
static void jkey(bool *first, const char *key)
{
	printf("%s\"%s\":", *first ? "" : ",", key);
	*first = false;
}

static void jnum(bool *first, const char *key, unsigned long long v)
{
	jkey(first, key);
	printf("%llu", v);
}

static void jint(bool *first, const char *key, long long v)
{
	jkey(first, key);
	printf("%lld", v);
}

static void jtext(bool *first, const char *key, const char *v)
{
	jkey(first, key);
	jstr(v);
}

static void json_vma(const struct vma_info *vi)
{
	const struct cr_img_vma *v = &vi->v;
	bool f = true;
	char prot[5];

	prot_str(v, prot);
	putchar('{');
	jnum(&f, "start", v->start);
	jnum(&f, "end", v->end);
	jnum(&f, "size", v->end - v->start);
	jtext(&f, "prot", prot);
	jtext(&f, "kind", NAME(vma_kinds, v->kind));
	jtext(&f, "path", vi->path);
	jnum(&f, "object", v->obj_id);
	jnum(&f, "pages", vi->pages);
	jnum(&f, "page_bytes", vi->pages * CR_INFO_PAGE);
	putchar('}');
}

static void json_fd(const struct fd_info *fi)
{
	const struct cr_img_fd *e = &fi->e;
	bool f = true;

	putchar('{');
	jint(&f, "fd", e->fd);
	jtext(&f, "kind", fi->ref ? "shared" : NAME(fd_kinds, e->kind));
	jnum(&f, "file_id", e->file_id);
	jtext(&f, "path", fi->path);
	if (e->kind == CR_FD_OBJ)
		jnum(&f, "object", e->obj_id);
	else if (e->kind == CR_FD_EVENT)
		jnum(&f, "index", e->event);
	else if (e->kind == CR_FD_INHERIT)
		jnum(&f, "index", e->inherit_fd);
	else
		jnum(&f, "index", e->pipe);
	putchar('}');
}

static void json_proc(const struct proc_info *p)
{
	bool f = true;
	uint32_t i;

	putchar('{');
	jint(&f, "pid", p->ent.pid);
	jint(&f, "ppid", p->ent.ppid);
	jint(&f, "pgid", p->ent.pgid);
	jint(&f, "sid", p->ent.sid);
	jkey(&f, "zombie");
	fputs(p->ent.flags & CR_PENT_ZOMBIE ? "true" : "false", stdout);
	jnum(&f, "status", p->status);
	jnum(&f, "nthreads", p->ent.nthreads);
	jkey(&f, "threads");
	for (i = 0; i < p->ent.nthreads; i++)
		printf("%s%d", i ? "," : "[", p->tids[i]);
	fputs(i ? "]" : "[]", stdout);
	jtext(&f, "comm", p->comm);
	jtext(&f, "cwd", p->cwd);
	jtext(&f, "exe", p->exe);
	jnum(&f, "exe_object", p->exe_obj);
	jnum(&f, "timers", p->ntimers);
	jkey(&f, "mappings");
	putchar('[');
	for (i = 0; i < p->nvma; i++) {
		if (i)
			putchar(',');
		json_vma(&p->vma[i]);
	}
	putchar(']');
	jkey(&f, "files");
	putchar('[');
	for (i = 0; i < p->nfd; i++) {
		if (i)
			putchar(',');
		json_fd(&p->fd[i]);
	}
	fputs("]}", stdout);
}

static void json_tables(const struct info *s)
{
	bool f = false;
	uint32_t i;

	jkey(&f, "objects");
	for (i = 0; i < s->nobjs; i++) {
		bool g = true;

		fputs(i ? ",{" : "[{", stdout);
		jnum(&g, "id", s->obj[i].o.obj_id);
		jtext(&g, "kind", NAME(obj_kinds, s->obj[i].o.kind));
		jnum(&g, "size", s->obj[i].o.size);
		jnum(&g, "mode", s->obj[i].o.mode);
		jtext(&g, "path", s->obj[i].path);
		jnum(&g, "pages", s->obj[i].pages);
		putchar('}');
	}
	fputs(i ? "]" : "[]", stdout);
	jkey(&f, "pipes");
	for (i = 0; i < s->npipes; i++) {
		bool g = true;

		fputs(i ? ",{" : "[{", stdout);
		jnum(&g, "size", s->pipe[i].size);
		jnum(&g, "buffered", s->pipe[i].data_len);
		jtext(&g, "fifo", s->pipe_path[i]);
		putchar('}');
	}
	fputs(i ? "]" : "[]", stdout);
	jnum(&f, "unix_sockets", s->nsocks);
	jnum(&f, "inet_sockets", s->ninets);
	jnum(&f, "ptys", s->nptys);
	jnum(&f, "netlink_sockets", s->nnl);
	jnum(&f, "event_files", s->nevents);
}

static void print_json(const struct info *s)
{
	char id[17];
	bool f = true;
	uint32_t i;

	putchar('{');
	jtext(&f, "file", s->name);
	jnum(&f, "version", s->hdr.version);
	jtext(&f, "arch", "x86_64");
	jtext(&f, "release", s->hdr.release);
	jnum(&f, "time_ns", s->hdr.time_ns);
	jnum(&f, "nprocs", s->hdr.nprocs);
	jnum(&f, "nzombies", s->nzombies);
	jnum(&f, "nthreads", nthreads(s));
	jnum(&f, "records", s->in.nrec);
	jnum(&f, "bytes", s->in.pos);
	jnum(&f, "pages", s->total_pages);
	jnum(&f, "page_bytes", s->total_pages * CR_INFO_PAGE);
	jtext(&f, "compression", s->zip_pages ? "zstd" : "none");
	jnum(&f, "compressed_pages", s->zip_pages);
	jnum(&f, "compressed_bytes", s->zip_bytes);
	snprintf(id, sizeof(id), "%016llx", (unsigned long long)s->in.ident);
	jtext(&f, "identity", id);
	jtext(&f, "parent", s->parent_path);
	if (s->precopy) {
		jnum(&f, "precopy_procs", s->pre_procs);
		jnum(&f, "precopy_pages", s->pre_pages);
		jnum(&f, "precopy_bytes", s->pre_bytes);
	}
	if (s->parent_path) {
		snprintf(id, sizeof(id), "%016llx",
			 (unsigned long long)s->parent.ident);
		jtext(&f, "parent_identity", id);
		jnum(&f, "parent_depth", s->parent.depth);
		jnum(&f, "parent_pages", s->parent_pages);
	}
	jkey(&f, "processes");
	for (i = 0; i < s->hdr.nprocs; i++) {
		putchar(i ? ',' : '[');
		json_proc(&s->proc[i]);
	}
	putchar(']');
	json_tables(s);
	puts("}");
}

/* ---- main ---- */

static void usage(FILE *out)
{
	fprintf(out,
"Usage: cr_info [OPTIONS] FILE\n"
"What the context file FILE (- for standard input) holds, checked as\n"
"restart reads it.\n"
"\n"
"  -j, --json          print it as one JSON object\n"
"  -q, --quiet         print nothing: only check the file (exit status)\n"
"  -h, --help          this text\n"
"      --version       versions of the tools and the module\n"
"\n"
"Exit status: 0 if FILE is valid, 1 if not (the reason on standard\n"
"error), 255 for a usage error.\n");
}

enum { OPT_VERSION = 0x100 };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	struct info s = { .next_file = 1 };
	const char *type;
	int c;

	while ((c = getopt_long(argc, argv, "jqh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'q':
			validate_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			return cr_print_version("cr_info");
		default:
			usage(stderr);
			return 255;
		}
	}
	if (optind != argc - 1)
		return cr_usage_error("one context file expected");
	s.name = argv[optind];
	s.in.f = strcmp(s.name, "-") ? fopen(s.name, "rb") : stdin;
	if (!s.in.f) {
		fprintf(stderr, "cr_info: %s: %s\n", s.name, strerror(errno));
		return 1;
	}
	if (read_all(&s)) {
		type = cr_img_type_name(s.in.rec.type);
		fprintf(stderr, "cr_info: %s: offset %llu, record %llu (%s): "
			"%s\n", s.name, (unsigned long long)s.in.rec_pos,
			(unsigned long long)(s.in.nrec ? s.in.nrec - 1 : 0),
			type ? type : "?", s.in.why);
		return 1;
	}
	if (validate_only)
		return 0;
	if (json)
		print_json(&s);
	else
		print_text(&s);
	return fflush(stdout) ? 1 : 0;
}
