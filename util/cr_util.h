/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the command-line tools. */
#ifndef CR_UTIL_H
#define CR_UTIL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#define CR_MSG_MAX	512

extern bool cr_quiet;

/* Which of the module's messages about the request are printed. */
enum cr_kmsg {
	CR_KMSG_ERROR,		/* why it failed (default) */
	CR_KMSG_NONE,
	CR_KMSG_WARNING,	/* its warnings too, even when it succeeds */
};

extern enum cr_kmsg cr_kmsg;

/*
 * Options both tools take, BLCR's: the signal for the processes once
 * checkpointed or restarted (--run: none), and --kmsg-*.  A tool puts
 * CR_TOOL_OPTS in its getopt_long() table, its own option values below
 * CR_OPT_RUN, and hands the values it does not know to cr_tool_opt().
 */
enum {
	CR_OPT_RUN = 0x1000, CR_OPT_STOP, CR_OPT_TERM, CR_OPT_ABORT,
	CR_OPT_KILL, CR_OPT_CONT, CR_OPT_EARLY_STOP, CR_OPT_EARLY_ABRT,
	CR_OPT_KMSG_NONE, CR_OPT_KMSG_ERROR, CR_OPT_KMSG_WARNING,
};

#define CR_TOOL_OPTS \
	{ "run", no_argument, NULL, CR_OPT_RUN }, \
	{ "stop", no_argument, NULL, CR_OPT_STOP }, \
	{ "term", no_argument, NULL, CR_OPT_TERM }, \
	{ "abort", no_argument, NULL, CR_OPT_ABORT }, \
	{ "kill", no_argument, NULL, CR_OPT_KILL }, \
	{ "cont", no_argument, NULL, CR_OPT_CONT }, \
	{ "early-stop", no_argument, NULL, CR_OPT_EARLY_STOP }, \
	{ "early-abrt", no_argument, NULL, CR_OPT_EARLY_ABRT }, \
	{ "kmsg-none", no_argument, NULL, CR_OPT_KMSG_NONE }, \
	{ "kmsg-error", no_argument, NULL, CR_OPT_KMSG_ERROR }, \
	{ "kmsg-warning", no_argument, NULL, CR_OPT_KMSG_WARNING }

/*
 * The usage lines of CR_TOOL_OPTS; -S, --signal NUM is the tool's own.
 * --early-stop and --early-abrt stay hidden, as in BLCR.
 */
#define CR_TOOL_OPTS_USAGE \
"      --run           let the processes go on (default)\n" \
"      --stop, --term, --abort, --kill, --cont\n" \
"                      send SIGSTOP, SIGTERM, SIGABRT, SIGKILL, SIGCONT\n" \
"      --kmsg-none, --kmsg-error, --kmsg-warning\n" \
"                      print none of the module's messages, why it failed\n" \
"                      (default), or its warnings too\n"

/* Option value c of CR_TOOL_OPTS: sets *signal or cr_kmsg; else false. */
bool cr_tool_opt(int c, int *signal);
/* The module's messages about ctrl's request that --kmsg-* wants. */
void cr_kmsg_get(int ctrl, int err, char *buf, size_t len);
/* Lines from the module, each printed as "- line" on stderr. */
void cr_print_kmsg(const char *msg);

int cr_print_version(const char *prog);
int cr_parse_long(const char *s, long min, long max, long *v);
__attribute__((format(printf, 1, 2))) int cr_usage_error(const char *fmt, ...);
int cr_report(const char *what, int err, const char *detail);
/* cr_restart's "Restart failed: MSG: reason"; returns err. */
__attribute__((format(printf, 2, 3)))
int cr_rstrt_error(int err, const char *fmt, ...);
/* --dir: FILE under DIR unless FILE is absolute or "-"; -ENAMETOOLONG. */
int cr_dir_path(const char *dir, const char *file, char *path, size_t size);
/*
 * The missing directories above the absolute path of len bytes (0700, a
 * restart putting back what the job's end removed); -ENOENT if relative.
 */
int cr_make_parents(const char *path, size_t len);

/*
 * A pipe's buffer grown to a page record's size (1 MiB, pipe-max-size's
 * default), best effort; nothing if fd is no pipe or a larger one.  With
 * the default 16 pages every hand-over between the module and the other
 * end wakes the other side, which under TCG costs milliseconds a time.
 */
#define CR_PIPE_SIZE	(1 << 20)
void cr_pipe_grow(int fd);

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
	char dest[4096];	/* atomic: path's absolute name, else "" */
};

/* f->policy and f->backup are set by the caller. */
int cr_outfile_open(struct cr_outfile *f, const char *path);
int cr_outfile_fd(struct cr_outfile *f, int fd);
int cr_outfile_close(struct cr_outfile *f, bool keep, bool sync);

#endif /* CR_UTIL_H */
