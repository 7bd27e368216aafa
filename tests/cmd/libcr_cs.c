// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A checkpoint requested while main is inside a critical section waits
 * for cr_leave_cs().  Main enters, writes OUT.in-cs and waits for
 * cr_status() to say PENDING (the request arrived); meanwhile another
 * thread's cr_tryenter_cs() must refuse, and a second later the callback
 * must still not have run.  Main leaves: the thread-context callback must
 * run after that (timestamps) and see main outside.
 * Writes OUT.in-cs, then OUT ("OK" or the failures).
 * Usage: libcr_cs OUT
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <libcr.h>

#include "libcr_test.h"

static atomic_int in_cs, cb_calls, cb_saw_in_cs, cb_rc;
static atomic_llong cb_ns;
static atomic_int try_now, try_rc = -100;

static int thread_cb(void *arg)
{
	cb_ns = lt_now_ns();
	cb_saw_in_cs = in_cs;
	cb_rc = cr_checkpoint(0);
	cb_calls++;
	return 0;
}

/* Tries to enter when main asks (try_now), leaves if it got in. */
static void *other(void *arg)
{
	cr_client_id_t id = cr_init();

	while (!try_now)
		cr_pause_ms(10);
	try_rc = cr_tryenter_cs(id);
	if (try_rc == 0)
		cr_leave_cs(id);
	return NULL;
}

static bool pending(void)
{
	return cr_status() == CR_STATE_PENDING;
}

static bool tried(void)
{
	return try_rc != -100;
}

static bool called(void)
{
	return cb_calls > 0;
}

int main(int argc, char **argv)
{
	long long leave_ns;
	pthread_t th;
	cr_client_id_t id;

	if (argc != 2) {
		fprintf(stderr, "usage: libcr_cs OUT\n");
		return 2;
	}
	id = cr_init();
	CHECK(id >= 0);
	CHECK(cr_register_callback(thread_cb, NULL, CR_THREAD_CONTEXT) >= 0);
	pthread_create(&th, NULL, other, NULL);
	cr_pause_ms(300);		/* the libcr thread waits in the module */
	CHECK(cr_enter_cs(id) == 0);
	in_cs = 1;
	cr_mark(argv[1], "in-cs");
	CHECK(lt_wait(pending, 60));
	try_now = 1;
	CHECK(lt_wait(tried, 10));
	CHECK(try_rc > 0);
	cr_pause_ms(1000);
	CHECK(cb_calls == 0);
	leave_ns = lt_now_ns();
	in_cs = 0;
	CHECK(cr_leave_cs(id) == 0);
	CHECK(lt_wait(called, 60));
	CHECK(cb_ns > leave_ns);
	CHECK(!cb_saw_in_cs);
	CHECK(cb_rc == 0);
	pthread_join(th, NULL);
	CHECK(cr_enter_cs(id) == 0 && cr_leave_cs(id) == 0);
	return lt_report(argv[1]);
}
