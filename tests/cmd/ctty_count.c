// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Counts 0..LIMIT-1, one per DELAY_MS, on its stdout (a terminal) as
 * "tick N", and into DIR/out as "N TTY_NR TTYNAME": its controlling
 * terminal (field 7 of /proc/self/stat) and the terminal on its stdout.
 * Usage: ctty_count DIR LIMIT DELAY_MS (times CR_SLOW, tests/cr_test_util.h)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

static int tty_nr(void)
{
	char buf[1024], *p;
	int fd = open("/proc/self/stat", O_RDONLY), nr = -1;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p)
		sscanf(p + 2, "%*c %*d %*d %*d %d", &nr);
	return nr;
}

int main(int argc, char **argv)
{
	struct timespec d;
	char path[4096], line[256];
	long i, limit, delay;
	const char *name;
	int fd, n;

	if (argc != 4) {
		fprintf(stderr, "usage: ctty_count DIR LIMIT DELAY_MS\n");
		return 2;
	}
	limit = atol(argv[2]);
	delay = atol(argv[3]) * cr_slow();
	snprintf(path, sizeof(path), "%.4000s/out", argv[1]);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
	if (fd < 0)
		return 3;
	for (i = 0; i < limit; i++) {
		name = ttyname(1);
		n = snprintf(line, sizeof(line), "%ld %d %s\n", i, tty_nr(),
			     name ? name : "-");
		if (write(fd, line, n) != n)
			return 4;
		n = snprintf(line, sizeof(line), "tick %ld\n", i);
		if (write(1, line, n) != n)
			return 5;
		d = (struct timespec){ delay / 1000, delay % 1000 * 1000000 };
		nanosleep(&d, NULL);
	}
	return 0;
}
