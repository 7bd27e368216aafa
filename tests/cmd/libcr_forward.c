// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Forwards every checkpoint of this process to two others: its
 * thread-context callback to PID1's process, its signal-context callback
 * to PID2's tree (and to PID1 again, which is saved once).  Both
 * forwards must succeed; forwards to no process, to init, and after
 * cr_checkpoint() must fail with ESRCH, EPERM and EINVAL.  The program
 * goes on across one checkpoint and is restarted from a second
 * (lt_two_checkpoints()).
 * Usage: libcr_forward OUT PID1 PID2
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <libcr.h>

#include "libcr_test.h"

static pid_t pid1, pid2;
static atomic_int conts, restarts;

/* A forward's result: 0, or errno. */
static int forward(cr_scope_t scope, pid_t target)
{
	return cr_forward_checkpoint(scope, target) ? errno : 0;
}

static int thread_cb(void *arg)
{
	int r;

	CHECK(forward(CR_SCOPE_PROC, pid1) == 0);
	CHECK(forward(CR_SCOPE_TREE, 999999) == ESRCH);
	CHECK(forward(CR_SCOPE_PROC, 1) == EPERM);
	CHECK(forward((cr_scope_t)99, pid1) == EINVAL);
	r = cr_checkpoint(0);
	CHECK(r >= 0);
	CHECK(forward(CR_SCOPE_PROC, pid2) == EINVAL);
	if (r > 0)
		restarts++;
	else
		conts++;
	return 0;
}

static int sig_cb(void *arg)
{
	CHECK(forward(CR_SCOPE_TREE, pid2) == 0);
	CHECK(forward(CR_SCOPE_PROC, pid1) == 0);
	return cr_checkpoint(0) < 0;
}

static bool continued(void)
{
	return conts == 1;
}

static bool restarted(void)
{
	return restarts == 1;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: libcr_forward OUT PID1 PID2\n");
		return 2;
	}
	pid1 = atoi(argv[2]);
	pid2 = atoi(argv[3]);
	CHECK(cr_init() >= 0);
	CHECK(forward(CR_SCOPE_PROC, pid1) == CR_ENOTCB);
	CHECK(cr_register_callback(thread_cb, NULL, CR_THREAD_CONTEXT) >= 0);
	CHECK(cr_register_callback(sig_cb, NULL, CR_SIGNAL_CONTEXT) >= 0);
	lt_two_checkpoints(argv[1], continued, restarted);
	CHECK(conts == 1);
	return lt_report(argv[1]);
}
