// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checkpoints requested from inside a callback of a checkpoint that
 * covers the caller and its child: one of the caller, one of the child.
 * Each overlaps the outer request and must fail with EBUSY at once (a
 * process in two requests would wait for itself), and the outer one must
 * go on and succeed.  The callback writes DIR/inner (the outcomes) and
 * the program counts to N into DIR/out, then writes DIR/done.
 * Usage: libcr_nested DIR N
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libcr.h>

#include "../cr_test_util.h"
#include "libcr_test.h"

static const char *dir;

static void put(const char *name, const char *what)
{
	int fd = cr_open_in(dir, name, O_WRONLY | O_CREAT | O_APPEND);

	dprintf(fd, "%s\n", what);
	close(fd);
}

static pid_t child;

/* An inner request for target (0: the caller), which the outer one has. */
static void inner(pid_t target)
{
	int fd = cr_open_in(dir, "inner.ctx", O_WRONLY | O_CREAT | O_TRUNC |
			    O_CLOEXEC);

	put("inner", lt_checkpoint(CR_SCOPE_PROC, target, 0, fd) < 0 ?
	    strerror(errno) : "accepted");
	close(fd);
}

static int callback(void *arg)
{
	int r;

	inner(0);
	inner(child);
	r = cr_checkpoint(CR_CHECKPOINT_READY);
	put("inner", r > 0 ? "restarted" : r == 0 ? "continued" : "failed");
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096];
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: libcr_nested DIR N\n");
		return 2;
	}
	dir = argv[1];
	n = atol(argv[2]);
	if (cr_init() < 0 ||
	    cr_register_callback(callback, NULL, CR_THREAD_CONTEXT) < 0) {
		perror("libcr_nested");
		return 2;
	}
	child = fork();
	if (child == 0) {
		for (;;)
			pause();
	}
	snprintf(path, sizeof(path), "%s/out", dir);
	cr_count_to(path, n, 100);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	put("done", "done");
	return 0;
}
