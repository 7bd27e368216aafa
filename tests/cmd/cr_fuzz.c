// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a mutant of a valid context file, for tests/fuzz_restart.sh.
 * The mutant depends only on the input, SEED and MUTANT, so a failure is
 * reproduced by running the same three again.  Prints one line saying
 * what was done.
 * Usage: cr_fuzz IN OUT SEED MUTANT
 * (cr_fuzz --run, in fuzz_run.c, also restarts the mutants.)
 * cr_fuzz --shrink-zipped IN OUT: one mutant made on purpose, a
 * compressed record whose data inflates to more pages than it declares.
 *
 * The file is parsed into its records (include/blcr/cr_image.h), mutated at
 * three levels -- the record list (drop, duplicate, swap), the payloads
 * (integer fields by type, random words and bytes, payload length) and the
 * written bytes (bit flips, header fields, truncation) -- and, for most
 * mutants, written back with every checksum recomputed and the END record
 * made to match, so that the module's parsing beyond the checksums is
 * reached.
 */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL	/* as cr_image_read.c: no library to link */
#include <xxhash.h>

#include "cr_image_read.h"
#include "cr_fuzz.h"

#define HDR_LEN		sizeof(struct cr_rec)
#define MAX_OPS		4
#define STALE_ONE_IN	8	/* mutants that keep their stale sums */
/*
 * Not a record: the zeros after a live checkpoint's pre-copy, up to the
 * next CR_PAGE_ALIGN offset, where the image that refers to it begins.
 */
#define GAP		0

struct rec {
	uint16_t type;
	uint16_t flags;
	uint8_t *buf;		/* payload, without the PAGES data padding */
	size_t len;
	size_t split;		/* PAGES: bytes before the page data */
	uint32_t sum;		/* as read: stale once the payload changes */
	int touched;		/* the payload was mutated */
};

struct img {
	struct rec *r;
	size_t n;
	uint8_t *out;		/* the serialised mutant */
	size_t outlen, outcap;
	size_t *off;		/* each record's header offset in out */
	size_t *plen;		/* and its payload length there */
	size_t base;		/* the first record of the image serialised */
	int stale;
	uint64_t rng;
	char desc[1024];
};

/* ---- helpers ---- */

static void *xalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p) {
		perror("cr_fuzz");
		exit(2);
	}
	return p;
}

static uint64_t rnd(struct img *m)
{
	uint64_t z = (m->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t below(struct img *m, size_t n)
{
	return n ? rnd(m) % n : 0;
}

static void say(struct img *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct img *m, const char *fmt, ...)
{
	size_t used = strlen(m->desc);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->desc + used, sizeof(m->desc) - used, fmt, ap);
	va_end(ap);
}

static uint64_t get_le(const uint8_t *p, int size)
{
	uint64_t v = 0;

	while (size--)
		v = v << 8 | p[size];
	return v;
}

static void put_le(uint8_t *p, int size, uint64_t v)
{
	int i;

	for (i = 0; i < size; i++, v >>= 8)
		p[i] = v;
}

/* ---- parsing ---- */

static uint8_t *read_file(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perror(path);
		exit(2);
	}
	buf = xalloc(len);
	if (fread(buf, 1, len, f) != (size_t)len) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*lenp = len;
	return buf;
}

/* A PAGES payload loses its zero padding: it is redone where it lands. */
static void parse_one(struct rec *r, const struct cr_rec *h,
		      const uint8_t *p, size_t pos)
{
	size_t pad = 0;

	r->type = h->type;
	r->flags = h->flags;
	r->sum = h->sum;
	r->len = h->len;
	if (h->type == CR_REC_PAGES && h->len >= sizeof(struct cr_img_pages)) {
		r->split = sizeof(struct cr_img_pages) +
			   get_le(p, 4) * sizeof(uint64_t);
		if (r->split > h->len)
			r->split = h->len;
		if (!(h->flags & CR_RECF_ZSTD))
			pad = cr_img_data_pad(get_le(p, 4), pos + r->split);
		if (r->split + pad > h->len)
			pad = 0;
		r->len -= pad;
	}
	r->buf = xalloc(r->len);
	memcpy(r->buf, p, r->split);
	memcpy(r->buf + r->split, p + r->split + pad, r->len - r->split);
}

static void parse(struct img *m, const uint8_t *f, size_t size)
{
	size_t pos = 0, cap = 0;
	struct cr_rec h;

	while (pos + HDR_LEN <= size) {
		memcpy(&h, f + pos, HDR_LEN);
		if (h.magic != CR_REC_MAGIC && m->n &&
		    m->r[m->n - 1].type == CR_REC_END &&
		    pos + cr_img_pad(pos, CR_PAGE_ALIGN) + HDR_LEN <= size) {
			pos += cr_img_pad(pos, CR_PAGE_ALIGN);
			memcpy(&h, f + pos, HDR_LEN);
			h.type = GAP;
			h.len = 0;
		}
		if ((h.magic != CR_REC_MAGIC && h.type != GAP) ||
		    h.len > size - pos - HDR_LEN) {
			fprintf(stderr, "cr_fuzz: bad record at %zu\n", pos);
			exit(2);
		}
		if (m->n == cap) {
			cap = cap ? 2 * cap : 64;
			m->r = realloc(m->r, cap * sizeof(*m->r));
			if (!m->r)
				exit(2);
		}
		memset(&m->r[m->n], 0, sizeof(*m->r));
		parse_one(&m->r[m->n++], &h, f + pos + HDR_LEN,
			  pos + HDR_LEN);
		if (h.type == GAP)
			continue;
		pos += HDR_LEN + h.len;
		pos += cr_img_pad(pos, CR_REC_ALIGN);
	}
	if (!m->n) {
		fprintf(stderr, "cr_fuzz: no records\n");
		exit(2);
	}
}

/* ---- the record list ---- */

/* Half the time any record, else one that is not page data. */
static size_t pick(struct img *m)
{
	size_t i = below(m, m->n), tries;

	for (tries = 0; tries < 64 && (m->r[i].type == GAP ||
	     ((rnd(m) & 1) && m->r[i].type == CR_REC_PAGES)); tries++)
		i = below(m, m->n);
	return i;
}

static void copy_rec(struct rec *to, const struct rec *from)
{
	*to = *from;
	to->buf = xalloc(from->len);
	memcpy(to->buf, from->buf, from->len);
}

static void op_list(struct img *m)
{
	size_t i = pick(m), j;
	struct rec t;

	switch (below(m, 3)) {
	case 0:
		if (m->n < 2)
			return;
		say(m, " drop#%zu", i);
		free(m->r[i].buf);
		memmove(&m->r[i], &m->r[i + 1], (m->n - i - 1) * sizeof(t));
		m->n--;
		break;
	case 1:
		j = below(m, m->n + 1);
		say(m, " dup#%zu@%zu", i, j);
		copy_rec(&t, &m->r[i]);
		m->r = realloc(m->r, (m->n + 1) * sizeof(t));
		if (!m->r)
			exit(2);
		memmove(&m->r[j + 1], &m->r[j], (m->n - j) * sizeof(t));
		m->r[j] = t;
		m->n++;
		break;
	default:
		j = rnd(m) & 1 ? i + 1 : below(m, m->n);
		if (j >= m->n)
			j = i ? i - 1 : 0;
		say(m, " swap#%zu,%zu", i, j);
		t = m->r[i];
		m->r[i] = m->r[j];
		m->r[j] = t;
		break;
	}
}

/* ---- payload fields ---- */

struct field {
	uint16_t off;
	uint8_t size;
	uint16_t stride;	/* arrays: element size, else 0 */
};

#define F(s, f) { offsetof(struct s, f), sizeof(((struct s *)0)->f), 0 }
#define A(s, f) { offsetof(struct s, f), sizeof(((struct s *)0)->f[0]), \
		  sizeof(((struct s *)0)->f[0]) }
#define E(s, f) { offsetof(struct s, f), sizeof(((struct s *)0)->f), \
		  sizeof(struct s) }
#define XSAVE(o, n) { sizeof(struct cr_img_thread) + (o), n, 0 }

static const struct field f_header[] = {
	F(cr_img_header, version), F(cr_img_header, arch),
	F(cr_img_header, xfeatures), F(cr_img_header, xstate_size),
	F(cr_img_header, nprocs), F(cr_img_header, ident),
	F(cr_img_header, release),
};
static const struct field f_proctab[] = {
	E(cr_img_proc_ent, pid), E(cr_img_proc_ent, ppid),
	E(cr_img_proc_ent, pgid), E(cr_img_proc_ent, sid),
	E(cr_img_proc_ent, nthreads), E(cr_img_proc_ent, flags),
	E(cr_img_proc_ent, vdso_start), E(cr_img_proc_ent, vdso_len),
	E(cr_img_proc_ent, vvar_start), E(cr_img_proc_ent, vvar_len),
	E(cr_img_proc_ent, itimer_prof_ns),
	E(cr_img_proc_ent, itimer_prof_incr_ns),
	E(cr_img_proc_ent, itimer_virt_ns),
	E(cr_img_proc_ent, itimer_virt_incr_ns),
};
static const struct field f_proc[] = {
	F(cr_img_proc, pid), F(cr_img_proc, nthreads),
	F(cr_img_proc, personality), F(cr_img_proc, umask),
	F(cr_img_proc, flags), F(cr_img_proc, exit_signal),
};
static const struct field f_creds[] = {
	F(cr_img_creds, uid), F(cr_img_creds, euid), F(cr_img_creds, fsuid),
	F(cr_img_creds, gid), F(cr_img_creds, egid), F(cr_img_creds, fsgid),
	F(cr_img_creds, cap_inheritable), F(cr_img_creds, cap_permitted),
	F(cr_img_creds, cap_effective), F(cr_img_creds, cap_bset),
	F(cr_img_creds, cap_ambient), F(cr_img_creds, ngroups),
	F(cr_img_creds, securebits),
};
static const struct field f_rlimits[] = {
	A(cr_img_rlimits, cur), A(cr_img_rlimits, max),
};
static const struct field f_sighand[] = {
	{ offsetof(struct cr_img_sighand, action), 8, 8 },
	F(cr_img_sighand, shared_pending), F(cr_img_sighand, itimer_real_ns),
	F(cr_img_sighand, itimer_real_incr_ns),
};
static const struct field f_sigqueue[] = {
	F(cr_img_sigqueue, count), F(cr_img_sigqueue, pad),
	{ sizeof(struct cr_img_sigqueue), 4, 4 },
};
static const struct field f_mm[] = {
	F(cr_img_mm, start_code), F(cr_img_mm, end_code),
	F(cr_img_mm, start_data), F(cr_img_mm, end_data),
	F(cr_img_mm, start_brk), F(cr_img_mm, brk),
	F(cr_img_mm, start_stack), F(cr_img_mm, arg_start),
	F(cr_img_mm, arg_end), F(cr_img_mm, env_start), F(cr_img_mm, env_end),
	F(cr_img_mm, vdso), A(cr_img_mm, auxv), F(cr_img_mm, nr_vmas),
	F(cr_img_mm, exe_path_len), F(cr_img_mm, exe.ino),
	F(cr_img_mm, exe.size), F(cr_img_mm, exe.mtime_sec),
	F(cr_img_mm, exe_obj),
};
static const struct field f_vma[] = {
	F(cr_img_vma, start), F(cr_img_vma, end), F(cr_img_vma, pgoff),
	F(cr_img_vma, vm_flags), F(cr_img_vma, kind), F(cr_img_vma, prot),
	F(cr_img_vma, mapflags), F(cr_img_vma, path_len),
	F(cr_img_vma, id.ino), F(cr_img_vma, id.dev), F(cr_img_vma, id.size),
	F(cr_img_vma, obj_id),
};
static const struct field f_pages[] = {
	F(cr_img_pages, npages), F(cr_img_pages, pad),
	{ sizeof(struct cr_img_pages), 8, 8 },
};
static const struct field f_fd[] = {
	F(cr_img_fd, fd), F(cr_img_fd, kind), F(cr_img_fd, flags),
	F(cr_img_fd, cloexec), F(cr_img_fd, pos), F(cr_img_fd, file_id),
	F(cr_img_fd, path_len), F(cr_img_fd, pipe), F(cr_img_fd, inherit_fd),
	F(cr_img_fd, obj_id), F(cr_img_fd, event),
};
static const struct field f_obj[] = {
	F(cr_img_obj, obj_id), F(cr_img_obj, kind), F(cr_img_obj, size),
	F(cr_img_obj, mode), F(cr_img_obj, seals), F(cr_img_obj, path_len),
	F(cr_img_obj, pad),
};
static const struct field f_pipes[] = {
	F(cr_img_pipes, npipes), F(cr_img_pipes, pad),
	{ sizeof(struct cr_img_pipes), 4, 4 },
};
#define SK(f) { sizeof(struct cr_img_socks) + offsetof(struct cr_img_sock, f), \
		sizeof(((struct cr_img_sock *)0)->f), sizeof(struct cr_img_sock) }
static const struct field f_socks[] = {
	F(cr_img_socks, nsocks), F(cr_img_socks, pad),
	SK(type), SK(kind), SK(peer), SK(shutdown), SK(backlog),
	SK(addr_len), SK(sndbuf), SK(rcvbuf), SK(nmsgs), SK(data_len),
};
#define IN(f) { sizeof(struct cr_img_inets) + offsetof(struct cr_img_inet, f), \
		sizeof(((struct cr_img_inet *)0)->f), sizeof(struct cr_img_inet) }
static const struct field f_inets[] = {
	F(cr_img_inets, ninets), F(cr_img_inets, pad),
	IN(family), IN(type), IN(kind), IN(flags), IN(peer), IN(listener),
	IN(shutdown), IN(backlog), IN(laddr[0]), IN(laddr[12]), IN(raddr[3]),
	IN(lport), IN(rport), IN(sndbuf), IN(rcvbuf), IN(linger),
	IN(keepidle), IN(keepintvl), IN(keepcnt), IN(data_len),
};
/* The events; the watches after them, at their stride from the start. */
#define EV(f) { sizeof(struct cr_img_events) + offsetof(struct cr_img_event, f), \
		sizeof(((struct cr_img_event *)0)->f), sizeof(struct cr_img_event) }
#define W(f) { sizeof(struct cr_img_events) + offsetof(struct cr_img_watch, f), \
	       sizeof(((struct cr_img_watch *)0)->f), sizeof(struct cr_img_watch) }
static const struct field f_events[] = {
	F(cr_img_events, nevents), F(cr_img_events, nwatches),
	EV(kind), EV(flags), EV(clockid), EV(nwatch), EV(count),
	EV(value_ns), EV(interval_ns), EV(sigmask), EV(owner), EV(pad),
	W(tfd), W(events), W(data), W(kind), W(index),
};
/* The ptys, at their stride. */
#define PY(f) { sizeof(struct cr_img_ptys) + offsetof(struct cr_img_pty, f), \
		sizeof(((struct cr_img_pty *)0)->f), sizeof(struct cr_img_pty) }
static const struct field f_ptys[] = {
	F(cr_img_ptys, nptys), F(cr_img_ptys, pad),
	PY(iflag), PY(oflag), PY(cflag), PY(lflag), PY(line), PY(cc[2]),
	PY(rows), PY(flags), PY(pktstatus), PY(sid), PY(pgrp), PY(out_len),
	PY(in_len),
};
/* The POSIX timers, at their stride. */
#define PT(f) { sizeof(struct cr_img_ptimers) + offsetof(struct cr_img_ptimer, f), \
		sizeof(((struct cr_img_ptimer *)0)->f), sizeof(struct cr_img_ptimer) }
static const struct field f_ptimers[] = {
	F(cr_img_ptimers, ntimers), F(cr_img_ptimers, pad),
	PT(pid), PT(id), PT(clockid), PT(notify), PT(signo), PT(tid),
	PT(sival), PT(flags), PT(overrun), PT(value_ns), PT(interval_ns),
};
/* Registers, and the XSAVE legacy area and header after them. */
static const struct field f_thread[] = {
	F(cr_img_thread, tid), F(cr_img_thread, index),
	A(cr_img_thread, regs), F(cr_img_thread, blocked),
	F(cr_img_thread, pending), F(cr_img_thread, sas_ss_sp),
	F(cr_img_thread, sas_ss_size), F(cr_img_thread, sas_ss_flags),
	F(cr_img_thread, rseq_len), F(cr_img_thread, rseq),
	F(cr_img_thread, rseq_sig), F(cr_img_thread, xstate_size),
	F(cr_img_thread, clear_child_tid), F(cr_img_thread, robust_list),
	F(cr_img_thread, robust_len), F(cr_img_thread, sched.policy),
	F(cr_img_thread, sched.rt_priority), F(cr_img_thread, sched.nice),
	F(cr_img_thread, sched.pdeath_signal), A(cr_img_thread, sched.cpus),
	A(cr_img_thread, sched.comm),
	XSAVE(0, 2), XSAVE(24, 4), XSAVE(28, 4),	/* fcw, mxcsr(_mask) */
	XSAVE(512, 8), XSAVE(520, 8), XSAVE(528, 8),	/* xstate/xcomp_bv */
};
static const struct field f_zombies[] = {
	F(cr_img_zombies, nzombies), F(cr_img_zombies, pad),
	{ sizeof(struct cr_img_zombies), 4, 8 },		/* pid */
	{ sizeof(struct cr_img_zombies) + 4, 4, 8 },	/* status */
};
static const struct field f_end[] = {
	F(cr_img_end, nrecords), F(cr_img_end, bytes),
};

#define T(t, a) [t] = { a, sizeof(a) / sizeof(a[0]) }
static const struct {
	const struct field *f;
	size_t n;
} fields[] = {
	T(CR_REC_HEADER, f_header), T(CR_REC_PROCTAB, f_proctab),
	T(CR_REC_PROC, f_proc), T(CR_REC_CREDS, f_creds),
	T(CR_REC_RLIMITS, f_rlimits), T(CR_REC_SIGHAND, f_sighand),
	T(CR_REC_SIGQUEUE, f_sigqueue), T(CR_REC_MM, f_mm),
	T(CR_REC_VMA, f_vma), T(CR_REC_PAGES, f_pages),
	T(CR_REC_FILES, f_fd), T(CR_REC_THREAD, f_thread),
	T(CR_REC_PIPES, f_pipes), T(CR_REC_ZOMBIES, f_zombies),
	T(CR_REC_OBJ, f_obj), T(CR_REC_EVENTS, f_events),
	T(CR_REC_SOCKS, f_socks), T(CR_REC_INET, f_inets),
	T(CR_REC_PTYS, f_ptys),
	T(CR_REC_PTIMERS, f_ptimers),
	T(CR_REC_END, f_end),
};

static const uint64_t interesting[] = {
	0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 65, 127, 128, 255, 256,
	257, 1023, 1024, 4095, 4096, 4097, 65535, 65536, 65537,
	CR_MAX_THREADS, CR_MAX_THREADS + 1, CR_PAGES_MAX + 1,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000ULL,
	0x7ffffffff000ULL, 0x7ffffffffffeULL, 0x800000000000ULL,
	0xffff800000000000ULL, 0xffffffffff600000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
};

static uint64_t new_value(struct img *m, uint64_t v, int size)
{
	switch (below(m, 5)) {
	case 0:
	case 1:
		return interesting[below(m, sizeof(interesting) /
					    sizeof(interesting[0]))];
	case 2:
		return v + (below(m, 33) - 16);
	case 3:
		return v ^ 1ULL << below(m, size * 8);
	default:
		return rnd(m);
	}
}

/* Start of the payload's idx-th FILES entry (entries are 8-aligned). */
static size_t fd_entry(const struct rec *r, size_t idx)
{
	size_t off = sizeof(struct cr_img_files), next;

	while (idx-- && off + sizeof(struct cr_img_fd) <= r->len) {
		next = off + sizeof(struct cr_img_fd) +
		       get_le(r->buf + off + offsetof(struct cr_img_fd,
						      path_len), 4);
		next += cr_img_pad(next, 8);
		if (next + sizeof(struct cr_img_fd) > r->len)
			break;
		off = next;
	}
	return off;
}

/* The payload offset of a field of r, or -1 if it does not fit. */
static long field_off(struct img *m, const struct rec *r,
		      const struct field *f)
{
	size_t limit = r->split ? r->split : r->len, off = f->off, n;

	if (r->type == CR_REC_FILES) {
		if (rnd(m) & 3)
			off += fd_entry(r, below(m, 16));
		else
			off = 0;	/* nfds */
	}
	if (f->stride && limit > off) {
		n = (limit - off) / f->stride;
		off += below(m, n) * f->stride;
	}
	return off + f->size <= limit ? (long)off : -1;
}

static void set_word(struct img *m, struct rec *r, size_t off, int size)
{
	uint64_t v = get_le(r->buf + off, size);
	uint64_t nv = new_value(m, v, size);

	put_le(r->buf + off, size, nv);
	say(m, " t%u+%zu:%llx>%llx", r->type, off, (unsigned long long)v,
	    (unsigned long long)(size < 8 ? nv & ((1ULL << size * 8) - 1) :
				 nv));
}

static void op_field(struct img *m, struct rec *r)
{
	const struct field *f;
	long off = -1;

	if (r->type < sizeof(fields) / sizeof(fields[0]) &&
	    fields[r->type].n) {
		f = &fields[r->type].f[below(m, fields[r->type].n)];
		off = field_off(m, r, f);
		if (off >= 0)
			set_word(m, r, off, f->size > 8 ? 8 : f->size);
	}
	if (off < 0 && r->len >= 4)
		set_word(m, r, below(m, r->len / 4) * 4, 4);
}

/* Random aligned words anywhere, or bytes (paths, page data). */
static void op_bytes(struct img *m, struct rec *r)
{
	static const uint8_t special[] = { 0, 0xff, '/', '.', 0x80, ' ' };
	size_t k, n = 1 + below(m, 4), off;

	if (!r->len)
		return;
	for (k = 0; k < n; k++) {
		if (rnd(m) & 1 && r->len >= 8) {
			set_word(m, r, below(m, r->len / 8) * 8, 8);
			continue;
		}
		off = below(m, r->len);
		r->buf[off] = rnd(m) & 1 ? special[below(m, sizeof(special))] :
					   (uint8_t)rnd(m);
		say(m, " t%u+%zu=%02x", r->type, off, r->buf[off]);
	}
}

/* A shorter or longer payload, its length field agreeing. */
static void op_resize(struct img *m, struct rec *r)
{
	static const size_t deltas[] = { 1, 4, 8, 16, 48, 4096 };
	size_t d = deltas[below(m, sizeof(deltas) / sizeof(deltas[0]))];
	uint8_t *buf;

	if (rnd(m) & 1 && d <= r->len) {
		r->len -= d;
		if (r->split > r->len)
			r->split = r->len;
		say(m, " t%u len-%zu", r->type, d);
		return;
	}
	buf = xalloc(r->len + d);
	memcpy(buf, r->buf, r->len);
	if (rnd(m) & 1)
		memset(buf + r->len, 0x41, d);
	free(r->buf);
	r->buf = buf;
	r->len += d;
	say(m, " t%u len+%zu", r->type, d);
}

static void op_payload(struct img *m)
{
	struct rec *r = &m->r[pick(m)];

	r->touched = 1;
	switch (below(m, 6)) {
	case 0:
	case 1:
	case 2:
		op_field(m, r);
		break;
	case 3:
	case 4:
		op_bytes(m, r);
		break;
	default:
		op_resize(m, r);
		break;
	}
}

/* ---- writing ---- */

static void emit(struct img *m, const void *p, size_t len)
{
	if (m->outlen + len > m->outcap) {
		m->outcap = 2 * (m->outlen + len);
		m->out = realloc(m->out, m->outcap);
		if (!m->out)
			exit(2);
	}
	if (p)
		memcpy(m->out + m->outlen, p, len);
	else
		memset(m->out + m->outlen, 0, len);
	m->outlen += len;
}

/*
 * END must count the records and bytes before it in its image (after the
 * gap, if it follows one), unless mutated.
 */
static void fix_end(struct img *m, struct rec *r, size_t i)
{
	if (r->type != CR_REC_END || r->touched || m->stale ||
	    r->len != sizeof(struct cr_img_end))
		return;
	put_le(r->buf, 8, i - m->base);
	put_le(r->buf + 8, 8, m->outlen - m->off[m->base]);
}

static void serialise(struct img *m)
{
	struct cr_rec h;
	struct rec *r;
	size_t i, pad, at;

	m->off = xalloc(m->n * sizeof(*m->off));
	m->plen = xalloc(m->n * sizeof(*m->plen));
	m->base = 0;
	for (i = 0; i < m->n; i++) {
		r = &m->r[i];
		if (r->type == GAP) {
			emit(m, NULL, cr_img_pad(m->outlen, CR_PAGE_ALIGN));
			m->off[i] = m->outlen;
			m->base = i + 1;
			continue;
		}
		m->off[i] = m->outlen;	/* fix_end's base may be this one */
		fix_end(m, r, i);
		at = m->outlen;
		pad = r->type == CR_REC_PAGES && r->split >= 4 &&
		      !(r->flags & CR_RECF_ZSTD) ?
		      cr_img_data_pad(get_le(r->buf, 4), at + HDR_LEN + r->split) : 0;
		emit(m, NULL, HDR_LEN);
		emit(m, r->buf, r->split);
		emit(m, NULL, pad);
		emit(m, r->buf + r->split, r->len - r->split);
		m->off[i] = at;
		m->plen[i] = r->len + pad;
		h = (struct cr_rec){
			.magic = CR_REC_MAGIC, .type = r->type,
			.flags = r->flags, .len = m->plen[i],
			.sum = m->stale ? r->sum :
			       cr_img_sum(m->out + at + HDR_LEN, m->plen[i]),
		};
		h.hdr_sum = cr_img_sum(&h, HDR_LEN);
		memcpy(m->out + at, &h, HDR_LEN);
		emit(m, NULL, cr_img_pad(m->outlen, CR_REC_ALIGN));
	}
}

/* ---- the written bytes ---- */

static void op_raw(struct img *m)
{
	size_t i = pick(m), at = m->off[i], k, n, bit;
	uint8_t *h = m->out + at;
	uint64_t v;

	switch (below(m, 4)) {
	case 0:		/* bit flips anywhere */
		n = 1 + below(m, 8);
		for (k = 0; k < n; k++) {
			bit = below(m, m->outlen * 8);
			m->out[bit / 8] ^= 1 << bit % 8;
			say(m, " flip@%zu.%zu", bit / 8, bit % 8);
		}
		break;
	case 1:		/* in a header: magic, type, flags, len */
		bit = below(m, 16 * 8);
		h[bit / 8] ^= 1 << bit % 8;
		say(m, " hflip#%zu.%zu", i, bit);
		break;
	case 2:		/* the length */
		v = new_value(m, m->plen[i], 8);
		put_le(h + offsetof(struct cr_rec, len), 8, v);
		say(m, " hlen#%zu=%llx", i, (unsigned long long)v);
		break;
	default:	/* type and flags */
		v = below(m, 3) ? below(m, 16) : rnd(m);
		put_le(h + offsetof(struct cr_rec, type), 2, v);
		if (rnd(m) & 1)
			put_le(h + offsetof(struct cr_rec, flags), 2,
			       1 << below(m, 16));
		say(m, " htype#%zu=%x", i, (unsigned)(v & 0xffff));
		break;
	}
}

static void fix_sum(struct img *m, size_t i)
{
	struct cr_rec h;

	memcpy(&h, m->out + m->off[i], HDR_LEN);
	h.sum = cr_img_sum(m->out + m->off[i] + HDR_LEN, m->plen[i]);
	h.hdr_sum = 0;
	h.hdr_sum = cr_img_sum(&h, HDR_LEN);
	memcpy(m->out + m->off[i], &h, HDR_LEN);
}

/* Sums matching the bytes now there, over the records as written. */
static void fix_sums(struct img *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->r[i].type != GAP)
			fix_sum(m, i);
}

/*
 * After a gap, the first PARENT names the pre-copy before it by its
 * identity: the pre-copy's as mutated, so that the mutant gets past it.
 */
static void fix_parent(struct img *m)
{
	uint64_t ident = 0;
	size_t i, g;

	for (g = 0; g < m->n && m->r[g].type != GAP; g++)
		ident = XXH64(m->out + m->off[g], HDR_LEN, ident);
	for (i = g + 1; i < m->n; i++) {
		if (m->r[i].type != CR_REC_PARENT)
			continue;
		if (m->plen[i] >= sizeof(ident)) {
			put_le(m->out + m->off[i] + HDR_LEN, 8, ident);
			fix_sum(m, i);
		}
		return;
	}
}

/* At a record boundary (all of them, as mutant numbers go up) or anywhere. */
static void truncate_out(struct img *m, unsigned long mutant)
{
	size_t i;

	if (rnd(m) & 1) {
		i = mutant % m->n;
		m->outlen = m->off[i] + (rnd(m) & 1 && m->r[i].type != GAP ?
					 HDR_LEN : 0);
		say(m, " cut#%zu@%zu", i, m->outlen);
	} else {
		m->outlen = below(m, m->outlen);
		say(m, " cut@%zu", m->outlen);
	}
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(2);
	}
}

/*
 * Each mutant gets one to MAX_OPS operations spread over the levels; a
 * quarter of them are truncated as well.
 */
static void mutate(struct img *m, unsigned long mutant)
{
	int nops = 1 + (rnd(m) & 3 ? 0 : below(m, MAX_OPS));
	int list = 0, payload = 0, raw = 0, k;

	for (k = 0; k < nops; k++) {
		switch (below(m, 8)) {
		case 0:
			list++;
			break;
		case 1:
		case 2:
			raw++;
			break;
		default:
			payload++;
			break;
		}
	}
	for (k = 0; k < list; k++)
		op_list(m);
	for (k = 0; k < payload; k++)
		op_payload(m);
	serialise(m);
	for (k = 0; k < raw; k++)
		op_raw(m);
	if (!m->stale) {
		fix_sums(m);
		fix_parent(m);
	}
	if (!below(m, 4))
		truncate_out(m, mutant);
}

/* Writes mutant MUTANT of IN to OUT; its description goes to desc. */
void fuzz_write(const char *in_path, const char *out_path,
		unsigned long long seed, unsigned long mutant,
		char *desc, size_t desclen)
{
	struct img m = { 0 };
	uint8_t *in;
	size_t len;

	m.rng = seed * 0x9e3779b97f4a7c15ULL ^ mutant;
	rnd(&m);
	in = read_file(in_path, &len);
	parse(&m, in, len);
	m.stale = !below(&m, STALE_ONE_IN);
	say(&m, "seed %llu mutant %lu:%s", seed, mutant,
	    m.stale ? " stale-sum" : "");
	mutate(&m, mutant);
	write_file(out_path, m.out, m.outlen);
	snprintf(desc, desclen, "%s", m.desc);
}

/*
 * The first compressed PAGES record of two pages or more loses its last
 * address: its data then inflates past the pages it declares.
 */
static int shrink_zipped(const char *in_path, const char *out_path)
{
	struct img m = { 0 };
	struct rec *r = NULL;
	uint8_t *in;
	size_t len, i;
	uint64_t n = 0;

	in = read_file(in_path, &len);
	parse(&m, in, len);
	for (i = 0; i < m.n && n < 2; i++) {
		r = &m.r[i];
		n = r->type == CR_REC_PAGES && r->flags & CR_RECF_ZSTD &&
		    r->split >= 4 ? get_le(r->buf, 4) : 0;
	}
	if (n < 2) {
		fprintf(stderr, "cr_fuzz: no compressed record of 2 pages\n");
		return 2;
	}
	put_le(r->buf, 4, n - 1);
	r->split -= sizeof(uint64_t);
	memmove(r->buf + r->split, r->buf + r->split + sizeof(uint64_t),
		r->len - r->split - sizeof(uint64_t));
	r->len -= sizeof(uint64_t);
	serialise(&m);
	write_file(out_path, m.out, m.outlen);
	printf("record %zu: %llu pages declared, data of %llu\n", i - 1,
	       (unsigned long long)n - 1, (unsigned long long)n);
	return 0;
}

/*
 * The first record of the given type grows by 48 bytes, its sums redone:
 * a context the module refuses there, after the tools let it through.
 */
static int grow_first(const char *type, const char *in_path,
		      const char *out_path)
{
	unsigned long t = strtoul(type, NULL, 0);
	struct img m = { 0 };
	struct rec *r;
	uint8_t *in, *buf;
	size_t len, i;

	in = read_file(in_path, &len);
	parse(&m, in, len);
	for (i = 0; i < m.n && m.r[i].type != t; i++)
		;
	if (i == m.n) {
		fprintf(stderr, "cr_fuzz: no record of type %lu\n", t);
		return 2;
	}
	r = &m.r[i];
	buf = xalloc(r->len + 48);
	memcpy(buf, r->buf, r->len);
	memset(buf + r->len, 0x41, 48);
	free(r->buf);
	r->buf = buf;
	r->len += 48;
	serialise(&m);
	write_file(out_path, m.out, m.outlen);
	return 0;
}

int main(int argc, char **argv)
{
	char desc[sizeof(((struct img *)0)->desc)];

	if (argc > 1 && !strcmp(argv[1], "--run"))
		return fuzz_run(argc - 1, argv + 1);
	if (argc == 4 && !strcmp(argv[1], "--shrink-zipped"))
		return shrink_zipped(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "--grow-first"))
		return grow_first(argv[2], argv[3], argv[4]);
	if (argc != 5) {
		fprintf(stderr, "usage: cr_fuzz IN OUT SEED MUTANT\n"
			"       cr_fuzz --shrink-zipped IN OUT\n"
			"       cr_fuzz --grow-first TYPE IN OUT\n"
			"       cr_fuzz --run ...  (see fuzz_run.c)\n");
		return 2;
	}
	fuzz_write(argv[1], argv[2], strtoull(argv[3], NULL, 0),
		   strtoul(argv[4], NULL, 0), desc, sizeof(desc));
	printf("%s\n", desc);
	return 0;
}
