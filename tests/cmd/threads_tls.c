// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Thread-local state across a checkpoint: NT threads (and main) each keep
 * __thread variables (zero-initialised, data-initialised and an array)
 * with values of their own and check them in a loop, together with errno
 * (set before a sleep, checked after it: errno is per thread), &errno,
 * pthread_self(), gettid(), getpid(), /proc/thread-self and the thread's
 * own name (PR_SET_NAME, "tls-IDX"), which must all stay what they were (a
 * restart restores the thread ids).  At the end
 * main checks that /proc/self/task lists exactly the recorded ids.
 *
 * OUT.ready appears once every thread has checked a few times; OUT gets
 * the report at the end.  "restarted yes|no" says whether the parent pid
 * changed (cr_restart becomes the parent) while the threads were looping.
 * Exit 0 only if nothing changed.
 * Usage: threads_tls OUT [MAIN_ITERS]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

#define NT	6

static __thread long tl_val;
static __thread int tl_data = 12345;
static __thread unsigned char tl_buf[300];

struct th {
	int idx;
	pthread_t thr;
	pthread_t self;
	pid_t tid;
	int *errp;
	long iters;
	long errs;
	int saw_restart;
	char msg[256];
};

static struct th ths[NT + 1];	/* [NT] is main */
static volatile int stop;
static pid_t pid0, ppid0;

static pid_t my_tid(void)
{
	return syscall(SYS_gettid);
}

static void init_tls(int idx)
{
	int k;

	tl_val = 0x5a5a0000L + idx * 7919L;
	tl_data += idx;
	for (k = 0; k < (int)sizeof(tl_buf); k++)
		tl_buf[k] = (unsigned char)(idx * 31 + k);
}

/* Returns 0 or fills t->msg. */
static int check_once(struct th *t)
{
	char link[64], want[64], name[16] = "";
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int k, n;

	if (tl_val != 0x5a5a0000L + t->idx * 7919L) {
		snprintf(t->msg, sizeof(t->msg), "tl_val %lx", tl_val);
		return -1;
	}
	if (tl_data != 12345 + t->idx) {
		snprintf(t->msg, sizeof(t->msg), "tl_data %d", tl_data);
		return -1;
	}
	for (k = 0; k < (int)sizeof(tl_buf); k++)
		if (tl_buf[k] != (unsigned char)(t->idx * 31 + k)) {
			snprintf(t->msg, sizeof(t->msg), "tl_buf[%d] %u", k,
				 tl_buf[k]);
			return -1;
		}
	if (!pthread_equal(pthread_self(), t->self)) {
		snprintf(t->msg, sizeof(t->msg), "pthread_self %lx, was %lx",
			 (unsigned long)pthread_self(), (unsigned long)t->self);
		return -1;
	}
	if (my_tid() != t->tid || gettid() != t->tid) {
		snprintf(t->msg, sizeof(t->msg), "gettid %d, was %d",
			 my_tid(), t->tid);
		return -1;
	}
	if (getpid() != pid0) {
		snprintf(t->msg, sizeof(t->msg), "getpid %d, was %d",
			 getpid(), pid0);
		return -1;
	}
	if (&errno != t->errp) {
		snprintf(t->msg, sizeof(t->msg), "&errno %p, was %p",
			 (void *)&errno, (void *)t->errp);
		return -1;
	}
	n = readlink("/proc/thread-self", link, sizeof(link) - 1);
	link[n < 0 ? 0 : n] = 0;
	snprintf(want, sizeof(want), "%d/task/%d", pid0, t->tid);
	if (strcmp(link, want)) {
		snprintf(t->msg, sizeof(t->msg), "/proc/thread-self -> %s, "
			 "want %s", link, want);
		return -1;
	}
	prctl(PR_GET_NAME, name);
	snprintf(want, sizeof(want), "tls-%d", t->idx);
	if (strcmp(name, want)) {
		snprintf(t->msg, sizeof(t->msg), "name '%s', want '%s'", name,
			 want);
		return -1;
	}
	errno = 1000 + t->idx;
	if (nanosleep(&ts, NULL) < 0) {
		/* ok for main only if a restart happened: EINTR is real */
		snprintf(t->msg, sizeof(t->msg), "nanosleep: %s",
			 strerror(errno));
		return -1;
	}
	if (errno != 1000 + t->idx) {
		snprintf(t->msg, sizeof(t->msg), "errno %d, set %d", errno,
			 1000 + t->idx);
		return -1;
	}
	if (getppid() != ppid0)
		t->saw_restart = 1;
	t->iters++;
	return 0;
}

static void record(struct th *t, int idx)
{
	char name[16];

	snprintf(name, sizeof(name), "tls-%d", idx);
	prctl(PR_SET_NAME, name);
	t->idx = idx;
	init_tls(idx);
	t->self = pthread_self();
	t->tid = my_tid();
	t->errp = &errno;
}

static void *thread(void *arg)
{
	struct th *t = arg;

	record(t, t->idx);
	while (!stop)
		if (check_once(t)) {
			t->errs++;
			break;
		}
	return t;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv)
{
	int tids[NT + 8], want[NT + 1];
	struct th *m = &ths[NT];
	long main_iters = 300, i, bad = 0;
	struct dirent *de;
	FILE *out;
	void *ret;
	DIR *dir;
	int n = 0, restarted = 0, min;

	cr_start(argc, argv, 1, "OUT [MAIN_ITERS]");
	if (argc > 2)
		main_iters = atol(argv[2]);
	pid0 = getpid();
	ppid0 = getppid();
	record(m, NT);
	for (i = 0; i < NT; i++) {
		ths[i].idx = i;
		if (pthread_create(&ths[i].thr, NULL, thread, &ths[i]))
			return 2;
	}
	for (i = 0; i < main_iters; i++) {
		if (check_once(m)) {
			m->errs++;
			break;
		}
		if (i == 20) {
			for (min = 0; min < 3000; min++) {
				int k, lo = 1 << 30;

				for (k = 0; k < NT; k++)
					if (ths[k].iters < lo)
						lo = ths[k].iters;
				if (lo >= 5)
					break;
				usleep(10000);
			}
			cr_mark(argv[1], "ready");
		}
	}
	/* the threads are still running: /proc/self/task lists them all */
	dir = opendir("/proc/self/task");
	while (dir && (de = readdir(dir)))
		if (de->d_name[0] != '.' && n < NT + 8)
			tids[n++] = atoi(de->d_name);
	if (dir)
		closedir(dir);
	stop = 1;

	out = fopen(argv[1], "w");
	if (!out)
		return 2;
	for (i = 0; i < NT; i++) {
		if (pthread_join(ths[i].thr, &ret) || ret != &ths[i]) {
			fprintf(out, "FAIL join of thread %ld\n", i);
			bad++;
		}
	}
	for (i = 0; i <= NT; i++) {
		if (ths[i].errs) {
			fprintf(out, "FAIL thread %ld (tid %d) after %ld "
				"checks: %s\n", i, ths[i].tid, ths[i].iters,
				ths[i].msg);
			bad++;
		}
		restarted |= ths[i].saw_restart;
		want[i] = ths[i].tid;
		fprintf(out, "thread %ld tid %d checks %ld\n", i, ths[i].tid,
			ths[i].iters);
	}
	qsort(want, NT + 1, sizeof(int), cmp_int);
	qsort(tids, n, sizeof(int), cmp_int);
	for (i = 1; i <= NT; i++)
		if (want[i] == want[i - 1]) {
			fprintf(out, "FAIL two threads share tid %d\n", want[i]);
			bad++;
		}
	if (n != NT + 1 || memcmp(tids, want, sizeof(want))) {
		fprintf(out, "FAIL /proc/self/task:");
		for (i = 0; i < n; i++)
			fprintf(out, " %d", tids[i]);
		fprintf(out, "; the threads:");
		for (i = 0; i <= NT; i++)
			fprintf(out, " %d", want[i]);
		fprintf(out, "\n");
		bad++;
	}
	if (m->tid != pid0) {
		fprintf(out, "FAIL main tid %d, pid %d\n", m->tid, pid0);
		bad++;
	}
	fprintf(out, "restarted %s\n", restarted ? "yes" : "no");
	fprintf(out, "%s\n", bad ? "FAILED" : "OK");
	fclose(out);
	return bad ? 1 : 0;
}
