/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the command-line tools. */
#ifndef CR_UTIL_H
#define CR_UTIL_H

#include <stdbool.h>

#define CR_MSG_MAX	512

extern bool cr_quiet;

int cr_print_version(const char *prog);
int cr_parse_long(const char *s, long min, long max, long *v);
__attribute__((format(printf, 1, 2))) int cr_usage_error(const char *fmt, ...);
int cr_report(const char *what, int err, const char *detail);

/* How an existing context file is replaced: cr_checkpoint --atomic etc. */
enum cr_clobber {
	CR_ATOMIC,	/* a temporary file, renamed when complete */
	CR_BACKUP,	/* atomic, the old file kept as backup or FILE.~N~ */
	CR_CLOBBER,	/* in place, truncated */
	CR_NOCLOBBER,	/* EEXIST if the file exists */
};

/*
 * A context file, written as the policy says; or, direct, a pipe or
 * device written as it is.
 */
struct cr_outfile {
	int fd;
	bool direct;
	bool unnamed;		/* O_TMPFILE: a killed writer leaves nothing */
	enum cr_clobber policy;
	const char *backup;	/* CR_BACKUP's name, NULL for FILE.~N~ */
	char path[4096];
	char tmp[4096];
};

/* f->policy and f->backup are set by the caller. */
int cr_outfile_open(struct cr_outfile *f, const char *path);
int cr_outfile_close(struct cr_outfile *f, bool keep, bool sync);

#endif /* CR_UTIL_H */
