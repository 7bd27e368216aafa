/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the test programs in tests/cmd, as tests/lib.sh is by
 * the scripts (see tests/README).  A program's skeleton:
 *
 *	cr_start(argc, argv, 1, "DIR");	   (its name in messages: argv[0])
 *	...set up...
 *	cr_ready_wait_go(argv[1]);	   (lib.sh's start_ready, then go_on
 *					    or restart_go)
 *	if (...) cr_bad("what is wrong %d", x);	   (a check; it goes on)
 *	return cr_result();		   ("NAME: ok" and 0, or "NAME: FAILED")
 *
 * A program that writes a report to OUT says OUT.ready (cr_mark) for
 * lib.sh's start_reporting instead.
 */
#ifndef CR_TEST_UTIL_H
#define CR_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The program's name in what it says, and its failed checks. */
static const char *cr_who __attribute__((unused)) = "test";
static int cr_errors __attribute__((unused));

/*
 * The start of a program: it needs NARGS arguments (else it says USAGE
 * and exits 2) and names itself by argv[0]'s last part.
 */
static inline void cr_start(int argc, char **argv, int nargs,
			    const char *usage)
{
	const char *slash = strrchr(argv[0], '/');

	cr_who = slash ? slash + 1 : argv[0];
	if (argc < nargs + 1) {
		fprintf(stderr, "usage: %s %s\n", cr_who, usage);
		exit(2);
	}
}

/* A failed check: "NAME: BAD: why" on stdout; the program goes on. */
static inline void __attribute__((format(printf, 1, 2)))
cr_bad(const char *fmt, ...)
{
	va_list ap;

	printf("%s: BAD: ", cr_who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	cr_errors++;
}

/*
 * The end of a program: says "NAME: ok" (what lib.sh's said_ok looks
 * for) or "NAME: FAILED"; returns the exit status, 1 if a check failed.
 */
static inline int cr_result(void)
{
	printf("%s: %s\n", cr_who, cr_errors ? "FAILED" : "ok");
	return cr_errors ? 1 : 0;
}

/* A program's modes: its argument MODE names the one to run. */
struct cr_mode {
	const char *name;
	void (*run)(void);
};

/* Runs the mode called NAME of MODES (ended by a NULL name), else exits 2. */
static inline void cr_run_mode(const char *name, const struct cr_mode *modes)
{
	for (; modes->name; modes++) {
		if (!strcmp(modes->name, name)) {
			modes->run();
			return;
		}
	}
	exit(2);
}

/* A step of the setup failed, not a check: exits 2 saying why. */
static inline void cr_die(const char *what)
{
	perror(what);
	exit(2);
}

/* fd moved to number want (closed where it was): want; exits 2 if not. */
static inline int cr_at(int fd, int want)
{
	if (fd < 0 || (fd != want && dup2(fd, want) != want))
		cr_die("setup");
	if (fd != want)
		close(fd);
	return want;
}

/*
 * CR_SLOW=N (a slow kernel, tests/vm/vmrun --debug-kernel): how many times
 * longer a program's own timings should be, so that a test still finds it
 * where it expects.
 */
static inline long cr_slow(void)
{
	const char *s = getenv("CR_SLOW");

	return s && atol(s) > 1 ? atol(s) : 1;
}

/* Whether DIR/NAME exists. */
static inline int cr_exists(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%.4000s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/*
 * Whether the kernel has transparent huge pages (PREEMPT_RT kernels do
 * not: MADV_NOHUGEPAGE is then EINVAL, and smaps shows no "nh").
 */
static inline int cr_have_thp(void)
{
	return cr_exists("/sys/kernel/mm", "transparent_hugepage");
}

/* Opens DIR/NAME with FLAGS (mode 0644 if created); exits 2 if it cannot. */
static inline int cr_open_in(const char *dir, const char *name, int flags)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%.4000s/%s", dir, name);
	fd = open(path, flags, 0644);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

/* Creates DIR/NAME, empty; exits 2 if it cannot. */
static inline void cr_touch(const char *dir, const char *name)
{
	close(cr_open_in(dir, name, O_WRONLY | O_CREAT | O_TRUNC));
}

/* Removes DIR/NAME; exits 2 if it cannot. */
static inline void cr_remove(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%.4000s/%s", dir, name);
	if (unlink(path)) {
		perror(path);
		exit(2);
	}
}

/* Waits for DIR/NAME, which the test creates (DIR/go: it checkpointed). */
static inline void cr_wait_for(const char *dir, const char *name)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	while (!cr_exists(dir, name))
		nanosleep(&ts, NULL);
}

/*
 * Says DIR/ready and waits for DIR/go, which the test creates once it has
 * checkpointed.  stdout is flushed first so that the log holds everything
 * up to the checkpoint.
 */
static inline void cr_ready_wait_go(const char *dir)
{
	fflush(stdout);
	cr_touch(dir, "ready");
	cr_wait_for(dir, "go");
}

/*
 * Creates OUT.WHAT for a program that reports to OUT: OUT.ready says it is
 * under way (lib.sh's start_reporting).
 */
static inline void cr_mark(const char *out, const char *what)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%.4000s.%s", out, what);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
}

/* Sleeps MS milliseconds in full: a signal does not shorten the pause. */
static inline void cr_pause_ms(long ms)
{
	struct timespec d = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
}

/*
 * Writes 0..LIMIT-1 to PATH (emptied first), a line every DELAY_MS (times
 * cr_slow()); a signal does not shorten the pause.  Exits 100 or 101 on an
 * error.  Returns the sum of the numbers, kept in memory as they are
 * written: a restart that lost it gives another.
 */
static inline long cr_count_to(const char *path, long limit, long delay_ms)
{
	char line[32];
	long i, sum = 0;
	int fd, n;

	delay_ms *= cr_slow();
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
	if (fd < 0)
		exit(100);
	for (i = 0; i < limit; i++) {
		n = snprintf(line, sizeof(line), "%ld\n", i);
		if (write(fd, line, n) != n)
			exit(101);
		sum += i;
		cr_pause_ms(delay_ms);
	}
	close(fd);
	return sum;
}

/* The next word of a xorshift64 sequence: cheap reproducible contents. */
static inline uint64_t cr_xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/*
 * Word i of n of a buffer of the kind k, from the stream s: 'r' random
 * (it does not compress), 'n' an array of doubles, 't' text (both
 * compress), 'm' a third of each.
 */
static inline uint64_t cr_test_word(char k, size_t i, size_t n, uint64_t *s)
{
	static const char words[][8] = {
		"alpha   ", "beta    ", "gamma   ", "delta   ",
		"epsilon ", "zeta    ", "eta     ", "theta   ",
	};
	uint64_t r = cr_xorshift(s), w;
	double d;

	if (k == 'm')
		k = "rnt"[i * 3 / n];
	if (k == 'n') {
		d = 1000.0 + (double)(i % 4096) * 0.125 + (double)(r % 16);
		memcpy(&w, &d, sizeof(w));
		return w;
	}
	if (k == 't') {
		memcpy(&w, words[r % 8], sizeof(w));
		return w;
	}
	return r;
}

/* Checksum of N words: FNV-1a-like, with the index mixed in. */
static inline uint64_t cr_sum64(const uint64_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL + i;
	return h;
}

#endif
