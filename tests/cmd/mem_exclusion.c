// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory that a context file should not carry.  Usage: mem_exclusion DIR MODE
 *   anon     1 GiB MAP_NORESERVE anonymous mapping (MADV_NOHUGEPAGE), 10 MiB
 *            of it written with a pattern, 100 MiB more only read (zero
 *            page); after restart the pattern is intact and every other page
 *            reads as zero.
 *   anon_thp the same with the default transparent huge page policy.
 *   file     DIR/data (200 MiB, written here) mapped PROT_READ MAP_PRIVATE and
 *            fully read; after restart the mapping still holds the file.
 *   nofile   same as file but without the mapping (size reference).
 *   private  DIR/priv (4 MiB) mapped PROT_READ|PROT_WRITE MAP_PRIVATE, a few
 *            pages modified; after restart they hold the modified bytes while
 *            the file keeps the old ones, and the other pages show the file.
 * Creates DIR/ready when set up, waits for DIR/go, verifies, exits 0 iff right.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../cr_test_util.h"

#define PG 4096UL
#define MIB (1024UL * 1024)

static const char *dir;
static int errors;

#define BAD(...) do { printf("mem_exclusion: " __VA_ARGS__); putchar('\n'); errors++; } while (0)

static char *path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

/* The value of 64-bit word i of page pg in a pattern. */
static uint64_t pat(uint64_t tag, size_t pg, size_t i)
{
	uint64_t x = tag ^ (pg * 0x9e3779b97f4a7c15ULL) ^ (i * 0xbf58476d1ce4e5b9ULL);

	x ^= x >> 31;
	return x ? x : 1;
}

static void fill_page(void *p, uint64_t tag, size_t pg)
{
	uint64_t *w = p;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		w[i] = pat(tag, pg, i);
}

static int check_page(const void *p, uint64_t tag, size_t pg)
{
	const uint64_t *w = p;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		if (w[i] != pat(tag, pg, i))
			return 0;
	return 1;
}

static int zero_page(const void *p)
{
	const uint64_t *w = p;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		if (w[i])
			return 0;
	return 1;
}

/* anon: pages [0, 1280) and every 64th page in [1280+25600, 262144) up to
 * 10 MiB in all are written; [2560, 2560+25600) are only read. */
static int anon_written(size_t pg)
{
	if (pg < 1280)
		return 1;
	return pg >= 30000 && (pg - 30000) % 64 == 0 && (pg - 30000) / 64 < 1280;
}

static int do_anon(int thp)
{
	size_t len = 1024 * MIB, npg = len / PG, pg, written = 0, checked = 0;
	volatile uint64_t sink = 0;
	char *m;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	/* page granularity: no transparent huge pages (see anon_thp) */
	if (!thp && cr_have_thp() && madvise(m, len, MADV_NOHUGEPAGE)) {
		perror("madvise");
		return 2;
	}
	for (pg = 0; pg < npg; pg++)
		if (anon_written(pg)) {
			fill_page(m + pg * PG, 0xa11ce, pg);
			written++;
		}
	for (pg = 2560; pg < 2560 + 25600; pg++)	/* 100 MiB read only */
		sink += *(volatile uint64_t *)(m + pg * PG);
	printf("mem_exclusion: anon: 1 GiB at %p, %zu pages written, 100 MiB read\n",
	       (void *)m, written);
	cr_ready_wait_go(dir);
	for (pg = 0; pg < npg; pg++) {
		char *p = m + pg * PG;

		if (anon_written(pg)) {
			if (!check_page(p, 0xa11ce, pg))
				BAD("anon: written page %zu lost its pattern", pg);
			checked++;
		} else if (pg < 32768 || pg % 7 == 0 || anon_written(pg - 1) ||
			   anon_written(pg + 1)) {
			/* all pages near the written ones, 1/7 elsewhere */
			if (!zero_page(p))
				BAD("anon: untouched page %zu is not zero", pg);
			checked++;
		} else if (*(uint64_t *)p || *(uint64_t *)(p + PG - 8)) {
			BAD("anon: untouched page %zu is not zero", pg);
		}
		if (errors > 10)
			break;
	}
	printf("mem_exclusion: anon: %zu pages fully checked\n", checked);
	return errors ? 1 : 0;
}

/* Creates NAME of LEN bytes with pattern TAG through write(). */
static int make_file(const char *name, size_t len, uint64_t tag)
{
	static uint64_t buf[256 * 1024 / 8];
	size_t off, i;
	int fd;

	fd = open(path(name), O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(path(name));
		exit(2);
	}
	for (off = 0; off < len; off += sizeof(buf)) {
		for (i = 0; i < sizeof(buf) / PG; i++)
			fill_page((char *)buf + i * PG, tag, off / PG + i);
		if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
			perror("write");
			exit(2);
		}
	}
	return fd;
}

static int do_file(int map)
{
	size_t len = 200 * MIB;
	uint64_t h0, h;
	char *m = NULL;
	int fd;

	fd = make_file("data", len, 0xf11e);
	if (map) {
		m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			perror("mmap");
			return 2;
		}
		h0 = cr_sum64((uint64_t *)m, len / 8);
		printf("mem_exclusion: file: 200 MiB mapped at %p, checksum %016llx\n",
		       (void *)m, (unsigned long long)h0);
	}
	close(fd);
	cr_ready_wait_go(dir);
	if (!map)
		return 0;
	h = cr_sum64((uint64_t *)m, len / 8);
	if (h != h0)
		BAD("file: checksum after restart %016llx != %016llx",
		    (unsigned long long)h, (unsigned long long)h0);
	if (!check_page(m, 0xf11e, 0) ||
	    !check_page(m + len - PG, 0xf11e, len / PG - 1))
		BAD("file: first or last page differs from the pattern");
	return errors ? 1 : 0;
}

static const size_t priv_mod[] = { 0, 3, 100, 511, 1023 };
#define NMOD (sizeof(priv_mod) / sizeof(priv_mod[0]))

static int is_mod(size_t pg)
{
	size_t i;

	for (i = 0; i < NMOD; i++)
		if (priv_mod[i] == pg)
			return 1;
	return 0;
}

static int do_private(void)
{
	size_t len = 4 * MIB, npg = len / PG, pg, i;
	static char buf[PG];
	char *m;
	int fd;

	fd = make_file("priv", len, 0x0f0f);
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	for (pg = 0; pg < npg; pg++)	/* read every page first */
		if (!check_page(m + pg * PG, 0x0f0f, pg))
			BAD("private: page %zu does not show the file", pg);
	for (i = 0; i < NMOD; i++)
		fill_page(m + priv_mod[i] * PG, 0xd1d1, priv_mod[i]);
	/* one page only half modified */
	memset(m + 200 * PG, 0x5a, PG / 2);
	printf("mem_exclusion: private: 4 MiB mapped at %p, %zu pages modified\n",
	       (void *)m, NMOD + 1);
	cr_ready_wait_go(dir);
	for (pg = 0; pg < npg; pg++) {
		char *p = m + pg * PG;

		if (pread(fd, buf, PG, pg * PG) != PG)
			BAD("private: pread page %zu", pg);
		else if (!check_page(buf, 0x0f0f, pg))
			BAD("private: the file changed at page %zu", pg);
		if (is_mod(pg)) {
			if (!check_page(p, 0xd1d1, pg))
				BAD("private: modified page %zu lost its bytes", pg);
		} else if (pg == 200) {
			for (i = 0; i < PG / 2; i++)
				if (p[i] != 0x5a)
					break;
			if (i < PG / 2 || memcmp(p + PG / 2, buf + PG / 2, PG / 2))
				BAD("private: half-modified page 200 differs");
		} else if (!check_page(p, 0x0f0f, pg)) {
			BAD("private: unmodified page %zu does not show the file", pg);
		}
		if (errors > 10)
			break;
	}
	return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: mem_exclusion DIR anon|anon_thp|file|nofile|private\n");
		return 2;
	}
	dir = argv[1];
	if (!strcmp(argv[2], "anon"))
		rc = do_anon(0);
	else if (!strcmp(argv[2], "anon_thp"))
		rc = do_anon(1);
	else if (!strcmp(argv[2], "file"))
		rc = do_file(1);
	else if (!strcmp(argv[2], "nofile"))
		rc = do_file(0);
	else if (!strcmp(argv[2], "private"))
		rc = do_private();
	else
		return 2;
	printf("mem_exclusion: %s: %s\n", argv[2], rc ? "FAILED" : "ok");
	return rc;
}
