// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A daemon-style event loop for tests/runtimes.sh: poll() waits on a
 * periodic timerfd (40 ms) and a signalfd for SIGUSR1 and SIGUSR2, which
 * the program sends itself every 5th and 7th tick.  Each tick extends a
 * hash chain and writes "TICK HASH"; each signal read writes
 * "sig SIGNO after TICK".  The output depends only on the tick count, so
 * a run checkpointed and restarted must write what an uninterrupted one
 * does.  With --epoll, an epoll watching both waits instead of poll().
 * Usage: evloop [--epoll] TICKS OUT
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "../cr_test_util.h"

enum { EV_TIMER = 1, EV_SIGNAL = 2 };

static void watch(int ep, int fd, uint64_t data)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = data };

	if (fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0)
		cr_die("evloop: setup");
}

/* Reads every pending signal, in signal order. */
static void read_signals(int sfd, FILE *out, long tick)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si))
		fprintf(out, "sig %u after %ld\n", si.ssi_signo, tick);
}

/* Which of the two fds are ready, signals first, as epoll or poll says. */
static int wait_ready(int ep, int tfd, int sfd, uint64_t *ready)
{
	struct pollfd p[2] = { { sfd, POLLIN, 0 }, { tfd, POLLIN, 0 } };
	struct epoll_event ev[2];
	int i, n;

	if (ep >= 0) {
		n = epoll_wait(ep, ev, 2, -1);
		for (i = 0; i < n; i++)
			ready[ev[i].data.u64 == EV_SIGNAL ? 0 : 1] = 1;
		return n;
	}
	n = poll(p, 2, -1);
	for (i = 0; i < 2; i++)
		ready[i] = p[i].revents & POLLIN;
	return n;
}

int main(int argc, char **argv)
{
	struct itimerspec its = { { 0, 40000000 }, { 0, 40000000 } };
	uint64_t h = 1469598103934665603ULL, n, ready[2];
	long tick = 0, ticks;
	int ep = -1, tfd, sfd;
	sigset_t set;
	FILE *out;

	if (argc == 4 && !strcmp(argv[1], "--epoll")) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		argv++;
		argc--;
	}
	if (argc != 3)
		return 2;
	ticks = atol(argv[1]);
	out = fopen(argv[2], "w");
	if (!out)
		cr_die(argv[2]);
	setvbuf(out, NULL, _IOLBF, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	sfd = signalfd(-1, &set, SFD_NONBLOCK);
	if (ep >= 0) {
		watch(ep, tfd, EV_TIMER);
		watch(ep, sfd, EV_SIGNAL);
	}
	if (tfd < 0 || sfd < 0 || timerfd_settime(tfd, 0, &its, NULL) < 0)
		cr_die("evloop: setup");
	while (tick < ticks) {
		ready[0] = ready[1] = 0;
		wait_ready(ep, tfd, sfd, ready);
		/* Signals first: one raised at a tick is read before the next. */
		if (ready[0])
			read_signals(sfd, out, tick);
		if (!ready[1] || read(tfd, &n, sizeof(n)) != sizeof(n))
			continue;
		h = (h ^ (uint64_t)tick) * 1099511628211ULL;
		fprintf(out, "%ld %016llx\n", tick, (unsigned long long)h);
		tick++;
		if (tick % 5 == 0)
			kill(getpid(), SIGUSR1);
		if (tick % 7 == 0)
			kill(getpid(), SIGUSR2);
	}
	read_signals(sfd, out, tick);
	return fclose(out) ? 1 : 0;
}
