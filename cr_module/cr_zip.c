// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page data compressed with the kernel's zstd (cr_checkpoint --compress),
 * one PAGES record at a time so that the stream stays sequential, and
 * inflated again at restart.  zstd at level 1 rather than lz4: on the
 * host, in 1 MiB blocks, zstd -1 made arrays of doubles 1.14x smaller
 * where lz4 gained nothing, and text 7.6x against 4.5x, both at about
 * 400 MB/s or more.  Kernels built without the compressor (debug ones)
 * still restart compressed files: decompression is always built in.
 */
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/zstd.h>

#include "cr_base.h"
#include "cr_zip.h"

#define CR_ZIP_LEVEL	1
#define CR_ZIP_MAX	(CR_PAGES_MAX * PAGE_SIZE)

#if IS_ENABLED(CONFIG_ZSTD_COMPRESS)
/* Compressed data not below 31/32 of the raw is not worth the reads. */
static bool cr_zip_worth(size_t clen, size_t len)
{
	return clen < len - len / 32;
}

struct cr_zip {
	zstd_cctx *cctx;
	zstd_parameters params;		/* for a whole record */
	zstd_parameters sample;		/* for one page */
	void *ws;
	void *out;
	size_t cap;
};

void cr_zip_free(struct cr_zip *z)
{
	if (!z)
		return;
	kvfree(z->ws);
	kvfree(z->out);
	kfree(z);
}

struct cr_zip *cr_zip_new(void)
{
	struct cr_zip *z = kzalloc(sizeof(*z), GFP_KERNEL);
	size_t wsz;

	if (!z)
		return ERR_PTR(-ENOMEM);
	z->params = zstd_get_params(CR_ZIP_LEVEL, CR_ZIP_MAX);
	z->sample = zstd_get_params(CR_ZIP_LEVEL, PAGE_SIZE);
	wsz = zstd_cctx_workspace_bound(&z->params.cParams);
	z->cap = zstd_compress_bound(CR_ZIP_MAX);
	z->ws = kvmalloc(wsz, GFP_KERNEL);
	z->out = kvmalloc(z->cap, GFP_KERNEL);
	if (z->ws && z->out)
		z->cctx = zstd_init_cctx(z->ws, wsz);
	if (!z->cctx) {
		cr_zip_free(z);
		return ERR_PTR(-ENOMEM);
	}
	return z;
}

/*
 * Whether the first page compresses: random data (already compressed
 * files, encrypted buffers) is then not tried whole, so that it costs a
 * page's compression per record rather than the record's.
 */
static bool cr_zip_sample(struct cr_zip *z, struct page *page)
{
	void *p = kmap_local_page(page);
	size_t ret = zstd_compress_cctx(z->cctx, z->out, z->cap, p, PAGE_SIZE,
					&z->sample);

	kunmap_local(p);
	return !zstd_is_error(ret) && cr_zip_worth(ret, PAGE_SIZE);
}

/*
 * The n pages compressed into cr_zip_data(): their length, or 0 if they
 * are better written as they are.
 */
ssize_t cr_zip_pages(struct cr_zip *z, struct page **pages, unsigned int n)
{
	size_t len = (size_t)n * PAGE_SIZE, ret;
	void *src;

	if (!n || n > CR_PAGES_MAX || !cr_zip_sample(z, pages[0]))
		return 0;
	src = vmap(pages, n, VM_MAP, PAGE_KERNEL_RO);
	if (!src)
		return -ENOMEM;
	ret = zstd_compress_cctx(z->cctx, z->out, z->cap, src, len,
				 &z->params);
	vunmap(src);
	if (zstd_is_error(ret) || !cr_zip_worth(ret, len))
		return 0;
	return ret;
}

const void *cr_zip_data(const struct cr_zip *z)
{
	return z->out;
}
#else
struct cr_zip *cr_zip_new(void)
{
	return ERR_PTR(-EOPNOTSUPP);
}

void cr_zip_free(struct cr_zip *z)
{
}

ssize_t cr_zip_pages(struct cr_zip *z, struct page **pages, unsigned int n)
{
	return 0;
}

const void *cr_zip_data(const struct cr_zip *z)
{
	return NULL;
}
#endif /* CONFIG_ZSTD_COMPRESS */

struct cr_unzip {
	zstd_dctx *dctx;
	void *ws;
	void *in;		/* a record's compressed data */
};

void cr_unzip_free(struct cr_unzip *u)
{
	if (!u)
		return;
	kvfree(u->ws);
	kvfree(u->in);
	kfree(u);
}

/* *u, made on first use: most context files have no compressed record. */
struct cr_unzip *cr_unzip_get(struct cr_unzip **u)
{
	size_t wsz = zstd_dctx_workspace_bound();
	struct cr_unzip *n;

	if (*u)
		return *u;
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return NULL;
	n->ws = kvmalloc(wsz, GFP_KERNEL);
	n->in = kvmalloc(CR_ZIP_MAX, GFP_KERNEL);
	if (n->ws && n->in)
		n->dctx = zstd_init_dctx(n->ws, wsz);
	if (!n->dctx) {
		cr_unzip_free(n);
		return NULL;
	}
	*u = n;
	return n;
}

/* Where the compressed data goes, up to CR_PAGES_MAX pages of it. */
void *cr_unzip_buf(struct cr_unzip *u)
{
	return u->in;
}

/*
 * Inflates clen bytes of cr_unzip_buf() into exactly len bytes at dst:
 * data that would inflate to more, or to less, is refused.
 */
int cr_unzip(struct cr_unzip *u, size_t clen, void *dst, size_t len)
{
	size_t ret = zstd_decompress_dctx(u->dctx, dst, len, u->in, clen);

	return zstd_is_error(ret) || ret != len ? -EBADMSG : 0;
}

int cr_unzip_pages(struct cr_unzip *u, size_t clen, struct page **pages,
		   unsigned int n)
{
	void *dst = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	int err;

	if (!dst)
		return -ENOMEM;
	err = cr_unzip(u, clen, dst, (size_t)n * PAGE_SIZE);
	vunmap(dst);
	return err;
}
