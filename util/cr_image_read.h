/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A context file's record framing (include/blcr/cr_image.h) read in
 * userspace, as cr_module/cr_io.c writes it, and written: for cr_info,
 * the chain tools and the tests' fuzzer.
 */
#ifndef CR_IMAGE_READ_H
#define CR_IMAGE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <blcr/cr_image.h>

/* A record checksum, as the module makes it: xxh64 (seed 0), low 32 bits. */
uint32_t cr_img_sum(const void *buf, size_t len);
/* Bytes from pos to the next multiple of align (a power of two). */
size_t cr_img_pad(uint64_t pos, size_t align);
/* A PAGES record's zeros before its page data, which would start at pos. */
size_t cr_img_data_pad(uint64_t npages, uint64_t pos);
/* "PROCTAB", or NULL for a type that is not in the format. */
const char *cr_img_type_name(unsigned int type);

/* A context file read record by record, never seeking: it may be a pipe. */
struct cr_img_in {
	FILE *f;
	uint64_t pos;		/* stream bytes read */
	uint64_t nrec;		/* records begun: the current one is nrec - 1 */
	uint64_t rec_pos;	/* the current record's offset */
	struct cr_rec rec;	/* its header */
	uint64_t ident;		/* the image's identity so far (cr_image.h) */
	uint8_t *buf;		/* its payload, rec.len bytes */
	size_t cap;
	bool skim;		/* a PAGES record's data skipped (a file) */
	char why[256];		/* what is wrong, when cr_img_next fails */
};

/*
 * Reads the next record whole, its header and payload checked against
 * their checksums and its length against maxlen: 1, or 0 at the end of
 * the file between records, or -1 with in->why.  With in->skim, a PAGES
 * record's payload is read only up to its page data, unchecked.
 */
int cr_img_next(struct cr_img_in *in, uint64_t maxlen);
/*
 * The head of the PAGES or PAGES_PARENT record just read: its page count,
 * the bytes of count and addresses, and the zeros after them (plain data
 * only), its length checked against them (cr_image.h).  0, or -1 with
 * in->why.
 */
int cr_img_pages_head(struct cr_img_in *in, uint32_t *npages, size_t *head,
		      size_t *pad);
/*
 * After a live checkpoint's pre-copy, its END just read: reads the zeros
 * up to the next CR_PAGE_ALIGN offset, and in begins again, as a stream
 * of its own, with the image that follows.  0, or -1 with in->why.
 */
int cr_img_after_precopy(struct cr_img_in *in);
/* Sets in->why; returns -1. */
__attribute__((format(printf, 2, 3)))
int cr_img_fail(struct cr_img_in *in, const char *fmt, ...);

/* A context file written record by record. */
struct cr_img_out {
	FILE *f;		/* NULL: only counted */
	uint64_t pos;		/* stream bytes written */
	uint64_t nrec;		/* records written */
	uint64_t ident;		/* the image's identity so far (cr_image.h) */
};

/* Writes a record with its checksums: 0, or -1 with errno. */
int cr_img_put(struct cr_img_out *out, uint16_t type, uint16_t flags,
	       const void *payload, size_t len);
/* Writes the END record that counts the others, and flushes. */
int cr_img_put_end(struct cr_img_out *out);

#endif /* CR_IMAGE_READ_H */
