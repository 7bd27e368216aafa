/* SPDX-License-Identifier: GPL-2.0-only */
/* cr_track.c: what changed since an address space's last checkpoint. */
#ifndef CR_TRACK_H
#define CR_TRACK_H

#include "cr_pageio.h"

struct cr_track;

/* A process's part in an incremental checkpoint being written. */
struct cr_track_next {
	struct cr_track *t;
	struct xarray *old;	/* the parent's hashes, or NULL: all new */
	struct xarray *hashes;	/* this image's */
};

/* An image: the parent of an incremental one, or one just written. */
struct cr_track_image {
	u64 ident;
	u64 time_ns;		/* its HEADER's */
	u32 depth;		/* images behind it */
	char *path;		/* absolute, or NULL: written to a stream */
};

int cr_track_parent(struct cr_track_image *p);
struct cr_track_next *cr_track_begin(u64 parent);
/*
 * Objects' pages are known by their id and offset: ids below 2^16,
 * offsets below 2^44 (cr_image.h), addresses below 2^47.
 */
#define CR_TRACK_OBJ(id)	((1UL << 63) | ((unsigned long)(id) << 32))

int cr_track_flush(struct cr_track_next *n, struct cr_stream *s,
		   struct cr_batch *b, unsigned long key);
void cr_track_commit(struct cr_track_next *n,
		     const struct cr_track_image *img);
void cr_track_end(struct cr_track_next *n);
void cr_track_exit(void);

#endif /* CR_TRACK_H */
