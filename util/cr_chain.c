// SPDX-License-Identifier: GPL-2.0-or-later
/* Chains of incremental images; see cr_chain.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "cr_chain.h"

#define PAGE		4096ULL		/* x86_64 */
#define MAX_REC		(128ULL << 20)	/* as cr_info's */
#define PAGES_BUF	(sizeof(struct cr_img_pages) + \
			 CR_PAGES_MAX * (sizeof(uint64_t) + PAGE) + PAGE)

__attribute__((format(printf, 2, 3)))
static int fail(struct cr_chain *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -1;
}

static int bad_rec(struct cr_chain *c, const char *path,
		   const struct cr_img_in *in)
{
	return fail(c, "%s: record %llu at offset %llu: %s", path,
		    (unsigned long long)in->nrec - 1,
		    (unsigned long long)in->rec_pos, in->why);
}

int cr_chain_next(struct cr_img_in *in)
{
	int ret = cr_img_next(in, MAX_REC);

	if (!ret)
		return cr_img_fail(in, "truncated: the file ends before END");
	return ret < 0 ? -1 : 0;
}

/* ---- where the pages of a record belong ---- */

static bool is_pages(uint16_t type)
{
	return type == CR_REC_PAGES || type == CR_REC_PAGES_PARENT;
}

static int sect_window(struct cr_sect *s, struct cr_img_in *in,
		       uint64_t start, uint64_t end)
{
	if (start >= end || start % PAGE || end % PAGE)
		return cr_img_fail(in, "a window 0x%llx-0x%llx",
				   (unsigned long long)start,
				   (unsigned long long)end);
	s->start = start;
	s->next = start;
	s->end = end;
	s->pages_ok = true;
	return 0;
}

int cr_sect_follow(struct cr_sect *s, struct cr_img_in *in)
{
	struct cr_img_vma v;
	struct cr_img_obj o;

	if (is_pages(in->rec.type))
		return s->pages_ok ? 0 :
		       cr_img_fail(in, "pages outside a mapping or object");
	s->pages_ok = false;
	switch (in->rec.type) {
	case CR_REC_PROC:
		if (in->rec.len < sizeof(struct cr_img_proc))
			return cr_img_fail(in, "too short for a process");
		memcpy(&s->pid, in->buf, sizeof(s->pid));
		return s->pid > 0 ? 0 : cr_img_fail(in, "pid %d", s->pid);
	case CR_REC_VMA:
		if (in->rec.len < sizeof(v) || !s->pid)
			return cr_img_fail(in, "a mapping out of place");
		memcpy(&v, in->buf, sizeof(v));
		s->key_pid = s->pid;
		s->key_obj = 0;
		s->kind = v.kind;
		return sect_window(s, in, v.start, v.end);
	case CR_REC_OBJ:
		if (in->rec.len < sizeof(o))
			return cr_img_fail(in, "too short for an object");
		memcpy(&o, in->buf, sizeof(o));
		if (!o.obj_id || o.size > CR_OBJ_MAX_SIZE)
			return cr_img_fail(in, "object %u of %llu bytes",
					   o.obj_id,
					   (unsigned long long)o.size);
		s->key_pid = 0;
		s->key_obj = o.obj_id;
		s->kind = 0;
		if (!o.size)
			return 0;
		return sect_window(s, in, 0, (o.size + PAGE - 1) & ~(PAGE - 1));
	}
	return 0;
}

int cr_sect_pages(struct cr_sect *s, struct cr_img_in *in,
		  struct cr_pages_view *v)
{
	uint64_t pos = in->rec_pos + sizeof(struct cr_rec);
	size_t head, pad, i;

	if (cr_img_pages_head(in, &v->n, &head, &pad))
		return -1;
	v->zipped = in->rec.flags & CR_RECF_ZSTD;
	v->addr = (const uint64_t *)(in->buf + sizeof(struct cr_img_pages));
	for (i = 0; i < v->n; i++) {
		if (v->addr[i] % PAGE || v->addr[i] < s->next ||
		    v->addr[i] >= s->end)
			return cr_img_fail(in, "page 0x%llx outside "
					   "0x%llx-0x%llx",
					   (unsigned long long)v->addr[i],
					   (unsigned long long)s->next,
					   (unsigned long long)s->end);
		s->next = v->addr[i] + PAGE;
	}
	v->data = in->buf + head + pad;
	v->data_off = pos + head + pad;
	v->zlen = v->zipped ? in->rec.len - head : 0;
	return 0;
}

/* ---- the pages of an image ---- */

static int ent_cmp(const void *a, const void *b)
{
	const struct cr_page_ent *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

static const struct cr_page_ent *lookup(const struct cr_chain *c,
					const struct cr_sect *s, uint64_t addr)
{
	struct cr_page_ent key = { .pid = s->key_pid, .obj = s->key_obj,
				   .addr = addr };

	if (!c->npages)
		return NULL;
	return bsearch(&key, c->page, c->npages, sizeof(key), ent_cmp);
}

struct ent_list {
	struct cr_page_ent *e;
	size_t n, cap;
};

static int ent_add(struct ent_list *l, const struct cr_page_ent *e)
{
	struct cr_page_ent *p;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		p = realloc(l->e, l->cap * sizeof(*p));
		if (!p)
			return -1;
		l->e = p;
	}
	l->e[l->n++] = *e;
	return 0;
}

/* Adds a PAGES or PAGES_PARENT record's pages of image k to l. */
static int index_pages(struct cr_chain *c, unsigned int k,
		       struct cr_sect *s, struct cr_img_in *in,
		       struct ent_list *l)
{
	const struct cr_page_ent *from;
	struct cr_pages_view v;
	struct cr_page_ent e;
	uint32_t i;

	if (cr_sect_pages(s, in, &v))
		return bad_rec(c, c->img[k].path, in);
	for (i = 0; i < v.n; i++) {
		e = (struct cr_page_ent){ .pid = s->key_pid,
					  .obj = s->key_obj,
					  .addr = v.addr[i], .img = k,
					  .zipped = v.zipped,
					  .zpages = v.n, .zindex = i,
					  .zlen = v.zlen,
					  .off = v.zipped ? v.data_off :
					  v.data_off + i * PAGE };
		if (in->rec.type == CR_REC_PAGES_PARENT) {
			if (!k)
				return fail(c, "%s: pages of a parent in a "
					    "full image", c->img[k].path);
			from = lookup(c, s, v.addr[i]);
			if (!from)
				return fail(c, "%s: page 0x%llx of %s %d is "
					    "not in its parent %s",
					    c->img[k].path,
					    (unsigned long long)v.addr[i],
					    s->key_pid ? "process" : "object",
					    s->key_pid ?: (int)s->key_obj,
					    c->img[k - 1].path);
			e = *from;
			e.addr = v.addr[i];
		}
		if (ent_add(l, &e))
			return fail(c, "out of memory");
	}
	return 0;
}

/* Reads image k whole; its pages replace image k - 1's in c. */
static int index_image(struct cr_chain *c, unsigned int k, uint64_t want)
{
	struct cr_chain_img *im = &c->img[k];
	struct cr_img_in in = { 0 };
	struct ent_list l = { 0 };
	struct cr_sect s = { 0 };
	int err = -1;

	/* from the start: probe() read the first records */
	in.f = lseek(im->fd, 0, SEEK_SET) ? NULL : fdopen(dup(im->fd), "r");
	if (!in.f)
		return fail(c, "%s: %s", im->path, strerror(errno));
	do {
		if (cr_chain_next(&in) || cr_sect_follow(&s, &in)) {
			bad_rec(c, im->path, &in);
			goto out;
		}
		if (is_pages(in.rec.type) &&
		    index_pages(c, k, &s, &in, &l))
			goto out;
	} while (in.rec.type != CR_REC_END);
	/* a pre-copy's file goes on with the image that refers to it */
	if (!im->precopy && fgetc(in.f) != EOF) {
		fail(c, "%s: data after the END record", im->path);
		goto out;
	}
	im->ident = in.ident;
	if (want && in.ident != want) {
		fail(c, "%s: not the image %s was taken against (identity "
		     "%016llx, recorded %016llx)", im->path,
		     k + 1 < c->n ? c->img[k + 1].path : "the child",
		     (unsigned long long)in.ident, (unsigned long long)want);
		goto out;
	}
	qsort(l.e, l.n, sizeof(*l.e), ent_cmp);
	free(c->page);
	c->page = l.e;
	c->npages = l.n;
	l.e = NULL;
	err = 0;
out:
	free(l.e);
	free(in.buf);
	fclose(in.f);
	return err;
}

/* ---- finding the chain ---- */

static int read_header(struct cr_img_in *in, struct cr_img_header *hdr)
{
	if (cr_chain_next(in))
		return -1;
	if (in->rec.type != CR_REC_HEADER || in->rec.len != sizeof(*hdr))
		return cr_img_fail(in, "no HEADER record: not a context file");
	memcpy(hdr, in->buf, sizeof(*hdr));
	if (memcmp(hdr->ident, CR_IMG_IDENT, sizeof(CR_IMG_IDENT)) ||
	    hdr->version != CR_IMG_VERSION)
		return cr_img_fail(in, "format %u, these tools read %u",
				   hdr->version, CR_IMG_VERSION);
	return 0;
}

/*
 * The record after HEADER: 1 and *p, *ppath for a PARENT (its path may
 * be empty), 2 for a pre-copy's PRECOPY, 0 for anything else, -1.
 */
static int read_parent(struct cr_img_in *in, struct cr_img_parent *p,
		       char **ppath)
{
	size_t len;

	if (cr_chain_next(in))
		return -1;
	if (in->rec.type == CR_REC_PRECOPY)
		return 2;
	if (in->rec.type != CR_REC_PARENT)
		return 0;
	len = in->rec.len;
	if (len < sizeof(*p))
		return cr_img_fail(in, "too short for a parent");
	memcpy(p, in->buf, sizeof(*p));
	if (!p->depth || p->depth > CR_MAX_CHAIN || !p->path_len ||
	    p->path_len > PATH_MAX || len != sizeof(*p) + p->path_len ||
	    in->buf[len - 1] || strlen((char *)in->buf + sizeof(*p)) !=
	    p->path_len - 1)
		return cr_img_fail(in, "a bad parent record");
	*ppath = strdup((char *)in->buf + sizeof(*p));
	return *ppath ? 1 : cr_img_fail(in, "out of memory");
}

/*
 * Past a live checkpoint's pre-copy, whose PRECOPY was just read, and the
 * zeros after its END: in begins again with the image that follows, as a
 * stream of its own.  Page data is skipped where the file can seek.
 */
static int skip_precopy(struct cr_img_in *in)
{
	bool skim = in->skim;
	int err = 0;

	in->skim = fseeko(in->f, 0, SEEK_CUR) == 0;
	while (!err && in->rec.type != CR_REC_END)
		err = cr_chain_next(in);
	in->skim = skim;
	return err ? -1 : cr_img_after_precopy(in);
}

/* An empty parent name is only for the image after a pre-copy. */
static int unnamed(struct cr_img_in *in, char **ppath)
{
	free(*ppath);
	*ppath = NULL;
	return cr_img_fail(in, "a parent with no name, and no pre-copy "
			   "before it");
}

int cr_chain_parent(struct cr_img_in *in, struct cr_img_header *hdr,
		    struct cr_img_parent *p, char **ppath)
{
	int ret;

	if (read_header(in, hdr))
		return -1;
	ret = read_parent(in, p, ppath);
	if (ret != 2)
		return ret == 1 && !**ppath ? unnamed(in, ppath) : ret;
	if (skip_precopy(in) || read_header(in, hdr))
		return -1;
	ret = read_parent(in, p, ppath);
	if (ret == 1 && !**ppath)
		return 1;
	if (ret == 1) {
		free(*ppath);
		*ppath = NULL;
	}
	return ret < 0 ? -1 : cr_img_fail(in, "the pre-copy is not followed "
					  "by the image that refers to it");
}

int cr_chain_incremental(int fd)
{
	off_t pos = lseek(fd, 0, SEEK_CUR);
	struct cr_rec h;

	if (pos < 0 || pread(fd, &h, sizeof(h), pos) != sizeof(h) ||
	    h.magic != CR_REC_MAGIC || h.type != CR_REC_HEADER ||
	    h.len > MAX_REC)
		return 0;
	pos += sizeof(h) + h.len;
	pos += cr_img_pad(pos, CR_REC_ALIGN);
	if (pread(fd, &h, sizeof(h), pos) != sizeof(h))
		return 0;
	return h.magic == CR_REC_MAGIC &&
	       (h.type == CR_REC_PARENT || h.type == CR_REC_PRECOPY);
}

char *cr_chain_path(const char *child, const char *name,
			 const char *parent_dir)
{
	char *copy = strdup(child), *path = NULL, *base;
	const char *dir;

	if (!copy)
		return NULL;
	if (!*name) {		/* the pre-copy before child, in its file */
		path = copy;
		copy = NULL;
	} else if (parent_dir) {
		base = strdup(name);
		if (base && asprintf(&path, "%s/%s", parent_dir,
				     basename(base)) < 0)
			path = NULL;
		free(base);
	} else if (name[0] == '/') {
		path = strdup(name);
	} else {
		dir = dirname(copy);
		if (asprintf(&path, "%s/%s", dir, name) < 0)
			path = NULL;
	}
	free(copy);
	return path;
}

/* Opens img's file and reads its parent's name and identity. */
static int probe(struct cr_chain *c, struct cr_chain_img *im,
		 uint64_t *parent_ident, char **parent_name)
{
	struct cr_img_in in = { 0 };
	struct cr_img_header hdr;
	struct cr_img_parent p = { 0 };
	int ret;

	im->fd = open(im->path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0) {
		c->open_err = errno;
		return fail(c, "%s: %s", im->path, strerror(errno));
	}
	in.f = fdopen(dup(im->fd), "r");
	if (!in.f)
		return fail(c, "%s: %s", im->path, strerror(errno));
	/* a pre-copy is a parent in the chain: not skipped */
	ret = read_header(&in, &hdr) ? -1 : read_parent(&in, &p, parent_name);
	im->precopy = ret == 2;
	if (ret == 2)
		ret = 0;
	if (ret > 0 && !**parent_name)
		ret = unnamed(&in, parent_name);
	if (ret < 0)
		bad_rec(c, im->path, &in);
	im->time_ns = hdr.time_ns;
	im->depth = ret > 0 ? p.depth : 0;
	*parent_ident = p.ident;
	free(in.buf);
	fclose(in.f);
	return ret;
}

/* c->img newest first, as found from path. */
static int find_chain(struct cr_chain *c, const char *path,
		      const char *parent_dir, uint64_t *idents)
{
	struct cr_chain_img *im;
	char *name = NULL;
	int ret;

	c->img = calloc(CR_MAX_CHAIN + 1, sizeof(*c->img));
	if (!c->img)
		return fail(c, "out of memory");
	c->img[0].path = strdup(path);
	for (;;) {
		im = &c->img[c->n++];
		im->fd = -1;
		if (!im->path)
			return fail(c, "out of memory");
		ret = probe(c, im, &idents[c->n - 1], &name);
		if (ret <= 0)
			return ret;
		if (c->n > 1 && im->depth + 1 != c->img[c->n - 2].depth)
			return fail(c, "%s: a chain of %u images behind it, "
				    "where its child %s says %u", im->path,
				    im->depth, c->img[c->n - 2].path,
				    c->img[c->n - 2].depth - 1);
		c->img[c->n].path = cr_chain_path(im->path, name, parent_dir);
		free(name);
		name = NULL;
	}
}

int cr_chain_open(struct cr_chain *c, const char *path, uint64_t want,
		  const char *parent_dir)
{
	uint64_t idents[CR_MAX_CHAIN + 1];
	struct cr_chain_img t;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	if (find_chain(c, path, parent_dir, idents))
		return -1;
	/* oldest first: each image's pages resolve through its parent's */
	for (i = 0; i < c->n / 2; i++) {
		t = c->img[i];
		c->img[i] = c->img[c->n - 1 - i];
		c->img[c->n - 1 - i] = t;
	}
	for (i = 0; i < c->n; i++)
		if (index_image(c, i, i + 1 < c->n ?
				idents[c->n - 2 - i] : want))
			return -1;
	return 0;
}

void cr_chain_close(struct cr_chain *c)
{
	unsigned int i;

	for (i = 0; c->img && i <= c->n && i <= CR_MAX_CHAIN; i++) {
		if (c->img[i].fd >= 0 && i < c->n)
			close(c->img[i].fd);
		free(c->img[i].path);
	}
	free(c->img);
	free(c->page);
	free(c->buf);
	free(c->zin);
	free(c->zout);
	memset(c, 0, sizeof(*c));
}

/* ---- writing ---- */

static int put_fail(struct cr_chain *c)
{
	c->write_err = errno;
	return fail(c, "write: %s", strerror(errno));
}

/* A page record's count and n addresses into c->buf; their length. */
static size_t put_head(struct cr_chain *c, uint32_t n, const uint64_t *addr)
{
	struct cr_img_pages ph = { .npages = n };

	memcpy(c->buf, &ph, sizeof(ph));
	memcpy(c->buf + sizeof(ph), addr, n * sizeof(uint64_t));
	return sizeof(ph) + n * sizeof(uint64_t);
}

/* Where in c->buf put_pages() has the data of n pages: after the head. */
static size_t data_off(const struct cr_img_out *out, uint32_t n)
{
	size_t head = sizeof(struct cr_img_pages) + n * sizeof(uint64_t);

	return head + cr_img_data_pad(n, out->pos + sizeof(struct cr_rec) +
					 head);
}

/* A plain PAGES record of n pages at addr, data[i] for each. */
static int put_pages(struct cr_chain *c, struct cr_img_out *out,
		     uint32_t n, const uint64_t *addr, const uint8_t *data)
{
	size_t head = put_head(c, n, addr), off = data_off(out, n);

	memset(c->buf + head, 0, off - head);
	if (data != c->buf + off)
		memmove(c->buf + off, data, n * PAGE);
	if (cr_img_put(out, CR_REC_PAGES, 0, c->buf, off + n * PAGE))
		return put_fail(c);
	return 0;
}

const char *cr_pages_inflate(void *dst, uint32_t npages, const void *src,
			     size_t zlen)
{
	size_t raw = npages * PAGE, n = ZSTD_decompress(dst, raw, src, zlen);

	if (n == raw)
		return NULL;
	return ZSTD_isError(n) ? ZSTD_getErrorName(n) : "not its pages";
}

/* Inflates the compressed record that holds e, unless it is at hand. */
static int inflate(struct cr_chain *c, const struct cr_page_ent *e)
{
	const char *why;
	ssize_t got;

	if (c->zout && c->zimg == e->img && c->zoff == e->off)
		return 0;
	if (!c->zout) {
		c->zin = malloc(CR_PAGES_MAX * PAGE);
		c->zout = malloc(CR_PAGES_MAX * PAGE);
		if (!c->zin || !c->zout)
			return fail(c, "out of memory");
	}
	c->zoff = UINT64_MAX;
	got = pread(c->img[e->img].fd, c->zin, e->zlen, e->off);
	if (got != (ssize_t)e->zlen)
		return fail(c, "%s: compressed data at offset %llu: %s",
			    c->img[e->img].path, (unsigned long long)e->off,
			    got < 0 ? strerror(errno) : "truncated");
	why = cr_pages_inflate(c->zout, e->zpages, c->zin, e->zlen);
	if (why)
		return fail(c, "%s: compressed data at offset %llu: %s",
			    c->img[e->img].path, (unsigned long long)e->off,
			    why);
	c->zimg = e->img;
	c->zoff = e->off;
	return 0;
}

/*
 * Reads n pages the chain holds, contiguous in one file (a compressed
 * one alone), into dst (NULL: checks that it can).
 */
static int get_pages(struct cr_chain *c, const struct cr_page_ent *e,
		     uint32_t n, uint8_t *dst)
{
	ssize_t got;

	if (e->zipped) {
		if (inflate(c, e))
			return -1;
		if (dst)
			memcpy(dst, c->zout + e->zindex * PAGE, PAGE);
		return 0;
	}
	if (!dst)
		return 0;
	got = pread(c->img[e->img].fd, dst, n * PAGE, e->off);
	if (got != (ssize_t)(n * PAGE))
		return fail(c, "%s: page data at offset %llu: %s",
			    c->img[e->img].path, (unsigned long long)e->off,
			    got < 0 ? strerror(errno) : "truncated");
	return 0;
}

static int need_buf(struct cr_chain *c)
{
	if (!c->buf)
		c->buf = malloc(2 * PAGES_BUF);
	return c->buf ? 0 : fail(c, "out of memory");
}

/* Page i of v in the chain. */
static const struct cr_page_ent *parent_page(struct cr_chain *c,
					     const struct cr_sect *s,
					     const struct cr_pages_view *v,
					     uint32_t i)
{
	const struct cr_page_ent *e = lookup(c, s, v->addr[i]);

	if (!e)
		fail(c, "page 0x%llx of %s %d is not in the parent %s",
		     (unsigned long long)v->addr[i],
		     s->key_pid ? "process" : "object",
		     s->key_pid ?: (int)s->key_obj, c->img[c->n - 1].path);
	return e;
}

/*
 * A PAGES_PARENT record of the child, as PAGES of the parents' data,
 * read a run of pages contiguous in one file at a time.
 */
static int merge_parent(struct cr_chain *c, const struct cr_sect *s,
			const struct cr_pages_view *v,
			struct cr_img_out *out)
{
	/* read where put_pages() wants them: nothing moves */
	uint8_t *data = c->buf + data_off(out, v->n);
	const struct cr_page_ent *e, *next;
	uint32_t i, j;

	for (i = 0; i < v->n; i = j) {
		e = parent_page(c, s, v, i);
		if (!e)
			return -1;
		for (j = i + 1; j < v->n; j++) {
			next = parent_page(c, s, v, j);
			if (!next)
				return -1;
			if (e->zipped || next->zipped || next->img != e->img ||
			    next->off != e->off + (j - i) * PAGE)
				break;
		}
		if (get_pages(c, e, j - i, out->f ? data + i * PAGE : NULL))
			return -1;
	}
	return put_pages(c, out, v->n, v->addr, data);
}

/* Copies what is not a page record; c->why when it cannot. */
static int pass(struct cr_chain *c, struct cr_img_in *in,
		struct cr_img_out *out)
{
	if (in->rec.type == CR_REC_END)
		return cr_img_put_end(out) ? put_fail(c) : 0;
	if (in->rec.type == CR_REC_HEADER || in->rec.type == CR_REC_PARENT)
		return fail(c, "record %llu: %s out of place",
			    (unsigned long long)in->nrec - 1,
			    cr_img_type_name(in->rec.type));
	if (cr_img_put(out, in->rec.type, in->rec.flags, in->buf,
		       in->rec.len))
		return put_fail(c);
	return 0;
}

static int bad_in(struct cr_chain *c, struct cr_img_in *in)
{
	return fail(c, "record %llu at offset %llu: %s",
		    (unsigned long long)in->nrec - 1,
		    (unsigned long long)in->rec_pos, in->why);
}

/* The output's HEADER, the image's own. */
static int put_header(struct cr_chain *c, const struct cr_img_header *hdr,
		      struct cr_img_out *out)
{
	if (need_buf(c))
		return -1;
	if (cr_img_put(out, CR_REC_HEADER, 0, hdr, sizeof(*hdr)))
		return put_fail(c);
	return 0;
}

/* Where the record just read belongs, and its pages if it has some. */
static int view(struct cr_chain *c, struct cr_sect *s, struct cr_img_in *in,
		struct cr_pages_view *v)
{
	if (cr_sect_follow(s, in) ||
	    (is_pages(in->rec.type) && cr_sect_pages(s, in, v)))
		return bad_in(c, in);
	return 0;
}

int cr_chain_merge(struct cr_chain *c, struct cr_img_in *in,
		   const struct cr_img_header *hdr, struct cr_img_out *out)
{
	struct cr_pages_view v;
	struct cr_sect s = { 0 };
	int err;

	if (put_header(c, hdr, out))
		return -1;
	do {
		if (cr_chain_next(in))
			return bad_in(c, in);
		if (view(c, &s, in, &v))
			return -1;
		if (in->rec.type == CR_REC_PAGES_PARENT)
			err = merge_parent(c, &s, &v, out);
		else if (in->rec.type == CR_REC_PAGES && !v.zipped)
			err = put_pages(c, out, v.n, v.addr, v.data);
		else
			err = pass(c, in, out);
		if (err)
			return -1;
	} while (in->rec.type != CR_REC_END);
	return 0;
}

/* Whether the chain holds page i of v with the same data. */
static int same_page(struct cr_chain *c, const struct cr_sect *s,
		     const struct cr_pages_view *v, uint32_t i, bool *same)
{
	const struct cr_page_ent *e = lookup(c, s, v->addr[i]);
	uint8_t *old = c->buf + PAGES_BUF;

	*same = false;
	if (!e)
		return 0;
	if (get_pages(c, e, 1, old))
		return -1;
	*same = !memcmp(old, v->data + i * PAGE, PAGE);
	return 0;
}

/* Pages [i, j) of v, as data or as references to the parent. */
static int put_run(struct cr_chain *c, const struct cr_pages_view *v,
		   uint32_t i, uint32_t j, bool same, struct cr_img_out *out)
{
	size_t len;

	if (!same) {
		c->pages_kept += j - i;
		return put_pages(c, out, j - i, v->addr + i,
				 v->data + i * PAGE);
	}
	c->pages_ref += j - i;
	len = put_head(c, j - i, v->addr + i);
	if (cr_img_put(out, CR_REC_PAGES_PARENT, 0, c->buf, len))
		return put_fail(c);
	return 0;
}

static int diff_pages(struct cr_chain *c, const struct cr_sect *s,
		      const struct cr_pages_view *v, struct cr_img_out *out)
{
	bool same, run_same = false;
	uint32_t i, start = 0;

	for (i = 0; i < v->n; i++) {
		if (same_page(c, s, v, i, &same))
			return -1;
		if (i && same != run_same) {
			if (put_run(c, v, start, i, run_same, out))
				return -1;
			start = i;
		}
		run_same = same;
	}
	return put_run(c, v, start, v->n, run_same, out);
}

static int put_parent(struct cr_chain *c, const char *parent_path,
		      struct cr_img_out *out)
{
	const struct cr_chain_img *p = &c->img[c->n - 1];
	struct cr_img_parent rec = { .ident = p->ident,
				     .time_ns = p->time_ns,
				     .depth = c->n,
				     .path_len = strlen(parent_path) + 1 };
	size_t len = sizeof(rec) + rec.path_len;

	if (rec.path_len > PATH_MAX)
		return fail(c, "%s: path too long", parent_path);
	memcpy(c->buf, &rec, sizeof(rec));
	memcpy(c->buf + sizeof(rec), parent_path, rec.path_len);
	if (cr_img_put(out, CR_REC_PARENT, 0, c->buf, len))
		return put_fail(c);
	return 0;
}

int cr_chain_diff(struct cr_chain *c, struct cr_img_in *in,
		  const struct cr_img_header *hdr, const char *parent_path,
		  struct cr_img_out *out)
{
	struct cr_pages_view v;
	struct cr_sect s = { 0 };
	int err;

	if (put_header(c, hdr, out) || put_parent(c, parent_path, out))
		return -1;
	/* the record after HEADER is already read */
	for (;;) {
		if (view(c, &s, in, &v))
			return -1;
		if (in->rec.type == CR_REC_PAGES_PARENT)
			return fail(c, "an incremental image: merge it first");
		if (in->rec.type == CR_REC_PAGES && !v.zipped)
			err = diff_pages(c, &s, &v, out);
		else
			err = pass(c, in, out);
		if (err)
			return -1;
		if (in->rec.type == CR_REC_END)
			return 0;
		if (cr_chain_next(in))
			return bad_in(c, in);
	}
}
