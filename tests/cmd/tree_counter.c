// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A process tree: the parent forks NCHILD children; every process counts
 * 0..LIMIT-1 into its own file DIR/out.K, one number per DELAY_MS, and
 * child K exits with status K.  The parent then reaps every child, checks
 * their statuses, writes "ok" to DIR/result and exits 0.
 * Usage: tree_counter DIR NCHILD LIMIT DELAY_MS
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

static void count(const char *dir, int k, long limit, long delay_ms)
{
	char path[4096];

	snprintf(path, sizeof(path), "%.4000s/out.%d", dir, k);
	cr_count_to(path, limit, delay_ms);
}

int main(int argc, char **argv)
{
	int nchild, k, status, bad = 0;
	long limit, delay;
	char path[4096];
	FILE *f;
	pid_t pid;

	if (argc != 5) {
		fprintf(stderr, "usage: tree_counter DIR NCHILD LIMIT DELAY_MS\n");
		return 2;
	}
	nchild = atoi(argv[2]);
	limit = atol(argv[3]);
	delay = atol(argv[4]);
	for (k = 1; k <= nchild; k++) {
		pid = fork();
		if (pid < 0)
			return 3;
		if (pid == 0) {
			count(argv[1], k, limit, delay);
			_exit(k);
		}
	}
	count(argv[1], 0, limit, delay);
	for (k = 0; k < nchild; k++) {
		pid = wait(&status);
		if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) < 1 ||
		    WEXITSTATUS(status) > nchild)
			bad++;
	}
	snprintf(path, sizeof(path), "%.4000s/result", argv[1]);
	f = fopen(path, "w");
	if (!f)
		return 4;
	fprintf(f, bad ? "BAD: %d children did not exit right\n" : "ok\n", bad);
	fclose(f);
	return bad ? 1 : 0;
}
