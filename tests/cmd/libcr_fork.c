// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fork() and libcr (issue 22).
 *
 * libcr_fork OUT MARKS: a thread-context and a signal-context callback
 * (main's) each append "cb PID" to MARKS, then fork a child before and
 * after their cr_checkpoint(): the child sends a number down a pipe and
 * _exit()s, the callback reaps it.  Checkpointed, the program goes on;
 * checkpointed with --kill and restarted, it must have seen cr_checkpoint()
 * return 0, then > 0, in each callback and every fork work (4 each).
 * Writes OUT.ready, OUT.cont, then OUT ("OK" or the failures).
 *
 * libcr_fork child OUT MARKS: the same callbacks, then a child that never
 * calls cr_init(): it must find itself unregistered, write its pid to
 * OUT.ready, wait for OUT.go, count and report to OUT.  The test
 * checkpoints and restarts that child: none of the parent's callbacks may
 * run in it (no "cb CHILD" in MARKS).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libcr.h>

#include "libcr_test.h"

enum { CB_THREAD, CB_SIGNAL, NCB };
#define FORKS_EACH	4	/* two per checkpoint, two checkpoints */
#define COUNT_TO	50

static const char *marks;
static atomic_int cont[NCB], rstrt[NCB], forks_ok[NCB], bad_marks;

/* Appends "cb PID" to MARKS: which process ran a callback. */
static void mark(void)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "cb %d\n", getpid());
	int fd = open(marks, O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (fd < 0 || write(fd, line, n) != n)
		bad_marks++;
	if (fd >= 0)
		close(fd);
}

/* A child sends n down a pipe and _exit()s; true if all went well. */
static bool fork_one(int n)
{
	int p[2], got = -1, status;
	pid_t pid;

	if (pipe(p))
		return false;
	pid = fork();
	if (!pid)
		_exit(write(p[1], &n, sizeof(n)) == sizeof(n) ? 0 : 1);
	close(p[1]);
	if (pid > 0 && read(p[0], &got, sizeof(got)) != sizeof(got))
		got = -1;
	close(p[0]);
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && !WEXITSTATUS(status) && got == n;
}

static int forking_cb(void *arg)
{
	long i = (long)arg;
	int rc;

	mark();
	forks_ok[i] += fork_one(forks_ok[i]);
	rc = cr_checkpoint(0);
	forks_ok[i] += fork_one(forks_ok[i]);
	if (!rc)
		cont[i]++;
	else if (rc > 0)
		rstrt[i]++;
	return 0;
}

static void setup(void)
{
	CHECK(cr_init() >= 0);
	CHECK(cr_register_callback(forking_cb, (void *)CB_THREAD,
				   CR_THREAD_CONTEXT) >= 0);
	CHECK(cr_register_callback(forking_cb, (void *)CB_SIGNAL,
				   CR_SIGNAL_CONTEXT) >= 0);
}

static bool both_are(atomic_int *v, int n)
{
	return v[CB_THREAD] == n && v[CB_SIGNAL] == n;
}

static bool continued(void)
{
	return both_are(cont, 1);
}

static bool restarted(void)
{
	return both_are(rstrt, 1);
}

/* Written under a temporary name: the test script waits for path. */
static void write_pid(const char *out)
{
	char tmp[4096], path[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	snprintf(path, sizeof(path), "%s.ready", out);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) ||
	    rename(tmp, path))
		_exit(2);
}

/* The forked child: no libcr of its own, checkpointed by the test. */
static int child_main(const char *out)
{
	char go[4096];
	int k, sum = 0;

	CHECK(cr_status() == -1 && errno == CR_ENOINIT);
	CHECK(cr_register_callback(forking_cb, NULL, CR_THREAD_CONTEXT) < 0 &&
	      errno == CR_ENOINIT);
	snprintf(go, sizeof(go), "%s.go", out);
	write_pid(out);
	while (access(go, F_OK))
		cr_pause_ms(20);
	for (k = 0; k < COUNT_TO; k++) {
		sum += k;
		cr_pause_ms(10);
	}
	CHECK(sum == COUNT_TO * (COUNT_TO - 1) / 2);
	CHECK(!bad_marks && both_are(cont, 0) && both_are(rstrt, 0));
	return lt_report(out);
}

static int child_test(const char *out)
{
	int status;
	pid_t pid;

	setup();
	pid = fork();
	if (!pid)
		return child_main(out);
	/* The child is checkpointed with --kill: its restart goes on alone. */
	return pid > 0 && waitpid(pid, &status, 0) == pid ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "child")) {
		marks = argv[3];
		return child_test(argv[2]);
	}
	if (argc != 3) {
		fprintf(stderr, "usage: libcr_fork [child] OUT MARKS\n");
		return 2;
	}
	marks = argv[2];
	setup();
	lt_two_checkpoints(argv[1], continued, restarted);
	CHECK(both_are(cont, 1));
	CHECK(both_are(rstrt, 1));
	CHECK(both_are(forks_ok, FORKS_EACH));
	CHECK(!bad_marks);
	return lt_report(argv[1]);
}
