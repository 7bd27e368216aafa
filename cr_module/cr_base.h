/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bottom layer: what every part of the module may call, calling
 * nothing of the module itself (scripts/check-layers).
 */
#ifndef CR_BASE_H
#define CR_BASE_H

#include <linux/fs.h>
#include <linux/xxhash.h>

#include "cr_abi.h"
#include "cr_image.h"

#define CR_MSG_LEN		256

/* What a request reports back: an errno and one line for the user. */
struct cr_status {
	int result;
	char msg[CR_MSG_LEN];
};

__printf(3, 4) int cr_fail(struct cr_status *st, int err,
			   const char *fmt, ...);

/*
 * A record's checksum: the low 32 bits of its xxh64 (seed 0).  One load
 * per 8 bytes; the table-driven crc32c of formats 1 to 5 made nine, and
 * under emulation it was the costliest pass over the pages.
 */
static inline void cr_sum_start(struct xxh64_state *st)
{
	xxh64_reset(st, 0);
}

static inline void cr_sum_add(struct xxh64_state *st, const void *buf,
			      size_t len)
{
	/* It fails only for a NULL buf; ours never are. */
	xxh64_update(st, buf, len);
}

static inline u32 cr_sum_end(const struct xxh64_state *st)
{
	return (u32)xxh64_digest(st);
}

static inline u32 cr_sum(const void *buf, size_t len)
{
	return (u32)xxh64(buf, len, 0);
}

void *cr_grow(void **arr, unsigned int *n, unsigned int *cap, size_t size,
	      unsigned int limit);

/* The first of the n elements of arr whose field is key, or NULL. */
#define cr_find_by(arr, n, field, key)					\
({									\
	typeof(&(arr)[0]) __found = NULL;				\
	unsigned int __i;						\
									\
	for (__i = 0; !__found && __i < (n); __i++)			\
		if ((arr)[__i].field == (key))				\
			__found = &(arr)[__i];				\
	__found;							\
})

bool cr_path_ok(const char *path, u32 len);
int cr_file_path_of(const struct path *path, char *buf, u32 *len);
int cr_file_path(struct file *f, char *buf, u32 *len);
int cr_make_parents(const char *path);
void cr_unmake(struct file *f);
void cr_inherit_fd(struct file *f, struct cr_img_fd *e);
struct file *cr_shared_file(struct file *f, const struct cr_img_fd *e);
struct file *cr_seek(struct file *f, const struct cr_img_fd *e,
		     struct cr_status *st);
struct socket;
int cr_send_all(struct socket *from, void *data, size_t len);
struct task_struct;
bool cr_may_checkpoint(struct task_struct *t);

/* cr_testing.c */
#ifdef CR_TEST_IOCTLS
long cr_test_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
void cr_test_write_delay(void);
#else
static inline long cr_test_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	return -ENOTTY;
}

static inline void cr_test_write_delay(void)
{
}
#endif

#endif /* CR_BASE_H */
