// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program that replaces itself LIMIT times: generation G appends G to
 * FILE, starts THREADS threads that sleep, waits DELAY_MS and execs
 * generation G+1.  In odd generations with threads, a thread other than
 * the leader does the exec, so the kernel kills the leader and gives its
 * pid to that thread (de_thread).  A checkpoint that races any of this must
 * either fail cleanly or capture one whole generation; either way FILE
 * ends up holding 0..LIMIT-1 exactly once, in order.
 * Usage: exec_chain FILE LIMIT DELAY_MS THREADS [GEN]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

static char **args;
static long gen, delay_ms;
/* An exec while the leader still creates threads fails its clone (EAGAIN). */
static pthread_barrier_t all_started;

static void append(const char *path, long n)
{
	char line[32];
	int fd, len;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		exit(100);
	len = snprintf(line, sizeof(line), "%ld\n", n);
	if (write(fd, line, len) != len)
		exit(101);
	close(fd);
}

static void next_generation(void)
{
	char g[32];

	cr_pause_ms(delay_ms);
	snprintf(g, sizeof(g), "%ld", gen + 1);
	execl("/proc/self/exe", "exec_chain", args[1], args[2], args[3],
	      args[4], g, (char *)NULL);
	perror("exec");
	exit(102);
}

static void *worker(void *execs)
{
	pthread_barrier_wait(&all_started);
	if (execs)
		next_generation();
	for (;;)
		cr_pause_ms(1000);
	return NULL;
}

int main(int argc, char **argv)
{
	long limit, threads, i;
	pthread_t t;
	int err;

	if (argc < 5) {
		fprintf(stderr,
			"usage: exec_chain FILE LIMIT DELAY_MS THREADS [GEN]\n");
		return 2;
	}
	args = argv;
	limit = atol(argv[2]);
	delay_ms = atol(argv[3]) * cr_slow();
	threads = atol(argv[4]);
	gen = argc > 5 ? atol(argv[5]) : 0;
	if (gen == 0 && truncate(argv[1], 0) < 0 && errno != ENOENT)
		return 100;
	append(argv[1], gen);
	if (gen + 1 >= limit)
		return 0;
	if (threads)
		pthread_barrier_init(&all_started, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		err = pthread_create(&t, NULL, worker,
				     (void *)(long)(gen % 2 && i == 0));
		if (err) {
			fprintf(stderr, "generation %ld: pthread_create: %s\n",
				gen, strerror(err));
			return 103;
		}
	}
	if (threads)
		pthread_barrier_wait(&all_started);
	if (!threads || gen % 2 == 0)
		next_generation();
	for (;;)
		cr_pause_ms(1000);
}
