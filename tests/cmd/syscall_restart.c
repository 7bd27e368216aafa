// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Threads blocked in system calls while being checkpointed.  Each makes one
 * call and records what it returned and how long it took:
 *   nanosleep       relative SLEEP_MS: returns 0
 *   clock_nanosleep CLOCK_MONOTONIC, TIMER_ABSTIME: returns 0, the clock is
 *                   past the target afterwards
 *   poll            poll(NULL, 0, SLEEP_MS): returns 0
 *   select          no fds, SLEEP_MS timeout: returns 0
 *   condwait        pthread_cond_timedwait, 60 s timeout, woken by main
 *                   after WAKE_MS: returns 0 exactly once, with the flag set
 *   futex           FUTEX_WAIT (no timeout), woken by main after WAKE_MS:
 *                   returns 0 with the new value
 *   pause           pause() until main sends SIGUSR1 after WAKE_MS: returns
 *                   -1/EINTR once, with the handler having run
 * The timed calls must also have lasted at least SLEEP_MS (CLOCK_MONOTONIC);
 * the woken ones must not have returned before main woke them.
 * OUT.ready appears once all threads are in their calls (main then waits
 * WAKE_MS); OUT gets the report, "restarted yes|no" whether the parent pid
 * changed.  Exit 0 only if every call behaved.
 * Usage: syscall_restart OUT [SLEEP_MS [WAKE_MS]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

enum { NANOSLEEP, CLOCK_NANOSLEEP, POLL, SELECT, CONDWAIT, FUTEX, PAUSE, N };
static const char *const names[N] = { "nanosleep", "clock_nanosleep", "poll",
				       "select", "condwait", "futex", "pause" };

struct call {
	pthread_t thr;
	volatile int entered;
	long ret, err;
	long calls;		/* returns of the blocking call */
	double ms;		/* how long it took */
	int early;		/* returned before being woken */
	int spanned;		/* the parent changed during the call */
	char msg[160];
};

static struct call calls[N];
static long sleep_ms = 4000, wake_ms = 5000;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int cond_flag, woken;
static volatile int futex_word;
static volatile sig_atomic_t got_usr1;
static pid_t ppid0;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_usr1(int sig)
{
	got_usr1 = 1;
}

static void *run(void *arg)
{
	long k = (long)arg;
	struct call *c = &calls[k];
	struct timespec ts = { sleep_ms / 1000, sleep_ms % 1000 * 1000000L };
	struct timeval tv = { sleep_ms / 1000, sleep_ms % 1000 * 1000 };
	struct timespec abs;
	double t0;
	long r;

	t0 = now_ms();
	c->entered = 1;
	switch (k) {
	case NANOSLEEP:
		r = nanosleep(&ts, NULL);
		c->calls = 1;
		break;
	case CLOCK_NANOSLEEP:
		clock_gettime(CLOCK_MONOTONIC, &abs);
		abs.tv_sec += ts.tv_sec;
		abs.tv_nsec += ts.tv_nsec;
		if (abs.tv_nsec >= 1000000000L) {
			abs.tv_sec++;
			abs.tv_nsec -= 1000000000L;
		}
		/* returns the error number, not -1 */
		r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
		c->calls = 1;
		if (r) {
			errno = r;
			r = -1;
		} else {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			if (ts.tv_sec < abs.tv_sec || (ts.tv_sec == abs.tv_sec
			    && ts.tv_nsec < abs.tv_nsec))
				snprintf(c->msg, sizeof(c->msg),
					 "woke before the absolute target");
		}
		break;
	case POLL:
		r = poll(NULL, 0, sleep_ms);
		c->calls = 1;
		break;
	case SELECT:
		r = select(0, NULL, NULL, NULL, &tv);
		c->calls = 1;
		break;
	case CONDWAIT:
		clock_gettime(CLOCK_REALTIME, &abs);
		abs.tv_sec += 60;
		pthread_mutex_lock(&mu);
		r = 0;
		while (!cond_flag && r == 0) {
			r = pthread_cond_timedwait(&cv, &mu, &abs);
			c->calls++;
		}
		pthread_mutex_unlock(&mu);
		if (r) {
			errno = r;
			r = -1;
		}
		break;
	case FUTEX:
		r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0,
			    NULL, NULL, 0);
		c->calls = 1;
		if (r == 0 && futex_word != 1)
			snprintf(c->msg, sizeof(c->msg),
				 "woke with the word still %d", futex_word);
		break;
	case PAUSE:
		r = pause();
		c->calls = 1;
		if (!got_usr1)
			snprintf(c->msg, sizeof(c->msg),
				 "returned without SIGUSR1");
		break;
	default:
		r = -1;
	}
	c->err = r < 0 ? errno : 0;
	c->ret = r;
	c->spanned = getppid() != ppid0;
	c->ms = now_ms() - t0;
	if (k >= CONDWAIT && !woken)
		c->early = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	int restarted, spanned = 0;
	long k, bad = 0;
	FILE *out;

	cr_start(argc, argv, 1, "OUT [SLEEP_MS [WAKE_MS]]");
	if (argc > 2)
		sleep_ms = atol(argv[2]);
	if (argc > 3)
		wake_ms = atol(argv[3]);
	ppid0 = getppid();
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: pause EINTRs */
	/* only the pause thread takes SIGUSR1 */
	for (k = 0; k < N; k++) {
		sigset_t set, old;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		pthread_sigmask(k == PAUSE ? SIG_UNBLOCK : SIG_BLOCK, &set,
				&old);
		if (pthread_create(&calls[k].thr, NULL, run, (void *)k))
			return 2;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	{
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
	}
	for (k = 0; k < N; k++)
		while (!calls[k].entered)
			usleep(1000);
	usleep(100000);		/* let them get into the kernel */
	cr_mark(argv[1], "ready");

	{
		struct timespec w = { wake_ms / 1000, wake_ms % 1000 * 1000000L };

		while (nanosleep(&w, &w) < 0 && errno == EINTR)
			;
	}
	woken = 1;
	pthread_mutex_lock(&mu);
	cond_flag = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	futex_word = 1;
	syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	pthread_kill(calls[PAUSE].thr, SIGUSR1);
	for (k = 0; k < N; k++)
		pthread_join(calls[k].thr, NULL);

	restarted = getppid() != ppid0;
	out = fopen(argv[1], "w");
	if (!out)
		return 2;
	for (k = 0; k < N; k++) {
		struct call *c = &calls[k];
		int want_eintr = k == PAUSE, ok;

		ok = want_eintr ? c->ret == -1 && c->err == EINTR : c->ret == 0;
		if (!ok) {
			fprintf(out, "FAIL %s returned %ld (%s)\n", names[k],
				c->ret, c->err ? strerror(c->err) : "no error");
			bad++;
		}
		if (c->calls != 1) {
			fprintf(out, "FAIL %s returned %ld times\n", names[k],
				c->calls);
			bad++;
		}
		if (c->msg[0]) {
			fprintf(out, "FAIL %s: %s\n", names[k], c->msg);
			bad++;
		}
		if (c->early) {
			fprintf(out, "FAIL %s returned before it was woken\n",
				names[k]);
			bad++;
		}
		/* after a restart only a note: the clock may differ */
		if (k < CONDWAIT && c->ms < sleep_ms) {
			fprintf(out, "%s %s slept %.1f ms of %ld\n",
				restarted ? "NOTE" : "FAIL", names[k], c->ms,
				sleep_ms);
			bad += !restarted;
		}
		fprintf(out, "%s %ld after %.1f ms%s\n", names[k], c->ret,
			c->ms, c->spanned ? ", across a restart" : "");
		spanned += c->spanned;
	}
	fprintf(out, "restarted %s\n", restarted ? "yes" : "no");
	fprintf(out, "calls across the restart %d of %d\n", spanned, N);
	fprintf(out, "%s\n", bad ? "FAILED" : "OK");
	fclose(out);
	return bad ? 1 : 0;
}
