// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One thread-context callback (main registers it) and signal-context
 * callbacks in two worker threads, the first with two of them, which must
 * run newest first.  Each callback counts what cr_checkpoint() returned.
 * Run it, checkpoint it (it goes on), wait for OUT.cont, checkpoint it
 * with --kill and restart it: every callback must have seen 0 exactly
 * once, then > 0 exactly once, in its own thread, with the thread-context
 * callback already inside cr_checkpoint() when the signal-context ones
 * run, and the hooks must have run in each thread.
 * Writes OUT.ready, OUT.cont, then OUT ("OK" or the failures).
 * Usage: libcr_callbacks OUT
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include <libcr.h>

#include "libcr_test.h"

enum { CB_THREAD, CB_SIG1, CB_SIG2, CB_SIG1_NEWER, NCB };

static atomic_int cont[NCB], rstrt[NCB], failed[NCB];
static atomic_int thread_cb_inside, newer_inside, workers_ready;
static atomic_int bad_tid, bad_order, bad_info;
static atomic_int hooks[CR_NUM_HOOKS];
static atomic_bool stop;
static pid_t tid_of[NCB];

static void record(int i, int rc)
{
	if (rc == 0)
		cont[i]++;
	else if (rc > 0)
		rstrt[i]++;
	else
		failed[i]++;
}

static int thread_cb(void *arg)
{
	const struct cr_checkpoint_info *info = cr_get_checkpoint_info();
	int rc;

	if (gettid() == tid_of[CB_THREAD] || gettid() == tid_of[CB_SIG1] ||
	    gettid() == tid_of[CB_SIG2])
		bad_tid++;
	if (!info || info->requester <= 0 || info->target != getpid() ||
	    info->scope != CR_SCOPE_TREE)
		bad_info++;
	thread_cb_inside = 1;
	rc = cr_checkpoint(0);
	thread_cb_inside = 0;
	if (rc > 0 && !cr_get_restart_info())
		bad_info++;
	record(CB_THREAD, rc);
	return 0;
}

static int sig_cb(void *arg)
{
	long i = (long)arg;
	int rc;

	if (gettid() != tid_of[i])
		bad_tid++;
	if (!thread_cb_inside || (i == CB_SIG1 && !newer_inside))
		bad_order++;
	rc = cr_checkpoint(0);
	record(i, rc);
	return 0;
}

/* Registered after sig_cb(CB_SIG1) in the same thread: runs first. */
static int newer_cb(void *arg)
{
	int rc;

	if (gettid() != tid_of[CB_SIG1])
		bad_tid++;
	newer_inside = 1;
	rc = cr_checkpoint(0);
	newer_inside = 0;
	record(CB_SIG1_NEWER, rc);
	return 0;
}

static void hook(cr_hook_event_t ev)
{
	hooks[ev]++;
}

static void *worker(void *arg)
{
	long i = (long)arg;

	tid_of[i] = gettid();
	CHECK(cr_init() >= 0);
	CHECK(cr_register_callback(sig_cb, arg, CR_SIGNAL_CONTEXT) >= 0);
	if (i == CB_SIG1)
		CHECK(cr_register_callback(newer_cb, NULL,
					   CR_SIGNAL_CONTEXT) >= 0);
	workers_ready++;
	while (!stop)
		cr_pause_ms(20);
	return NULL;
}

static bool all_are(atomic_int *v)
{
	int i;

	for (i = 0; i < NCB; i++)
		if (v[i] != 1)
			return false;
	return true;
}

static bool continued(void)
{
	return all_are(cont);
}

static bool restarted(void)
{
	return all_are(rstrt);
}

static bool ready(void)
{
	return workers_ready == 2;
}

static void check_results(void)
{
	int i;

	for (i = 0; i < NCB; i++) {
		CHECK(cont[i] == 1);
		CHECK(rstrt[i] == 1);
		CHECK(failed[i] == 0);
	}
	CHECK(bad_tid == 0);
	CHECK(bad_order == 0);
	CHECK(bad_info == 0);
	/* Signal-context hooks in main and both workers. */
	CHECK(hooks[CR_HOOK_CONT_THREAD_CONTEXT] == 1);
	CHECK(hooks[CR_HOOK_RSTRT_THREAD_CONTEXT] == 1);
	CHECK(hooks[CR_HOOK_CONT_SIGNAL_CONTEXT] == 3);
	CHECK(hooks[CR_HOOK_RSTRT_SIGNAL_CONTEXT] == 3);
}

int main(int argc, char **argv)
{
	pthread_t th[2];
	int e;

	if (argc != 2) {
		fprintf(stderr, "usage: libcr_callbacks OUT\n");
		return 2;
	}
	tid_of[CB_THREAD] = gettid();
	CHECK(cr_init() >= 0);
	CHECK(cr_register_callback(thread_cb, NULL, CR_THREAD_CONTEXT) >= 0);
	for (e = 0; e < CR_NUM_HOOKS; e++)
		cr_register_hook(e, hook);
	pthread_create(&th[0], NULL, worker, (void *)(long)CB_SIG1);
	pthread_create(&th[1], NULL, worker, (void *)(long)CB_SIG2);
	CHECK(lt_wait(ready, 10));
	lt_two_checkpoints(argv[1], continued, restarted);
	stop = true;
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	check_results();
	return lt_report(argv[1]);
}
