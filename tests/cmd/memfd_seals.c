// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memfds keep their contents, sharing and seals across a checkpoint with
 * --tree --kill and a restart.  Usage: memfd_seals DIR.
 *   fd 10  sealed F_SEAL_SHRINK|GROW|WRITE, 3 pages of data, shared with
 *          a child (its fd 10 too): write, ftruncate and a writable
 *          shared mmap fail with EPERM; the data reads back.
 *   fd 11  sealable, no seals: after restart F_ADD_SEALS works.
 *   fd 12  made without MFD_ALLOW_SEALING: F_ADD_SEALS fails with EPERM.
 *   fd 13  F_SEAL_FUTURE_WRITE after a writable shared mapping was made:
 *          the mapping still writes (seen through the fd), write()
 *          fails with EPERM.
 *   fd 14  an O_TMPFILE file in DIR (no name either), 2 pages and 100
 *          bytes: its data and size come back.
 * The child writes its pid into fd 11 and appends to fd 14 after
 * restart; the parent reads both, proving the files are still shared.
 * Says "memfd_seals: ok".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cr_test_util.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

#define TMP_SIZE	(2 * 4096 + 100)



static int make(const char *name, unsigned int flags, int want)
{
	int fd = memfd_create(name, flags);

	if (fd < 0 || dup2(fd, want) != want) {
		perror("memfd_seals: setup");
		_exit(2);
	}
	close(fd);
	return want;
}

static void fill(int fd, size_t len, int seed)
{
	char buf[4096];
	size_t off, i;

	for (off = 0; off < len; off += sizeof(buf)) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (char)(off + i + seed);
		if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf)) {
			perror("memfd_seals: fill");
			_exit(2);
		}
	}
}

static void check_data(int fd, size_t len, int seed)
{
	char buf[4096];
	size_t off, i;

	for (off = 0; off < len; off += sizeof(buf)) {
		if (pread(fd, buf, sizeof(buf), off) != sizeof(buf)) {
			cr_bad("short read at %zu", off);
			return;
		}
		for (i = 0; i < sizeof(buf); i++)
			if (buf[i] != (char)(off + i + seed)) {
				cr_bad("byte %zu differs", off + i);
				return;
			}
	}
}

static void expect_eperm(int ret, const char *what)
{
	if (ret >= 0 || errno != EPERM)
		cr_bad("%s: %d (%s), not EPERM", what, ret, strerror(errno));
}

static void check_seals(int fd, int want)
{
	int got = fcntl(fd, F_GET_SEALS);

	if (got != want)
		cr_bad("fd %d: seals %#x, not %#x", fd, got, want);
}

int main(int argc, char **argv)
{
	const int s10 = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	char *map, buf[16] = "";
	pid_t kid;
	int st;

	cr_start(argc, argv, 1, "DIR");
	setvbuf(stdout, NULL, _IOLBF, 0);
	make("sealed", MFD_ALLOW_SEALING, 10);
	fill(10, 3 * 4096, 7);
	if (fcntl(10, F_ADD_SEALS, s10) < 0)
		return 2;
	make("open", MFD_ALLOW_SEALING, 11);
	make("unsealable", 0, 12);
	make("future", MFD_ALLOW_SEALING, 13);
	if (ftruncate(13, 4096) < 0)
		return 2;
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 13, 0);
	if (map == MAP_FAILED || fcntl(13, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) < 0)
		return 2;
	if (dup2(open(argv[1], O_TMPFILE | O_RDWR, 0600), 14) != 14)
		return 2;
	fill(14, 3 * 4096, 9);
	if (ftruncate(14, TMP_SIZE) < 0)
		return 2;
	kid = fork();
	if (kid < 0)
		return 2;
	if (!kid) {
		cr_ready_wait_go(argv[1]);
		check_data(10, 3 * 4096, 7);
		snprintf(buf, sizeof(buf), "kid %d", getpid() % 1000);
		if (pwrite(11, buf, sizeof(buf), 0) != sizeof(buf))
			cr_bad("child: pwrite to the shared memfd");
		check_data(14, 2 * 4096, 9);
		if (lseek(14, 0, SEEK_END) != TMP_SIZE)
			cr_bad("child: the O_TMPFILE file's size changed");
		if (pwrite(14, buf, sizeof(buf), TMP_SIZE) != sizeof(buf))
			cr_bad("child: pwrite to the O_TMPFILE file");
		_exit(cr_errors ? 1 : 0);
	}
	cr_wait_for(argv[1], "go");
	check_seals(10, s10);
	check_seals(11, 0);
	check_seals(12, F_SEAL_SEAL);
	check_seals(13, F_SEAL_FUTURE_WRITE);
	check_data(10, 3 * 4096, 7);
	expect_eperm(pwrite(10, "x", 1, 0), "write to a write-sealed memfd");
	expect_eperm(ftruncate(10, 4096), "shrink of a shrink-sealed memfd");
	expect_eperm(mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, 10, 0) ==
		     MAP_FAILED ? -1 : 0, "writable mapping of a sealed memfd");
	expect_eperm(fcntl(12, F_ADD_SEALS, F_SEAL_GROW),
		     "sealing a memfd made unsealable");
	expect_eperm(pwrite(13, "x", 1, 0), "write under F_SEAL_FUTURE_WRITE");
	map[5] = 'M';
	if (pread(13, buf, 8, 0) != 8 || buf[5] != 'M')
		cr_bad("the mapping made before F_SEAL_FUTURE_WRITE does not write");
	if (waitpid(kid, &st, 0) != kid || st)
		cr_bad("child exited %#x", st);
	if (pread(11, buf, sizeof(buf), 0) != sizeof(buf) ||
	    strncmp(buf, "kid ", 4))
		cr_bad("the child's write is not in the shared memfd");
	check_data(14, 2 * 4096, 9);
	if (lseek(14, 0, SEEK_END) != TMP_SIZE + sizeof(buf))
		cr_bad("the child's append is not in the O_TMPFILE file");
	if (fcntl(11, F_ADD_SEALS, F_SEAL_GROW) < 0)
		cr_bad("cannot seal the sealable memfd: %s", strerror(errno));
	return cr_result();
}
