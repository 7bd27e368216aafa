/* SPDX-License-Identifier: GPL-2.0-only */
/* cr_io.c: the records of a context file, read and written in order. */
#ifndef CR_IO_H
#define CR_IO_H

#include <linux/bvec.h>

#include "cr_base.h"
#include "cr_zip.h"

/* Sequential access to a context file: no seeks, position tracked here. */
struct cr_stream {
	struct file *file;
	loff_t pos;
	u64 nrecords;
	u64 ident;		/* checkpoint: the image's identity so far */
	struct cr_rec peek;	/* read ahead by cr_peek_type() */
	bool peeked;
	bool stop;		/* the request ended: write no more */
	struct cr_zip *zip;	/* checkpoint: compress pages (or NULL) */
	struct cr_unzip *unzip;	/* restart: made for the first compressed */
};

int cr_write_raw(struct cr_stream *s, const void *buf, size_t len);
int cr_write_pages(struct cr_stream *s, struct page **pages, unsigned int n,
		   struct bio_vec *bv);
int cr_write_hdr(struct cr_stream *s, u16 type, u16 flags, u64 len,
		 u32 sum);
int cr_write_pad(struct cr_stream *s, size_t align);
int cr_write_rec(struct cr_stream *s, u16 type, const void *buf, size_t len);
int cr_read_raw(struct cr_stream *s, void *buf, size_t len);
int cr_pread_pages(struct file *f, loff_t *pos, struct page **pages,
		   unsigned int n, struct bio_vec *bv);
int cr_skip_pad(struct cr_stream *s, size_t align);
int cr_peek_type(struct cr_stream *s);
int cr_read_hdr_flags(struct cr_stream *s, struct cr_rec *rec, u16 type,
		      u16 flags_ok, u64 maxlen);
int cr_read_hdr(struct cr_stream *s, struct cr_rec *rec, u16 type,
		u64 maxlen);
void *cr_read_rec(struct cr_stream *s, u16 type, size_t minlen,
		  size_t maxlen, size_t *lenp);
int cr_read_fixed(struct cr_stream *s, u16 type, void *buf, size_t len);

#endif /* CR_IO_H */
