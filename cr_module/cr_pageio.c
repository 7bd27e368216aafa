// SPDX-License-Identifier: GPL-2.0-only
/*
 * PAGES records (include/cr_image.h): a head with the pages' addresses
 * (or file offsets), zeros up to a CR_PAGE_ALIGN offset for big records,
 * then the pages themselves; or, compressed, the head and then the
 * compressed data (cr_zip.c).
 */
#include <linux/bitmap.h>
#include <linux/highmem.h>
#include <linux/mm.h>

#include "cr_pageio.h"

#define CR_PAGES_HDR(n) (sizeof(struct cr_img_pages) + (n) * sizeof(u64))

/* A page that reads back as zeros need not be written. */
bool cr_page_is_zero(struct page *page)
{
	void *p = kmap_local_page(page);
	bool zero = !memchr_inv(p, 0, PAGE_SIZE);

	kunmap_local(p);
	return zero;
}

void cr_batch_release(struct cr_batch *b)
{
	while (b->n)
		put_page(b->pages[--b->n]);
	bitmap_zero(b->ref, CR_PAGES_MAX);
}

void cr_sum_page(struct xxh64_state *sum, struct page *page)
{
	void *p = kmap_local_page(page);

	cr_sum_add(sum, p, PAGE_SIZE);
	kunmap_local(p);
}

/* Page data of big records starts at a CR_PAGE_ALIGN stream offset. */
static size_t cr_pages_pad(loff_t payload_pos, unsigned int n)
{
	loff_t data = payload_pos + CR_PAGES_HDR(n);

	if (n < CR_PAGES_ALIGN_MIN)
		return 0;
	return (CR_PAGE_ALIGN - (data & (CR_PAGE_ALIGN - 1))) &
	       (CR_PAGE_ALIGN - 1);
}

/* Sums the head of a PAGES record: its count and addresses. */
static void cr_sum_pages_head(struct xxh64_state *sum,
			      const struct cr_img_pages *ph, const u64 *addrs)
{
	cr_sum_start(sum);
	cr_sum_add(sum, ph, sizeof(*ph));
	cr_sum_add(sum, addrs, ph->npages * sizeof(u64));
}

/* The record's header and head; data_len bytes of data follow. */
static int cr_write_pages_head(struct cr_stream *s, u16 type,
			       const struct cr_img_pages *ph, const u64 *addrs,
			       u16 flags, size_t data_len, u32 sum)
{
	return cr_write_hdr(s, type, flags,
			    CR_PAGES_HDR(ph->npages) + data_len, sum) ?:
	       cr_write_raw(s, ph, sizeof(*ph)) ?:
	       cr_write_raw(s, addrs, ph->npages * sizeof(u64));
}

static int cr_flush_raw(struct cr_stream *s, const u64 *addrs,
			struct page **pages, struct bio_vec *bv, unsigned int n)
{
	static const u8 zero[CR_PAGE_ALIGN];
	struct cr_img_pages ph = { .npages = n };
	size_t pad = cr_pages_pad(s->pos + sizeof(struct cr_rec), n);
	struct xxh64_state sum;
	unsigned int i;

	cr_sum_pages_head(&sum, &ph, addrs);
	cr_sum_add(&sum, zero, pad);
	for (i = 0; i < n; i++)
		cr_sum_page(&sum, pages[i]);
	return cr_write_pages_head(s, CR_REC_PAGES, &ph, addrs, 0,
				   pad + n * PAGE_SIZE, cr_sum_end(&sum)) ?:
	       cr_write_raw(s, zero, pad) ?:
	       cr_write_pages(s, pages, n, bv);
}

/* Compressed data is not padded for direct I/O: its length is any. */
static int cr_flush_zipped(struct cr_stream *s, const u64 *addrs,
			   unsigned int n, size_t clen)
{
	struct cr_img_pages ph = { .npages = n };
	const void *data = cr_zip_data(s->zip);
	struct xxh64_state sum;

	cr_sum_pages_head(&sum, &ph, addrs);
	cr_sum_add(&sum, data, clen);
	return cr_write_pages_head(s, CR_REC_PAGES, &ph, addrs, CR_RECF_ZSTD,
				   clen, cr_sum_end(&sum)) ?:
	       cr_write_raw(s, data, clen) ?:
	       cr_write_pad(s, CR_REC_ALIGN);
}

/* A PAGES record of n pages (bv: room for n), compressed where it pays. */
int cr_pages_write(struct cr_stream *s, const u64 *addrs,
		   struct page **pages, struct bio_vec *bv, unsigned int n)
{
	ssize_t clen = s->zip ? cr_zip_pages(s->zip, pages, n) : 0;

	if (clen < 0)
		return clen;
	if (clen)
		return cr_flush_zipped(s, addrs, n, clen);
	return cr_flush_raw(s, addrs, pages, bv, n);
}

/* A PAGES_PARENT record: n pages the parent image holds. */
int cr_pages_ref_write(struct cr_stream *s, const u64 *addrs, unsigned int n)
{
	struct cr_img_pages ph = { .npages = n };
	struct xxh64_state sum;

	cr_sum_pages_head(&sum, &ph, addrs);
	return cr_write_pages_head(s, CR_REC_PAGES_PARENT, &ph, addrs, 0, 0,
				   cr_sum_end(&sum)) ?:
	       cr_write_pad(s, CR_REC_ALIGN);
}

/* Each run of pages referred to, or not, as one record. */
int cr_batch_flush(struct cr_stream *s, struct cr_batch *b)
{
	unsigned int i = 0, j;
	int err = 0;

	while (!err && i < b->n) {
		if (test_bit(i, b->ref)) {
			j = find_next_zero_bit(b->ref, b->n, i);
			err = cr_pages_ref_write(s, b->addrs + i, j - i);
		} else {
			j = find_next_bit(b->ref, b->n, i);
			err = cr_pages_write(s, b->addrs + i, b->pages + i,
					     b->bv + i, j - i);
		}
		i = j;
	}
	cr_batch_release(b);
	return err;
}

static int cr_check_addrs(const u64 *addrs, unsigned int n, u64 lo, u64 hi)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!PAGE_ALIGNED(addrs[i]) || addrs[i] < lo ||
		    addrs[i] >= hi || (i && addrs[i] <= addrs[i - 1]))
			return -EBADMSG;
	}
	return 0;
}

/*
 * The head of a PAGES record whose addresses must lie in [lo, hi): the
 * addresses into addrs, the padding (zeros) through scratch.  Leaves the
 * stream at the page data; in->sum covers what was read.
 */
int cr_read_pages_head(struct cr_stream *s, u64 lo, u64 hi, u64 *addrs,
		       u8 *scratch, struct cr_pages_in *in)
{
	struct cr_img_pages ph;
	size_t pad = 0, data, len;
	bool zipped;
	int err;

	err = cr_read_hdr_flags(s, &in->rec, CR_REC_PAGES, CR_RECF_ZSTD,
				CR_PAGES_HDR(CR_PAGES_MAX) + CR_PAGE_ALIGN +
				CR_PAGES_MAX * PAGE_SIZE);
	if (!err)
		err = cr_read_raw(s, &ph, sizeof(ph));
	if (err)
		return err;
	if (!ph.npages || ph.npages > CR_PAGES_MAX || ph.pad)
		return -EBADMSG;
	len = (size_t)ph.npages * PAGE_SIZE;
	zipped = in->rec.flags & CR_RECF_ZSTD;
	if (!zipped)
		pad = cr_pages_pad(s->pos - sizeof(ph), ph.npages);
	if (in->rec.len < CR_PAGES_HDR(ph.npages) + pad)
		return -EBADMSG;
	data = in->rec.len - CR_PAGES_HDR(ph.npages) - pad;
	if (zipped ? !data || data >= len : data != len)
		return -EBADMSG;
	in->n = ph.npages;
	in->clen = zipped ? data : 0;
	err = cr_read_raw(s, addrs, ph.npages * sizeof(u64));
	if (!err)
		err = cr_check_addrs(addrs, ph.npages, lo, hi);
	if (!err)
		err = cr_read_raw(s, scratch, pad);
	if (!err && memchr_inv(scratch, 0, pad))
		err = -EBADMSG;
	if (err)
		return err;
	cr_sum_pages_head(&in->sum, &ph, addrs);
	cr_sum_add(&in->sum, scratch, pad);
	return 0;
}

/*
 * The compressed data of the record whose head in describes, read and
 * checked; *u holds it for cr_unzip().
 */
int cr_read_zipped(struct cr_stream *s, struct cr_pages_in *in,
		   struct cr_unzip **u)
{
	int err;

	*u = cr_unzip_get(&s->unzip);
	if (!*u)
		return -ENOMEM;
	err = cr_read_raw(s, cr_unzip_buf(*u), in->clen) ?:
	      cr_skip_pad(s, CR_REC_ALIGN);
	if (err)
		return err;
	cr_sum_add(&in->sum, cr_unzip_buf(*u), in->clen);
	return cr_sum_end(&in->sum) == in->rec.sum ? 0 : -EBADMSG;
}

/*
 * Reads one PAGES record whose addresses must lie in [lo, hi): the
 * addresses into addrs, the pages into data.  Returns how many.
 */
int cr_read_pages(struct cr_stream *s, u64 lo, u64 hi, u8 *data,
		  u64 *addrs)
{
	struct cr_pages_in in;
	struct cr_unzip *u;
	size_t len;
	int err = cr_read_pages_head(s, lo, hi, addrs, data, &in);

	if (err)
		return err;
	len = (size_t)in.n * PAGE_SIZE;
	if (in.clen) {
		err = cr_read_zipped(s, &in, &u) ?:
		      cr_unzip(u, in.clen, data, len);
		return err ?: in.n;
	}
	err = cr_read_raw(s, data, len);
	if (err)
		return err;
	cr_sum_add(&in.sum, data, len);
	return cr_sum_end(&in.sum) == in.rec.sum ? in.n : -EBADMSG;
}
