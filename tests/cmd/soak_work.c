// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Work for the soak test: NT threads each append 0, 1, 2... to DIR/out.T,
 * one line every few ms, and keep a ring of malloc'd buffers of varying
 * sizes, each filled from its sequence number and checked before it is
 * freed.  A thread that finds a buffer changed, or its file offset not
 * where it left it, writes DIR/bad.  Once DIR/stop exists every thread
 * ends; the program exits 0 iff all was well.
 * Usage: soak_work DIR
 */
#include <pthread.h>
#include "../cr_test_util.h"

#define NT	4
#define RING	16

static const char *dir;
static int failed;

static void bad(int t, const char *what, long i)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%.4000s/bad", dir);
	f = fopen(path, "a");
	if (f) {
		fprintf(f, "thread %d: %s at %ld\n", t, what, i);
		fclose(f);
	}
	__atomic_store_n(&failed, 1, __ATOMIC_SEQ_CST);
}

static size_t buf_len(long i)
{
	return 64 + (uint64_t)i * 2654435761u % 65536;
}

static void fill(uint8_t *p, size_t n, long i)
{
	size_t k;

	for (k = 0; k < n; k++)
		p[k] = (uint8_t)(i * 31 + k);
}

static int check(const uint8_t *p, size_t n, long i)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (p[k] != (uint8_t)(i * 31 + k))
			return -1;
	return 0;
}

static void *work(void *arg)
{
	int t = (int)(intptr_t)arg, fd, n;
	struct timespec d = { 0, 5000000 };
	uint8_t *ring[RING] = { 0 };
	char path[4096], line[32];
	long i;

	snprintf(path, sizeof(path), "%.4000s/out.%d", dir, t);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		bad(t, "open", 0);
		return NULL;
	}
	for (i = 0; !cr_exists(dir, "stop"); i++) {
		uint8_t **slot = &ring[i % RING];

		if (*slot && check(*slot, buf_len(i - RING), i - RING))
			bad(t, "buffer changed", i - RING);
		free(*slot);
		*slot = malloc(buf_len(i));
		if (!*slot) {
			bad(t, "malloc", i);
			break;
		}
		fill(*slot, buf_len(i), i);
		if (lseek(fd, 0, SEEK_CUR) != lseek(fd, 0, SEEK_END))
			bad(t, "file offset", i);
		n = snprintf(line, sizeof(line), "%ld\n", i);
		if (write(fd, line, n) != n)
			bad(t, "write", i);
		nanosleep(&d, NULL);
	}
	for (i = 0; i < RING; i++)
		free(ring[i]);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NT];
	int t;

	cr_start(argc, argv, 1, "DIR");
	dir = argv[1];
	for (t = 0; t < NT; t++)
		if (pthread_create(&th[t], NULL, work, (void *)(intptr_t)t))
			return 3;
	for (t = 0; t < NT; t++)
		pthread_join(th[t], NULL);
	return __atomic_load_n(&failed, __ATOMIC_SEQ_CST) ? 1 : 0;
}
