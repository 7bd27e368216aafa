// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Zombies across a restart: the parent makes two children, one that exits
 * with 42 and one killed by SIGTERM, and leaves them unreaped; it writes
 * their pids to DIR/pids and counts 0..LIMIT-1 into DIR/out, one number
 * per DELAY_MS.  Then it reaps both, checks their pids and statuses and
 * that no SIGCHLD came after the zombies were made, and writes "ok" (or
 * what was wrong) to DIR/result.
 * Usage: tree_zombie DIR LIMIT DELAY_MS
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

static volatile sig_atomic_t nchld;
static int nchld_then;		/* SIGCHLDs before the count (they may merge) */

static void on_chld(int sig)
{
	nchld++;
}

static void count(const char *dir, long limit, long delay_ms)
{
	char path[4096];

	snprintf(path, sizeof(path), "%.4000s/out", dir);
	cr_count_to(path, limit, delay_ms);
}

/* Makes both zombies; returns 0 once they are dead and unreaped. */
static int make_zombies(pid_t *exited, pid_t *killed)
{
	siginfo_t info;

	*exited = fork();
	if (*exited == 0)
		_exit(42);
	*killed = fork();
	if (*killed == 0) {
		for (;;)
			pause();
	}
	if (*exited < 0 || *killed < 0 || kill(*killed, SIGTERM) < 0)
		return -1;
	if (waitid(P_PID, *exited, &info, WEXITED | WNOWAIT) < 0 ||
	    waitid(P_PID, *killed, &info, WEXITED | WNOWAIT) < 0)
		return -1;
	return 0;
}

/* Reaps both; "" if all is as it was, else what differs. */
static void reap(pid_t exited, pid_t killed, char *why, size_t len)
{
	int s1 = -1, s2 = -1;
	pid_t p1, p2, p3;

	p1 = waitpid(exited, &s1, 0);
	p2 = waitpid(killed, &s2, 0);
	p3 = waitpid(-1, NULL, WNOHANG);
	why[0] = '\0';
	if (p1 != exited || !WIFEXITED(s1) || WEXITSTATUS(s1) != 42)
		snprintf(why, len, "child %d: waitpid %d status %#x", exited,
			 p1, s1);
	else if (p2 != killed || !WIFSIGNALED(s2) || WTERMSIG(s2) != SIGTERM)
		snprintf(why, len, "child %d: waitpid %d status %#x", killed,
			 p2, s2);
	else if (p3 != -1 || errno != ECHILD)
		snprintf(why, len, "another child: waitpid %d", p3);
	else if (nchld != nchld_then || !nchld)
		snprintf(why, len, "SIGCHLD came %d times, not %d",
			 (int)nchld, nchld_then);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_chld, .sa_flags = SA_RESTART };
	pid_t exited, killed;
	char path[4096], why[128];
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: tree_zombie DIR LIMIT DELAY_MS\n");
		return 2;
	}
	sigaction(SIGCHLD, &sa, NULL);
	if (make_zombies(&exited, &killed) < 0)
		return 3;
	snprintf(path, sizeof(path), "%.4000s/pids", argv[1]);
	f = fopen(path, "w");
	if (!f)
		return 4;
	fprintf(f, "%d %d\n", exited, killed);
	fclose(f);
	nchld_then = nchld;
	count(argv[1], atol(argv[2]), atol(argv[3]));
	reap(exited, killed, why, sizeof(why));
	snprintf(path, sizeof(path), "%.4000s/result", argv[1]);
	f = fopen(path, "w");
	if (!f)
		return 4;
	fprintf(f, "%s\n", why[0] ? why : "ok");
	fclose(f);
	return why[0] ? 1 : 0;
}
