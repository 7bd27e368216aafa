// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A benchmark workload (see tests/bench.sh).  Builds its state, creates
 * DIR/ready, then sleeps, looking for DIR/go every few ms.  When go is
 * there (after a restart) it writes the realtime clock in microseconds to
 * DIR/resumed, checks all its state and writes "ok" or "BAD: ..." to
 * DIR/result; exit status 0 iff ok.
 *
 * The children of "tree" write DIR/resumed.K too.
 *
 * With BENCH_GAP=1 in the environment, a gap thread in the process (the
 * first of "tree") measures from inside how long a checkpoint that leaves
 * it running stops it (see gap_main()):
 *   DIR/gap.arm    made by bench.sh before the checkpoint; the thread
 *                  removes it, starts a new longest gap and makes
 *                  DIR/gap.armed: from then on it reads CLOCK_MONOTONIC
 *                  every GAP_TICK_NS and keeps the longest time between
 *                  two consecutive readings
 *   DIR/gap.get    made after the checkpoint; the thread removes it and
 *                  gap.armed, writes the longest gap since gap.arm in
 *                  microseconds to DIR/gap (whole: renamed into place)
 *                  and is idle again, looking for gap.arm every 5 ms.
 * A stop of T shows as a gap of T to T + GAP_TICK_NS (plus the timer's
 * slack and wakeup latency): the resolution is about 1 ms.
 *
 * Usage: bench_work DIR MODE ARGS
 *   anon MIB           MIB of anonymous memory, every word pseudo-random
 *   num MIB, text MIB  the same holding doubles, or words (they compress)
 *   sparse MIB PCT     MIB mapped, PCT% of its pages (evenly spread) written
 *   file PATH          PATH mapped read-only (private), every page read
 *   maps N             N one-page anonymous mappings (they do not merge)
 *   threads N          N threads, each blocked on a condvar with 64 KiB of
 *                      data on its stack
 *   tree N MIB         N processes (this one and N-1 children), MIB each
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "../cr_test_util.h"
#include <unistd.h>

#define PAGE 4096UL

/* Checks the state after a restart; sets bad[] on a mismatch. */
typedef void (*check_fn)(void);

static const char *dir;
static char bad[256];
static char anon_kind = 'r';	/* of cr_test_word() */

/* Fill (check == 0) or count the words that differ from the fill. */
static size_t pattern(uint64_t *p, size_t bytes, uint64_t seed, int check)
{
	size_t i, n = bytes / sizeof(*p), nbad = 0;
	uint64_t s = seed | 1;

	for (i = 0; i < n; i++) {
		if (!check)
			p[i] = cr_test_word(anon_kind, i, n, &s);
		else if (p[i] != cr_test_word(anon_kind, i, n, &s))
			nbad++;
	}
	return nbad;
}

static void *map_anon(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%.4000s/%s", dir, name);
}

static void write_file(const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	path_of(path, sizeof(path), name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

/* Sleeps until DIR/go exists; poll_ms bounds the time to notice it. */
static void wait_go(long poll_ms)
{
	struct timespec d = { 0, poll_ms * 1000000 };
	char path[4096];

	path_of(path, sizeof(path), "go");
	while (access(path, F_OK))
		nanosleep(&d, NULL);
}

/* Records when this process runs again (NAME: resumed or resumed.K). */
static void resumed(const char *name)
{
	struct timespec ts;
	char text[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(text, sizeof(text), "%lld\n",
		 ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
	write_file(name, text);
}

/* ---- the gap thread (BENCH_GAP=1; see the top of the file) ---- */

/*
 * It sleeps between readings rather than spin: the guest has two CPUs,
 * and the checkpoint must not compete with a busy loop for them.  A
 * sleep adds at most its own length to a gap.
 */
#define GAP_TICK_NS	1000000L

static char gap_arm[4096], gap_armed[4096], gap_get[4096], gap_out[4096],
	gap_tmp[4096];

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void nap(long ns)
{
	struct timespec d = { 0, ns };

	while (nanosleep(&d, &d) && errno == EINTR)
		;
}

/* Writes DIR/gap whole: no stdio, no malloc (the heap is left alone). */
static void gap_write(long long us)
{
	char text[32];
	int fd, len;

	len = snprintf(text, sizeof(text), "%lld\n", us);
	fd = open(gap_tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, len) != len || close(fd) ||
	    rename(gap_tmp, gap_out)) {
		perror(gap_out);
		exit(2);
	}
}

/*
 * Touches only its own small stack and these few static words, not the
 * memory the checkpoints save and the check verifies.
 */
static void *gap_main(void *arg)
{
	long long last, t, gap;
	int fd;

	(void)arg;
	for (;;) {
		while (access(gap_arm, F_OK))
			nap(5000000);
		unlink(gap_arm);
		gap = 0;
		last = mono_ns();
		fd = open(gap_armed, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || close(fd)) {
			perror(gap_armed);
			exit(2);
		}
		for (;;) {
			t = mono_ns();
			if (t - last > gap)
				gap = t - last;
			last = t;
			if (!access(gap_get, F_OK))
				break;
			nap(GAP_TICK_NS);
		}
		/* Cleared before DIR/gap appears: bench.sh may arm again. */
		unlink(gap_get);
		unlink(gap_armed);
		gap_write(gap / 1000);
	}
	return NULL;
}

static void start_gap(void)
{
	pthread_attr_t attr;
	pthread_t tid;

	path_of(gap_arm, sizeof(gap_arm), "gap.arm");
	path_of(gap_armed, sizeof(gap_armed), "gap.armed");
	path_of(gap_get, sizeof(gap_get), "gap.get");
	path_of(gap_out, sizeof(gap_out), "gap");
	path_of(gap_tmp, sizeof(gap_tmp), "gap.tmp");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	if (pthread_create(&tid, &attr, gap_main, NULL)) {
		fprintf(stderr, "cannot start the gap thread\n");
		exit(2);
	}
	pthread_attr_destroy(&attr);
}

/* ---- the workloads: each builds its state and returns its checker ---- */

static uint64_t *anon_p;
static size_t anon_bytes;

static void check_anon(void)
{
	size_t n = pattern(anon_p, anon_bytes, 1, 1);

	if (n)
		snprintf(bad, sizeof(bad), "%zu words differ", n);
}

static check_fn setup_anon(char **arg)
{
	anon_bytes = strtoul(arg[0], NULL, 0) << 20;
	anon_p = map_anon(anon_bytes);
	pattern(anon_p, anon_bytes, 1, 0);
	return check_anon;
}

static check_fn setup_num(char **arg)
{
	anon_kind = 'n';
	return setup_anon(arg);
}

static check_fn setup_text(char **arg)
{
	anon_kind = 't';
	return setup_anon(arg);
}

static size_t sparse_step;

/* Written pages hold the pattern, the others must still read as zeros. */
static void check_sparse(void)
{
	size_t off, nbad = 0;

	for (off = 0; off < anon_bytes; off += PAGE) {
		uint64_t *q = (uint64_t *)((char *)anon_p + off);

		if (off / PAGE % sparse_step == 0)
			nbad += pattern(q, PAGE, off, 1) != 0;
		else
			nbad += q[0] || q[PAGE / 8 - 1];
	}
	if (nbad)
		snprintf(bad, sizeof(bad), "%zu pages differ", nbad);
}

static check_fn setup_sparse(char **arg)
{
	size_t off;

	anon_bytes = strtoul(arg[0], NULL, 0) << 20;
	sparse_step = 100 / strtoul(arg[1], NULL, 0);
	anon_p = map_anon(anon_bytes);
	/* Else transparent huge pages make it all resident (zero-filled). */
	if (madvise(anon_p, anon_bytes, MADV_NOHUGEPAGE)) {
		perror("madvise");
		exit(2);
	}
	for (off = 0; off < anon_bytes; off += sparse_step * PAGE)
		pattern((uint64_t *)((char *)anon_p + off), PAGE, off, 0);
	return check_sparse;
}

static uint64_t file_sum;

static uint64_t sum(const uint64_t *p, size_t bytes)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < bytes / sizeof(*p); i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void check_file(void)
{
	if (sum(anon_p, anon_bytes) != file_sum)
		snprintf(bad, sizeof(bad), "the file mapping's checksum changed");
}

static check_fn setup_file(char **arg)
{
	struct stat st;
	int fd = open(arg[0], O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		perror(arg[0]);
		exit(2);
	}
	anon_bytes = st.st_size & ~(PAGE - 1);
	anon_p = mmap(NULL, anon_bytes, PROT_READ, MAP_PRIVATE, fd, 0);
	if (anon_p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	close(fd);
	file_sum = sum(anon_p, anon_bytes);
	return check_file;
}

static check_fn setup_maps(char **arg)
{
	size_t i, n = strtoul(arg[0], NULL, 0);

	anon_bytes = n * PAGE;
	anon_p = map_anon(anon_bytes);
	pattern(anon_p, anon_bytes, 1, 0);
	/* Alternate protections: one mapping per page. */
	for (i = 1; i < n; i += 2)
		if (mprotect((char *)anon_p + i * PAGE, PAGE, PROT_READ)) {
			perror("mprotect");
			exit(2);
		}
	return check_anon;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int nthreads, nstarted, released;

static void *thread_main(void *arg)
{
	uint64_t buf[8192];
	uintptr_t seed = (uintptr_t)arg;

	pattern(buf, sizeof(buf), seed, 0);
	pthread_mutex_lock(&lock);
	nstarted++;
	pthread_cond_broadcast(&cond);
	while (!released)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return (void *)(uintptr_t)(pattern(buf, sizeof(buf), seed, 1) != 0);
}

static pthread_t *tids;

static void check_threads(void)
{
	int i, nbad = 0;
	void *r;

	pthread_mutex_lock(&lock);
	released = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < nthreads; i++)
		if (pthread_join(tids[i], &r) || r)
			nbad++;
	if (nbad)
		snprintf(bad, sizeof(bad), "%d threads lost their data", nbad);
}

static check_fn setup_threads(char **arg)
{
	pthread_attr_t attr;
	int i;

	nthreads = atoi(arg[0]);
	tids = calloc(nthreads, sizeof(*tids));
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 << 10);
	for (i = 0; i < nthreads; i++)
		if (!tids || pthread_create(&tids[i], &attr, thread_main,
					    (void *)(uintptr_t)(i + 1))) {
			fprintf(stderr, "cannot start thread %d\n", i);
			exit(2);
		}
	pthread_mutex_lock(&lock);
	while (nstarted < nthreads)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return check_threads;
}

static int nprocs;

/* Own memory, then every child must have exited 0 (its own check). */
static void check_tree(void)
{
	int i, status, nbad = 0;

	check_anon();
	for (i = 1; i < nprocs; i++)
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			nbad++;
	if (nbad && !bad[0])
		snprintf(bad, sizeof(bad), "%d children failed", nbad);
}

static check_fn setup_tree(char **arg)
{
	int i, fds[2];
	char c, name[32];

	nprocs = atoi(arg[0]);
	anon_bytes = strtoul(arg[1], NULL, 0) << 20;
	anon_p = map_anon(anon_bytes);
	if (pipe(fds)) {
		perror("pipe");
		exit(2);
	}
	for (i = 1; i < nprocs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			exit(2);
		}
		if (pid == 0) {
			close(fds[0]);
			pattern(anon_p, anon_bytes, i + 1, 0);
			if (write(fds[1], "r", 1) != 1)
				_exit(2);
			close(fds[1]);
			/* 31 pollers: a little slower than the parent. */
			wait_go(20);
			snprintf(name, sizeof(name), "resumed.%d", i);
			resumed(name);
			_exit(pattern(anon_p, anon_bytes, i + 1, 1) != 0);
		}
	}
	pattern(anon_p, anon_bytes, 1, 0);
	/* Ready when every child is; no pipe is left for the checkpoint. */
	close(fds[1]);
	for (i = 1; i < nprocs; i++)
		if (read(fds[0], &c, 1) != 1) {
			fprintf(stderr, "a child died\n");
			exit(2);
		}
	close(fds[0]);
	return check_tree;
}

static const struct {
	const char *name;
	int nargs;
	check_fn (*setup)(char **arg);
} modes[] = {
	{ "anon", 1, setup_anon },
	{ "num", 1, setup_num },
	{ "text", 1, setup_text },
	{ "sparse", 2, setup_sparse },
	{ "file", 1, setup_file },
	{ "maps", 1, setup_maps },
	{ "threads", 1, setup_threads },
	{ "tree", 2, setup_tree },
};

int main(int argc, char **argv)
{
	check_fn check = NULL;
	size_t i;

	for (i = 0; argc > 2 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[2], modes[i].name) &&
		    argc == 3 + modes[i].nargs) {
			dir = argv[1];
			check = modes[i].setup(argv + 3);
		}
	if (!check) {
		fprintf(stderr, "usage: bench_work DIR anon MIB | sparse MIB PCT | file PATH | maps N | threads N | tree N MIB\n");
		return 2;
	}
	/* After the setup: the children of "tree" have none. */
	if (getenv("BENCH_GAP") && !strcmp(getenv("BENCH_GAP"), "1"))
		start_gap();
	write_file("ready", "");
	wait_go(5);
	resumed("resumed");
	check();
	if (bad[0]) {
		char text[300];

		snprintf(text, sizeof(text), "BAD: %s\n", bad);
		write_file("result", text);
	} else {
		write_file("result", "ok\n");
	}
	return bad[0] ? 1 : 0;
}
