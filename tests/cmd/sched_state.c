// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scheduling and prctl state survive a checkpoint with --kill and a
 * restart.  Usage: sched_state DIR.  Three threads, each with its own
 * state (policy, priority or nice, CPU affinity, parent-death signal,
 * timer slack):
 *   main     SCHED_BATCH, nice 5, CPU 1 only, PDEATHSIG SIGUSR1, slack 77 us
 *   second   SCHED_RR priority 3 with RESET_ON_FORK, CPU 0, SIGUSR2, 99 us
 *   third    SCHED_IDLE, CPUs 0-1, no PDEATHSIG, slack 123 us
 * and the process: a child subreaper, not dumpable.  Each thread checks
 * its own state after go (the timer slack: the one it had before the
 * checkpoint); the program says "sched_state: ok".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../cr_test_util.h"

struct want {
	const char *who;
	int policy;		/* with SCHED_RESET_ON_FORK */
	int prio;
	int nice;
	int cpus;		/* bit n: CPU n */
	int pdeath;
	unsigned long slack;
	int errors;
};

static const char *dir;
static pthread_barrier_t set_up;

static struct want wants[3] = {
	{ "main", SCHED_BATCH, 0, 5, 2, SIGUSR1, 77000, 0 },
	{ "second", SCHED_RR | SCHED_RESET_ON_FORK, 3, 0, 1, SIGUSR2, 99000, 0 },
	{ "third", SCHED_IDLE, 0, 0, 3, 0, 123000, 0 },
};

static pid_t tid(void)
{
	return syscall(SYS_gettid);
}

static void set(struct want *w)
{
	struct sched_param sp = { .sched_priority = w->prio };
	cpu_set_t set;
	int cpu;

	CPU_ZERO(&set);
	for (cpu = 0; cpu < 2; cpu++)
		if (w->cpus & (1 << cpu))
			CPU_SET(cpu, &set);
	if (sched_setscheduler(0, w->policy, &sp) < 0 ||
	    (w->nice && setpriority(PRIO_PROCESS, tid(), w->nice) < 0) ||
	    sched_setaffinity(0, sizeof(set), &set) < 0 ||
	    prctl(PR_SET_PDEATHSIG, w->pdeath) < 0 ||
	    prctl(PR_SET_TIMERSLACK, w->slack) < 0) {
		printf("sched_state: setup of %s: %s\n", w->who, strerror(errno));
		_exit(2);
	}
	/* Some kernels give real-time threads no slack: what it has now. */
	w->slack = prctl(PR_GET_TIMERSLACK);
}

#define CHECK(cond, ...) do { if (!(cond)) { printf("sched_state: BAD: %s: ", w->who); \
	printf(__VA_ARGS__); putchar('\n'); w->errors++; } } while (0)

static void check(struct want *w)
{
	struct sched_param sp;
	cpu_set_t set;
	int sig = -1, policy, nice, cpu, cpus = 0;
	long slack;

	policy = sched_getscheduler(0);
	CHECK(policy == w->policy, "policy %#x, not %#x", policy, w->policy);
	CHECK(!sched_getparam(0, &sp) && sp.sched_priority == w->prio,
	      "priority %d, not %d", sp.sched_priority, w->prio);
	errno = 0;
	nice = getpriority(PRIO_PROCESS, tid());
	CHECK(!errno && nice == w->nice, "nice %d, not %d", nice, w->nice);
	CHECK(!sched_getaffinity(0, sizeof(set), &set), "affinity");
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus |= 1 << (cpu < 30 ? cpu : 30);
	CHECK(cpus == w->cpus, "CPUs %#x, not %#x", cpus, w->cpus);
	CHECK(!prctl(PR_GET_PDEATHSIG, &sig) && sig == w->pdeath,
	      "PDEATHSIG %d, not %d", sig, w->pdeath);
	slack = prctl(PR_GET_TIMERSLACK);
	CHECK(slack == (long)w->slack, "timer slack %ld, not %lu", slack,
	      w->slack);
}

static void *thread(void *arg)
{
	struct want *w = arg;

	set(w);
	pthread_barrier_wait(&set_up);
	while (!cr_exists(dir, "go"))
		usleep(20000);
	check(w);
	return NULL;
}

int main(int argc, char **argv)
{
	struct want *w = &wants[0];
	pthread_t t[2];
	int i, v = -1, errors = 0;

	if (argc != 2)
		return 2;
	dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_barrier_init(&set_up, NULL, 3);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0) < 0)
		return 2;
	for (i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, thread, &wants[i + 1]))
			return 2;
	set(w);
	pthread_barrier_wait(&set_up);
	cr_ready_wait_go(dir);
	check(w);
	CHECK(!prctl(PR_GET_CHILD_SUBREAPER, &v) && v == 1, "subreaper %d", v);
	v = prctl(PR_GET_DUMPABLE);
	CHECK(v == 0, "dumpable %d", v);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 3; i++)
		errors += wants[i].errors;
	if (errors)
		return 1;
	printf("sched_state: ok\n");
	return 0;
}
