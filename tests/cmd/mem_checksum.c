// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fills MiB mebibytes of malloc'd memory with xorshift64 data, computes a
 * checksum, creates DIR/ready, then re-verifies the buffer in a loop until
 * DIR/go exists; then verifies once more (data regenerated from the seed
 * and checksum) and exits 0 iff everything matches.  KIND rand (the
 * default) makes data that does not compress; num an array of doubles
 * and text words, which do; mixed a third of each.
 * Usage: mem_checksum DIR [MIB [KIND]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../cr_test_util.h"

static long long now_ms(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL, s, h0, h;
	size_t mib = 256, n, i, bad;
	uint64_t *p;
	long passes = 0;
	long long tf;
	char k = 'r';

	if (argc < 2 || (argc > 3 && !strchr("rntm", k = argv[3][0]))) {
		fprintf(stderr, "usage: mem_checksum DIR [MIB [rand|num|text|mixed]]\n");
		return 2;
	}
	if (argc > 2)
		mib = strtoul(argv[2], NULL, 0);
	n = mib * 1024 * 1024 / sizeof(*p);
	p = malloc(n * sizeof(*p));
	if (!p) {
		perror("malloc");
		return 2;
	}
	for (s = seed, i = 0; i < n; i++)
		p[i] = cr_test_word(k, i, n, &s);
	h0 = cr_sum64(p, n);
	printf("mem_checksum: %zu MiB at %p, checksum %016llx\n", mib,
	       (void *)p, (unsigned long long)h0);
	fflush(stdout);
	cr_touch(argv[1], "ready");
	for (;;) {
		int go = cr_exists(argv[1], "go");
		long long t = now_ms(CLOCK_MONOTONIC);

		if (go)
			printf("mem_checksum: saw go at realtime %lld ms\n",
			       now_ms(CLOCK_REALTIME));
		h = cr_sum64(p, n);
		printf("mem_checksum: pass %ld took %lld ms\n", passes + 1,
		       now_ms(CLOCK_MONOTONIC) - t);
		fflush(stdout);
		passes++;
		if (h != h0) {
			printf("mem_checksum: pass %ld: checksum %016llx != %016llx\n",
			       passes, (unsigned long long)h,
			       (unsigned long long)h0);
			break;
		}
		if (go)
			break;
	}
	/* Final check: regenerate the data from the seed. */
	tf = now_ms(CLOCK_MONOTONIC);
	for (bad = 0, s = seed, i = 0; i < n; i++)
		if (p[i] != cr_test_word(k, i, n, &s) && bad++ < 5)
			printf("mem_checksum: word %zu (offset %#zx) differs\n",
			       i, i * sizeof(*p));
	h = cr_sum64(p, n);
	printf("mem_checksum: %ld passes, %zu bad words, final checksum %016llx (%lld ms)\n",
	       passes, bad, (unsigned long long)h, now_ms(CLOCK_MONOTONIC) - tf);
	return bad == 0 && h == h0 ? 0 : 1;
}
