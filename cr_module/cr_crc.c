// SPDX-License-Identifier: GPL-2.0-only
/*
 * The crc32c of every record, by the fastest of the kernel's crc32c
 * drivers here.  That is not always the one the crypto API ranks first:
 * under emulation (qemu's TCG) the table-driven C code runs about three
 * times as fast as the emulated crc32 and pclmul instructions of
 * crc32c-intel, and checksumming is a pass over every page saved.
 */
#include <crypto/hash.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "cr_internal.h"

#define CR_CRC_PROBE	(64 * 1024)

static struct crypto_shash *cr_crc_tfm;

static u32 cr_crc_with(struct crypto_shash *tfm, u32 crc, const void *buf,
		       size_t len)
{
	SHASH_DESC_ON_STACK(desc, tfm);

	desc->tfm = tfm;
	*(u32 *)shash_desc_ctx(desc) = crc;
	/* crc32c's update cannot fail: it has no key and no limits. */
	crypto_shash_update(desc, buf, len);
	return *(u32 *)shash_desc_ctx(desc);
}

u32 cr_crc(u32 crc, const void *buf, size_t len)
{
	return cr_crc_with(cr_crc_tfm, crc, buf, len);
}

/* The best of three runs over buf, in ns. */
static u64 cr_crc_time(struct crypto_shash *tfm, const void *buf)
{
	u64 best = U64_MAX, t;
	int i;

	for (i = 0; i < 3; i++) {
		t = ktime_get_ns();
		cr_crc_with(tfm, ~0, buf, CR_CRC_PROBE);
		best = min(best, ktime_get_ns() - t);
	}
	return best;
}

int cr_crc_init(void)
{
	struct crypto_shash *generic;
	void *buf;

	cr_crc_tfm = crypto_alloc_shash("crc32c", 0, 0);
	if (IS_ERR(cr_crc_tfm))
		return PTR_ERR(cr_crc_tfm);
	generic = crypto_alloc_shash("crc32c-generic", 0, 0);
	buf = kmalloc(CR_CRC_PROBE, GFP_KERNEL);
	if (!IS_ERR(generic) && buf) {
		memset(buf, 0x5a, CR_CRC_PROBE);
		if (cr_crc_time(generic, buf) < cr_crc_time(cr_crc_tfm, buf))
			swap(generic, cr_crc_tfm);
	}
	kfree(buf);
	if (!IS_ERR(generic))
		crypto_free_shash(generic);
	return 0;
}

void cr_crc_exit(void)
{
	crypto_free_shash(cr_crc_tfm);
}

const char *cr_crc_driver(void)
{
	return crypto_shash_driver_name(cr_crc_tfm);
}
