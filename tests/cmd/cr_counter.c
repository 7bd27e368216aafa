// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Counts from 0 to LIMIT-1, appending each number to FILE every DELAY ms,
 * and exits with STATUS (default 0), or with the sum of the numbers modulo
 * 256 for "sum" (a restarted counter's exit status then shows that its
 * memory came back).  A checkpointed and restarted counter must leave the
 * file holding every number exactly once, in order.
 * Usage: cr_counter FILE LIMIT [DELAY_MS [STATUS|sum]]
 * (cr_count_to in tests/cr_test_util.h does the counting.)
 * CR_SLOW=N (a slow kernel, tests/vm/vmrun --debug-kernel) makes the delay
 * N times as long, so that a test still finds the counter running.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cr_test_util.h"

int main(int argc, char **argv)
{
	long sum;

	if (argc < 3) {
		fprintf(stderr, "usage: cr_counter FILE LIMIT "
			"[DELAY_MS [STATUS|sum]]\n");
		return 2;
	}
	sum = cr_count_to(argv[1], atol(argv[2]),
			  argc > 3 ? atol(argv[3]) : 50);
	if (argc > 4 && !strcmp(argv[4], "sum"))
		return sum & 0xff;
	return argc > 4 ? atoi(argv[4]) : 0;
}
