// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program that checkpoints itself through libcr, as BLCR's users did.
 * It counts 0..N-1 into DIR/out; at K it asks for a checkpoint of itself
 * (HOW below) into DIR/ctx and writes whether it continued or was
 * restarted.  Meanwhile one thread spins, one waits in read() on a pipe,
 * and a thread-context callback writes DIR/cb.  Both lives (the one that
 * goes on and the restarted one) must find their threads working and
 * count on to N.
 *
 * Usage: libcr_self HOW DIR, HOW one of:
 *   proc pid tree pgrp sess  cr_request_checkpoint with that scope, target
 *                            0 (pid: its own pid), polled to the end
 *   child     a child requests its parent's tree, polls, and exits 0
 *             (continued) or 1 (restarted); the parent reports the status
 *   file fd request          the deprecated cr_request_file(),
 *                            cr_request_fd(), cr_request() (which
 *                            writes DIR/context.PID and cannot tell the
 *                            two lives apart: "requested")
 *   prohibit  CR_CHKPT_PROHIBIT_SELF must fail with EDEADLK
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libcr.h>

#include "../cr_test_util.h"
#include "libcr_test.h"

#define N	20
#define K	8

static const char *dir;
static int out_fd, cb_fd;
static int pipe_fds[2];
static atomic_long spins;
static atomic_int woke;

static void put(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(int fd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (write(fd, line, n) != n)
		exit(3);
}

static int callback(void *arg)
{
	int r;

	put(cb_fd, "checkpoint\n");
	r = cr_checkpoint(CR_CHECKPOINT_READY);
	put(cb_fd, r > 0 ? "restart\n" : r == 0 ? "continue\n" : "error\n");
	return 0;
}

static void *spinner(void *arg)
{
	for (;;)
		atomic_fetch_add(&spins, 1);
	return NULL;
}

static void *reader(void *arg)
{
	char c;

	while (read(pipe_fds[0], &c, 1) == 1)
		atomic_fetch_add(&woke, 1);
	return NULL;
}

/* After the checkpoint, in either life: the threads still do their work. */
static void check_threads(void)
{
	long s = atomic_load(&spins);
	int w = atomic_load(&woke), i;

	if (write(pipe_fds[1], "x", 1) != 1)
		exit(3);
	for (i = 0; i < 500 && atomic_load(&woke) == w; i++)
		cr_pause_ms(10);
	put(out_fd, "reader %s\n", atomic_load(&woke) > w ? "woke" : "stuck");
	cr_pause_ms(20);
	put(out_fd, "spinner %s\n", atomic_load(&spins) > s ? "runs" : "stuck");
}

/* 0 continued, 1 restarted, -1 failed (errno). */
static int request(cr_scope_t scope, pid_t target, unsigned int flags)
{
	int fd = cr_open_in(dir, "ctx", O_WRONLY | O_CREAT | O_TRUNC |
			    O_CLOEXEC);
	int r = lt_checkpoint(scope, target, flags, fd);

	close(fd);
	if (r == CR_POLL_CHKPT_ERR_POST && errno == CR_ERESTARTED)
		return 1;
	return r > 0 ? 0 : -1;
}

/* The child asks for its parent's tree: it is in the scope itself. */
static int request_from_child(void)
{
	pid_t child = fork();
	int status;

	if (child == 0)
		_exit(request(CR_SCOPE_TREE, getppid(), 0) == 0 ? 0 : 1);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) <= 1 ?
	       WEXITSTATUS(status) : -1;
}

static int self_checkpoint(const char *how)
{
	int fd, r;

	if (!strcmp(how, "proc"))
		return request(CR_SCOPE_PROC, 0, 0);
	if (!strcmp(how, "pid"))
		return request(CR_SCOPE_PROC, getpid(), 0);
	if (!strcmp(how, "tree"))
		return request(CR_SCOPE_TREE, 0, 0);
	if (!strcmp(how, "pgrp"))
		return request(CR_SCOPE_PGRP, 0, 0);
	if (!strcmp(how, "sess"))
		return request(CR_SCOPE_SESS, 0, 0);
	if (!strcmp(how, "child"))
		return request_from_child();
	if (!strcmp(how, "fd")) {
		fd = cr_open_in(dir, "ctx", O_WRONLY | O_CREAT | O_TRUNC);
		r = cr_request_fd(fd);
		close(fd);
		return r;
	}
	if (chdir(dir))
		return -1;
	if (!strcmp(how, "file"))
		return cr_request_file("ctx");
	/* It cannot tell: the test sees the counting go on. */
	if (!strcmp(how, "request")) {
		cr_request();
		return 2;
	}
	fprintf(stderr, "libcr_self: unknown HOW %s\n", how);
	exit(2);
}

static void count(const char *how)
{
	int i, r;

	for (i = 0; i < N; i++) {
		put(out_fd, "%d\n", i);
		if (i != K) {
			cr_pause_ms(10);
			continue;
		}
		if (!strcmp(how, "prohibit")) {
			errno = 0;
			r = request(CR_SCOPE_PROC, 0, CR_CHKPT_PROHIBIT_SELF);
			put(out_fd, "prohibited: %s\n",
			    r < 0 && errno == EDEADLK ? "EDEADLK" :
			    strerror(errno));
			continue;
		}
		r = self_checkpoint(how);
		put(out_fd, "%s\n", r == 2 ? "requested" : r == 1 ?
		    "restarted" : r == 0 ? "continued" : strerror(errno));
		check_threads();
	}
	put(out_fd, "done\n");
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc != 3) {
		fprintf(stderr, "usage: libcr_self HOW DIR\n");
		return 2;
	}
	dir = argv[2];
	out_fd = cr_open_in(dir, "out", O_WRONLY | O_CREAT | O_APPEND);
	cb_fd = cr_open_in(dir, "cb", O_WRONLY | O_CREAT | O_APPEND);
	if (pipe(pipe_fds) || cr_init() < 0 ||
	    cr_register_callback(callback, NULL, CR_THREAD_CONTEXT) < 0) {
		perror("libcr_self: setup");
		return 2;
	}
	if (pthread_create(&t, NULL, spinner, NULL) ||
	    pthread_create(&t, NULL, reader, NULL))
		return 2;
	count(argv[1]);
	return 0;
}
