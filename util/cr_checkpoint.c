// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_checkpoint [options] PID: write a context file of a running process.
 * Options, messages and exit codes follow BLCR's (the errno, 8 bits; 255
 * for a usage error).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cr_ioctl.h"
#include "cr_live.h"
#include "cr_util.h"

struct opts {
	struct cr_chkpt_args args;
	const char *file;
	const char *dir;
	enum cr_clobber policy;
	const char *backup;
	int fd;			/* -F FD, else -1 */
	int verbose;
	bool sync;
	bool progress;
	bool live;
};

#define PROGRESS_MS	500

static void usage(FILE *out)
{
	fprintf(out,
"Usage: cr_checkpoint [options] ID\n"
"Scope (last one wins):\n"
"  -T, --tree          ID's process and its descendants (default)\n"
"  -p, --pid           the process ID, all its threads\n"
"  -g, --pgid          every process of process group ID\n"
"  -s, --sid           every process of session ID\n"
"Destination:\n"
"  -f, --file FILE     write FILE (default: context.ID in the cwd); a\n"
"                      FIFO or device is written in place, - is stdout\n"
"  -F, --fd FD         write the open file descriptor FD from its offset\n"
"                      (the policy below does not apply)\n"
"  -c, --cwd           write context.ID in the cwd\n"
"  -d, --dir DIR       write DIR/context.ID, or DIR/FILE with a relative\n"
"                      --file FILE\n"
"An existing file (last one wins):\n"
"      --atomic        replaced once the new one is complete (default)\n"
"      --backup[=NAME] the same, the old one kept as NAME, or FILE.~N~\n"
"                      with N the first free number from 1\n"
"      --clobber       overwritten in place\n"
"      --noclobber     left alone: fail with EEXIST\n"
"After the checkpoint (last one wins); module messages:\n"
"  -S, --signal NUM    send signal NUM to the processes\n"
CR_TOOL_OPTS_USAGE
"A process being traced, or tracing another:\n"
"      --ptraced-error, --ptracer-error\n"
"                      fails the checkpoint (defaults)\n"
"      --ptraced-skip, --ptracer-skip\n"
"                      is left out, with its descendants under --tree\n"
"      --ptraced-allow a traced one is checkpointed: its tracer must let\n"
"                      it run\n"
"Mapped files saved by value (added up left to right; default by path,\n"
"but tmpfs files mapped shared are shared memory: always by value):\n"
"      --save-exe      the executable\n"
"      --save-private  files mapped private (the executable, libraries)\n"
"      --save-shared   files mapped shared\n"
"      --save-all      all three;  --save-none: none\n"
"Unix sockets:\n"
"      --close-outside-sockets  one connected to a process outside the\n"
"                      checkpoint comes back with its peer closed (else\n"
"                      the checkpoint fails)\n"
"TCP connections:\n"
"      --tcp-close     one whose peer is outside the checkpoint comes back\n"
"                      reset by its peer (else the checkpoint fails)\n"
"Other:\n"
"  -t, --time SEC      give up (ETIMEDOUT) if the checkpoint has not ended\n"
"                      in SEC s: the processes go on, unsignalled\n"
"      --sync, --nosync  fsync the file (default) or not\n"
"  -z, --compress      compress memory with zstd where it pays (the\n"
"                      kernel's; restart inflates it)\n"
"      --incremental   write only the memory pages that changed since\n"
"                      the processes' last --incremental checkpoint,\n"
"                      referring to that file for the rest (the first\n"
"                      one is full)\n"
"      --live          write the memory with the processes running, then\n"
"                      stop them only for the rest and the pages they\n"
"                      wrote meanwhile (the same instant is saved)\n"
"      --progress      show the bytes written and the rate on stderr\n"
"  -q, --quiet         print no messages\n"
"  -v, --verbose       say what was written, how much and how fast\n"
"  -h, --help          this text\n"
"      --version       versions of the tools and the module\n");
}

enum {
	OPT_SYNC = 256, OPT_NOSYNC, OPT_VERSION, OPT_SAVE_EXE, OPT_SAVE_PRIVATE,
	OPT_SAVE_SHARED, OPT_SAVE_ALL, OPT_SAVE_NONE, OPT_PROGRESS,
	OPT_ATOMIC, OPT_BACKUP, OPT_CLOBBER, OPT_NOCLOBBER, OPT_SOCK_CLOSED,
	OPT_TCP_CLOSE, OPT_INCREMENTAL, OPT_LIVE,
	OPT_PTRACED_ERROR, OPT_PTRACED_SKIP, OPT_PTRACED_ALLOW,
	OPT_PTRACER_ERROR, OPT_PTRACER_SKIP
};

static const struct option long_opts[] = {
	{ "tree", no_argument, NULL, 'T' },
	{ "pid", no_argument, NULL, 'p' },
	{ "process", no_argument, NULL, 'p' },
	{ "pgid", no_argument, NULL, 'g' },
	{ "group", no_argument, NULL, 'g' },
	{ "sid", no_argument, NULL, 's' },
	{ "session", no_argument, NULL, 's' },
	{ "file", required_argument, NULL, 'f' },
	{ "fd", required_argument, NULL, 'F' },
	{ "cwd", no_argument, NULL, 'c' },
	{ "dir", required_argument, NULL, 'd' },
	{ "atomic", no_argument, NULL, OPT_ATOMIC },
	{ "backup", optional_argument, NULL, OPT_BACKUP },
	{ "clobber", no_argument, NULL, OPT_CLOBBER },
	{ "noclobber", no_argument, NULL, OPT_NOCLOBBER },
	{ "signal", required_argument, NULL, 'S' },
	{ "ptraced-error", no_argument, NULL, OPT_PTRACED_ERROR },
	{ "ptraced-skip", no_argument, NULL, OPT_PTRACED_SKIP },
	{ "ptraced-allow", no_argument, NULL, OPT_PTRACED_ALLOW },
	{ "ptracer-error", no_argument, NULL, OPT_PTRACER_ERROR },
	{ "ptracer-skip", no_argument, NULL, OPT_PTRACER_SKIP },
	{ "time", required_argument, NULL, 't' },
	{ "sync", no_argument, NULL, OPT_SYNC },
	{ "nosync", no_argument, NULL, OPT_NOSYNC },
	{ "save-exe", no_argument, NULL, OPT_SAVE_EXE },
	{ "save-private", no_argument, NULL, OPT_SAVE_PRIVATE },
	{ "save-shared", no_argument, NULL, OPT_SAVE_SHARED },
	{ "save-all", no_argument, NULL, OPT_SAVE_ALL },
	{ "save-none", no_argument, NULL, OPT_SAVE_NONE },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "close-outside-sockets", no_argument, NULL, OPT_SOCK_CLOSED },
	{ "tcp-close", no_argument, NULL, OPT_TCP_CLOSE },
	{ "compress", no_argument, NULL, 'z' },
	{ "incremental", no_argument, NULL, OPT_INCREMENTAL },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	CR_TOOL_OPTS,
	{ NULL, 0, NULL, 0 }
};

/* --ptraced-*, --ptracer-*: the flags they set, of mask. */
static unsigned int ptrace_flag(int opt, unsigned int *mask)
{
	*mask = opt <= OPT_PTRACED_ALLOW ?
		CR_ABI_CHKPT_PTRACED_SKIP | CR_ABI_CHKPT_PTRACED_ALLOW :
		CR_ABI_CHKPT_PTRACER_SKIP;
	switch (opt) {
	case OPT_PTRACED_SKIP:
		return CR_ABI_CHKPT_PTRACED_SKIP;
	case OPT_PTRACED_ALLOW:
		return CR_ABI_CHKPT_PTRACED_ALLOW;
	case OPT_PTRACER_SKIP:
		return CR_ABI_CHKPT_PTRACER_SKIP;
	default:
		return 0;
	}
}

static unsigned int save_flag(int opt)
{
	switch (opt) {
	case OPT_SAVE_EXE:
		return CR_ABI_CHKPT_SAVE_EXE;
	case OPT_SAVE_PRIVATE:
		return CR_ABI_CHKPT_SAVE_PRIVATE;
	case OPT_SAVE_SHARED:
		return CR_ABI_CHKPT_SAVE_SHARED;
	default:
		return CR_ABI_CHKPT_SAVE_ALL;
	}
}

/* Returns -1 to go on, else the exit code. */
static int parse(int argc, char **argv, struct opts *o)
{
	unsigned int mask, flag;
	int c, sig;
	long v;

	o->args.scope = CR_ABI_SCOPE_TREE;
	/* A script that checkpoints its own tree goes on, restarted or not. */
	o->args.flags = CR_ABI_CHKPT_OMIT_REQUESTER;
	o->sync = true;
	o->fd = -1;
	while ((c = getopt_long(argc, argv, "Tpgsf:F:cd:S:t:zqvh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'T':
			o->args.scope = CR_ABI_SCOPE_TREE;
			break;
		case 'p':
			o->args.scope = CR_ABI_SCOPE_PROC;
			break;
		case 'g':
			o->args.scope = CR_ABI_SCOPE_PGRP;
			break;
		case 's':
			o->args.scope = CR_ABI_SCOPE_SESS;
			break;
		case 'f':
			o->file = optarg;
			o->fd = -1;
			break;
		case 'F':
			if (cr_parse_long(optarg, 0, INT_MAX, &v))
				return cr_usage_error("bad fd '%s'", optarg);
			o->fd = v;
			break;
		case 'c':
			o->file = NULL;
			o->dir = NULL;
			o->fd = -1;
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'S':
			if (cr_parse_long(optarg, 1, NSIG - 1, &v))
				return cr_usage_error("bad signal '%s'", optarg);
			o->args.signal = v;
			break;
		case 't':
			if (cr_parse_long(optarg, 1, INT_MAX / 1000, &v))
				return cr_usage_error("bad time '%s'", optarg);
			o->args.timeout_ms = v * 1000;
			break;
		case OPT_SYNC:
		case OPT_NOSYNC:
			o->sync = c == OPT_SYNC;
			break;
		case 'q':
			cr_quiet = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			return cr_print_version("cr_checkpoint");
		case OPT_SAVE_NONE:
			o->args.flags &= ~CR_ABI_CHKPT_SAVE_ALL;
			break;
		case OPT_SOCK_CLOSED:
			o->args.flags |= CR_ABI_CHKPT_SOCK_CLOSED;
			break;
		case OPT_TCP_CLOSE:
			o->args.flags |= CR_ABI_CHKPT_TCP_CLOSE;
			break;
		case 'z':
			o->args.flags |= CR_ABI_CHKPT_COMPRESS;
			break;
		case OPT_INCREMENTAL:
			o->args.flags |= CR_ABI_CHKPT_INCREMENTAL;
			break;
		case OPT_LIVE:
			o->live = true;
			break;
		case OPT_PROGRESS:
			o->progress = true;
			break;
		default:
			if (c >= OPT_ATOMIC && c <= OPT_NOCLOBBER) {
				o->policy = CR_ATOMIC + (c - OPT_ATOMIC);
				o->backup = c == OPT_BACKUP && optarg &&
					    optarg[0] ? optarg : NULL;
				break;
			}
			if (c >= OPT_SAVE_EXE && c <= OPT_SAVE_ALL) {
				o->args.flags |= save_flag(c);
				break;
			}
			if (c >= OPT_PTRACED_ERROR && c <= OPT_PTRACER_SKIP) {
				flag = ptrace_flag(c, &mask);
				o->args.flags = (o->args.flags & ~mask) | flag;
				break;
			}
			sig = o->args.signal;
			if (cr_tool_opt(c, &sig)) {
				o->args.signal = sig;
				break;
			}
			usage(stderr);
			return 255;
		}
	}
	if (o->live && o->args.flags & CR_ABI_CHKPT_INCREMENTAL)
		return cr_usage_error("--live and --incremental exclude each "
				      "other");
	if (optind != argc - 1)
		return cr_usage_error("one process ID expected");
	if (cr_parse_long(argv[optind], 1, INT_MAX, &v))
		return cr_usage_error("bad process ID '%s'", argv[optind]);
	o->args.target = v;
	return -1;
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Waits for the request, showing what the module has written so far: it
 * writes through our open file, so the file's offset is its progress (a
 * pipe has none: then only the time).  Without --progress, one wait.
 */
static int wait_done(int ctrl, int out, bool progress)
{
	struct timespec t0;
	bool shown = false;
	off_t pos;
	double s;
	int n;

	if (!progress)
		return cri_wait(ctrl, -1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!(n = cri_wait(ctrl, PROGRESS_MS))) {
		s = since(&t0);
		pos = lseek(out, 0, SEEK_CUR);
		if (pos < 0)
			fprintf(stderr, "\rcr_checkpoint: %.1f s", s);
		else
			fprintf(stderr, "\rcr_checkpoint: %.1f MiB in %.1f s, "
				"%.1f MiB/s ", pos / 1048576.0, s,
				pos / 1048576.0 / s);
		shown = true;
	}
	if (shown)
		fputc('\n', stderr);
	return n;
}

/*
 * A process of the scope that forks, starts a thread or exits while the
 * request stops the others fails it with EAGAIN before anything is
 * written, and the targets go on: asking again soon is enough.
 */
#define EAGAIN_TRIES	10
#define EAGAIN_WAIT_US	20000

/*
 * --live: the targets' pre-copy written to out while they run, and the
 * request that stops them then (*a).  --time counts the pre-copy.  0, or
 * -errno with why.
 */
static int precopy(struct opts *o, int out, struct cr_chkpt_live_args *a,
		   char *why, size_t size)
{
	struct cr_live_proc *procs;
	unsigned int n;
	struct timespec t0;
	uint64_t ident, time_ns, bytes;
	double secs;
	int watch;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (cr_live_scope(o->args.scope, o->args.target, &procs, &n, why,
			  size))
		return -ESRCH;
	if (cr_live_precopy(out, procs, &n, &watch, &ident, &time_ns, &bytes,
			    why, size)) {
		free(procs);
		return -ESRCH;
	}
	a->req = o->args;
	a->watch = watch;
	a->ident = ident;
	a->time_ns = time_ns;
	a->procs = (uintptr_t)procs;
	a->nprocs = n;
	secs = since(&t0);
	if (o->verbose)
		fprintf(stderr, "cr_checkpoint: pre-copy of %u processes, "
			"%.1f MiB in %.2f s\n", n, bytes / 1048576.0, secs);
	if (o->args.timeout_ms && secs * 1000 >= o->args.timeout_ms) {
		snprintf(why, size, "the pre-copy took all of --time");
		return -ETIMEDOUT;
	}
	if (o->args.timeout_ms)
		a->req.timeout_ms -= secs * 1000;
	return 0;
}

/*
 * CR_CHECKPOINT_LIVE=1 (vmrun --live): live where it can be, that is to
 * a regular file (cr_restart reads a live image by offset), not
 * incremental.  A pre-copy that fails then falls back quietly.
 */
static bool live_by_default(const struct opts *o, int out)
{
	const char *e = getenv("CR_CHECKPOINT_LIVE");
	struct stat st;

	return e && !strcmp(e, "1") && !o->live &&
	       !(o->args.flags & CR_ABI_CHKPT_INCREMENTAL) &&
	       !fstat(out, &st) && S_ISREG(st.st_mode);
}

static int checkpoint(struct opts *o, int out)
{
	struct cr_chkpt_live_args live = { 0 };
	bool by_default = live_by_default(o, out);
	off_t start = lseek(out, 0, SEEK_CUR);
	char msg[CR_MSG_MAX];
	int ctrl, err, tries = EAGAIN_TRIES;

	o->args.fd = out;
	if (o->live || by_default) {
		err = precopy(o, out, &live, msg, sizeof(msg));
		if (err && live.procs) {
			close(live.watch);
			free((void *)(uintptr_t)live.procs);
			live.procs = 0;
		}
		if (err && by_default && start >= 0 &&
		    lseek(out, start, SEEK_SET) == start &&
		    !ftruncate(out, start))
			err = 0;
		else if (err)
			return cr_report("Checkpoint failed", err, msg);
		o->live = live.procs;
	}
	for (;;) {
		/* A control fd serves one request. */
		ctrl = cri_ctrl_open();
		if (ctrl < 0)
			break;
		err = o->live ? cri_chkpt_live(ctrl, &live) :
		      cri_chkpt_start(ctrl, &o->args);
		if (!err)
			err = wait_done(ctrl, out, o->progress) < 0 ? -EIO :
			      cri_reap(ctrl, 0);
		if (err != -EAGAIN || !--tries)
			break;
		close(ctrl);
		usleep(EAGAIN_WAIT_US);
	}
	if (o->live)
		close(live.watch);
	free((void *)(uintptr_t)live.procs);
	if (ctrl < 0)
		return cr_report("Checkpoint failed", ctrl, NULL);
	cr_kmsg_get(ctrl, err, msg, sizeof(msg));
	close(ctrl);
	if (err)
		return cr_report("Checkpoint failed", err, msg);
	cr_print_kmsg(msg);
	return 0;
}

/*
 * The file's path: FILE or context.ID, under --dir's DIR unless FILE is
 * absolute or "-" (stdout).
 */
static int out_path(const struct opts *o, char *path, size_t size)
{
	char name[32];
	const char *file = o->file;

	if (!file) {
		snprintf(name, sizeof(name), "context.%d", o->args.target);
		file = name;
	}
	return cr_dir_path(o->dir, file, path, size);
}

/* -v: what was saved where; with a file offset, how much and how fast. */
static void say_done(const struct opts *o, off_t written, double secs)
{
	static const char *const scopes[] = {
		[CR_ABI_SCOPE_PROC] = "process", [CR_ABI_SCOPE_PGRP] = "process group",
		[CR_ABI_SCOPE_SESS] = "session", [CR_ABI_SCOPE_TREE] = "tree of",
	};

	fprintf(stderr, "cr_checkpoint: %s %d saved to %s", scopes[o->args.scope],
		o->args.target, o->file);
	if (written > 0)
		fprintf(stderr, ", %.1f MiB in %.2f s (%.1f MiB/s)",
			written / 1048576.0, secs, written / 1048576.0 / secs);
	fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct cr_outfile f;
	char path[sizeof(f.path)];
	struct timespec t0;
	off_t written;
	int rc, err = 0;

	rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.fd >= 0)
		snprintf(path, sizeof(path), "fd %d", o.fd);
	else
		err = out_path(&o, path, sizeof(path));
	if (err)
		return cr_report("Checkpoint failed", err, o.file);
	o.file = path;
	f.policy = o.policy;
	f.backup = o.backup;
	err = o.fd >= 0 ? cr_outfile_fd(&f, o.fd) : cr_outfile_open(&f, o.file);
	if (err)
		return cr_report("Checkpoint failed", err, o.file);
	cr_pipe_grow(f.fd);
	if (o.sync && !f.direct)
		o.args.flags |= CR_ABI_CHKPT_SYNC;
	if (f.dest[0])
		o.args.dest = (uintptr_t)f.dest;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = checkpoint(&o, f.fd);
	/* Before the close: a pipe or socket says nothing after it. */
	written = lseek(f.fd, 0, SEEK_CUR);
	err = cr_outfile_close(&f, rc == 0, o.sync);
	if (!rc && err)
		rc = cr_report("Checkpoint failed", err, o.file);
	if (!rc && o.verbose)
		say_done(&o, written, since(&t0));
	return rc;
}
