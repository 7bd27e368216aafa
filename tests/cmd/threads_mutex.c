// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 8 worker threads add to shared counters under one pthread mutex and
 * signal a condition variable that the main thread waits on.  Each worker
 * does a fixed number of iterations with a short sleep, so a checkpoint
 * taken once OUT.ready exists lands mid-run.  A "late" thread waits on a
 * second condition variable until main has seen every increment, and a
 * fresh thread is created at the end: both are joined too.
 *
 * At the end OUT gets a report; exit 0 only if every thread was joined with
 * its own return value and every total is exact.  The report line
 * "restarted_at N" gives the total that the first worker saw after the
 * parent pid changed (a restart makes cr_restart the parent), -1 if never.
 * Usage: threads_mutex OUT [ITERS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

#define NT	8

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t late_cv = PTHREAD_COND_INITIALIZER;
static long ITERS = 200;
static long count[NT];
static long total;
static long unprotected;	/* read-modify-write with a yield inside */
static unsigned long long wsum;
static long order_errors;
static long restarted_at = -1;
static int done;
static pid_t ppid0;

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void *worker(void *arg)
{
	long i = (long)arg, j, t;

	for (j = 0; j < ITERS; j++) {
		pthread_mutex_lock(&mu);
		if (count[i] != j)
			order_errors++;
		count[i]++;
		total++;
		wsum += (unsigned long long)(i + 1) * (j + 1);
		t = unprotected;
		if (j % 16 == 0)
			sched_yield();
		unprotected = t + 1;
		if (restarted_at < 0 && getppid() != ppid0)
			restarted_at = total;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
		msleep(10 + i);
	}
	return (void *)(0x1000 + i);
}

static void *late(void *arg)
{
	pthread_mutex_lock(&mu);
	while (!done)
		pthread_cond_wait(&late_cv, &mu);
	pthread_mutex_unlock(&mu);
	return (void *)0xabcL;
}

static void *fresh(void *arg)
{
	return (void *)((long)arg * 3);
}

int main(int argc, char **argv)
{
	pthread_t th[NT], lt, ft;
	unsigned long long want_wsum = 0;
	long i, wakeups = 0, bad = 0;
	void *ret;
	FILE *out;
	int made_ready = 0;

	cr_start(argc, argv, 1, "OUT [ITERS]");
	if (argc > 2)
		ITERS = atol(argv[2]);
	ppid0 = getppid();
	if (pthread_create(&lt, NULL, late, NULL))
		return 2;
	for (i = 0; i < NT; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i))
			return 2;

	pthread_mutex_lock(&mu);
	while (total < NT * ITERS) {
		if (!made_ready && total >= NT * ITERS / 10) {
			cr_mark(argv[1], "ready");
			made_ready = 1;
		}
		pthread_cond_wait(&cv, &mu);
		wakeups++;
	}
	done = 1;
	pthread_cond_signal(&late_cv);
	pthread_mutex_unlock(&mu);

	out = fopen(argv[1], "w");
	if (!out)
		return 2;
	for (i = 0; i < NT; i++) {
		int err = pthread_join(th[i], &ret);

		if (err || ret != (void *)(0x1000 + i)) {
			fprintf(out, "FAIL worker %ld: join %d, returned %p\n",
				i, err, ret);
			bad++;
		}
		if (count[i] != ITERS) {
			fprintf(out, "FAIL worker %ld counted %ld, not %ld\n",
				i, count[i], ITERS);
			bad++;
		}
		want_wsum += (unsigned long long)(i + 1) * ITERS * (ITERS + 1) / 2;
	}
	if (pthread_join(lt, &ret) || ret != (void *)0xabcL) {
		fprintf(out, "FAIL late thread: returned %p\n", ret);
		bad++;
	}
	if (pthread_create(&ft, NULL, fresh, (void *)7L) ||
	    pthread_join(ft, &ret) || ret != (void *)21L) {
		fprintf(out, "FAIL fresh thread after the run\n");
		bad++;
	}
	if (total != NT * ITERS || unprotected != NT * ITERS) {
		fprintf(out, "FAIL total %ld, mutex-protected rmw %ld, want %ld\n",
			total, unprotected, NT * ITERS);
		bad++;
	}
	if (wsum != want_wsum) {
		fprintf(out, "FAIL weighted sum %llu, want %llu\n", wsum,
			want_wsum);
		bad++;
	}
	if (order_errors) {
		fprintf(out, "FAIL %ld out-of-order increments\n", order_errors);
		bad++;
	}
	fprintf(out, "total %ld wsum %llu wakeups %ld\n", total, wsum, wakeups);
	fprintf(out, "restarted_at %ld\n", restarted_at);
	fprintf(out, "%s\n", bad ? "FAILED" : "OK");
	fclose(out);
	return bad ? 1 : 0;
}
