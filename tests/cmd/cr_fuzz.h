/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CR_FUZZ_H
#define CR_FUZZ_H

#include <stddef.h>

void fuzz_write(const char *in_path, const char *out_path,
		unsigned long long seed, unsigned long mutant,
		char *desc, size_t desclen);
int fuzz_run(int argc, char **argv);

#endif
