// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Interval timers survive checkpoint/restart.  ITIMER_REAL ticks every
 * 50 ms (SIGALRM counted); ITIMER_PROF is set to 1000 s with a 7 s interval
 * and ITIMER_VIRTUAL to 500 s with a 3 s interval (they do not fire).  After a few ticks the program creates DIR/ready and
 * waits for DIR/go.  Then getitimer() must show both timers (intervals
 * exact, values plausible) and SIGALRM must keep coming: at least 8 ticks in
 * the next second.  Exits 0 iff so.
 * Usage: signals_itimer DIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"



static volatile int ticks;

static void h_alrm(int sig)
{
	(void)sig;
	ticks++;
}

static void sleep_ms(long ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct itimerval real = { { 0, 50000 }, { 0, 50000 } };
	struct itimerval prof = { { 7, 0 }, { 1000, 0 } }, v;
	struct itimerval virt = { { 3, 0 }, { 500, 0 } };
	struct sigaction sa;
	int t0;

	cr_start(argc, argv, 1, "DIR");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h_alrm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	if (setitimer(ITIMER_REAL, &real, NULL) || setitimer(ITIMER_PROF, &prof, NULL) ||
	    setitimer(ITIMER_VIRTUAL, &virt, NULL)) {
		perror("setitimer");
		return 2;
	}
	while (ticks < 3)
		pause();
	printf("signals_itimer: ticking\n");
	cr_ready_wait_go(argv[1]);

	getitimer(ITIMER_REAL, &v);
	if (v.it_interval.tv_sec != 0 || v.it_interval.tv_usec != 50000)
		cr_bad("ITIMER_REAL interval %ld.%06ld s, not 0.05", (long)v.it_interval.tv_sec,
		    (long)v.it_interval.tv_usec);
	if (v.it_value.tv_sec != 0 || v.it_value.tv_usec <= 0 || v.it_value.tv_usec > 50000)
		cr_bad("ITIMER_REAL value %ld.%06ld s", (long)v.it_value.tv_sec, (long)v.it_value.tv_usec);
	getitimer(ITIMER_PROF, &v);
	if (v.it_interval.tv_sec != 7 || v.it_interval.tv_usec != 0)
		cr_bad("ITIMER_PROF interval %ld.%06ld s, not 7", (long)v.it_interval.tv_sec,
		    (long)v.it_interval.tv_usec);
	if (v.it_value.tv_sec < 900 || v.it_value.tv_sec > 1000)
		cr_bad("ITIMER_PROF value %ld.%06ld s, not about 1000", (long)v.it_value.tv_sec,
		    (long)v.it_value.tv_usec);
	getitimer(ITIMER_VIRTUAL, &v);
	if (v.it_interval.tv_sec != 3 || v.it_interval.tv_usec != 0)
		cr_bad("ITIMER_VIRTUAL interval %ld.%06ld s, not 3", (long)v.it_interval.tv_sec,
		    (long)v.it_interval.tv_usec);
	if (v.it_value.tv_sec < 400 || v.it_value.tv_sec > 500)
		cr_bad("ITIMER_VIRTUAL value %ld.%06ld s, not about 500", (long)v.it_value.tv_sec,
		    (long)v.it_value.tv_usec);
	t0 = ticks;
	sleep_ms(1000);
	printf("signals_itimer: %d ticks in 1 s\n", ticks - t0);
	if (ticks - t0 < 8)
		cr_bad("only %d SIGALRM ticks in 1 s (50 ms interval)", ticks - t0);
	return cr_result();
}
