// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers shared by the libcr test programs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libcr_test.h"

static char failures[4096];
static int nfail;

bool lt_check(bool ok, const char *what, int line)
{
	size_t len = strlen(failures);

	if (ok)
		return true;
	nfail++;
	snprintf(failures + len, sizeof(failures) - len,
		 "FAIL line %d: %s\n", line, what);
	fprintf(stderr, "FAIL line %d: %s\n", line, what);
	return false;
}

long long lt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool lt_wait(bool (*cond)(void), int secs)
{
	int i;

	for (i = 0; i < secs * 100; i++) {
		if (cond())
			return true;
		cr_pause_ms(10);
	}
	return cond();
}

void lt_two_checkpoints(const char *out, bool (*continued)(void),
			bool (*restarted)(void))
{
	cr_pause_ms(300);		/* the libcr thread waits in the module */
	cr_mark(out, "ready");
	if (CHECK(lt_wait(continued, 120)))
		cr_mark(out, "cont");
	CHECK(lt_wait(restarted, 240));
}

/* Written under a temporary name: the test script waits for path. */
int lt_report(const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return 2;
	fputs(nfail ? failures : "OK\n", f);
	fclose(f);
	rename(tmp, path);
	return nfail ? 1 : 0;
}

/* A request's args: target (0: the caller) in scope, into fd. */
static cr_checkpoint_args_t lt_args(cr_scope_t scope, pid_t target, int fd)
{
	cr_checkpoint_args_t args;

	CHECK(cr_initialize_checkpoint_args_t(&args) == 0);
	args.cr_scope = scope;
	args.cr_target = target;
	args.cr_fd = fd;
	return args;
}

int lt_request_kill(pid_t pid, int fd, cr_checkpoint_handle_t *h)
{
	cr_checkpoint_args_t args = lt_args(CR_SCOPE_TREE, pid, fd);

	args.cr_signal = SIGKILL;
	return cr_request_checkpoint(&args, h);
}

int lt_checkpoint(cr_scope_t scope, pid_t target, unsigned int flags, int fd)
{
	cr_checkpoint_args_t args = lt_args(scope, target, fd);
	cr_checkpoint_handle_t h;

	args.cr_flags = flags;
	if (cr_request_checkpoint(&args, &h))
		return -1;
	return cr_poll_checkpoint(&h, NULL);
}
