// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * POSIX timers survive checkpoint/restart with their ids.  The program
 * makes a periodic CLOCK_MONOTONIC timer (SIGRTMIN, 50 ms, counted by
 * sival), a timer it deletes at once (a hole in the ids), a one-shot
 * CLOCK_REALTIME timer (SIGRTMIN+1) due in 5 s, a SIGEV_NONE timer due in
 * 100 s, a SIGEV_NONE CLOCK_REALTIME timer armed with TIMER_ABSTIME, and a
 * periodic timer that signals a second thread (SIGEV_THREAD_ID, 100 ms),
 * which takes its signals with sigwaitinfo(), and a periodic timer
 * (10 ms) whose signal stays blocked, taken once with sigwaitinfo() to
 * get an overrun count.  Once ticking it notes the time left on each,
 * creates DIR/ready and waits for DIR/go.  Then the one-shot and
 * SIGEV_NONE timers have lost the time since: all of it when the
 * program ran on ("cont"), or at least 4.5 s less when it was restarted
 * ("restart": the test waits 5 s before restarting, which must not
 * count); the absolute timer keeps its deadline; the one-shot fires once,
 * when it said; both periodic timers tick on; timer_settime,
 * timer_gettime and timer_delete work on every old timer_t and a new
 * timer can be made; timer_getoverrun() still shows the count.  Exits 0
 * iff so.  With "cpu" it also makes a CLOCK_PROCESS_CPUTIME_ID timer,
 * which the checkpoint must refuse.
 * Usage: ptimers DIR cont|restart|cpu
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"



#define TICK_VAL	0x7101
#define ONESHOT_VAL	0x7102
#define THREAD_VAL	0x7103
#define OVERRUN_VAL	0x7104

static volatile sig_atomic_t ticks, oneshots, strays;
static volatile int thread_ticks;
static struct timespec fired;	/* CLOCK_MONOTONIC when the one-shot fired */
static pid_t worker_tid;
static int restarted;		/* "restart": the test waits 5 s */

static int64_t ns_of(struct timespec t)
{
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int64_t now_ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return ns_of(t);
}

static int64_t left_ns(timer_t t, const char *what)
{
	struct itimerspec v;

	if (timer_gettime(t, &v) < 0) {
		cr_bad("timer_gettime(%s): %s", what, strerror(errno));
		return -1;
	}
	return ns_of(v.it_value);
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGRTMIN && si->si_value.sival_int == TICK_VAL &&
	    si->si_code == SI_TIMER) {
		ticks++;
	} else if (sig == SIGRTMIN + 1 && si->si_value.sival_int == ONESHOT_VAL) {
		clock_gettime(CLOCK_MONOTONIC, &fired);
		oneshots++;
	} else {
		strays++;
	}
}

static void *worker(void *arg)
{
	siginfo_t si;
	sigset_t set;

	(void)arg;
	worker_tid = syscall(SYS_gettid);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 2);
	for (;;) {
		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_value.sival_int == THREAD_VAL)
			__atomic_add_fetch(&thread_ticks, 1, __ATOMIC_SEQ_CST);
		else
			strays++;
	}
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec d = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
}

static timer_t make(clockid_t c, int notify, int sig, int val, pid_t tid)
{
	struct sigevent ev;
	timer_t t;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = notify;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_int = val;
	ev._sigev_un._tid = tid;
	if (timer_create(c, &ev, &t) < 0) {
		perror("timer_create");
		exit(2);
	}
	return t;
}

static void arm(timer_t t, int flags, int64_t value, int64_t interval)
{
	struct itimerspec v = {
		{ interval / 1000000000, interval % 1000000000 },
		{ value / 1000000000, value % 1000000000 } };

	if (timer_settime(t, flags, &v, NULL) < 0) {
		perror("timer_settime");
		exit(2);
	}
}

/* What each timer had left when the program got ready, and when. */
struct marks {
	int64_t at, oneshot, none, mono;
};

/*
 * The time a timer lost over "elapsed" (ready to go): all of it, or
 * without the 5 s the program was down.
 */
static void check_left(const char *what, int64_t before, int64_t after,
		       int64_t elapsed)
{
	int64_t lost = before - after;

	printf("ptimers: %s: %.3f s left before, %.3f s after, %.3f s "
	       "later\n", what, before / 1e9, after / 1e9, elapsed / 1e9);
	if (after <= 0 || lost < 0 || lost > elapsed + 50000000LL)
		cr_bad("%s: %lld ns left, had %lld", what, (long long)after,
		    (long long)before);
	else if (restarted && elapsed - lost < 4500000000LL)
		cr_bad("%s counted the time the program was down", what);
	else if (!restarted && lost < elapsed - 100000000LL)
		cr_bad("%s stood still", what);
}

static void check_ticking(void)
{
	int t0 = ticks, w0 = thread_ticks;

	sleep_ms(1000);
	printf("ptimers: %d ticks, %d thread ticks in 1 s\n", ticks - t0,
	       thread_ticks - w0);
	if (ticks - t0 < 8)
		cr_bad("only %d ticks in 1 s (50 ms period)", ticks - t0);
	if (thread_ticks - w0 < 4)
		cr_bad("only %d thread ticks in 1 s (100 ms period)",
		    thread_ticks - w0);
}

/* The one-shot fires once, at due (CLOCK_MONOTONIC). */
static void check_oneshot(int64_t due)
{
	int64_t late;

	while (!oneshots && now_ns(CLOCK_MONOTONIC) < due + 2000000000LL)
		sleep_ms(10);
	if (!oneshots) {
		cr_bad("the one-shot timer never fired");
		return;
	}
	late = ns_of(fired) - due;
	printf("ptimers: one-shot fired %.3f s after it was due\n", late / 1e9);
	if (late < -20000000LL || late > 300000000LL)
		cr_bad("the one-shot fired %.3f s off its time", late / 1e9);
	sleep_ms(300);
	if (oneshots != 1)
		cr_bad("the one-shot fired %d times", oneshots);
}

int main(int argc, char **argv)
{
	timer_t tick, hole, oneshot, none, absrt, thr, ovr, fresh;
	struct sigaction sa;
	struct marks m;
	int64_t deadline, asked, left;
	int overruns;
	siginfo_t si;
	pthread_t th;
	sigset_t set;

	cr_start(argc, argv, 2, "DIR cont|restart|cpu");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGRTMIN, &sa, NULL);
	sigaction(SIGRTMIN + 1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 2);
	sigaddset(&set, SIGRTMIN + 3);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_create(&th, NULL, worker, NULL);
	while (!worker_tid)
		sleep_ms(1);

	tick = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRTMIN, TICK_VAL, 0);
	hole = make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0);
	oneshot = make(CLOCK_REALTIME, SIGEV_SIGNAL, SIGRTMIN + 1, ONESHOT_VAL, 0);
	none = make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0);
	absrt = make(CLOCK_REALTIME, SIGEV_NONE, 0, 0, 0);
	thr = make(CLOCK_BOOTTIME, SIGEV_THREAD_ID, SIGRTMIN + 2, THREAD_VAL,
		   worker_tid);
	ovr = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRTMIN + 3, OVERRUN_VAL, 0);
	if (timer_delete(hole) < 0) {
		perror("timer_delete");
		return 2;
	}
	restarted = !strcmp(argv[2], "restart");
	if (!strcmp(argv[2], "cpu"))
		make(CLOCK_PROCESS_CPUTIME_ID, SIGEV_NONE, 0, 0, 0);
	arm(tick, 0, 50000000, 50000000);
	arm(thr, 0, 100000000, 100000000);
	arm(oneshot, 0, 5000000000LL, 0);
	arm(none, 0, 100000000000LL, 0);
	deadline = now_ns(CLOCK_REALTIME) + 200000000000LL;
	arm(absrt, TIMER_ABSTIME, deadline, 0);
	arm(ovr, 0, 10000000, 10000000);
	sleep_ms(100);
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 3);
	sigwaitinfo(&set, &si);
	overruns = timer_getoverrun(ovr);
	if (si.si_value.sival_int != OVERRUN_VAL || overruns < 3) {
		fprintf(stderr, "ptimers: %d overruns, not many\n", overruns);
		return 2;
	}
	while (ticks < 3 || thread_ticks < 2)
		sleep_ms(10);
	m.at = now_ns(CLOCK_MONOTONIC);
	m.oneshot = left_ns(oneshot, "one-shot");
	m.none = left_ns(none, "SIGEV_NONE");
	printf("ptimers: ticking, ids %ld %ld %ld %ld %ld %ld (%ld deleted), "
	       "%d overruns\n", (long)tick, (long)oneshot, (long)none,
	       (long)absrt, (long)thr, (long)ovr, (long)hole, overruns);
	cr_ready_wait_go(argv[1]);

	asked = now_ns(CLOCK_MONOTONIC);
	left = left_ns(oneshot, "one-shot");
	/* A slow checkpoint lets it fire first; a restart must not. */
	if (oneshots && restarted)
		cr_bad("the one-shot fired before the restart was done");
	else if (!oneshots)
		check_left("one-shot", m.oneshot, left, asked - m.at);
	m.mono = left_ns(none, "SIGEV_NONE");
	check_left("SIGEV_NONE", m.none, m.mono, asked - m.at);
	if (llabs(now_ns(CLOCK_REALTIME) + left_ns(absrt, "absolute") -
		  deadline) > 100000000LL)
		cr_bad("the absolute timer lost its deadline");
	if (timer_getoverrun(ovr) != overruns)
		cr_bad("timer_getoverrun() says %d, not %d", timer_getoverrun(ovr),
		    overruns);
	check_ticking();
	check_oneshot(oneshots ? m.at + m.oneshot : asked + left);
	if (left_ns(none, "SIGEV_NONE") >= m.mono)
		cr_bad("the SIGEV_NONE timer stands still");
	arm(none, 0, 50000000000LL, 0);
	if (llabs(left_ns(none, "SIGEV_NONE") - 50000000000LL) > 100000000LL)
		cr_bad("timer_settime on the old SIGEV_NONE id did not take");
	fresh = make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0);
	if (timer_delete(tick) || timer_delete(oneshot) ||
	    timer_delete(none) || timer_delete(absrt) || timer_delete(thr) ||
	    timer_delete(ovr) || timer_delete(fresh))
		cr_bad("timer_delete: %s", strerror(errno));
	if (strays)
		cr_bad("%d signals with the wrong value", strays);
	return cr_result();
}
