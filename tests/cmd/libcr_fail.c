// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A thread-context callback fails the first checkpoint with
 * CR_CHECKPOINT_PERM_FAILURE_CODE(42) and lets the second one through.
 * cr_checkpoint(1) must exit 42 the first time; the program must see -42
 * then 0, and its signal-context callback must run only for the second.
 * Writes OUT.ready, then OUT ("OK" or the failures).
 * Usage: libcr_fail OUT
 */
#include <stdatomic.h>
#include <stdio.h>

#include <libcr.h>

#include "libcr_test.h"

static atomic_int calls, sig_calls, rc1 = 1, rc2 = 1;

static int thread_cb(void *arg)
{
	if (++calls == 1)
		rc1 = cr_checkpoint(CR_CHECKPOINT_PERM_FAILURE_CODE(42));
	else
		rc2 = cr_checkpoint(0);
	return 0;
}

static int sig_cb(void *arg)
{
	sig_calls++;
	return 0;
}

static bool second_done(void)
{
	return rc2 != 1;
}

int main(int argc, char **argv)
{

	if (argc != 2) {
		fprintf(stderr, "usage: libcr_fail OUT\n");
		return 2;
	}
	CHECK(cr_init() >= 0);
	CHECK(cr_register_callback(thread_cb, NULL, CR_THREAD_CONTEXT) >= 0);
	CHECK(cr_register_callback(sig_cb, NULL, CR_SIGNAL_CONTEXT) >= 0);
	cr_pause_ms(300);		/* the libcr thread waits in the module */
	cr_mark(argv[1], "ready");
	CHECK(lt_wait(second_done, 120));
	CHECK(calls == 2);
	CHECK(rc1 == -42);
	CHECK(rc2 == 0);
	CHECK(sig_calls == 1);
	return lt_report(argv[1]);
}
