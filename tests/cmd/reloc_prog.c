// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * For tests/relocate.sh: a program using every kind of path that
 * cr_restart --relocate may move.  Usage:
 *   reloc_prog CWD IN FIFO LIMIT DELAY_MS
 * It enters CWD and keeps IN (lines "%06ld\n" counting from 0) and the
 * FIFO open.  For each i below LIMIT it reads IN's next line, which must
 * be i, writes i into the FIFO, sleeps DELAY_MS, reads i back from the
 * FIFO, and appends i to the file "out" of its cwd, opened by name each
 * time.  Then it prints its executable and cwd as the kernel sees them
 * and "reloc_prog: ok"; at the first mismatch it exits 1.
 */
#include <limits.h>
#include "../cr_test_util.h"

#define REC	7

static int die(const char *what, long i)
{
	fprintf(stderr, "reloc_prog: %s at %ld\n", what, i);
	exit(1);
}

/* Reads one record from fd: it must be i. */
static void expect(int fd, long i, const char *what)
{
	char want[32], got[REC];

	snprintf(want, sizeof(want), "%06ld\n", i);
	if (read(fd, got, REC) != REC || memcmp(got, want, REC))
		die(what, i);
}

static void append_out(long i)
{
	char line[32];
	int fd = open("out", O_WRONLY | O_APPEND | O_CREAT, 0644);
	int n = snprintf(line, sizeof(line), "%ld\n", i);

	if (fd < 0 || write(fd, line, n) != n)
		die("cannot append to out", i);
	close(fd);
}

static void report(void)
{
	char exe[PATH_MAX], cwd[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0 || !getcwd(cwd, sizeof(cwd)))
		die("cannot read exe or cwd", -1);
	exe[n] = '\0';
	printf("exe: %s\ncwd: %s\nreloc_prog: ok\n", exe, cwd);
}

int main(int argc, char **argv)
{
	char rec[32];
	long i, limit, ms;
	int in, fifo;

	cr_start(argc, argv, 5, "CWD IN FIFO LIMIT DELAY_MS");
	limit = atol(argv[4]);
	ms = atol(argv[5]);
	in = open(argv[2], O_RDONLY);
	fifo = open(argv[3], O_RDWR);
	if (in < 0 || fifo < 0 || chdir(argv[1]) < 0)
		die("cannot open IN, FIFO or CWD", -1);
	for (i = 0; i < limit; i++) {
		expect(in, i, "IN does not hold the next record");
		snprintf(rec, sizeof(rec), "%06ld\n", i);
		if (write(fifo, rec, REC) != REC)
			die("cannot write to the FIFO", i);
		cr_pause_ms(ms);
		expect(fifo, i, "the FIFO does not give the record back");
		append_out(i);
	}
	report();
	return 0;
}
