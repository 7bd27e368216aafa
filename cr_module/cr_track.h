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
int cr_track_flush(struct cr_track_next *n, struct cr_stream *s,
		   struct cr_batch *b);
void cr_track_commit(struct cr_track_next *n,
		     const struct cr_track_image *img);
void cr_track_end(struct cr_track_next *n);
void cr_track_exit(void);

#endif /* CR_TRACK_H */
