/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chains of incremental images (include/blcr/cr_image.h, PARENT): finding
 * an image's parents, checking them, and resolving the pages they hold;
 * writing the merged (full) stream and the difference of two images.
 * Used by cr_restart, cr_merge and cr_diff.
 */
#ifndef CR_CHAIN_H
#define CR_CHAIN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cr_image_read.h"

/* Where one page of a process (pid) or an object (obj) is kept. */
struct cr_page_ent {
	int32_t pid;		/* 0 for an object's page */
	uint32_t obj;
	uint64_t addr;		/* or the offset in the object */
	uint32_t img;		/* the chain's image that holds its data */
	bool zipped;		/* in a compressed record: */
	uint16_t zpages;	/* of zpages pages, its page zindex, */
	uint16_t zindex;
	uint32_t zlen;		/* its zstd frame zlen bytes at off */
	uint64_t off;		/* the data's offset in that file */
};

struct cr_chain_img {
	char *path;
	int fd;
	uint64_t ident;		/* as computed */
	uint64_t time_ns;
	uint32_t depth;		/* images behind it */
	bool precopy;		/* a live checkpoint's pre-copy */
};

/* Where the pages of the records of an image being read belong. */
struct cr_sect {
	int32_t pid;		/* the process being read */
	int32_t key_pid;	/* the pages': a process's, or 0 */
	uint32_t key_obj;	/* or an object's */
	uint32_t kind;		/* a mapping's enum cr_vma_kind, or 0 */
	uint64_t start;		/* the mapping or object: [start, end) */
	uint64_t next, end;	/* the next page may lie in [next, end) */
	bool pages_ok;
};

/* A PAGES or PAGES_PARENT record, as read in its cr_img_in. */
struct cr_pages_view {
	uint32_t n;
	const uint64_t *addr;
	const uint8_t *data;	/* plain PAGES: the first page's data */
	uint64_t data_off;	/* its offset in the stream */
	bool zipped;
	uint32_t zlen;		/* compressed: the frame's bytes */
};

/* The next record, which must exist: 0, or -1 with in->why. */
int cr_chain_next(struct cr_img_in *in);
/*
 * Follows the record just read (s zeroed before the first): the process,
 * mapping or object its pages, if it is a page record, belong to.  0, or
 * -1 with in->why.
 */
int cr_sect_follow(struct cr_sect *s, struct cr_img_in *in);
/*
 * The page record just read (after cr_sect_follow), its addresses
 * checked against its mapping or object and the records before.  0, or
 * -1 with in->why.
 */
int cr_sect_pages(struct cr_sect *s, struct cr_img_in *in,
		  struct cr_pages_view *v);
/*
 * Inflates a compressed record's zstd frame of zlen bytes into its
 * npages pages at dst: NULL, or what is wrong with it.
 */
const char *cr_pages_inflate(void *dst, uint32_t npages, const void *src,
			     size_t zlen);

/* The images of a chain, oldest (the full one) first. */
struct cr_chain {
	struct cr_chain_img *img;
	unsigned int n;
	struct cr_page_ent *page;	/* the newest image's pages, sorted */
	size_t npages;
	uint8_t *buf;		/* a record being written, and pages read */
	uint8_t *zin, *zout;	/* a compressed record read, inflated */
	uint32_t zimg;		/* which: zout holds image zimg's at zoff */
	uint64_t zoff;
	uint64_t pages_kept;	/* cr_chain_diff: pages written */
	uint64_t pages_ref;	/* and pages referred to */
	int write_err;		/* errno of a failed write */
	int open_err;		/* errno of a parent that cannot be opened */
	char why[PATH_MAX + 256];	/* what is wrong, when a call fails */
};

/*
 * The image at path and the images behind it, each checked whole (record
 * checksums, its identity against the one its child recorded) and its
 * pages resolved.  want is the identity path must have (0: any); a
 * parent with a relative path is looked for next to its child, or in
 * parent_dir (by its name) when that is set.  0, or -1 with c->why;
 * cr_chain_close() after either.
 */
int cr_chain_open(struct cr_chain *c, const char *path, uint64_t want,
		  const char *parent_dir);
void cr_chain_close(struct cr_chain *c);
/*
 * Where the parent that the image at child names name is: relative to
 * child's directory, or parent_dir/(name's last component) when
 * parent_dir is set; child itself for "" (a live checkpoint's pre-copy).
 * malloc'd; NULL when out of memory.
 */
char *cr_chain_path(const char *child, const char *name,
		    const char *parent_dir);

/* 1 if the file at fd (from its offset) is incremental or live; 0 if
 * not or if it cannot be read without consuming it (a pipe). */
int cr_chain_incremental(int fd);

/*
 * Reads an image's first records up to its PARENT: 1 and *p (and the
 * path, malloc'd, in *ppath) if it is incremental, 0 if full, -1 with
 * in->why.  in is left after HEADER and PARENT.  A live checkpoint's
 * pre-copy is read past: in then begins at the image after it, whose
 * parent's path is "" (cr_chain_path() makes it the same file).
 */
int cr_chain_parent(struct cr_img_in *in, struct cr_img_header *hdr,
		    struct cr_img_parent *p, char **ppath);

/*
 * Writes to out the full image of the incremental image read from in
 * (after cr_chain_parent), its parents' pages taken from c; with out->f
 * NULL, only checks that it can.  0, or -1 with c->why.
 */
int cr_chain_merge(struct cr_chain *c, struct cr_img_in *in,
		   const struct cr_img_header *hdr, struct cr_img_out *out);

/*
 * Writes to out the image read from in (full, after cr_chain_parent) as
 * an incremental image whose parent is c's newest image, named
 * parent_path in its PARENT record: its pages that the parent holds
 * unchanged become references.  0, or -1 with c->why.
 */
int cr_chain_diff(struct cr_chain *c, struct cr_img_in *in,
		  const struct cr_img_header *hdr, const char *parent_path,
		  struct cr_img_out *out);

#endif /* CR_CHAIN_H */
