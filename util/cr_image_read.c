// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading the record framing of a context file; see cr_image_read.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
/* Inline: the tools need no libxxhash at run time. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cr_image_read.h"

#define CR_IMG_PAGE	4096ULL		/* x86_64 */

uint32_t cr_img_sum(const void *buf, size_t len)
{
	return (uint32_t)XXH64(buf, len, 0);
}

size_t cr_img_pad(uint64_t pos, size_t align)
{
	return (align - (pos & (align - 1))) & (align - 1);
}

size_t cr_img_data_pad(uint64_t npages, uint64_t pos)
{
	return npages < CR_PAGES_ALIGN_MIN ? 0 : cr_img_pad(pos, CR_PAGE_ALIGN);
}

static const char *const cr_type_names[] = {
	[CR_REC_HEADER] = "HEADER", [CR_REC_PROCTAB] = "PROCTAB",
	[CR_REC_PROC] = "PROC", [CR_REC_CREDS] = "CREDS",
	[CR_REC_FS] = "FS", [CR_REC_RLIMITS] = "RLIMITS",
	[CR_REC_SIGHAND] = "SIGHAND", [CR_REC_MM] = "MM",
	[CR_REC_VMA] = "VMA", [CR_REC_PAGES] = "PAGES",
	[CR_REC_FILES] = "FILES", [CR_REC_THREAD] = "THREAD",
	[CR_REC_PAGES_PARENT] = "PAGES_PARENT",
	[CR_REC_SIGQUEUE] = "SIGQUEUE", [CR_REC_PIPES] = "PIPES",
	[CR_REC_PIPEDATA] = "PIPEDATA", [CR_REC_OBJ] = "OBJ",
	[CR_REC_ZOMBIES] = "ZOMBIES", [CR_REC_EVENTS] = "EVENTS",
	[CR_REC_SOCKS] = "SOCKS", [CR_REC_SOCKDATA] = "SOCKDATA",
	[CR_REC_PTIMERS] = "PTIMERS", [CR_REC_INET] = "INET",
	[CR_REC_INETDATA] = "INETDATA", [CR_REC_PTYS] = "PTYS",
	[CR_REC_PTYDATA] = "PTYDATA", [CR_REC_NLSOCKS] = "NLSOCKS",
	[CR_REC_PARENT] = "PARENT",
	[CR_REC_PRECOPY] = "PRECOPY",
};

const char *cr_img_type_name(unsigned int type)
{
	if (type == CR_REC_END)
		return "END";
	if (type < sizeof(cr_type_names) / sizeof(cr_type_names[0]))
		return cr_type_names[type];
	return NULL;
}

int cr_img_pages_head(struct cr_img_in *in, uint32_t *npages, size_t *head,
		      size_t *pad)
{
	bool zipped = in->rec.flags & CR_RECF_ZSTD;
	bool parent = in->rec.type == CR_REC_PAGES_PARENT;
	size_t len = in->rec.len, raw, i;
	struct cr_img_pages ph;

	if (len < sizeof(ph))
		return cr_img_fail(in, "too short for its page count");
	memcpy(&ph, in->buf, sizeof(ph));
	if (!ph.npages || ph.npages > CR_PAGES_MAX || ph.pad)
		return cr_img_fail(in, "%u pages, not 1 to %u", ph.npages,
				   CR_PAGES_MAX);
	*head = sizeof(ph) + ph.npages * sizeof(uint64_t);
	raw = ph.npages * CR_IMG_PAGE;
	*pad = zipped || parent ? 0 : cr_img_data_pad(ph.npages,
			in->rec_pos + sizeof(struct cr_rec) + *head);
	if (parent ? len != *head : zipped ?
	    len <= *head || len - *head >= raw : len != *head + raw + *pad)
		return cr_img_fail(in, "%zu bytes for %u pages%s", len,
				   ph.npages, zipped ? ", compressed" : "");
	for (i = 0; i < *pad; i++)
		if (in->buf[*head + i])
			return cr_img_fail(in, "non-zero padding before the "
					   "page data");
	*npages = ph.npages;
	return 0;
}

int cr_img_fail(struct cr_img_in *in, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->why, sizeof(in->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* len bytes, or how many there were before the end of the file. */
static size_t cr_img_read(struct cr_img_in *in, void *buf, size_t len)
{
	size_t n = fread(buf, 1, len, in->f);

	in->pos += n;
	return n;
}

static int cr_img_short(struct cr_img_in *in, const char *what, size_t got,
			size_t want)
{
	if (ferror(in->f))
		return cr_img_fail(in, "read error: %s", strerror(errno));
	return cr_img_fail(in, "truncated: %zu of the %zu bytes of its %s",
			   got, want, what);
}

static int cr_img_head(struct cr_img_in *in, uint64_t maxlen)
{
	struct cr_rec *h = &in->rec;
	size_t n = cr_img_read(in, h, sizeof(*h));
	uint32_t sum;

	if (!n && feof(in->f))
		return 0;
	in->nrec++;
	if (n != sizeof(*h))
		return cr_img_short(in, "header", n, sizeof(*h));
	sum = h->hdr_sum;
	h->hdr_sum = 0;
	if (h->magic != CR_REC_MAGIC)
		return cr_img_fail(in, "bad magic 0x%08x (not a context file?)",
				   h->magic);
	if (cr_img_sum(h, sizeof(*h)) != sum)
		return cr_img_fail(in, "header checksum mismatch: 0x%08x, "
				   "computed 0x%08x", sum,
				   cr_img_sum(h, sizeof(*h)));
	h->hdr_sum = sum;
	in->ident = XXH64(h, sizeof(*h), in->ident);
	if (h->flags & ~CR_RECF_ZSTD ||
	    (h->flags && h->type != CR_REC_PAGES))
		return cr_img_fail(in, "flags 0x%x on a record of type %u",
				   h->flags, h->type);
	if (h->len > maxlen)
		return cr_img_fail(in, "length %llu over the limit, %llu",
				   (unsigned long long)h->len,
				   (unsigned long long)maxlen);
	return 1;
}

/* in->buf holds at least len bytes. */
static int cr_img_room(struct cr_img_in *in, size_t len)
{
	if (len <= in->cap)
		return 0;
	free(in->buf);
	in->cap = len;
	in->buf = malloc(in->cap);
	if (in->buf)
		return 0;
	in->cap = 0;
	return cr_img_fail(in, "out of memory");
}

/*
 * A PAGES record's payload up to its page data, which is skipped (and
 * so not checked: whoever reads it later checks the record's sum).
 */
static int cr_img_skim(struct cr_img_in *in)
{
	struct cr_img_pages ph;
	uint64_t keep, n;

	if (in->rec.len < sizeof(ph))
		return cr_img_fail(in, "too short for its page count");
	n = cr_img_read(in, &ph, sizeof(ph));
	if (n != sizeof(ph))
		return cr_img_short(in, "payload", n, in->rec.len);
	keep = sizeof(ph) + (uint64_t)(ph.npages > CR_PAGES_MAX ?
				       0 : ph.npages) * sizeof(uint64_t);
	if (!(in->rec.flags & CR_RECF_ZSTD))
		keep += cr_img_data_pad(ph.npages, in->rec_pos +
					sizeof(struct cr_rec) + keep);
	keep = keep < in->rec.len ? keep : in->rec.len;
	if (cr_img_room(in, keep))
		return -1;
	memcpy(in->buf, &ph, sizeof(ph));
	n = cr_img_read(in, in->buf + sizeof(ph), keep - sizeof(ph));
	if (n != keep - sizeof(ph))
		return cr_img_short(in, "payload", n + sizeof(ph),
				    in->rec.len);
	if (fseeko(in->f, in->rec.len - keep, SEEK_CUR) < 0)
		return cr_img_fail(in, "cannot skip page data: %s",
				   strerror(errno));
	in->pos += in->rec.len - keep;
	return 0;
}

int cr_img_next(struct cr_img_in *in, uint64_t maxlen)
{
	uint8_t pad[CR_REC_ALIGN];
	size_t n, want;
	uint32_t sum;
	int ret;

	in->rec_pos = in->pos;
	ret = cr_img_head(in, maxlen);
	if (ret <= 0)
		return ret;
	if (in->skim && in->rec.type == CR_REC_PAGES) {
		if (cr_img_skim(in))
			return -1;
		goto pad;
	}
	if (cr_img_room(in, in->rec.len))
		return -1;
	n = cr_img_read(in, in->buf, in->rec.len);
	if (n != in->rec.len)
		return cr_img_short(in, "payload", n, in->rec.len);
	sum = cr_img_sum(in->buf, n);
	if (sum != in->rec.sum)
		return cr_img_fail(in, "payload checksum mismatch: the header "
				   "says 0x%08x, computed 0x%08x",
				   in->rec.sum, sum);
pad:
	want = cr_img_pad(in->pos, CR_REC_ALIGN);
	n = cr_img_read(in, pad, want);
	if (n != want)
		return cr_img_short(in, "padding", n, want);
	while (n--)
		if (pad[n])
			return cr_img_fail(in, "non-zero padding");
	return 1;
}

/* One record's header, payload and alignment, as cr_io.c writes them. */
int cr_img_put(struct cr_img_out *out, uint16_t type, uint16_t flags,
	       const void *payload, size_t len)
{
	static const uint8_t zeros[CR_REC_ALIGN];
	struct cr_rec h = { .magic = CR_REC_MAGIC, .type = type,
			    .flags = flags, .len = len };
	size_t pad;

	out->pos += sizeof(h) + len;
	pad = cr_img_pad(out->pos, CR_REC_ALIGN);
	out->pos += pad;
	out->nrec++;
	if (!out->f)
		return 0;
	h.sum = cr_img_sum(payload, len);
	h.hdr_sum = cr_img_sum(&h, sizeof(h));
	out->ident = XXH64(&h, sizeof(h), out->ident);
	if (fwrite(&h, sizeof(h), 1, out->f) != 1 ||
	    (len && fwrite(payload, len, 1, out->f) != 1) ||
	    (pad && fwrite(zeros, pad, 1, out->f) != 1))
		return -1;
	return 0;
}

int cr_img_after_precopy(struct cr_img_in *in)
{
	size_t pad;
	int c;

	for (pad = cr_img_pad(in->pos, CR_PAGE_ALIGN); pad; pad--) {
		c = fgetc(in->f);
		if (c == EOF)
			return cr_img_fail(in, "truncated: the file ends "
					   "after the pre-copy");
		if (c)
			return cr_img_fail(in, "no zeros after the pre-copy");
	}
	in->pos = in->nrec = in->rec_pos = in->ident = 0;
	return 0;
}

int cr_img_put_end(struct cr_img_out *out)
{
	struct cr_img_end end = { .nrecords = out->nrec, .bytes = out->pos };

	if (cr_img_put(out, CR_REC_END, 0, &end, sizeof(end)) ||
	    (out->f && fflush(out->f)))
		return -1;
	return 0;
}
