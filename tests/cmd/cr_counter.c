// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Counts from 0 to LIMIT-1, appending each number to FILE every DELAY ms,
 * and exits with STATUS (default 0).  A checkpointed and restarted counter
 * must leave the file holding every number exactly once, in order.
 * Usage: cr_counter FILE LIMIT [DELAY_MS [STATUS]]
 * CR_SLOW=N (a slow kernel, tests/vm/vmrun --debug-kernel) makes the delay
 * N times as long, so that a test still finds the counter running.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

int main(int argc, char **argv)
{
	struct timespec delay;
	char line[32];
	long i, limit, ms = 50;
	int fd, n;

	if (argc < 3) {
		fprintf(stderr,
			"usage: cr_counter FILE LIMIT [DELAY_MS [STATUS]]\n");
		return 2;
	}
	limit = atol(argv[2]);
	if (argc > 3)
		ms = atol(argv[3]);
	ms *= cr_slow();
	delay.tv_sec = ms / 1000;
	delay.tv_nsec = ms % 1000 * 1000 * 1000;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	for (i = 0; i < limit; i++) {
		n = snprintf(line, sizeof(line), "%ld\n", i);
		if (write(fd, line, n) != n)
			return 3;
		nanosleep(&delay, NULL);
	}
	return argc > 4 ? atoi(argv[4]) : 0;
}
