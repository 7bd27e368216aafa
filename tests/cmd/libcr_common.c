// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * blcr_common.h, as BLCR programs include it: alone, before libcr.h.
 * Each name it exports is used and checked: CR_SIGNUM is the signal
 * whose handler cr_init() installs, LIBCR_*
 * the version of the libcr.so loaded, the rest BLCR's values.
 * Writes OUT: "OK" or the failures.
 * Usage: libcr_common OUT
 */
#include <blcr_common.h>

#define _GNU_SOURCE
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcr.h>

#include "libcr_test.h"

/* A handler is installed for sig. */
static bool caught(int sig)
{
	struct sigaction sa;

	return !sigaction(sig, NULL, &sa) && sa.sa_handler != SIG_DFL &&
	       sa.sa_handler != SIG_IGN;
}

/* dl_iterate_phdr(): the file name of the libcr.so loaded, resolved. */
static int find_libcr(struct dl_phdr_info *info, size_t size, void *data)
{
	char **path = data;

	if (!strstr(info->dlpi_name, "/libcr.so"))
		return 0;
	*path = realpath(info->dlpi_name, NULL);
	return 1;
}

static void check_versions(void)
{
	char v[64], *path = NULL;

	snprintf(v, sizeof(v), "%d.%d.%d", LIBCR_MAJOR, LIBCR_MINOR,
		 LIBCR_PATCH);
	CHECK(!strcmp(v, LIBCR_VERSION));
	dl_iterate_phdr(find_libcr, &path);
	snprintf(v, sizeof(v), "/libcr.so.%s", LIBCR_VERSION);
	CHECK(path && strlen(path) > strlen(v) &&
	      !strcmp(path + strlen(path) - strlen(v), v));
	free(path);
	snprintf(v, sizeof(v), "%d.%d.%d", CR_RELEASE_MAJOR, CR_RELEASE_MINOR,
		 CR_RELEASE_PATCH);
	CHECK(!strcmp(v, CR_RELEASE_VERSION));
}

/* cr_checkpoint exits errno & 0xff: 50, 51, 52 for these in BLCR. */
static void check_errors(void)
{
	static const int codes[] = {
		CR_ETEMPFAIL, CR_EPERMFAIL, CR_ENOSUPPORT, CR_EVERSION,
		CR_EOMITTED, CR_EBADARCH, CR_EPTRACED, CR_EPTRACER,
		CR_ERSTRTABRT, CR_ERESTARTED, CR_ENOTCB, CR_ENOINIT,
	};
	size_t i;

	CHECK(CR_MIN_ERRCODE == 2353 && CR_ETEMPFAIL == 2354);
	CHECK((CR_ETEMPFAIL & 0xff) == 50 && (CR_EPERMFAIL & 0xff) == 51 &&
	      (CR_ENOSUPPORT & 0xff) == 52);
	CHECK(CR_MAX_ERRCODE == CR_ENOINIT + 1);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		CHECK(strcmp(cr_strerror(codes[i]), strerror(codes[i])));
}

static void check_flags(void)
{
	struct cr_rstrt_relocate *r;
	cr_scope_t scopes[] = {
		CR_SCOPE_PROC, CR_SCOPE_PGRP, CR_SCOPE_SESS, CR_SCOPE_TREE,
	};

	CHECK(scopes[0] == 0 && scopes[3] == 3);
	CHECK(CR_CHECKPOINT_READY == 0 && CR_CHECKPOINT_ABORT_MASK == 7 &&
	      CR_CHECKPOINT_TEMP_FAILURE_CODE(5) == 0x50001 &&
	      CR_CHECKPOINT_PERM_FAILURE_CODE(5) == 0x50002);
	CHECK(CR_CHKPT_PROHIBIT_SELF == 1 && CR_CHKPT_PTRACED_ALLOW == 2 &&
	      CR_CHKPT_PTRACED_SKIP == 4 && CR_CHKPT_PTRACER_SKIP == 8 &&
	      CR_CHKPT_ASYNC_ERR == 0x10 && CR_CHKPT_DUMP_ALL == 0xe00);
	CHECK(CR_RSTRT_ASYNC_ERR == 1 && CR_RSTRT_RESTORE_PID == 2 &&
	      CR_RSTRT_RESTORE_PGID == 4 && CR_RSTRT_RESTORE_SID == 8);
	CHECK(CR_HOLD_READ == -1 && CR_HOLD_NONE == 0 && CR_HOLD_BOTH == 3 &&
	      CR_HOLD_DFLT == 4);
	CHECK(CR_RSTRT_RELOCATE_SIZE(CR_MAX_RSTRT_RELOC) ==
	      sizeof(*r) + 16 * sizeof(r->path[0]));
	r = calloc(1, CR_RSTRT_RELOCATE_SIZE(CR_MAX_RSTRT_RELOC));
	CHECK(r != NULL);
	if (r)
		r->path[CR_MAX_RSTRT_RELOC - 1].oldpath = "/";
	free(r);
}

/* BLCR's deprecation marker, for programs' own declarations. */
void old_api(void) _CR_DEPRECATED;

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: libcr_common OUT\n");
		return 2;
	}
	CHECK(CR_SIGNUM == SIGRTMAX);
	CHECK(!caught(CR_SIGNUM));
	CHECK(cr_init() >= 0);
	CHECK(caught(CR_SIGNUM));
	check_versions();
	check_errors();
	check_flags();
	return lt_report(argv[1]);
}
