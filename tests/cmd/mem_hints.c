// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Exclusion hints (cr_exclude_memory(3)) on regions of REG pages, each
 * filled with its own pattern:
 *   A excluded whole; B excluded, then its middle 16 pages included again;
 *   C never excluded; D excluded from 100 bytes in to 100 bytes before its
 *   end (its first and last pages are partly outside: saved);
 *   E excluded, then unmapped and mapped again where it was (no hint);
 *   F excluded by the thread-context callback around its cr_checkpoint()
 *   only, and refilled with another pattern after a restart;
 *   H made of 1026 pages, every other one excluded: 512 ranges, the 513th
 *   refused (ENOSPC), then all of H included again.
 * A child forked after the hints has none: its copy of A is saved.
 * Goes on from a checkpoint: every region holds its pattern.  Restarted:
 * A, B's edges and D's inner pages read zeros, F the new pattern, the
 * rest their patterns.
 * Usage: mem_hints DIR (lib.sh's start_ready, then go_on or restart_go).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <libcr.h>

#include "../cr_test_util.h"

#define PG	4096UL
#define REG	64UL
#define HPAGES	1026UL

enum { A, B, C, D, E, F, H, NREG };

static char *reg[NREG];
static volatile int restarted;

static uint64_t word(int r, size_t i, int gen)
{
	return ((uint64_t)(r + 1) << 48) ^ ((uint64_t)gen << 40) ^
	       (i * 0x9e3779b97f4a7c15ULL >> 24);
}

static size_t pages(int r)
{
	return r == H ? HPAGES : REG;
}

static char *map(void *at)
{
	char *p = mmap(at, REG * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS |
		       (at ? MAP_FIXED_NOREPLACE : 0), -1, 0);

	if (p == MAP_FAILED)
		cr_die("mmap");
	return p;
}

static void fill(int r, int gen)
{
	uint64_t *w = (uint64_t *)reg[r];
	size_t i;

	for (i = 0; i < pages(r) * PG / 8; i++)
		w[i] = word(r, i, gen);
}

/* Page pg of region r holds its pattern (gen), or zeros if !gen. */
static void expect(int r, size_t pg, int gen)
{
	uint64_t *w = (uint64_t *)(reg[r] + pg * PG);
	size_t i, i0 = pg * PG / 8;

	for (i = 0; i < PG / 8; i++) {
		if (w[i] != (gen ? word(r, i0 + i, gen) : 0)) {
			cr_bad("region %c page %zu: %s expected", "ABCDEFH"[r],
			       pg, gen ? "its pattern" : "zeros");
			return;
		}
	}
}

static int hint(bool exclude, int r, size_t off, size_t len)
{
	return exclude ? cr_exclude_memory(reg[r] + off, len) :
			 cr_include_memory(reg[r] + off, len);
}

static void set_hints(void)
{
	size_t i;

	for (i = 0; i < 512; i++)
		if (hint(true, H, 2 * i * PG, PG))
			cr_die("cr_exclude_memory: one of 512 ranges");
	if (!hint(true, H, 1024 * PG, PG) || errno != ENOSPC)
		cr_bad("a 513th range was not refused with ENOSPC");
	if (hint(false, H, 0, HPAGES * PG))
		cr_die("cr_include_memory");
	if (hint(true, A, 0, REG * PG) || hint(true, B, 0, REG * PG) ||
	    hint(false, B, 24 * PG, 16 * PG) ||
	    hint(true, D, 100, REG * PG - 200) || hint(true, E, 0, REG * PG))
		cr_die("cr_exclude_memory");
	if (!cr_exclude_memory((void *)-PG, 2 * PG) || errno != EINVAL)
		cr_bad("a range past the address space was not refused");
	/* E goes and comes back: its hint does not. */
	munmap(reg[E], REG * PG);
	reg[E] = map(reg[E]);
	fill(E, 1);
}

static int callback(void *arg)
{
	int rc;

	(void)arg;
	if (cr_exclude_memory(reg[F], REG * PG))
		cr_bad("cr_exclude_memory in the callback");
	rc = cr_checkpoint(0);
	cr_include_memory(reg[F], REG * PG);
	if (rc > 0) {
		restarted = 1;
		fill(F, 2);
	}
	return 0;
}

static void check(void)
{
	size_t pg;
	int r;

	for (r = 0; r < NREG; r++) {
		for (pg = 0; pg < pages(r); pg++) {
			bool zero = restarted &&
				    (r == A || (r == B && (pg < 24 || pg >= 40)) ||
				     (r == D && pg > 0 && pg < REG - 1));

			expect(r, pg, zero ? 0 : r == F && restarted ? 2 : 1);
		}
	}
}

int main(int argc, char **argv)
{
	pid_t child;
	int r, st;

	cr_start(argc, argv, 1, "DIR");
	if (cr_init() < 0)
		cr_die("cr_init");
	for (r = 0; r < NREG; r++) {
		reg[r] = r == H ? mmap(NULL, HPAGES * PG, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) :
				  map(NULL);
		if (reg[r] == MAP_FAILED)
			cr_die("mmap");
		fill(r, 1);
	}
	set_hints();
	if (cr_register_callback(callback, NULL, CR_THREAD_CONTEXT) < 0)
		cr_die("cr_register_callback");
	child = fork();
	if (child < 0)
		cr_die("fork");
	if (!child) {
		cr_wait_for(argv[1], "go");
		for (st = 0; st < (int)REG; st++)
			expect(A, st, 1);
		_exit(cr_errors ? 1 : 0);
	}
	cr_ready_wait_go(argv[1]);
	check();
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) ||
	    WEXITSTATUS(st))
		cr_bad("the child's copy of A was not saved whole");
	printf("mem_hints: %s\n", restarted ? "restarted" : "went on");
	return cr_result();
}
