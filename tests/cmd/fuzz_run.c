// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_fuzz --run: makes mutants and restarts each, for tests/fuzz_restart.sh.
 * A shell loop spent most of its 3 s a mutant forking and polling under
 * TCG; this one polls every 20 ms and forks only the mutator and
 * cr_restart.
 *
 * Usage: cr_fuzz --run [--valid] [--after K=PATH]... SEED N TMO DIR K...
 *   DIR/root/K.ctx and DIR/nobody/K.ctx are valid contexts made as root
 *   and as nobody (uid 65534).  Mutant I (0 <= I < N) is made from
 *   context K[I % #K] of root, or of nobody every other round, as that
 *   user, into DIR/WHO/m, and restarted by cr_restart as that user
 *   (nobody with --no-restore-pid) in a session of its own.  Once
 *   cr_restart waits for its program the restart has run and the session
 *   is killed; a cr_restart still running after TMO s is a hang.  A
 *   restart must end in "Restart failed..." (or a lazy one in the fill's
 *   "...killed") with an exit status in 1..127, or run; after it SIGKILL
 *   must remove every process of its session.
 *   --after K=PATH removes DIR/WHO/PATH after each restart of K (a file
 *   the program makes, which must not exist when it is restarted).
 *   --valid restarts the unmutated contexts instead, each of which must run.
 * Exits 0 if nothing failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cr_test_util.h"

#include "cr_fuzz.h"

#define NOBODY		65534
#define TICK_US		20000
#define MAX_AFTER	8
#define MAX_LEFT	64

struct fuzz {
	const char *dir;
	char **ks;
	int nk;
	const char *after_k[MAX_AFTER], *after_path[MAX_AFTER];
	int nafter;
	unsigned long long seed;
	unsigned int tmo;
	long ran, rejected, fails;
	/* the current restart */
	long i;
	const char *k, *who;
	char desc[1024];
	char msg[512];
};

/*
 * Every other mutant root restarts lazily where it can (CR_RESTART_LAZY:
 * not an incremental image), so that cr_restart's own reading of the
 * pages (cr_rstrt_lazy.c) meets them too.
 */
static bool lazy(const struct fuzz *f)
{
	return strcmp(f->who, "nobody") && f->i % 2;
}

static void bad(struct fuzz *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad(struct fuzz *f, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: mutant %ld (%s, %s): ", f->i, f->k, f->who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n    %s\n    reproduce: cr_fuzz %s/%s.ctx m %llu %ld; "
	       "%scr_restart m\n", f->desc, f->who, f->k, f->seed, f->i,
	       lazy(f) ? "CR_RESTART_LAZY=1 " : "");
	fflush(stdout);
	f->fails++;
}

/* In a child: take on WHO's ids. */
static void become(const char *who)
{
	if (strcmp(who, "nobody"))
		return;
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY)) {
		perror("cr_fuzz: nobody");
		_exit(126);
	}
}

/* DIR/WHO/NAME SUFFIX, in a buffer the next call reuses. */
static char *path_of(struct fuzz *f, const char *name, const char *suffix)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s/%s/%s%s", f->dir, f->who, name, suffix);
	return p;
}

/* Mutant f->i of f->who's f->k, written as f->who (it owns its files). */
static void make_mutant(struct fuzz *f)
{
	char in[4096], *out;
	int fds[2], st;
	ssize_t n, got = 0;
	pid_t pid;

	snprintf(in, sizeof(in), "%s", path_of(f, f->k, ".ctx"));
	out = path_of(f, "m", "");
	if (pipe(fds))
		cr_die("pipe");
	pid = fork();
	if (pid < 0)
		cr_die("fork");
	if (!pid) {
		close(fds[0]);
		become(f->who);
		fuzz_write(in, out, f->seed, f->i, f->desc, sizeof(f->desc));
		n = write(fds[1], f->desc, strlen(f->desc));
		_exit(n < 0);
	}
	close(fds[1]);
	while ((n = read(fds[0], f->desc + got,
			 sizeof(f->desc) - 1 - got)) > 0)
		got += n;
	f->desc[got] = 0;
	close(fds[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "cr_fuzz: making mutant %ld failed\n", f->i);
		exit(2);
	}
}

/* cr_restart PATH as f->who, leading a new session; output in DIR/msg. */
static pid_t start_restart(struct fuzz *f, const char *path)
{
	char msg[4096];
	pid_t pid;
	int fd;

	snprintf(msg, sizeof(msg), "%s/msg", f->dir);
	pid = fork();
	if (pid < 0)
		cr_die("fork");
	if (pid)
		return pid;
	setsid();
	fd = open(msg, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		_exit(126);
	close(fd);
	become(f->who);
	if (lazy(f))
		setenv("CR_RESTART_LAZY", "1", 1);
	if (strcmp(f->who, "nobody"))
		execlp("cr_restart", "cr_restart", path, (char *)NULL);
	else
		execlp("cr_restart", "cr_restart", "--no-restore-pid", path,
		       (char *)NULL);
	perror("cr_restart");
	_exit(127);
}

static int read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	buf[0] = 0;
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* Where pid sleeps in the kernel, into w ("" if it has gone). */
static const char *wchan(pid_t pid, char *w, size_t size)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/wchan", pid);
	if (read_small(p, w, size))
		*w = 0;
	return w;
}

static int in_wchan(pid_t pid, const char *fn)
{
	char w[128];

	return !strcmp(wchan(pid, w, sizeof(w)), fn);
}

/* The processes of session sid, at most max of them. */
static int session_pids(pid_t sid, pid_t *pids, int max)
{
	char p[300], st[512], *s;
	struct dirent *e;
	int n = 0, ssid;
	DIR *d = opendir("/proc");

	if (!d)
		cr_die("/proc");
	while ((e = readdir(d)) && n < max) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/stat", e->d_name);
		if (read_small(p, st, sizeof(st)))
			continue;
		s = strrchr(st, ')');
		if (s && sscanf(s + 1, " %*c %*d %*d %d", &ssid) == 1 &&
		    ssid == sid)
			pids[n++] = atoi(e->d_name);
	}
	closedir(d);
	return n;
}

static void describe(pid_t pid)
{
	char p[64], buf[512];
	int i;

	snprintf(p, sizeof(p), "/proc/%d/cmdline", pid);
	read_small(p, buf, sizeof(buf));
	printf("    %d %s", pid, buf);
	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	read_small(p, buf, sizeof(buf));
	for (i = 0; buf[i]; i++)
		if (buf[i] == ')')
			break;
	printf(" state %.2s", buf[i] ? buf + i + 1 : "?");
	printf(" wchan %s\n", wchan(pid, buf, sizeof(buf)));
}

/* Kills session sid; child (0 once reaped) is collected on the way. */
static void reap(struct fuzz *f, pid_t sid, pid_t child)
{
	pid_t left[MAX_LEFT];
	int n = 0, t, j, st;

	kill(-sid, SIGKILL);
	for (t = 0; t < 50; t++) {
		if (child && waitpid(child, &st, WNOHANG) == child)
			child = 0;
		n = session_pids(sid, left, MAX_LEFT);
		if (!n)
			return;
		for (j = 0; j < n; j++)
			kill(left[j], SIGKILL);
		usleep(100000);
	}
	bad(f, "SIGKILL does not remove %d process(es):", n);
	for (j = 0; j < n; j++)
		describe(left[j]);
}

/*
 * The restart said it failed: "Restart failed...", or, lazily, a page
 * found bad as cr_restart fills it in after the processes began (it
 * kills them).
 */
static bool refused(const struct fuzz *f)
{
	if (!strncmp(f->msg, "Restart failed", 14))
		return true;
	return lazy(f) && !strncmp(f->msg, "cr_restart:", 11) &&
	       strstr(f->msg, " killed\n");
}

static void judge(struct fuzz *f, int st)
{
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	char path[4096];

	snprintf(path, sizeof(path), "%s/msg", f->dir);
	read_small(path, f->msg, sizeof(f->msg));
	if (refused(f)) {
		if (rc < 1 || rc > 127)
			bad(f, "exit %d after: %s", rc, f->msg);
		f->rejected++;
	} else if (!strncmp(f->msg, "cr_restart:", 11)) {
		bad(f, "exit %d: %s", rc, f->msg);
	} else {
		f->ran++;	/* the program's own status is its business */
	}
}

/* One restart of path; it ends counted in ran, rejected or fails. */
static void run_one(struct fuzz *f, const char *path)
{
	pid_t pid = start_restart(f, path);
	unsigned long us;
	int st;

	for (us = 0;; us += TICK_US) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			reap(f, pid, 0);
			judge(f, st);
			return;
		}
		if (in_wchan(pid, "do_wait")) {
			f->ran++;
			break;
		}
		if (us >= f->tmo * 1000000UL) {
			char w[128];

			bad(f, "hung for %us (cr_restart in %s)", f->tmo,
			    wchan(pid, w, sizeof(w)));
			break;
		}
		usleep(TICK_US);
	}
	reap(f, pid, pid);
}

static void after(struct fuzz *f)
{
	int j;

	for (j = 0; j < f->nafter; j++)
		if (!strcmp(f->after_k[j], f->k))
			unlink(path_of(f, f->after_path[j], ""));
}

static long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The unmutated contexts must restart, else the mutants prove nothing. */
static int run_valid(struct fuzz *f)
{
	static const char *const whos[] = { "root", "nobody" };
	long ran;
	int w, j;

	f->i = -1;
	snprintf(f->desc, sizeof(f->desc), "unmutated");
	for (w = 0; w < 2; w++) {
		for (j = 0; j < f->nk; j++) {
			f->who = whos[w];
			f->k = f->ks[j];
			ran = f->ran;
			run_one(f, path_of(f, f->k, ".ctx"));
			after(f);
			if (f->ran == ran) {
				printf("FAIL: %s/%s: the valid context does "
				       "not restart: %s\n", f->who, f->k,
				       f->msg);
				return 1;
			}
		}
	}
	return f->fails != 0;
}

static int run_mutants(struct fuzz *f, long n)
{
	long t0 = now();

	for (f->i = 0; f->i < n; f->i++) {
		f->k = f->ks[f->i % f->nk];
		f->who = (f->i / f->nk) % 2 ? "nobody" : "root";
		make_mutant(f);
		run_one(f, path_of(f, "m", ""));
		after(f);
		if (f->i % 100 == 99) {
			printf("%ld mutants in %lds\n", f->i + 1, now() - t0);
			fflush(stdout);
		}
	}
	printf("%ld mutants in %lds: %ld rejected cleanly, %ld restarted and "
	       "ran, %ld failed\n", n, now() - t0, f->rejected, f->ran,
	       f->fails);
	/* A fuzzer that never gets past the sums, or never breaks one. */
	if (n >= 50 && !f->ran)
		bad(f, "no mutant restarted");
	if (n >= 50 && !f->rejected)
		bad(f, "no mutant was rejected");
	return f->fails != 0;
}

int fuzz_run(int argc, char **argv)
{
	struct fuzz f = { 0 };
	int valid = 0, a = 1;
	char *eq;
	long n;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--valid")) {
			valid = 1;
		} else if (!strcmp(argv[a], "--after") && a + 1 < argc &&
			   f.nafter < MAX_AFTER &&
			   (eq = strchr(argv[a + 1], '='))) {
			*eq = 0;
			f.after_k[f.nafter] = argv[++a];
			f.after_path[f.nafter++] = eq + 1;
		} else {
			break;
		}
	}
	if (argc - a < 5) {
		fprintf(stderr, "usage: cr_fuzz --run [--valid] "
			"[--after K=PATH]... SEED N TMO DIR K...\n");
		return 2;
	}
	f.seed = strtoull(argv[a], NULL, 0);
	n = strtol(argv[a + 1], NULL, 0);
	f.tmo = strtoul(argv[a + 2], NULL, 0);
	f.dir = argv[a + 3];
	f.ks = argv + a + 4;
	f.nk = argc - a - 4;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return valid ? run_valid(&f) : run_mutants(&f, n);
}
