// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A tree of NPROC processes, 3 levels below the root: process K's parent
 * is process (K-1)/3.  Some subtrees get ids of their own: process 1 leads
 * a process group, process 5 (under 1) a group inside it, process 2 a
 * session, and process 8 (under 2) a group in that session.  Every process
 * has a second thread.
 *
 * Each process writes its ids (pid, ppid, pgid, sid, both thread ids) to
 * DIR/before.K, then waits for DIR/start.  Then each thread counts
 * 0..LIMIT-1 into DIR/out.K.T, one number per DELAY_MS.  At the end each
 * process writes its ids as they are then to DIR/after.K, reaps its
 * children, and exits 0 only if its ids are those it started with (the
 * root's parent excepted: after a restart that is cr_restart; groups and
 * sessions too when DIR/own_ids exists, the test then checks them) and
 * every child exited 0.
 * Usage: tree_ids DIR LIMIT DELAY_MS
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

#define NPROC	32
#define FANOUT	3

struct ids {
	pid_t pid, ppid, pgid, sid, tid[2];
};

static const char *dir;
static long limit, delay_ms;
static int me;			/* this process's index in the tree */

static pid_t my_tid(void)
{
	return syscall(SYS_gettid);
}

static void get_ids(struct ids *id)
{
	id->pid = getpid();
	id->ppid = getppid();
	id->pgid = getpgid(0);
	id->sid = getsid(0);
}

/* DIR/NAME.K, written whole under a temporary name and renamed. */
/* Whether the test checks the groups and sessions after a restart. */
static int test_checks_ids(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/own_ids", dir);
	return access(path, F_OK) == 0;
}

static void put_ids(const char *name, const struct ids *id)
{
	char tmp[4096], path[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/tmp.%d", dir, me);
	snprintf(path, sizeof(path), "%s/%s.%d", dir, name, me);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "pid %d\nppid %d\npgid %d\nsid %d\ntid %d %d\n",
			  id->pid, id->ppid, id->pgid, id->sid, id->tid[0],
			  id->tid[1]) < 0 || fclose(f) || rename(tmp, path)) {
		perror(path);
		exit(2);
	}
}

/* Thread T's share of the work, once the test says start. */
static void count(int t)
{
	struct timespec d = { delay_ms / 1000, delay_ms % 1000 * 1000000 };
	struct timespec poll = { 0, 50 * 1000 * 1000 };
	char path[4096];
	long i;
	FILE *f;

	while (!cr_exists(dir, "start"))
		nanosleep(&poll, NULL);
	snprintf(path, sizeof(path), "%s/out.%d.%d", dir, me, t);
	f = fopen(path, "w");
	if (!f)
		exit(3);
	setvbuf(f, NULL, _IONBF, 0);
	for (i = 0; i < limit; i++) {
		if (fprintf(f, "%ld\n", i) < 0)
			exit(3);
		nanosleep(&d, NULL);
	}
	fclose(f);
}

static pthread_barrier_t started;
static struct ids before, after;

static void *worker(void *arg)
{
	(void)arg;
	before.tid[1] = my_tid();
	pthread_barrier_wait(&started);
	count(1);
	after.tid[1] = my_tid();
	return NULL;
}

/* Gives the subtree under this process the ids the header promises. */
static void own_ids(void)
{
	if ((me == 1 || me == 5 || me == 8) && setpgid(0, 0) < 0)
		exit(4);
	if (me == 2 && setsid() < 0)
		exit(4);
}

/* Forks this process's children; returns in each child with me set. */
static void fork_children(pid_t *kids, int *nkids)
{
	int k, first = FANOUT * me + 1;
	pid_t pid;

	*nkids = 0;
	for (k = first; k < first + FANOUT && k < NPROC; k++) {
		pid = fork();
		if (pid < 0)
			exit(5);
		if (pid == 0) {
			me = k;
			own_ids();
			fork_children(kids, nkids);
			return;
		}
		kids[(*nkids)++] = pid;
	}
}

int main(int argc, char **argv)
{
	pid_t kids[FANOUT];
	int nkids, i, status, bad = 0;
	pthread_t thr;

	if (argc != 4) {
		fprintf(stderr, "usage: tree_ids DIR LIMIT DELAY_MS\n");
		return 2;
	}
	dir = argv[1];
	limit = atol(argv[2]);
	delay_ms = atol(argv[3]);
	fork_children(kids, &nkids);

	get_ids(&before);
	before.tid[0] = my_tid();
	pthread_barrier_init(&started, NULL, 2);
	if (pthread_create(&thr, NULL, worker, NULL))
		return 6;
	pthread_barrier_wait(&started);
	put_ids("before", &before);
	count(0);
	pthread_join(thr, NULL);
	get_ids(&after);
	after.tid[0] = my_tid();
	put_ids("after", &after);

	for (i = 0; i < nkids; i++)
		if (waitpid(kids[i], &status, 0) != kids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			bad = 1;
	if (me == 0)
		after.ppid = before.ppid;
	if (test_checks_ids()) {
		after.pgid = before.pgid;
		after.sid = before.sid;
	}
	if (memcmp(&before, &after, sizeof(before))) {
		fprintf(stderr, "tree_ids: process %d: ids changed\n", me);
		bad = 1;
	}
	return bad;
}
