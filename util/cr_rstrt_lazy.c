// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_restart --lazy; see cr_rstrt_lazy.h.  The module leaves the pages of
 * private anonymous mappings missing; a thread fills them through each
 * address space's userfaultfd: a faulting page's record first, the others
 * in the background, read from the context file at their offsets.  The
 * programs run meanwhile: they may fork (a new userfaultfd comes), and
 * mremap, munmap or madvise the mappings; these events are logged per
 * address space, so that an image page is put where it is now, or not at
 * all once it was unmapped or discarded.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cr_chain.h"
#include "cr_rstrt_lazy.h"
#include "cr_util.h"

#define PAGE		4096ULL		/* x86_64 */
#define GONE		UINT64_MAX	/* a page unmapped or discarded since */
#define NONE		SIZE_MAX
#define PAYLOAD_MAX	(sizeof(struct cr_img_pages) + CR_PAGE_ALIGN + \
			 CR_PAGES_MAX * (sizeof(uint64_t) + PAGE))
#define UFFD_EVENTS	(UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_EVENT_REMAP | \
			 UFFD_FEATURE_EVENT_REMOVE | UFFD_FEATURE_EVENT_UNMAP)
#define UFFD_FILLS	(1ULL << _UFFDIO_COPY | 1ULL << _UFFDIO_ZEROPAGE)
#define STALL_MS	1	/* before a changing address space is retried */
#define QUIET_MS	20	/* with no fault, before the background fills */
#define HOLE_MAX	(2ULL << 20)	/* zeroed at one fault, at most */

/* A PAGES record of a private anonymous mapping. */
struct lz_rec {
	int32_t pid;		/* its process's, in the image */
	uint32_t npages;
	size_t addr;		/* its first address in lz->addr */
	uint64_t off;		/* the payload's offset in the file */
	uint64_t len;		/* and length */
	size_t data;		/* where its (compressed) pages start in it */
	uint32_t sum;
	bool zipped;
};

/* A mapping with lazy pages: registered for missing faults. */
struct lz_range {
	int32_t pid;
	uint64_t start, end;
};

/* An mremap (remap), or an munmap or MADV_DONTNEED, since the restart. */
struct lz_op {
	uint64_t from, to, len;
	bool remap;
};

/* An address space: a restarted process's, or one forked from it. */
struct lz_ctx {
	int fd;			/* its userfaultfd */
	int32_t opid;		/* whose pages it holds, in the image */
	size_t first, nrec;	/* lz->rec[first, first + nrec) */
	uint8_t *done;		/* by record: filled */
	size_t left;		/* records not filled */
	size_t next;		/* the next one the background looks at */
	struct lz_op *op;	/* oldest first */
	size_t nop, opcap;
	uint64_t *fault;	/* faulting addresses waiting, from head */
	size_t head, nfault, faultcap;
	bool stalled;		/* changing (EAGAIN): an event is coming */
	bool finished;		/* gone (exit, exec) */
};

struct cr_lazy {
	char *path;
	int fd;			/* the image, for pread */
	struct lz_rec *rec;	/* by pid, then first address */
	size_t nrec, reccap;
	uint64_t *addr;		/* every record's addresses */
	size_t naddr, addrcap;
	struct lz_range *range;
	size_t nrange, rangecap;
	pid_t *pid;		/* every process known, for killing */
	size_t npid, pidcap;
	struct lz_ctx **ctx;
	size_t nctx, ctxcap;
	size_t rr;		/* the background's next ctx */
	uint8_t *buf;		/* a record's payload */
	uint8_t *zbuf;		/* its pages inflated */
	size_t cur;		/* which record they hold, or NONE */
	const uint8_t *data;	/* its pages */
	int stop;		/* eventfd: cr_lazy_abort */
	pthread_t thread;
	bool started;
	bool said;		/* the failure was reported */
	struct timespec fault;	/* when the last fault was served */
	int err;
};

/* The array at *pp, of *cap elements of size, made room for want in. */
static int grow(void *pp, size_t *cap, size_t want, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *arr;

	while (n < want)
		n *= 2;
	memcpy(&arr, pp, sizeof(arr));
	arr = reallocarray(arr, n, size);
	if (!arr)
		return -ENOMEM;
	memcpy(pp, &arr, sizeof(arr));
	*cap = n;
	return 0;
}

/* Room in the array a, of cap elements, for n: 0, or -ENOMEM. */
#define GROW(a, cap, n) \
	((n) <= (cap) ? 0 : grow(&(a), &(cap), (n), sizeof(*(a))))

static uint64_t first_addr(const struct cr_lazy *lz, const struct lz_rec *r)
{
	return lz->addr[r->addr];
}

static uint64_t last_addr(const struct cr_lazy *lz, const struct lz_rec *r)
{
	return lz->addr[r->addr + r->npages - 1];
}

/* ---- the image ---- */

/* The PAGES record just read, of an anonymous mapping, and the mapping. */
static int note_pages(struct cr_lazy *lz, struct cr_sect *s,
		      struct cr_img_in *in, uint64_t base, bool *noted)
{
	struct cr_pages_view v;

	if (cr_sect_pages(s, in, &v))
		return -EINVAL;
	if (GROW(lz->addr, lz->addrcap, lz->naddr + v.n) ||
	    GROW(lz->rec, lz->reccap, lz->nrec + 1) ||
	    GROW(lz->range, lz->rangecap, lz->nrange + 1))
		return -ENOMEM;
	memcpy(lz->addr + lz->naddr, v.addr, v.n * sizeof(*v.addr));
	lz->rec[lz->nrec++] = (struct lz_rec){
		.pid = s->key_pid, .npages = v.n, .addr = lz->naddr,
		.off = base + in->rec_pos + sizeof(struct cr_rec),
		.len = in->rec.len, .data = v.data - in->buf,
		.sum = in->rec.sum, .zipped = v.zipped };
	lz->naddr += v.n;
	if (!*noted)
		lz->range[lz->nrange++] = (struct lz_range){
			.pid = s->key_pid, .start = s->start, .end = s->end };
	*noted = true;
	return 0;
}

/* The record just read: 0, -EINVAL with in->why, or -ENOMEM. */
static int follow(struct cr_lazy *lz, struct cr_sect *s, struct cr_img_in *in,
		  uint64_t base, bool *noted)
{
	if (cr_sect_follow(s, in))
		return -EINVAL;
	switch (in->rec.type) {
	case CR_REC_VMA:
		*noted = false;
		break;
	case CR_REC_PAGES_PARENT:
		cr_img_fail(in, "pages of a parent in a full image");
		return -EINVAL;
	case CR_REC_PAGES:
		if (s->key_pid && s->kind == CR_VMA_ANON)
			return note_pages(lz, s, in, base, noted);
		break;
	}
	return 0;
}

/* The image read from f whole, base its offset in the file. */
static int read_image(struct cr_lazy *lz, FILE *f, uint64_t base)
{
	struct cr_img_in in = { .f = f, .skim = true };
	struct cr_img_header hdr;
	struct cr_img_parent p;
	struct cr_sect s = { 0 };
	char *parent = NULL;
	bool noted = false;
	int ret = cr_chain_parent(&in, &hdr, &p, &parent);

	if (ret > 0) {
		free(parent);
		ret = cr_rstrt_error(-EINVAL, "%s: an incremental image, "
				     "which --lazy cannot restart (cr_merge "
				     "makes it a full one)", lz->path);
		goto out;
	}
	/* the record after HEADER is read */
	ret = ret < 0 ? -EINVAL : follow(lz, &s, &in, base, &noted);
	while (!ret && in.rec.type != CR_REC_END)
		ret = cr_chain_next(&in) ? -EINVAL :
		      follow(lz, &s, &in, base, &noted);
	if (ret == -EINVAL)
		cr_rstrt_error(ret, "%s: record %llu at offset %llu: %s",
			       lz->path, (unsigned long long)in.nrec - 1,
			       (unsigned long long)in.rec_pos, in.why);
	else if (ret)
		cr_rstrt_error(ret, "%s", lz->path);
	else if (fgetc(f) != EOF)
		ret = cr_rstrt_error(-EINVAL, "%s: data after the END record",
				     lz->path);
out:
	free(in.buf);
	return ret;
}

static int rec_cmp(const void *a, const void *b, void *addr)
{
	const struct lz_rec *x = a, *y = b;
	const uint64_t *ad = addr;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (ad[x->addr] != ad[y->addr])
		return ad[x->addr] < ad[y->addr] ? -1 : 1;
	return 0;
}

/* Sorted for lookups, where no two records of a process may overlap. */
static int index_recs(struct cr_lazy *lz)
{
	const struct lz_rec *r;

	qsort_r(lz->rec, lz->nrec, sizeof(*lz->rec), rec_cmp, lz->addr);
	for (r = lz->rec + 1; r < lz->rec + lz->nrec; r++)
		if (r->pid == r[-1].pid &&
		    first_addr(lz, r) <= last_addr(lz, r - 1))
			return cr_rstrt_error(-EINVAL, "%s: process %d's page "
					      "0x%llx saved twice", lz->path,
					      r->pid, (unsigned long long)
					      first_addr(lz, r));
	return 0;
}

static void ctx_free(struct lz_ctx *c)
{
	close(c->fd);
	free(c->done);
	free(c->op);
	free(c->fault);
	free(c);
}

/* Every userfaultfd closed: the kernel fills what faults from now on. */
static void drop_all(struct cr_lazy *lz)
{
	while (lz->nctx)
		ctx_free(lz->ctx[--lz->nctx]);
}

static void lz_free(struct cr_lazy *lz)
{
	drop_all(lz);
	free(lz->ctx);
	free(lz->rec);
	free(lz->addr);
	free(lz->range);
	free(lz->pid);
	free(lz->buf);
	free(lz->zbuf);
	free(lz->path);
	if (lz->fd >= 0)
		close(lz->fd);
	if (lz->stop >= 0)
		close(lz->stop);
	free(lz);
}

/* img read through a file description of its own, from img's offset. */
static int open_image(struct cr_lazy *lz, int img)
{
	char self[64];
	struct stat st;
	off_t start;
	FILE *f;
	int err;

	if (fstat(img, &st))
		return cr_rstrt_error(-errno, "%s", lz->path);
	if (!S_ISREG(st.st_mode))
		return cr_rstrt_error(-EINVAL, "%s: --lazy reads the context "
				      "file at offsets: it must be a regular "
				      "file (merge an incremental image first, "
				      "with cr_merge)", lz->path);
	start = lseek(img, 0, SEEK_CUR);
	if (start < 0)
		return cr_rstrt_error(-errno, "%s", lz->path);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", img);
	lz->fd = open(self, O_RDONLY | O_CLOEXEC);
	f = lz->fd < 0 ? NULL : fopen(self, "re");
	if (!f)
		return cr_rstrt_error(-errno, "%s", self);
	err = fseeko(f, start, SEEK_SET) ?
	      cr_rstrt_error(-errno, "%s", lz->path) :
	      read_image(lz, f, start);
	fclose(f);
	return err ?: index_recs(lz);
}

struct cr_lazy *cr_lazy_open(int img, const char *path)
{
	struct cr_lazy *lz = calloc(1, sizeof(*lz));

	if (!lz) {
		cr_rstrt_error(-ENOMEM, "--lazy");
		return NULL;
	}
	lz->fd = lz->stop = -1;
	lz->cur = NONE;
	lz->path = strdup(path);
	if (!lz->path) {
		cr_rstrt_error(-ENOMEM, "--lazy");
		goto fail;
	}
	if (open_image(lz, img))
		goto fail;
	return lz;
fail:
	lz_free(lz);
	return NULL;
}

/* ---- the address spaces ---- */

/* A ctx for fd of opid's records [first, first + nrec); fd closed if not. */
static struct lz_ctx *ctx_new(struct cr_lazy *lz, int fd, int32_t opid,
			      size_t first, size_t nrec)
{
	struct lz_ctx *c = calloc(1, sizeof(*c));

	if (!c || GROW(lz->ctx, lz->ctxcap, lz->nctx + 1))
		goto fail;
	c->done = nrec ? calloc(nrec, 1) : NULL;
	if (nrec && !c->done)
		goto fail;
	c->fd = fd;
	c->opid = opid;
	c->first = first;
	c->nrec = c->left = nrec;
	lz->ctx[lz->nctx++] = c;
	return c;
fail:
	if (c)
		free(c->done);
	free(c);
	close(fd);
	return NULL;
}

/* Registers c's mappings that have lazy pages. */
static int register_ranges(struct cr_lazy *lz, struct lz_ctx *c)
{
	const struct lz_range *m;
	struct uffdio_register reg;

	for (m = lz->range; m < lz->range + lz->nrange; m++) {
		if (m->pid != c->opid)
			continue;
		reg = (struct uffdio_register){
			.range = { .start = m->start,
				   .len = m->end - m->start },
			.mode = UFFDIO_REGISTER_MODE_MISSING };
		if (ioctl(c->fd, UFFDIO_REGISTER, &reg))
			return cr_rstrt_error(-errno, "--lazy: process %d's "
					      "mapping 0x%llx-0x%llx", c->opid,
					      (unsigned long long)m->start,
					      (unsigned long long)m->end);
		if ((reg.ioctls & UFFD_FILLS) != UFFD_FILLS)
			return cr_rstrt_error(-EOPNOTSUPP, "--lazy: process "
					      "%d's mapping 0x%llx-0x%llx",
					      c->opid,
					      (unsigned long long)m->start,
					      (unsigned long long)m->end);
	}
	return 0;
}

/* The first of opid's records, or where they would be. */
static size_t first_rec(const struct cr_lazy *lz, int32_t opid)
{
	size_t lo = 0, hi = lz->nrec, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (lz->rec[mid].pid < opid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The events wanted, or why not; a refusal names the ones missing. */
static int uffd_api(int ufd, int32_t opid)
{
	static const struct { uint64_t bit; const char *name; } ev[] = {
		{ UFFD_FEATURE_EVENT_FORK, " fork" },
		{ UFFD_FEATURE_EVENT_REMAP, " remap" },
		{ UFFD_FEATURE_EVENT_REMOVE, " remove" },
		{ UFFD_FEATURE_EVENT_UNMAP, " unmap" },
	};
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_EVENTS };
	char missing[64] = "";
	size_t i;
	int err;

	if (!ioctl(ufd, UFFDIO_API, &api))
		return 0;
	err = -errno;
	/* a refused API leaves it unset: ask what the kernel has */
	api = (struct uffdio_api){ .api = UFFD_API };
	if (err != -EINVAL || ioctl(ufd, UFFDIO_API, &api))
		return cr_rstrt_error(err, "--lazy: process %d's "
				      "userfaultfd%s", opid, err == -EPERM ?
				      " (fork events need CAP_SYS_PTRACE)" :
				      "");
	for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		if (!(api.features & ev[i].bit))
			strcat(missing, ev[i].name);
	return cr_rstrt_error(-EOPNOTSUPP, "--lazy: the kernel's userfaultfd "
			      "lacks events:%s", missing);
}

int cr_lazy_add(struct cr_lazy *lz, int32_t opid, pid_t pid, int ufd)
{
	size_t first = first_rec(lz, opid), n = 0;
	struct lz_ctx *c;
	int err;

	if (GROW(lz->pid, lz->pidcap, lz->npid + 1)) {
		close(ufd);
		return cr_rstrt_error(-ENOMEM, "--lazy");
	}
	if (pid > 0)
		lz->pid[lz->npid++] = pid;
	while (first + n < lz->nrec && lz->rec[first + n].pid == opid)
		n++;
	/* kept even with nothing to fill: the module takes it after this */
	err = uffd_api(ufd, opid);
	if (err) {
		close(ufd);
		return err;
	}
	c = ctx_new(lz, ufd, opid, first, n);
	if (!c)
		return cr_rstrt_error(-ENOMEM, "--lazy");
	return register_ranges(lz, c);
}

/* ---- where pages are now ---- */

/* Where the image's page at a is now in c, or GONE. */
static uint64_t fwd(const struct lz_ctx *c, uint64_t a)
{
	const struct lz_op *o;

	for (o = c->op; o < c->op + c->nop; o++) {
		if (a - o->from >= o->len)
			continue;
		if (!o->remap)
			return GONE;
		a = a - o->from + o->to;
	}
	return a;
}

/* Which image page the page at x of c was, or GONE: none. */
static uint64_t rev(const struct lz_ctx *c, uint64_t x)
{
	const struct lz_op *o;
	size_t i;

	for (i = c->nop; i--;) {
		o = &c->op[i];
		if (o->remap && x - o->to < o->len)
			x = x - o->to + o->from;
		else if (!o->remap && x - o->from < o->len)
			return GONE;
	}
	return x;
}

static int addr_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* The record of c's with the image's page at a, and its index in *i. */
static size_t find_page(const struct cr_lazy *lz, const struct lz_ctx *c,
			uint64_t a, uint32_t *i)
{
	size_t lo = c->first, hi = c->first + c->nrec, mid;
	const uint64_t *ad, *p;

	/* the last record that starts at or below a */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (first_addr(lz, &lz->rec[mid]) <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == c->first)
		return NONE;
	ad = lz->addr + lz->rec[lo - 1].addr;
	p = bsearch(&a, ad, lz->rec[lo - 1].npages, sizeof(a), addr_cmp);
	if (!p)
		return NONE;
	*i = p - ad;
	return lo - 1;
}

/* ---- filling ---- */

/* len bytes at off, or fewer at the end of the file: how many, or -1. */
static ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, (uint8_t *)buf + got, len - got, off + got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		got += n;
	}
	return got;
}

/* Record ri's pages into lz->data, checked; a is the page wanted. */
static int load(struct cr_lazy *lz, size_t ri, uint64_t a)
{
	const struct lz_rec *r = &lz->rec[ri];
	const char *why = NULL;
	ssize_t got;

	if (lz->cur == ri)
		return 0;
	lz->cur = NONE;
	got = pread_full(lz->fd, lz->buf, r->len, r->off);
	if (got < 0)
		why = strerror(errno);
	else if ((size_t)got != r->len)
		why = "the file is shorter";
	else if (cr_img_sum(lz->buf, r->len) != r->sum)
		why = "checksum mismatch";
	else if (r->zipped)
		why = cr_pages_inflate(lz->zbuf, r->npages, lz->buf + r->data,
				       r->len - r->data);
	if (why) {
		if (!cr_quiet)
			fprintf(stderr, "cr_restart: %s: bad page data at "
				"offset %llu (pid %d, 0x%llx), damaged or "
				"missing (%s): the restarted processes are "
				"killed\n",
				lz->path, (unsigned long long)r->off, r->pid,
				(unsigned long long)a, why);
		lz->said = true;
		return -EIO;
	}
	lz->data = r->zipped ? lz->zbuf : lz->buf + r->data;
	lz->cur = ri;
	return 0;
}

/* UFFDIO_COPY: 0, or -errno with *done the bytes copied. */
static int uffd_copy(int fd, uint64_t dst, const void *src, uint64_t len,
		     uint64_t *done)
{
	struct uffdio_copy uc = { .dst = dst, .src = (uintptr_t)src,
				  .len = len };

	if (!ioctl(fd, UFFDIO_COPY, &uc)) {
		*done = len;
		return 0;
	}
	*done = uc.copy > 0 ? uc.copy : 0;
	return -errno;
}

/*
 * Zero pages from x, len bytes or up to a page already there: 0 once x
 * has one, else -errno.  A range past x's mapping (ENOENT) is cut to x.
 */
static int uffd_zero(int fd, uint64_t x, uint64_t len)
{
	struct uffdio_zeropage z = { .range = { .start = x, .len = len } };
	int ret;

	do {
		z.zeropage = 0;
		ret = ioctl(fd, UFFDIO_ZEROPAGE, &z);
		if (ret && errno == ENOENT && z.range.len > PAGE) {
			z.range.len = PAGE;
			errno = EINTR;
		}
	} while (ret && errno == EINTR);
	if (ret && errno == EEXIST && z.zeropage >= (int64_t)PAGE)
		return 0;
	return ret ? -errno : 0;
}

/*
 * How far from x, in a hole of c's image pages, one fault zeroes: up to
 * the next image page, within x's 2 MiB, so that a program reading a
 * big sparse mapping does not fault once a page.  One page once c's
 * memory moved (the image's addresses are no longer x's).
 */
static uint64_t hole_len(const struct cr_lazy *lz, const struct lz_ctx *c,
			 uint64_t x)
{
	uint64_t end = (x | (HOLE_MAX - 1)) + 1, a;
	size_t lo = c->first, hi = c->first + c->nrec, mid;
	const struct lz_rec *r;
	uint32_t k;

	if (c->nop)
		return PAGE;
	while (lo < hi) {	/* the first record above x */
		mid = lo + (hi - lo) / 2;
		if (first_addr(lz, &lz->rec[mid]) <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->first + c->nrec && first_addr(lz, &lz->rec[lo]) < end)
		end = first_addr(lz, &lz->rec[lo]);
	r = lo > c->first ? &lz->rec[lo - 1] : NULL;
	for (k = 0; r && k < r->npages; k++) {
		a = lz->addr[r->addr + k];
		if (a > x) {
			end = a < end ? a : end;
			break;
		}
	}
	return end - x;
}

static int uffd_wake(int fd, uint64_t x)
{
	struct uffdio_range r = { .start = x, .len = PAGE };

	return ioctl(fd, UFFDIO_WAKE, &r) ? -errno : 0;
}

/*
 * Pages [i, end) of record r (loaded) into c where they are now, runs of
 * them at once: 0, or -EAGAIN (c changing), -ESRCH (c gone), -errno.
 */
static int copy_pages(struct cr_lazy *lz, struct lz_ctx *c,
		      const struct lz_rec *r, uint32_t i, uint32_t end)
{
	const uint64_t *ad = lz->addr + r->addr;
	bool one = false;	/* a run failed: its pages one by one */
	uint64_t dst, done;
	uint32_t j;
	int ret;

	while (i < end) {
		dst = fwd(c, ad[i]);
		if (dst == GONE) {
			i++;
			continue;
		}
		for (j = i + 1; !one && j < end &&
		     fwd(c, ad[j]) == dst + (j - i) * PAGE; j++)
			;
		one = false;
		ret = uffd_copy(c->fd, dst, lz->data + i * PAGE,
				(j - i) * PAGE, &done);
		i += done / PAGE;
		if (!ret || done || ret == -EINTR)
			continue;
		if (ret != -EEXIST && ret != -ENOENT && ret != -EFAULT)
			return ret;
		/* no mapping under the whole run: find which page */
		if (ret != -EEXIST && j > i + 1)
			one = true;
		else
			i++;	/* there already, or no mapping there now */
	}
	return 0;
}

/* Record ri of c whole, its page i (a fault's) first. */
static int fill(struct cr_lazy *lz, struct lz_ctx *c, size_t ri, uint32_t i)
{
	const struct lz_rec *r = &lz->rec[ri];
	int ret = load(lz, ri, lz->addr[r->addr + i]);

	if (!ret)
		ret = copy_pages(lz, c, r, i, r->npages);
	if (!ret)
		ret = copy_pages(lz, c, r, 0, i);
	if (!ret) {
		c->done[ri - c->first] = 1;
		c->left--;
	}
	return ret;
}

/*
 * A fault at x: the image's page there with its record, or else a zero
 * page (the image holds none there, or no longer); then its waiters woken
 * (the page may have come meanwhile).
 */
static int fault(struct cr_lazy *lz, struct lz_ctx *c, uint64_t x)
{
	uint64_t a = rev(c, x);
	size_t ri = NONE;
	uint32_t i = 0;
	int ret;

	if (a != GONE)
		ri = find_page(lz, c, a, &i);
	if (ri != NONE && !c->done[ri - c->first] && fwd(c, a) == x) {
		ret = fill(lz, c, ri, i);
	} else {
		ret = uffd_zero(c->fd, x, ri == NONE && a == x ?
				hole_len(lz, c, x) : PAGE);
		if (ret == -EEXIST || ret == -ENOENT || ret == -EFAULT)
			ret = 0;
	}
	return ret ?: uffd_wake(c->fd, x);
}

/* What a fill's result leaves of c: 0, or a failure. */
static int settle(struct lz_ctx *c, int ret)
{
	if (ret == -EAGAIN)
		c->stalled = true;	/* events first */
	else if (ret == -ESRCH)
		c->finished = true;
	else
		return ret;
	return 0;
}

/* c's faults in order, until one must wait for c's events. */
static int serve(struct cr_lazy *lz, struct lz_ctx *c)
{
	int ret;

	while (c->head < c->nfault && !c->stalled && !c->finished) {
		ret = fault(lz, c, c->fault[c->head]);
		clock_gettime(CLOCK_MONOTONIC, &lz->fault);
		if (!ret)
			c->head++;
		else if (settle(c, ret))
			return ret;
	}
	if (c->head == c->nfault)
		c->head = c->nfault = 0;
	return 0;
}

/* The next record of the next address space, filled whole. */
static int background(struct cr_lazy *lz)
{
	struct lz_ctx *c;
	size_t k;

	for (k = 0; k < lz->nctx; k++) {
		c = lz->ctx[(lz->rr + k) % lz->nctx];
		if (c->stalled || c->finished || !c->left)
			continue;
		lz->rr = (lz->rr + k + 1) % lz->nctx;
		while (c->done[c->next])
			c->next = (c->next + 1) % c->nrec;
		return settle(c, fill(lz, c, c->first + c->next, 0));
	}
	return 0;
}

/* ---- events ---- */

/* The address space forked from p, whose userfaultfd is now fd. */
static int fork_ctx(struct cr_lazy *lz, const struct lz_ctx *p, int fd)
{
	struct lz_ctx *c = ctx_new(lz, fd, p->opid, p->first, p->nrec);

	if (!c || GROW(c->op, c->opcap, p->nop))
		return -ENOMEM;
	memcpy(c->done, p->done, p->nrec);
	c->left = p->left;
	c->next = p->next;
	if (p->nop)
		memcpy(c->op, p->op, p->nop * sizeof(*p->op));
	c->nop = p->nop;
	return 0;
}

static int log_op(struct lz_ctx *c, uint64_t from, uint64_t to,
		  uint64_t len, bool remap)
{
	if (GROW(c->op, c->opcap, c->nop + 1))
		return -ENOMEM;
	c->op[c->nop++] = (struct lz_op){ .from = from, .to = to,
					  .len = len, .remap = remap };
	return 0;
}

static int event(struct cr_lazy *lz, struct lz_ctx *c,
		 const struct uffd_msg *m)
{
	switch (m->event) {
	case UFFD_EVENT_PAGEFAULT:
		if (GROW(c->fault, c->faultcap, c->nfault + 1))
			return -ENOMEM;
		c->fault[c->nfault++] = m->arg.pagefault.address & ~(PAGE - 1);
		return 0;
	case UFFD_EVENT_FORK:
		return fork_ctx(lz, c, m->arg.fork.ufd);
	case UFFD_EVENT_REMAP:
		return log_op(c, m->arg.remap.from, m->arg.remap.to,
			      m->arg.remap.len, true);
	case UFFD_EVENT_REMOVE:
	case UFFD_EVENT_UNMAP:
		return log_op(c, m->arg.remove.start, 0,
			      m->arg.remove.end - m->arg.remove.start, false);
	}
	return 0;
}

/* Reads c's messages: events logged, faults queued. */
static int read_msgs(struct cr_lazy *lz, struct lz_ctx *c)
{
	struct uffd_msg msg[16];
	size_t i, n;
	ssize_t got;
	int ret;

	for (;;) {
		got = read(c->fd, msg, sizeof(msg));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return errno == EAGAIN ? 0 : -errno;
		n = got / sizeof(*msg);
		for (i = 0; i < n; i++) {
			ret = event(lz, c, &msg[i]);
			if (ret)
				goto fail;
		}
		if ((size_t)got < sizeof(msg))
			return 0;
	}
fail:
	/* the new userfaultfds that came with the rest */
	while (++i < n)
		if (msg[i].event == UFFD_EVENT_FORK)
			close(msg[i].arg.fork.ufd);
	return ret;
}

/* ---- the thread ---- */

/*
 * Drops the address spaces that are gone; one filled stays, for its
 * faults on pages the image does not hold, until all are: the module
 * holds the restarted processes' userfaultfds too, so closing ours
 * would not unregister its mappings.
 */
static bool reap(struct cr_lazy *lz)
{
	bool filling = false;
	size_t i, n = 0;

	for (i = 0; i < lz->nctx; i++) {
		if (lz->ctx[i]->finished) {
			ctx_free(lz->ctx[i]);
			continue;
		}
		filling |= lz->ctx[i]->left;
		lz->ctx[n++] = lz->ctx[i];
	}
	lz->nctx = n;
	if (lz->rr >= n)
		lz->rr = 0;
	return filling;
}

/*
 * How long poll() may wait while there is filling to do: until the
 * faults have been quiet for QUIET_MS, so that a program starting up
 * (or many processes at once) is not kept waiting behind whole records
 * filled in the background.
 */
static int quiet_left(const struct cr_lazy *lz)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - lz->fault.tv_sec) * 1000 +
	     (now.tv_nsec - lz->fault.tv_nsec) / 1000000;
	return ms < QUIET_MS ? QUIET_MS - ms : 0;
}

static int poll_timeout(const struct cr_lazy *lz)
{
	int timeout = -1;
	size_t i;

	for (i = 0; i < lz->nctx; i++) {
		if (lz->ctx[i]->stalled)
			timeout = STALL_MS;
		else if (lz->ctx[i]->left)
			return quiet_left(lz);
	}
	return timeout;
}

/* One round: messages read, faults served, or else one record filled. */
static int step(struct cr_lazy *lz, const struct pollfd *pfd, size_t npfd,
		bool idle)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < lz->nctx; i++)
		lz->ctx[i]->stalled = false;	/* retried */
	for (i = 0; !ret && i < npfd; i++)
		if (pfd[i].revents)
			ret = read_msgs(lz, lz->ctx[i]);
	for (i = 0; !ret && i < lz->nctx; i++)
		ret = serve(lz, lz->ctx[i]);
	if (!ret && idle)
		ret = background(lz);
	return ret;
}

static int run(struct cr_lazy *lz)
{
	struct pollfd *pfd = NULL;
	size_t cap = 0, i, n;
	int ready, ret = 0;

	while (!ret && reap(lz)) {
		n = lz->nctx;
		if (GROW(pfd, cap, n + 1)) {
			ret = -ENOMEM;
			break;
		}
		for (i = 0; i < n; i++)
			pfd[i] = (struct pollfd){ .fd = lz->ctx[i]->fd,
						  .events = POLLIN };
		pfd[n] = (struct pollfd){ .fd = lz->stop, .events = POLLIN };
		ready = poll(pfd, n + 1, poll_timeout(lz));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			ret = -errno;
		else if (pfd[n].revents)
			break;		/* cr_lazy_abort */
		else
			ret = step(lz, pfd, n, !ready);
	}
	free(pfd);
	return ret;
}

static bool known(const struct cr_lazy *lz, pid_t pid)
{
	size_t i;

	for (i = 0; i < lz->npid; i++)
		if (lz->pid[i] == pid)
			return true;
	return false;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd, ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* after the command's name, which may hold anything */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

/* Adds the processes whose parent is known (stopped: they fork no more). */
static bool add_children(struct cr_lazy *lz)
{
	bool added = false;
	struct dirent *e;
	pid_t pid;
	DIR *d = opendir("/proc");

	if (!d)
		return false;
	while ((e = readdir(d))) {
		pid = atoi(e->d_name);
		if (pid <= 0 || known(lz, pid) || !known(lz, parent_of(pid)) ||
		    GROW(lz->pid, lz->pidcap, lz->npid + 1))
			continue;
		kill(pid, SIGSTOP);
		lz->pid[lz->npid++] = pid;
		added = true;
	}
	closedir(d);
	return added;
}

/*
 * SIGKILL to every restarted process, and to those forked from them
 * since, each stopped first so that none forks in the meantime.
 */
static void kill_all(struct cr_lazy *lz)
{
	size_t i;

	for (i = 0; i < lz->npid; i++)
		kill(lz->pid[i], SIGSTOP);
	while (add_children(lz))
		;
	for (i = 0; i < lz->npid; i++)
		kill(lz->pid[i], SIGKILL);
}

static void *lz_thread(void *arg)
{
	struct cr_lazy *lz = arg;
	sigset_t all;
	int ret;

	/* signals are cr_restart's to forward */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	ret = run(lz);
	if (ret) {
		if (!lz->said && !cr_quiet)
			fprintf(stderr, "cr_restart: %s: filling the restarted "
				"processes' memory: %s: they are killed\n",
				lz->path, strerror(-ret));
		lz->err = ret;
		kill_all(lz);
	}
	drop_all(lz);
	return NULL;
}

int cr_lazy_start(struct cr_lazy *lz)
{
	int err;

	lz->buf = malloc(PAYLOAD_MAX);
	lz->zbuf = malloc(CR_PAGES_MAX * PAGE);
	if (!lz->buf || !lz->zbuf)
		return cr_rstrt_error(-ENOMEM, "--lazy");
	lz->stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (lz->stop < 0)
		return cr_rstrt_error(-errno, "--lazy: eventfd");
	/* the program starts up first */
	clock_gettime(CLOCK_MONOTONIC, &lz->fault);
	err = pthread_create(&lz->thread, NULL, lz_thread, lz);
	if (err)
		return cr_rstrt_error(-err, "--lazy: pthread_create");
	lz->started = true;
	return 0;
}

int cr_lazy_finish(struct cr_lazy *lz)
{
	int err;

	if (lz->started)
		pthread_join(lz->thread, NULL);
	err = lz->err;
	lz_free(lz);
	return err;
}

void cr_lazy_abort(struct cr_lazy *lz)
{
	if (!lz)
		return;
	if (lz->started) {
		while (eventfd_write(lz->stop, 1) && errno == EINTR)
			;
		pthread_join(lz->thread, NULL);
	}
	lz_free(lz);
}
