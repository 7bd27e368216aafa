// SPDX-License-Identifier: GPL-2.0-only
/*
 * PAGES records (include/cr_image.h): a head with the pages' addresses
 * (or file offsets), zeros up to a CR_PAGE_ALIGN offset for big records,
 * then the pages themselves.
 */
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

int cr_batch_flush(struct cr_stream *s, struct cr_batch *b)
{
	static const u8 zero[CR_PAGE_ALIGN];
	struct cr_img_pages ph = { .npages = b->n };
	size_t pad = cr_pages_pad(s->pos + sizeof(struct cr_rec), b->n);
	struct xxh64_state sum;
	unsigned int i;
	int err;

	cr_sum_start(&sum);
	cr_sum_add(&sum, &ph, sizeof(ph));
	cr_sum_add(&sum, b->addrs, b->n * sizeof(u64));
	cr_sum_add(&sum, zero, pad);
	for (i = 0; i < b->n; i++)
		cr_sum_page(&sum, b->pages[i]);
	err = cr_write_hdr(s, CR_REC_PAGES,
			   CR_PAGES_HDR(b->n) + pad + b->n * PAGE_SIZE,
			   cr_sum_end(&sum));
	if (!err)
		err = cr_write_raw(s, &ph, sizeof(ph));
	if (!err)
		err = cr_write_raw(s, b->addrs, b->n * sizeof(u64));
	if (!err)
		err = cr_write_raw(s, zero, pad);
	if (!err)
		err = cr_write_pages(s, b->pages, b->n, b->bv);
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
 * stream at the page data; sum covers what was read.  Returns the count.
 */
int cr_read_pages_head(struct cr_stream *s, u64 lo, u64 hi, u64 *addrs,
		       u8 *scratch, struct cr_rec *rec,
		       struct xxh64_state *sum)
{
	struct cr_img_pages ph;
	size_t pad;
	int err;

	err = cr_read_hdr(s, rec, CR_REC_PAGES, CR_PAGES_HDR(CR_PAGES_MAX) +
			  CR_PAGE_ALIGN + CR_PAGES_MAX * PAGE_SIZE);
	if (!err)
		err = cr_read_raw(s, &ph, sizeof(ph));
	if (err)
		return err;
	if (!ph.npages || ph.npages > CR_PAGES_MAX || ph.pad)
		return -EBADMSG;
	pad = cr_pages_pad(s->pos - sizeof(ph), ph.npages);
	if (rec->len != CR_PAGES_HDR(ph.npages) + pad +
	    ph.npages * PAGE_SIZE)
		return -EBADMSG;
	err = cr_read_raw(s, addrs, ph.npages * sizeof(u64));
	if (!err)
		err = cr_check_addrs(addrs, ph.npages, lo, hi);
	if (!err)
		err = cr_read_raw(s, scratch, pad);
	if (!err && memchr_inv(scratch, 0, pad))
		err = -EBADMSG;
	if (err)
		return err;
	cr_sum_start(sum);
	cr_sum_add(sum, &ph, sizeof(ph));
	cr_sum_add(sum, addrs, ph.npages * sizeof(u64));
	cr_sum_add(sum, scratch, pad);
	return ph.npages;
}

/*
 * Reads one PAGES record whose addresses must lie in [lo, hi): the
 * addresses into addrs, the pages into data.  Returns how many.
 */
int cr_read_pages(struct cr_stream *s, u64 lo, u64 hi, u8 *data,
		  u64 *addrs)
{
	struct xxh64_state sum;
	struct cr_rec rec;
	int err, n = cr_read_pages_head(s, lo, hi, addrs, data, &rec, &sum);

	if (n < 0)
		return n;
	err = cr_read_raw(s, data, n * PAGE_SIZE);
	if (err)
		return err;
	cr_sum_add(&sum, data, n * PAGE_SIZE);
	return cr_sum_end(&sum) == rec.sum ? n : -EBADMSG;
}
