// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The copy floor for the benchmark (tests/bench.sh): writes MIB mebibytes of
 * dirty anonymous memory to FILE with write(2), then reads FILE back into
 * fresh anonymous memory with read(2), and prints both wall times:
 *   write_ms N read_ms N
 * A checkpoint cannot save that memory faster than the write, nor a restart
 * bring it back faster than the read.  FILE is removed at the end.
 * Usage: bench_limit FILE MIB
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1UL << 20)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *map_anon(size_t bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL, *w;
	size_t bytes, off, i;
	double t0, tw, tr;
	char *p;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_limit FILE MIB\n");
		return 2;
	}
	bytes = strtoul(argv[2], NULL, 0) << 20;
	p = map_anon(bytes);
	/* Incompressible data, like the workload's. */
	for (w = (uint64_t *)p, i = 0; i < bytes / 8; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		w[i] = s;
	}

	t0 = now_ms();
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die(argv[1]);
	for (off = 0; off < bytes; off += CHUNK)
		if (write(fd, p + off, CHUNK) != (ssize_t)CHUNK)
			die("write");
	if (close(fd))
		die("close");
	tw = now_ms() - t0;

	/* Free the source first: the guest's RAM also holds the file. */
	munmap(p, bytes);
	t0 = now_ms();
	p = map_anon(bytes);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		die(argv[1]);
	for (off = 0; off < bytes; off += CHUNK)
		if (read(fd, p + off, CHUNK) != (ssize_t)CHUNK)
			die("read");
	close(fd);
	tr = now_ms() - t0;

	unlink(argv[1]);
	printf("write_ms %.0f read_ms %.0f\n", tw, tr);
	return 0;
}
