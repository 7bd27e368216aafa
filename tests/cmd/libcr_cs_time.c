// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_checkpoint --time against a process held in a critical section.
 * Main enters one and writes OUT.in-cs; the request defers (cr_status()
 * says PENDING) and is given up, while a worker that never called
 * cr_init() keeps counting: the process must not be stopped.  Once
 * OUT.leave exists main leaves: the deferred thread-context callback runs
 * and its cr_checkpoint() must return -ETIMEDOUT.  Main writes OUT.left;
 * the test then checkpoints with --kill and restarts: the callback must
 * see > 0 and the worker must count on.
 * Writes OUT.in-cs, OUT.left, then OUT ("OK" or the failures).
 * Usage: libcr_cs_time OUT
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include <libcr.h>

#include "libcr_test.h"

static atomic_int cb_calls, cb_rc[2];
static atomic_long ticks;
static char leave_path[4096];

static int thread_cb(void *arg)
{
	int rc = cr_checkpoint(0);

	if (cb_calls < 2)
		cb_rc[cb_calls] = rc;
	cb_calls++;
	return 0;
}

static void *counter(void *arg)
{
	for (;;) {
		ticks++;
		cr_pause_ms(10);
	}
	return NULL;
}

static bool pending(void)
{
	return cr_status() == CR_STATE_PENDING;
}

static bool told_to_leave(void)
{
	return access(leave_path, F_OK) == 0;
}

static bool called_once(void)
{
	return cb_calls == 1;
}

static bool called_twice(void)
{
	return cb_calls == 2;
}

/* The worker counts on: the process runs. */
static bool counting(void)
{
	long t = ticks;

	cr_pause_ms(300);
	return ticks > t;
}

int main(int argc, char **argv)
{
	cr_client_id_t id;
	pthread_t th;

	if (argc != 2) {
		fprintf(stderr, "usage: libcr_cs_time OUT\n");
		return 2;
	}
	snprintf(leave_path, sizeof(leave_path), "%s.leave", argv[1]);
	id = cr_init();
	CHECK(id >= 0);
	CHECK(cr_register_callback(thread_cb, NULL, CR_THREAD_CONTEXT) >= 0);
	pthread_create(&th, NULL, counter, NULL);
	cr_pause_ms(300);		/* the libcr thread waits in the module */
	CHECK(cr_enter_cs(id) == 0);
	cr_mark(argv[1], "in-cs");
	CHECK(lt_wait(pending, 60));
	CHECK(lt_wait(told_to_leave, 120));
	CHECK(counting());
	CHECK(cb_calls == 0);
	CHECK(cr_leave_cs(id) == 0);
	CHECK(lt_wait(called_once, 60));
	CHECK(cb_rc[0] == -ETIMEDOUT);
	CHECK(counting());
	cr_mark(argv[1], "left");
	CHECK(lt_wait(called_twice, 240));
	CHECK(cb_rc[1] > 0);
	CHECK(counting());
	return lt_report(argv[1]);
}
