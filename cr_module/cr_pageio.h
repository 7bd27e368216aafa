/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cr_pageio.c: PAGES records, for vmadump's mappings and the files saved
 * by value alike.
 */
#ifndef CR_PAGEIO_H
#define CR_PAGEIO_H

#include "cr_io.h"

/*
 * Pages on their way to a PAGES record, with their addresses or offsets;
 * those marked in ref go to a PAGES_PARENT record instead (the parent
 * image holds them).
 */
struct cr_batch {
	unsigned int n;
	u64 addrs[CR_PAGES_MAX];
	struct page *pages[CR_PAGES_MAX];
	struct bio_vec bv[CR_PAGES_MAX];
	DECLARE_BITMAP(ref, CR_PAGES_MAX);
};

/* The head of a PAGES record read, for its data to be read next. */
struct cr_pages_in {
	struct cr_rec rec;
	struct xxh64_state sum;	/* of what was read */
	unsigned int n;
	size_t clen;		/* compressed data bytes, or 0: n pages */
};

bool cr_page_is_zero(struct page *page);
void cr_sum_page(struct xxh64_state *sum, struct page *page);
void cr_batch_release(struct cr_batch *b);
int cr_pages_write(struct cr_stream *s, const u64 *addrs,
		   struct page **pages, struct bio_vec *bv, unsigned int n);
int cr_pages_ref_write(struct cr_stream *s, const u64 *addrs, unsigned int n);
int cr_batch_flush(struct cr_stream *s, struct cr_batch *b);
int cr_read_pages_head(struct cr_stream *s, u64 lo, u64 hi, u64 *addrs,
		       u8 *scratch, struct cr_pages_in *in);
int cr_read_zipped(struct cr_stream *s, struct cr_pages_in *in,
		   struct cr_unzip **u);
int cr_read_pages(struct cr_stream *s, u64 lo, u64 hi, u8 *data,
		  u64 *addrs);

#endif /* CR_PAGEIO_H */
