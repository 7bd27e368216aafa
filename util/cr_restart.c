// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cr_restart [options] FILE: bring a checkpointed process back as this
 * command's child, wait for it, and exit as it does.  Signals sent to
 * cr_restart are passed on to it, as BLCR's did.  --report-fd is libcr's
 * (cr_request_restart()): the outcome, written on a socket, where libcr
 * may answer by taking the restarted processes as its caller's children.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cr_ioctl.h"
#include "cr_rstrt.h"
#include "cr_rstrt_lazy.h"
#include "cr_util.h"

#define CHILD_POLL_MS	100

/* --run-on-*: the hooks, by outcome. */
enum hook {
	HOOK_SUCCESS, HOOK_ARGS, HOOK_TEMP, HOOK_ENV, HOOK_PERM, NHOOKS
};

struct opts {
	const char *file;
	const char *dir;	/* --dir, or NULL */
	const char *parent_dir;	/* --parent-dir, or NULL */
	bool lazy;		/* --lazy, or CR_RESTART_LAZY where it can */
	int fd;			/* --fd, or -1 */
	int signal;		/* --signal, --stop etc., or 0 */
	int report_fd;		/* --report-fd, or -1 */
	bool restore_pid, restore_sid;
	enum cr_pgids pgids;
	enum cr_omit omit;
	const char *hook[NHOOKS];
	unsigned int nrelocate;		/* --relocate options given */
	unsigned int nreloc;		/* pairs kept (not identities) */
	struct cr_rstrt_reloc reloc[CR_RSTRT_MAX_RELOC];
};

/* The processes of the restart whose parent was outside it: ours. */
static pid_t *roots;
static unsigned int nroots;

static void usage(FILE *out)
{
	fprintf(out,
"Usage: cr_restart [options] FILE\n"
"  -f, --file FILE        the context file (or the last argument)\n"
"  -F, --fd FD            read the context from open file descriptor FD\n"
"  -d, --dir DIR          a relative FILE is in DIR; without FILE, the\n"
"                         one context.ID file in DIR (as cr_checkpoint\n"
"                         --dir writes it)\n"
"      --parent-dir DIR   an incremental image's parents are in DIR (by\n"
"                         name), not at the paths it records\n"
"      --lazy             let the program run before its memory is read:\n"
"                         private anonymous memory is read from FILE on\n"
"                         first touch and in the background; cr_restart\n"
"                         stays until all is in, and FILE must stay as it\n"
"                         is until then (needs userfaultfd: root, or\n"
"                         vm.unprivileged_userfaultfd=1)\n"
"      --restore-pid      restore the original pids (default)\n"
"      --no-restore-pid   give the process new pids\n"
"      --restore-pgid     restore every process group\n"
"      --no-restore-pgid  put every process in ours\n"
"                         (default: restore the groups the restarted\n"
"                         processes made, the rest take ours)\n"
"      --restore-sid      restore sessions (default: take ours)\n"
"      --no-restore-sid\n"
"      --omit-maybe       a later checkpoint that covers cr_restart saves\n"
"                         the restarted processes, and cr_restart too\n"
"                         unless it is the checkpoint's target or an\n"
"                         orphan (default)\n"
"      --omit-always      such a checkpoint never saves cr_restart\n"
"      --omit-never       such a checkpoint always saves cr_restart\n"
"      --relocate OLDPATH=NEWPATH\n"
"                         open a saved path that is OLDPATH or lies under\n"
"                         it (whole components) at NEWPATH instead: open\n"
"                         and mapped files, the executable, FIFOs, the\n"
"                         cwd.  Both absolute; \\= and \\\\ stand for = and \\.\n"
"                         Up to 16; the first that matches applies.  A\n"
"                         relocated mapped file or executable must have\n"
"                         the saved size and mtime (to the second), as\n"
"                         cp -p keeps them; its inode is not compared.\n"
"After the restart (last one wins); module messages:\n"
"  -S, --signal NUM    send signal NUM to every restarted process before\n"
"                      it runs\n"
CR_TOOL_OPTS_USAGE
"      --freeze        the same as --stop\n"
"Hooks, run by /bin/sh -c; one that exits non-zero gives cr_restart's\n"
"exit code (and no error message is printed):\n"
"      --run-on-success=CMD    once the program runs again, before waiting\n"
"      --run-on-fail-args=CMD  bad options or arguments\n"
"      --run-on-fail-temp=CMD  a temporary failure: ENOMEM, EBUSY (a pid in\n"
"                              use)\n"
"      --run-on-fail-env=CMD   the environment: EACCES, EPERM, ENOENT,\n"
"                              EEXIST, EISDIR, ENOTDIR\n"
"      --run-on-fail-perm=CMD  any other failure (a bad context file)\n"
"      --run-on-failure=CMD    all four --run-on-fail-*\n"
"  -q, --quiet            print no messages\n"
"  -h, --help             this text\n"
"  -v, --version          versions of the tools and the module\n");
}

enum {
	OPT_RESTORE_PID = 256, OPT_NO_RESTORE_PID, OPT_RESTORE_PGID,
	OPT_NO_RESTORE_PGID, OPT_RESTORE_SID, OPT_NO_RESTORE_SID,
	OPT_REPORT_FD, OPT_RELOCATE, OPT_PARENT_DIR, OPT_LAZY, OPT_OMIT,
	OPT_OMIT_LAST = OPT_OMIT + CR_OMIT_NEVER, OPT_HOOK,
	OPT_RUN_ON_FAILURE = OPT_HOOK + NHOOKS
};

static const struct option long_opts[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "fd", required_argument, NULL, 'F' },
	{ "dir", required_argument, NULL, 'd' },
	{ "parent-dir", required_argument, NULL, OPT_PARENT_DIR },
	{ "lazy", no_argument, NULL, OPT_LAZY },
	{ "signal", required_argument, NULL, 'S' },
	{ "report-fd", required_argument, NULL, OPT_REPORT_FD },
	{ "restore-pid", no_argument, NULL, OPT_RESTORE_PID },
	{ "no-restore-pid", no_argument, NULL, OPT_NO_RESTORE_PID },
	{ "restore-pgid", no_argument, NULL, OPT_RESTORE_PGID },
	{ "no-restore-pgid", no_argument, NULL, OPT_NO_RESTORE_PGID },
	{ "restore-sid", no_argument, NULL, OPT_RESTORE_SID },
	{ "no-restore-sid", no_argument, NULL, OPT_NO_RESTORE_SID },
	{ "relocate", required_argument, NULL, OPT_RELOCATE },
	{ "omit-maybe", no_argument, NULL, OPT_OMIT + CR_OMIT_MAYBE },
	{ "omit-always", no_argument, NULL, OPT_OMIT + CR_OMIT_ALWAYS },
	{ "omit-never", no_argument, NULL, OPT_OMIT + CR_OMIT_NEVER },
	{ "run-on-success", required_argument, NULL, OPT_HOOK + HOOK_SUCCESS },
	{ "run-on-fail-args", required_argument, NULL, OPT_HOOK + HOOK_ARGS },
	{ "run-on-fail-temp", required_argument, NULL, OPT_HOOK + HOOK_TEMP },
	{ "run-on-fail-env", required_argument, NULL, OPT_HOOK + HOOK_ENV },
	{ "run-on-fail-perm", required_argument, NULL, OPT_HOOK + HOOK_PERM },
	{ "run-on-failure", required_argument, NULL, OPT_RUN_ON_FAILURE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "freeze", no_argument, NULL, CR_OPT_STOP },
	CR_TOOL_OPTS,
	{ NULL, 0, NULL, 0 }
};

static void set_hook(struct opts *o, int c, const char *cmd)
{
	enum hook h;

	if (c != OPT_RUN_ON_FAILURE) {
		o->hook[c - OPT_HOOK] = cmd;
		return;
	}
	for (h = HOOK_ARGS; h < NHOOKS; h++)
		o->hook[h] = cmd;
}

/* An option's number in [min, max], or false having said why. */
static bool parse_int(const char *what, long min, long max, int *v)
{
	long n;

	if (cr_parse_long(optarg, min, max, &n)) {
		cr_usage_error("bad %s '%s'", what, optarg);
		return false;
	}
	*v = n;
	return true;
}

/*
 * One side of OLDPATH=NEWPATH from *s, unescaped ("\\=", "\\\\"), up to
 * an unescaped '=' or the end; *s is left there.  NULL if not absolute.
 */
static char *reloc_path(const char **s)
{
	char *path = malloc(strlen(*s) + 1), *d = path;
	const char *p = *s;

	if (!path)
		return NULL;
	for (; *p && *p != '='; p++) {
		if (*p == '\\' && (p[1] == '=' || p[1] == '\\'))
			p++;
		*d++ = *p;
	}
	*d = '\0';
	*s = p;
	/* "/" stays: the other trailing '/'s go */
	while (d > path + 1 && d[-1] == '/')
		*--d = '\0';
	if (path[0] == '/')
		return path;
	free(path);
	return NULL;
}

/* --relocate OLDPATH=NEWPATH: 0, or a usage error's exit code. */
static int add_relocation(struct opts *o, const char *arg)
{
	const char *s = arg;
	char *from, *to;

	if (++o->nrelocate > CR_RSTRT_MAX_RELOC)
		return o->nrelocate > CR_RSTRT_MAX_RELOC + 1 ? 255 :
		       cr_usage_error("at most %d --relocate options",
				      CR_RSTRT_MAX_RELOC);
	from = reloc_path(&s);
	if (*s != '=') {
		free(from);
		return cr_usage_error("--relocate %s: OLDPATH=NEWPATH expected",
				      arg);
	}
	s++;
	to = reloc_path(&s);
	if (!from || !to || *s) {
		free(from);
		free(to);
		return cr_usage_error(*s ? "--relocate %s: a second '=' (write \\=)" :
				      "--relocate %s: both paths must be absolute",
				      arg);
	}
	if (!strcmp(from, to)) {
		free(from);
		free(to);
		return 0;
	}
	o->reloc[o->nreloc].oldpath = (unsigned long)from;
	o->reloc[o->nreloc++].newpath = (unsigned long)to;
	return 0;
}

/*
 * Returns -1 to go on, else the exit code.  A bad option does not stop
 * the parsing: the hooks after it are wanted for --run-on-fail-args.
 */
static int parse(int argc, char **argv, struct opts *o)
{
	bool bad = false, bad_arg = false;
	int c;

	o->restore_pid = true;
	o->pgids = CR_PGIDS_INNER;
	o->fd = o->report_fd = -1;
	while ((c = getopt_long(argc, argv, "f:F:d:S:qhv", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'f':
			o->file = optarg;
			break;
		case 'F':
			bad |= !parse_int("file descriptor", 0, INT_MAX, &o->fd);
			break;
		case 'd':
			o->dir = optarg;
			break;
		case OPT_PARENT_DIR:
			o->parent_dir = optarg;
			break;
		case OPT_LAZY:
			o->lazy = true;
			break;
		case 'S':
			bad |= !parse_int("signal", 1, NSIG - 1, &o->signal);
			break;
		case OPT_REPORT_FD:
			bad |= !parse_int("file descriptor", 0, INT_MAX,
					  &o->report_fd);
			break;
		case OPT_RESTORE_PID:
		case OPT_NO_RESTORE_PID:
			o->restore_pid = c == OPT_RESTORE_PID;
			break;
		case OPT_RESTORE_PGID:
		case OPT_NO_RESTORE_PGID:
			o->pgids = c == OPT_RESTORE_PGID ? CR_PGIDS_ALL :
							   CR_PGIDS_OURS;
			break;
		case OPT_RESTORE_SID:
		case OPT_NO_RESTORE_SID:
			o->restore_sid = c == OPT_RESTORE_SID;
			break;
		case OPT_RELOCATE:
			if (add_relocation(o, optarg))
				bad_arg = true;
			break;
		case 'q':
			cr_quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			return cr_print_version("cr_restart");
		default:
			if (c >= OPT_HOOK && c <= OPT_RUN_ON_FAILURE)
				set_hook(o, c, optarg);
			else if (c >= OPT_OMIT && c <= OPT_OMIT_LAST)
				o->omit = c - OPT_OMIT;
			else if (!cr_tool_opt(c, &o->signal))
				bad = true;
		}
	}
	if (bad) {
		usage(stderr);
		return 255;
	}
	if (bad_arg)
		return 255;
	if (!o->file && o->fd < 0 && optind == argc - 1)
		o->file = argv[optind++];
	if (o->dir && o->fd >= 0)
		return cr_usage_error("--dir names a file, --fd has one: not both");
	if ((o->file || o->dir) == (o->fd >= 0) || optind != argc)
		return cr_usage_error("one context file expected");
	return -1;
}

/* The process table from the module, into plan. */
static int get_plan(int ctrl, struct cr_plan *plan)
{
	struct cr_rstrt_procs_args a = { 0 };
	char *buf;

	if (cri_rstrt_procs(ctrl, &a) < 0)
		return -EINVAL;
	buf = malloc(a.len);
	if (!buf)
		return -ENOMEM;
	a.buf = (unsigned long)buf;
	if (cri_rstrt_procs(ctrl, &a) < 0 || !a.nprocs) {
		free(buf);
		return -EINVAL;
	}
	plan->ctrl = ctrl;
	plan->buf = buf;
	plan->procs = (struct cr_rstrt_proc *)buf;
	plan->nprocs = a.nprocs;
	plan->pipes = (const struct cr_rstrt_pipe *)(buf + a.pipes_off);
	plan->npipes = a.npipes;
	plan->socks = (const struct cr_rstrt_sock *)(buf + a.socks_off);
	plan->nsocks = a.nsocks;
	plan->inets = (const struct cr_rstrt_inet *)(buf + a.inets_off);
	plan->ninets = a.ninets;
	plan->ptys = (const struct cr_rstrt_pty *)(buf + a.ptys_off);
	plan->nptys = a.nptys;
	plan->nlsocks = (const struct cr_rstrt_nlsock *)(buf + a.nlsocks_off);
	plan->nnlsocks = a.nnlsocks;
	plan->events = (const struct cr_rstrt_event *)(buf + a.events_off);
	plan->nevents = a.nevents;
	plan->watches = (const struct cr_rstrt_watch *)&plan->events[a.nevents];
	return 0;
}

/* -1 in each of n fds, or NULL. */
static int *new_fds(unsigned int n)
{
	int *fds = malloc((n ?: 1) * sizeof(*fds));
	unsigned int i;

	for (i = 0; fds && i < n; i++)
		fds[i] = -1;
	return fds;
}

static void close_fds(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/*
 * The pipes, the Unix then TCP and UDP sockets, the ptys, then the event
 * files, whose epolls may watch any of them.  Ours are closed before any
 * process of the restart is created
 * (the event files may have to wait until after, cr_events_release()).
 */
static int make_shared(const struct cr_plan *plan)
{
	struct cr_handed h = { 0 };
	int err = -ENOMEM;

	h.pipe_fds = new_fds(2 * plan->npipes);
	h.sock_fds = new_fds(plan->nsocks);
	h.closed_peers = new_fds(plan->nsocks);
	h.inet_fds = new_fds(plan->ninets);
	h.pty_fds = new_fds(2 * plan->nptys);
	h.nlsock_fds = new_fds(plan->nnlsocks);
	if (h.pipe_fds && h.sock_fds && h.closed_peers && h.inet_fds &&
	    h.pty_fds && h.nlsock_fds)
		err = cr_make_pipes(plan, h.pipe_fds) ?: cr_make_socks(plan, &h) ?:
		      cr_make_inets(plan, h.inet_fds) ?:
		      cr_make_ptys(plan, h.pty_fds) ?:
		      cr_make_nlsocks(plan, &h) ?: cr_make_events(plan, &h);
	else
		cr_rstrt_error(err, "pipes, sockets and ptys");
	close_fds(h.pipe_fds, 2 * plan->npipes);
	close_fds(h.sock_fds, plan->nsocks);
	close_fds(h.nlsock_fds, plan->nnlsocks);
	close_fds(h.closed_peers, h.nclosed);
	close_fds(h.inet_fds, plan->ninets);
	close_fds(h.pty_fds, 2 * plan->nptys);
	return err;
}

static void forward(int sig)
{
	unsigned int i;

	for (i = 0; i < nroots; i++)
		if (roots[i] > 0)
			kill(roots[i], sig);
}

static void forward_signals(void)
{
	struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
	int sig;

	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGCHLD || sig == SIGKILL || sig == SIGSTOP ||
		    sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
		    sig == SIGFPE || sig == SIGTRAP)
			continue;
		sigaction(sig, &sa, NULL);
	}
}

/* pid was reaped: it is no longer ours to signal or wait for. */
static void forget_root(pid_t pid)
{
	unsigned int i;

	for (i = 0; i < nroots; i++)
		if (roots[i] == pid)
			roots[i] = 0;
}

/* Exits the way the child did: same code, or dies of the same signal. */
static int mimic(int status)
{
	struct rlimit no_core = { 0, 0 };
	int sig;

	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	sig = WTERMSIG(status);
	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &(sigset_t){ 0 }, NULL);
	kill(getpid(), sig);
	return 128 + sig;
}

/*
 * Waits for the module to finish: 0 once the program runs again, -errno
 * when the module failed, or an exit code when a process gave up before
 * the module took over (it said why).  A root that exits once it ran
 * again is left a zombie, for whoever becomes its parent to reap.
 */
static int wait_restored(int ctrl)
{
	siginfo_t info;
	int n, status;

	for (;;) {
		n = cri_wait(ctrl, CHILD_POLL_MS);
		if (n)
			return n < 0 ? n : cri_reap(ctrl, 1);
		info.si_pid = 0;
		if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 ||
		    !info.si_pid)
			continue;
		n = cri_reap(ctrl, 1);
		if (!n)
			return 0;
		waitpid(info.si_pid, &status, 0);
		forget_root(info.si_pid);
		if (n != -EAGAIN)
			return n;
		return WIFEXITED(status) && WEXITSTATUS(status) ?
		       WEXITSTATUS(status) : 1;
	}
}

static int wait_roots(void);

/*
 * A failed restart's roots are dead or dying (the module killed them, or
 * they gave up): reap them, so that none is left when cr_restart exits.
 */
static void reap_roots(void)
{
	forward(SIGKILL);
	wait_roots();
}

/* Whether process index's parent was init: an orphan or a daemon. */
static bool is_orphan(const struct cr_plan *plan, unsigned int index)
{
	return cr_is_root(plan, index) && plan->procs[index].ppid == 1;
}

/*
 * Orphans go back to init: an intermediate process creates them and
 * exits at once, so that the kernel reparents them to init (or the
 * nearest subreaper) while they are rebuilt, before any of their code
 * runs.  It is made before anything else, so that its own pid cannot
 * take one the restart steers, and reaped at once: only roots are left
 * as our children.
 */
static int fork_orphans(const struct cr_plan *plan)
{
	unsigned int i;
	int err = 0, status;
	pid_t pid;

	for (i = 0; i < plan->nprocs && !is_orphan(plan, i); i++)
		;
	if (i == plan->nprocs)
		return 0;
	pid = fork();
	if (pid < 0)
		return cr_rstrt_error(-errno, "cannot fork");
	if (pid) {
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				return -errno;
		/* it said why; its exit code is the errno */
		return WIFEXITED(status) ? -WEXITSTATUS(status) : -ECHILD;
	}
	for (; !err && i < plan->nprocs; i++) {
		if (is_orphan(plan, i)) {
			pid = cr_spawn(plan, i);
			err = pid < 0 ? pid : 0;
		}
	}
	if (err)
		cri_rstrt_abort(plan->ctrl, -err);
	_exit(-err & 0xff);
}

/* The other processes whose parent was outside the restart become ours. */
static int fork_roots(const struct cr_plan *plan)
{
	unsigned int i;
	pid_t pid;
	int err;

	roots = calloc(plan->nprocs, sizeof(*roots));
	if (!roots)
		return cr_rstrt_error(-ENOMEM, "processes");
	err = fork_orphans(plan);
	if (err)
		return err;
	for (i = 0; i < plan->nprocs; i++) {
		if (!cr_is_root(plan, i) || is_orphan(plan, i))
			continue;
		pid = cr_spawn(plan, i);
		if (pid < 0)
			return pid;
		roots[nroots++] = pid;
	}
	return 0;
}

/*
 * Waits for every root; the first, the eldest, gives the exit status (0
 * when all went back to init).
 */
static int wait_roots(void)
{
	int status, first = 0;
	unsigned int i;

	for (i = 0; i < nroots; i++) {
		while (waitpid(roots[i], &status, __WALL) < 0 && errno == EINTR)
			;
		if (i == 0)
			first = status;
		roots[i] = 0;
	}
	return first;
}

/* Which --run-on-fail-* hook an error runs (BLCR's classes). */
static enum hook fail_hook(int err)
{
	switch (-err) {
	case ENOMEM:
	case EBUSY:
		return HOOK_TEMP;
	case EACCES:
	case EPERM:
	case ENOENT:
	case EEXIST:
	case EISDIR:
	case ENOTDIR:
		return HOOK_ENV;
	default:
		return HOOK_PERM;
	}
}

/*
 * Runs a hook if given: its exit code (128 + the signal that killed it),
 * 0 when there is none or it exited 0.
 */
static int run_hook(const char *cmd)
{
	int status;

	if (!cmd)
		return 0;
	/* not fflush(NULL): a merge's stream may be blocked in a write */
	fflush(stdout);
	status = system(cmd);
	if (status < 0)
		return cr_report("cannot run hook", -errno, cmd);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/*
 * --report-fd: "pid LEADER" once the program runs again, or "error ERRNO"
 * and the module's message, then EOF.  libcr's socket stays open, out of
 * the hooks' reach, for its answer (handed_over()).
 */
static void report(struct opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->report_fd < 0)
		return;
	va_start(ap, fmt);
	vdprintf(o->report_fd, fmt, ap);
	va_end(ap);
	if (!shutdown(o->report_fd, SHUT_WR) &&
	    !fcntl(o->report_fd, F_SETFD, FD_CLOEXEC))
		return;
	close(o->report_fd);
	o->report_fd = -1;
}

/*
 * Whether libcr's caller takes our roots (cr_reap_restart()): it sends a
 * byte once it is a subreaper, and our exit makes them its children.
 * EOF (it closed the handle, or died) leaves them ours.
 */
static bool handed_over(struct opts *o)
{
	ssize_t n;
	char c;

	if (o->report_fd < 0)
		return false;
	do
		n = read(o->report_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	close(o->report_fd);
	o->report_fd = -1;
	return n == 1;
}

/*
 * A failure, said already when said: the hook's exit code, else the
 * message and errno as exit code.
 */
static int failed(struct opts *o, int err, const char *detail, bool said)
{
	int rc;

	report(o, "error %d\n%s", -err, detail ? detail : "");
	rc = run_hook(o->hook[fail_hook(err)]);

	if (rc)
		return rc;
	if (said)
		return (-err & 0xff) ? (-err & 0xff) : 1;
	return cr_report("Restart failed", err, detail);
}

/*
 * CR_RESTART_LAZY=1 in the environment (vmrun --lazy: the whole suite
 * restarts lazily) is --lazy wherever it can be: from a regular file,
 * with userfaultfd allowed.
 */
static bool lazy_by_default(int img)
{
	const char *e = getenv("CR_RESTART_LAZY");
	struct stat st;
	int ufd;

	if (!e || strcmp(e, "1") || fstat(img, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return false;
	ufd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (ufd < 0)
		return false;
	close(ufd);
	return true;
}

/*
 * --lazy: the image indexed, the processes' socket made.  Lazy by
 * default (CR_RESTART_LAZY), an image the index refuses is restarted in
 * full, quietly: the module then says what is wrong with it.
 */
static int lazy_open(struct opts *o, int img, struct cr_plan *plan,
		     struct cr_lazy **lz)
{
	bool quiet = cr_quiet;
	int err;

	cr_quiet = quiet || !o->lazy;
	*lz = cr_lazy_open(img, o->file ? o->file : "the context file");
	cr_quiet = quiet;
	if (!*lz)
		return o->lazy ? -EINVAL : 0;
	err = cr_uffd_open(plan);
	if (err) {
		cr_lazy_abort(*lz);
		*lz = NULL;
	}
	return err;
}

/*
 * --lazy, once every root is made: each process's userfaultfd taken,
 * its anonymous memory registered once the module rebuilt it, the
 * module given the userfaultfds and told to let the processes run, and
 * the filling started.
 */
static int lazy_go(struct cr_plan *plan, int ctrl, struct cr_lazy *lz)
{
	struct cr_rstrt_lazy_args a = { .op = CR_RSTRT_LAZY_WAIT };
	struct cr_uffds u = { 0 };
	unsigned int i;
	int err, *fds;

	err = cr_uffd_collect(plan, &u);
	if (err)
		goto out;
	fds = malloc(u.size * sizeof(*fds));
	err = fds ? cri_rstrt_lazy(ctrl, &a) : -ENOMEM;
	for (i = 0; !err && i < u.size; i++) {
		if (u.fd[i] < 0)
			continue;
		err = cr_lazy_add(lz, plan->procs[i].pid, u.pid[i], u.fd[i]);
		fds[a.nfds++] = u.fd[i];
		u.fd[i] = -1;	/* lz's now */
	}
	a.op = CR_RSTRT_LAZY_GO;
	a.fds = (unsigned long)fds;
	if (!err)
		err = cri_rstrt_lazy(ctrl, &a) ?: cr_lazy_start(lz);
	/* a script would take it for an error: said to a person only */
	if (!err && !cr_quiet && isatty(STDERR_FILENO))
		fprintf(stderr, "cr_restart: the program runs while its memory "
			"is read from the context file: leave the file as it "
			"is until cr_restart is done with it\n");
	free(fds);
out:
	cr_uffd_free(&u);
	return err;
}

/*
 * --lazy, once the program runs: waits until all its memory is in, then
 * tells the module (which kills the processes if we die before).
 */
static int lazy_end(struct cr_lazy *lz, int ctrl)
{
	struct cr_rstrt_lazy_args a = { .op = CR_RSTRT_LAZY_DONE };
	int err = cr_lazy_finish(lz);

	if (!err)
		err = cri_rstrt_lazy(ctrl, &a);
	close(ctrl);
	return err;
}

static int restart(struct opts *o, int img, int ctrl)
{
	struct cr_rstrt_args args = { .fd = img };
	struct cr_rstrt_reloc_args reloc = { .pairs = (unsigned long)o->reloc,
					     .npairs = o->nreloc };
	struct cr_plan plan = { .restore_pid = o->restore_pid,
				.restore_sid = o->restore_sid,
				.pgids = o->pgids,
				.own_pgid = getpgid(0),
				.own_sid = getsid(0),
				.uffd_sock = { -1, -1 } };
	struct cr_lazy *lz = NULL;
	char msg[CR_MSG_MAX];
	int err;

	if (o->restore_pid)
		args.flags |= CR_ABI_RSTRT_RESTORE_PID;
	if (o->lazy || lazy_by_default(img)) {
		err = lazy_open(o, img, &plan, &lz);
		if (err)
			return failed(o, err, NULL, true);
		if (lz)
			args.flags |= CR_ABI_RSTRT_LAZY;
	}
	err = cri_rstrt_start(ctrl, &args);
	if (!err && o->nreloc)
		err = cri_rstrt_relocate(ctrl, &reloc);
	if (!err && o->signal)
		err = cri_rstrt_signal(ctrl, o->signal);
	if (err)
		goto out_log;
	err = get_plan(ctrl, &plan);
	if (!err)
		err = cr_get_ptimers(&plan);
	if (!err)
		err = cr_pid_lock_init(&plan);
	if (!err)
		err = make_shared(&plan);
	if (err)
		goto out_log;
	err = fork_roots(&plan);
	cr_events_release(&plan);
	if (err) {
		cri_rstrt_abort(ctrl, -err);
		reap_roots();
		return failed(o, err, NULL, true);
	}
	forward_signals();
	if (lz)
		err = lazy_go(&plan, ctrl, lz);
	else
		close(img);
	if (!err)
		err = wait_restored(ctrl);
	if (err && lz) {
		cri_rstrt_abort(ctrl, err < 0 ? -err : err);
		cr_lazy_abort(lz);
	}
	if (err)
		reap_roots();
	/* a process that gave up said why; its exit code is the errno */
	if (err > 0)
		return failed(o, -err, NULL, true);
	if (err)
		goto out_log;
	if (!lz)
		close(ctrl);
	cr_rstrt_omit_start(o->omit);
	/* the eldest of our children; with none, the first went to init */
	report(o, "pid %d\n", nroots ? roots[0] :
	       o->restore_pid ? plan.procs[0].pid : 0);
	/* the hook runs while the program does; its failure is ours */
	err = run_hook(o->hook[HOOK_SUCCESS]);
	if (lz) {
		int filled = lazy_end(lz, ctrl);

		if (filled) {
			reap_roots();
			return failed(o, filled, NULL, true);
		}
	}
	if (err)
		return err;
	if (handed_over(o))
		return 0;
	return mimic(wait_roots());
out_log:
	cr_kmsg_get(ctrl, err, msg, sizeof(msg));
	return failed(o, err, msg, false);
}

#define WHY_MAX		(PATH_MAX + 64)

/* Formats why a context file cannot be had into why; returns err. */
__attribute__((format(printf, 3, 4)))
static int because(char *why, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, WHY_MAX, fmt, ap);
	va_end(ap);
	return err;
}

/*
 * --dir without FILE: the one file in DIR named as cr_checkpoint names
 * them, context.ID; backups (context.ID.~N~) and others do not count.
 */
static int dir_context(struct opts *o, char *name, size_t size, char *why)
{
	struct dirent *e;
	size_t len;
	int err = -ENOENT;
	DIR *d;

	d = opendir(o->dir);
	if (!d)
		return because(why, -errno, "%s", o->dir);
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "context.", 8))
			continue;
		len = strspn(e->d_name + 8, "0123456789");
		if (!len || e->d_name[8 + len])
			continue;
		if (!err) {
			err = because(why, -EEXIST, "%s holds %s and %s: "
				      "name one", o->dir, name, e->d_name);
			break;
		}
		snprintf(name, size, "%s", e->d_name);
		err = 0;
	}
	closedir(d);
	if (err == -ENOENT)
		return because(why, err, "no context.ID file in %s", o->dir);
	return err;
}

/*
 * The context file's descriptor: --fd's, or FILE (under --dir) opened.
 * On failure, why says what was wanted.
 */
static int open_context(struct opts *o, char *path, size_t size, char *why)
{
	char name[NAME_MAX + 1];
	const char *file = o->file;
	int err, fd;

	if (o->fd >= 0) {
		if (fcntl(o->fd, F_GETFD) < 0)
			return because(why, -errno, "fd %d", o->fd);
		return o->fd;
	}
	if (!file) {
		err = dir_context(o, name, sizeof(name), why);
		if (err)
			return err;
		file = name;
	}
	err = cr_dir_path(o->dir, file, path, size);
	if (err)
		return because(why, err, "%s/%s", o->dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return because(why, -errno, "%s", path);
	o->file = path;
	return fd;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	char path[PATH_MAX], why[WHY_MAX] = "";
	int rc, img, ctrl;

	rc = parse(argc, argv, &o);
	if (rc == 255)
		return run_hook(o.hook[HOOK_ARGS]) ?: rc;
	if (rc >= 0)
		return rc;
	img = open_context(&o, path, sizeof(path), why);
	if (img >= 0)
		cr_pipe_grow(img);
	if (img >= 0)
		img = cr_rstrt_chain(img, o.file, o.parent_dir, why,
				     sizeof(why));
	if (img < 0)
		return failed(&o, img, why, false);
	ctrl = cri_ctrl_open();
	if (ctrl < 0)
		return failed(&o, ctrl, NULL, false);
	rc = restart(&o, img, ctrl);
	/*
	 * A merge still writing to a module that stopped reading holds its
	 * stream's lock, for which exit() would wait: leave without it
	 * (our end of the pipe closes, and the thread ends with EPIPE).
	 */
	if (cr_rstrt_chain_running()) {
		fflush(stdout);
		_exit(rc);
	}
	return rc;
}
