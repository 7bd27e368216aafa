// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory that changes a little at a time, for incremental images: MIB
 * mebibytes of pages, each filled from its number and the generation that
 * last wrote it.  Creates DIR/ready, then every TICK_MS ms (default 5;
 * 0: as fast as it can, for pages that change while a live checkpoint
 * reads them) starts a new generation g, which rewrites page g * STRIDE
 * mod npages.  Once DIR/go exists it checks every page against what g
 * implies (recomputed from g alone) and exits 0 iff all match.  With
 * "shared" the pages are shared anonymous memory (saved as an object)
 * rather than private; with "move" they move (mremap) to the other of
 * two places every MOVE_GENS generations, both aligned to 2 MiB and
 * without huge pages, so that the kernel moves whole page tables; with
 * "flip" they move so once before DIR/ready, and again each time DIR/move
 * appears (removing it, then creating DIR/moved); any other MODE ("-" or
 * "" to give a TICK_MS) is plain private memory.
 * Usage: mem_dirty DIR [MIB [MODE [TICK_MS]]]
 * (MODE: shared, move, flip, -)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "../cr_test_util.h"

#define PAGE_WORDS	(4096 / sizeof(uint64_t))
#define STRIDE		7919	/* prime: every page in turn */
#define TICK_MS		5	/* the default */
#define MOVE_GENS	64
#define TABLE_SPAN	(2UL << 20)	/* what one page table maps */

static void fill(uint64_t *page, size_t no, uint64_t gen)
{
	uint64_t s = (no + 1) * 0x9e3779b97f4a7c15ULL ^ gen;
	size_t i;

	for (i = 0; i < PAGE_WORDS; i++)
		page[i] = cr_xorshift(&s);
}

static size_t check(const uint64_t *p, size_t npages, uint64_t gen)
{
	uint64_t *last = calloc(npages, sizeof(*last)), want[PAGE_WORDS];
	size_t no, bad = 0;
	uint64_t g;

	if (!last)
		cr_die("calloc");
	for (g = 1; g <= gen; g++)
		last[g * STRIDE % npages] = g;
	for (no = 0; no < npages; no++) {
		fill(want, no, last[no]);
		if (memcmp(want, p + no * PAGE_WORDS, sizeof(want)) &&
		    bad++ < 5)
			printf("mem_dirty: page %zu differs (generation "
			       "%llu)\n", no, (unsigned long long)last[no]);
	}
	free(last);
	return bad;
}

/* The pages at *p go to *other, which takes their old place. */
static void move(uint64_t **p, uint64_t **other, size_t len)
{
	uint64_t *q = mremap(*p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
			     *other);

	if (q == MAP_FAILED)
		cr_die("mremap");
	*other = *p;
	*p = q;
}

/* len bytes of private anonymous memory at a multiple of TABLE_SPAN. */
static void *map_aligned(size_t len, int prot)
{
	char *p = mmap(NULL, len + TABLE_SPAN, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t head;

	if (p == MAP_FAILED)
		return p;
	head = -(uintptr_t)p & (TABLE_SPAN - 1);
	if (head)
		munmap(p, head);
	munmap(p + head + len, TABLE_SPAN - head);
	if (cr_have_thp() && madvise(p + head, len, MADV_NOHUGEPAGE))
		cr_die("madvise");
	return p + head;
}

int main(int argc, char **argv)
{
	size_t mib = 8, npages, no, bad;
	uint64_t *p, *other = NULL, gen = 0;
	const char *mode = argc > 3 ? argv[3] : "";
	int flip = !strcmp(mode, "flip");
	unsigned long tick_ms = TICK_MS;
	char *end;
	int bad_tick = 0;

	if (argc > 4) {
		tick_ms = strtoul(argv[4], &end, 0);
		bad_tick = !*argv[4] || *end || tick_ms > 60000;
	}
	if (argc < 2 || argc > 5 || bad_tick) {
		fprintf(stderr, "usage: mem_dirty DIR [MIB [shared|move|flip|"
			"- [TICK_MS]]]\n");
		return 2;
	}
	if (argc > 2)
		mib = strtoul(argv[2], NULL, 0);
	npages = mib * 256;
	if (flip || !strcmp(mode, "move")) {
		p = map_aligned(npages * 4096, PROT_READ | PROT_WRITE);
		other = map_aligned(npages * 4096, PROT_NONE);
	} else {
		p = mmap(NULL, npages * 4096, PROT_READ | PROT_WRITE,
			 (strcmp(mode, "shared") ? MAP_PRIVATE : MAP_SHARED) |
			 MAP_ANONYMOUS, -1, 0);
	}
	if (!npages || p == MAP_FAILED || other == MAP_FAILED)
		cr_die("mmap");
	for (no = 0; no < npages; no++)
		fill(p + no * PAGE_WORDS, no, 0);
	if (flip)
		move(&p, &other, npages * 4096);
	printf("mem_dirty: %zu pages\n", npages);
	fflush(stdout);
	cr_touch(argv[1], "ready");
	while (!cr_exists(argv[1], "go")) {
		gen++;
		fill(p + gen * STRIDE % npages * PAGE_WORDS,
		     gen * STRIDE % npages, gen);
		if (flip && cr_exists(argv[1], "move")) {
			move(&p, &other, npages * 4096);
			cr_remove(argv[1], "move");
			cr_touch(argv[1], "moved");
		} else if (other && !flip && gen % MOVE_GENS == 0) {
			move(&p, &other, npages * 4096);
		}
		if (tick_ms)
			cr_pause_ms(tick_ms);
	}
	bad = check(p, npages, gen);
	printf("mem_dirty: %llu generations, %zu bad pages\n",
	       (unsigned long long)gen, bad);
	return bad ? 1 : 0;
}
