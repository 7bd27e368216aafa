/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the test programs in tests/cmd, as tests/lib.sh is by
 * the scripts: cr_ready_wait_go is the other half of its start_ready.
 */
#ifndef CR_TEST_UTIL_H
#define CR_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/*
 * CR_SLOW=N (a slow kernel, tests/vm/vmrun --debug-kernel): how many times
 * longer a program's own timings should be, so that a test still finds it
 * where it expects.
 */
static inline long cr_slow(void)
{
	const char *s = getenv("CR_SLOW");

	return s && atol(s) > 1 ? atol(s) : 1;
}

/* Whether DIR/NAME exists. */
static inline int cr_exists(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Opens DIR/NAME with FLAGS (mode 0644 if created); exits 2 if it cannot. */
static inline int cr_open_in(const char *dir, const char *name, int flags)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags, 0644);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

/* Creates DIR/NAME, empty; exits 2 if it cannot. */
static inline void cr_touch(const char *dir, const char *name)
{
	close(cr_open_in(dir, name, O_WRONLY | O_CREAT | O_TRUNC));
}

/*
 * Says DIR/ready and waits for DIR/go, which the test creates once it has
 * checkpointed.  stdout is flushed first so that the log holds everything
 * up to the checkpoint.
 */
static inline void cr_ready_wait_go(const char *dir)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	fflush(stdout);
	cr_touch(dir, "ready");
	while (!cr_exists(dir, "go"))
		nanosleep(&ts, NULL);
}

/* Sleeps MS milliseconds in full: a signal does not shorten the pause. */
static inline void cr_pause_ms(long ms)
{
	struct timespec d = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
}

/*
 * Writes 0..LIMIT-1 to PATH (emptied first), a line every DELAY_MS (times
 * cr_slow()); a signal does not shorten the pause.  Exits 100 or 101 on an
 * error.  Returns the sum of the numbers, kept in memory as they are
 * written: a restart that lost it gives another.
 */
static inline long cr_count_to(const char *path, long limit, long delay_ms)
{
	char line[32];
	long i, sum = 0;
	int fd, n;

	delay_ms *= cr_slow();
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
	if (fd < 0)
		exit(100);
	for (i = 0; i < limit; i++) {
		n = snprintf(line, sizeof(line), "%ld\n", i);
		if (write(fd, line, n) != n)
			exit(101);
		sum += i;
		cr_pause_ms(delay_ms);
	}
	close(fd);
	return sum;
}

/* The next word of a xorshift64 sequence: cheap reproducible contents. */
static inline uint64_t cr_xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Checksum of N words: FNV-1a-like, with the index mixed in. */
static inline uint64_t cr_sum64(const uint64_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL + i;
	return h;
}

#endif
