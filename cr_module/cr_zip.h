/* SPDX-License-Identifier: GPL-2.0-only */
/* cr_zip.c: page data compressed with the kernel's zstd, and inflated. */
#ifndef CR_ZIP_H
#define CR_ZIP_H

#include <linux/mm_types.h>

struct cr_zip;
struct cr_unzip;

struct cr_zip *cr_zip_new(void);
void cr_zip_free(struct cr_zip *z);
ssize_t cr_zip_pages(struct cr_zip *z, struct page **pages, unsigned int n);
const void *cr_zip_data(const struct cr_zip *z);

struct cr_unzip *cr_unzip_get(struct cr_unzip **u);
void cr_unzip_free(struct cr_unzip *u);
void *cr_unzip_buf(struct cr_unzip *u);
int cr_unzip(struct cr_unzip *u, size_t clen, void *dst, size_t len);
int cr_unzip_pages(struct cr_unzip *u, size_t clen, struct page **pages,
		   unsigned int n);

#endif /* CR_ZIP_H */
