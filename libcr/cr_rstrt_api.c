// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The restart request API, on top of the cr_restart tool: restarting
 * creates every process and thread of the context file, which is what
 * cr_restart does (util/cr_restart.c).  A request forks and execs
 *
 *     cr_restart --quiet --fd FD --report-fd SOCK [options from the args]
 *
 * and its handle is our end of the socket pair SOCK, on which cr_restart
 * writes "pid LEADER" once the program runs again, or "error ERRNO" and
 * the module's message, then EOF: the handle becomes readable when the
 * request is over, as BLCR's did.  The restarted processes are children of
 * that cr_restart until the reap hands them to the caller, whose children
 * BLCR made them (cri_rstrt_adopt()).  cr_restart is $CR_RESTART, else the
 * installed one.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "cr_lib.h"

#define CRI_RSTRT_OUT_MAX	1024

/* A request not yet reaped. */
struct cri_rstrt {
	int fd;			/* the handle: our report socket end */
	pid_t child;		/* the cr_restart process */
	bool collected;		/* out holds the whole report */
	char out[CRI_RSTRT_OUT_MAX];
	struct cri_rstrt *next;
};

static pthread_mutex_t cri_rstrt_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct cri_rstrt *cri_rstrts;
/* The subreaper setting is the process's: one adoption at a time. */
static pthread_mutex_t cri_adopt_mutex = PTHREAD_MUTEX_INITIALIZER;

int cri_init_restart_args_t(cr_version_t version, cr_restart_args_t *args)
{
	if (version != CR_RESTART_ARGS_VERSION || !args)
		return cri_fail(EINVAL);
	*args = (cr_restart_args_t){
		.cr_version = version,
		.cr_fd = -1,
		.cr_flags = CR_RSTRT_RESTORE_PID,
	};
	return 0;
}

/* 0, or the errno that refuses the args. */
static int cri_rstrt_check(const cr_restart_args_t *args)
{
	unsigned int i;

	if (args->cr_version != CR_RESTART_ARGS_VERSION ||
	    (args->cr_flags & ~(CR_RSTRT_ASYNC_ERR | CR_RSTRT_RESTORE_PID |
				CR_RSTRT_RESTORE_PGID |
				CR_RSTRT_RESTORE_SID)) ||
	    args->cr_signal < 0 || args->cr_signal >= NSIG)
		return EINVAL;
	for (i = 0; args->cr_relocate && i < args->cr_relocate->count; i++)
		if (i == CR_MAX_RSTRT_RELOC ||
		    !args->cr_relocate->path[i].oldpath ||
		    !args->cr_relocate->path[i].newpath)
			return EINVAL;
	if (args->cr_fd < 0 || fcntl(args->cr_fd, F_GETFD) < 0)
		return EBADF;
	return 0;
}

/* The options, the relocations' two each, and the NULL. */
#define CRI_RSTRT_ARGV	(16 + 2 * CR_MAX_RSTRT_RELOC)

/* OLD=NEW, with '=' and '\\' escaped as cr_restart --relocate reads them. */
static char *cri_reloc_arg(const struct cr_rstrt_relocate_pair *p)
{
	char *arg = malloc(2 * (strlen(p->oldpath) + strlen(p->newpath)) + 2);
	char *d = arg;
	const char *s;
	int side;

	for (side = 0; arg && side < 2; side++) {
		for (s = side ? p->newpath : p->oldpath; *s; s++) {
			if (*s == '=' || *s == '\\')
				*d++ = '\\';
			*d++ = *s;
		}
		*d++ = side ? '\0' : '=';
	}
	return arg;
}

/* Frees the relocations of an argv made by cri_rstrt_argv(). */
static void cri_rstrt_argv_free(char **argv)
{
	for (; *argv; argv++)
		if (!strcmp(*argv, "--relocate"))
			free(*++argv);
}

/*
 * cr_restart's arguments, in nums (room for the numbers) and argv (room
 * for CRI_RSTRT_ARGV): 0, or ENOMEM.
 */
static int cri_rstrt_argv(const cr_restart_args_t *args, int report,
			  char nums[3][16], char **argv)
{
	const struct cr_rstrt_relocate *reloc = args->cr_relocate;
	unsigned int flags = args->cr_flags, i;
	int n = 0;

	argv[n++] = "cr_restart";
	argv[n++] = "--quiet";
	snprintf(nums[0], 16, "%d", args->cr_fd);
	argv[n++] = "--fd";
	argv[n++] = nums[0];
	snprintf(nums[1], 16, "%d", report);
	argv[n++] = "--report-fd";
	argv[n++] = nums[1];
	argv[n++] = flags & CR_RSTRT_RESTORE_PID ? "--restore-pid" :
		    "--no-restore-pid";
	if (flags & CR_RSTRT_RESTORE_PGID)
		argv[n++] = "--restore-pgid";
	if (flags & CR_RSTRT_RESTORE_SID)
		argv[n++] = "--restore-sid";
	if (args->cr_signal) {
		snprintf(nums[2], 16, "%d", args->cr_signal);
		argv[n++] = "--signal";
		argv[n++] = nums[2];
	}
	argv[n] = NULL;
	for (i = 0; reloc && i < reloc->count; i++) {
		argv[n + 1] = cri_reloc_arg(&reloc->path[i]);
		if (!argv[n + 1])
			return ENOMEM;
		argv[n] = "--relocate";
		n += 2;
		argv[n] = NULL;
	}
	return 0;
}

/*
 * The child: the context and the socket's other end kept across exec, all
 * signals unblocked; only async-signal-safe calls after fork().
 */
static void cri_rstrt_exec(const char *path, int fd, int report,
			   char **argv)
{
	sigset_t none;
	char err[32];
	int n;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (fcntl(fd, F_SETFD, 0) == 0 && fcntl(report, F_SETFD, 0) == 0)
		execv(path, argv);
	n = snprintf(err, sizeof(err), "error %d\n", errno);
	_exit(write(report, err, n) == n ? 127 : 126);
}

int cr_request_restart(cr_restart_args_t *args, cr_restart_handle_t *handle)
{
	const char *path = secure_getenv("CR_RESTART");
	struct cri_rstrt *r;
	char *argv[CRI_RSTRT_ARGV] = { NULL };
	char nums[3][16];
	int err, p[2];

	if (!args || !handle)
		return cri_fail(EINVAL);
	err = cri_rstrt_check(args);
	if (err)
		return cri_fail(err);
	if (!path || !path[0])
		path = CR_BINDIR "/cr_restart";
	r = calloc(1, sizeof(*r));
	if (!r)
		return cri_fail(ENOMEM);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0) {
		free(r);
		return -1;
	}
	err = cri_rstrt_argv(args, p[1], nums, argv);
	if (!err) {
		r->child = fork();
		if (r->child == 0)
			cri_rstrt_exec(path, args->cr_fd, p[1], argv);
		err = r->child < 0 ? errno : 0;
	}
	cri_rstrt_argv_free(argv);
	close(p[1]);
	if (err) {
		close(p[0]);
		free(r);
		return cri_fail(err);
	}
	r->fd = p[0];
	pthread_mutex_lock(&cri_rstrt_mutex);
	r->next = cri_rstrts;
	cri_rstrts = r;
	pthread_mutex_unlock(&cri_rstrt_mutex);
	*handle = r->fd;
	return 0;
}

/* The request of a handle, or NULL with errno EINVAL. */
static struct cri_rstrt *cri_rstrt_find(const cr_restart_handle_t *handle,
					bool unlink)
{
	struct cri_rstrt **p, *r = NULL;

	pthread_mutex_lock(&cri_rstrt_mutex);
	for (p = &cri_rstrts; handle && *p; p = &(*p)->next) {
		if ((unsigned long)(*p)->fd == *handle) {
			r = *p;
			if (unlink)
				*p = r->next;
			break;
		}
	}
	pthread_mutex_unlock(&cri_rstrt_mutex);
	if (!r)
		errno = EINVAL;
	return r;
}

int cr_wait_restart(cr_restart_handle_t *handle, struct timeval *timeout)
{
	struct cri_rstrt *r = cri_rstrt_find(handle, false);
	int ms = -1, n;

	if (!r)
		return -1;
	if (timeout)
		ms = timeout->tv_sec * 1000 + timeout->tv_usec / 1000;
	n = cri_wait(r->fd, ms);
	return n < 0 ? cri_fail(-n) : n;
}

/*
 * Reads the report to its end once the request is over: 0, or -EAGAIN
 * while cr_restart works.
 */
static int cri_rstrt_collect(struct cri_rstrt *r)
{
	size_t len = 0;
	ssize_t n = 1;

	if (r->collected)
		return 0;
	if (cri_wait(r->fd, 0) <= 0)
		return -EAGAIN;
	while (n && len < sizeof(r->out) - 1) {
		n = read(r->fd, r->out + len, sizeof(r->out) - 1 - len);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0)
			len += n;
	}
	r->out[len] = '\0';
	r->collected = true;
	return 0;
}

/* The module's message: the report after its "error" line. */
static const char *cri_rstrt_msg(const struct cri_rstrt *r)
{
	const char *nl = strchr(r->out, '\n');

	return strncmp(r->out, "error ", 6) || !nl ? "" : nl + 1;
}

int cr_log_restart(cr_restart_handle_t *handle, unsigned int len, char *msg)
{
	struct cri_rstrt *r = cri_rstrt_find(handle, false);
	const char *m;
	int size;

	if (!r)
		return -1;
	if (cri_rstrt_collect(r))
		return 0;
	m = cri_rstrt_msg(r);
	size = strlen(m) + 1;
	if (msg && len)
		snprintf(msg, len, "%s", m);
	return size > 1 ? size : 0;
}

/* Waits for cr_restart to end: its pid, or -1 if the caller reaped it. */
static pid_t cri_rstrt_exit(const struct cri_rstrt *r, int *status)
{
	pid_t pid;

	while ((pid = waitpid(r->child, status, 0)) < 0 && errno == EINTR)
		;
	return pid;
}

/*
 * The restarted processes become the caller's children: it is a
 * subreaper while cr_restart, asked to, exits, then as it was.  Other
 * descendants orphaned in that moment come to the caller too.
 */
static void cri_rstrt_adopt(const struct cri_rstrt *r)
{
	int was;
	char go = 1;

	pthread_mutex_lock(&cri_adopt_mutex);
	if (!prctl(PR_GET_CHILD_SUBREAPER, &was) &&
	    !prctl(PR_SET_CHILD_SUBREAPER, 1)) {
		if (send(r->fd, &go, 1, MSG_NOSIGNAL) == 1)
			cri_rstrt_exit(r, NULL);
		prctl(PR_SET_CHILD_SUBREAPER, was);
	}
	pthread_mutex_unlock(&cri_adopt_mutex);
}

/*
 * The leader's pid, or -1 with errno: the one reported, else the error
 * reported, else what cr_restart's exit says (its code is the errno;
 * killed, or already reaped by the caller, the restart was aborted).  A
 * failed cr_restart is waited for.
 */
static int cri_rstrt_result(const struct cri_rstrt *r)
{
	int v, status;
	pid_t pid;

	if (sscanf(r->out, "pid %d", &v) == 1) {
		cri_rstrt_adopt(r);
		return v;
	}
	pid = cri_rstrt_exit(r, &status);
	if (sscanf(r->out, "error %d", &v) == 1 && v > 0)
		return cri_fail(v);
	if (pid < 0 || !WIFEXITED(status) || !WEXITSTATUS(status))
		return cri_fail(CR_ERSTRTABRT);
	/* 255: a usage error */
	return cri_fail(WEXITSTATUS(status) == 255 ? EINVAL :
			WEXITSTATUS(status));
}

int cr_reap_restart(cr_restart_handle_t *handle)
{
	struct cri_rstrt *r = cri_rstrt_find(handle, false);
	int pid;

	if (!r)
		return -1;
	if (cri_rstrt_collect(r))
		return cri_fail(EAGAIN);
	cri_rstrt_find(handle, true);
	*handle = (unsigned long)-1;
	pid = cri_rstrt_result(r);
	close(r->fd);
	free(r);
	return pid;
}

static const struct cri_req_ops cri_rstrt_ops = {
	.wait = cr_wait_restart,
	.log = cr_log_restart,
	.reap = cr_reap_restart,
};

int cr_poll_restart_msg(cr_restart_handle_t *handle, struct timeval *timeout,
			char **msg_p)
{
	return cri_poll_msg(handle, timeout, msg_p, &cri_rstrt_ops);
}

int cr_poll_restart(cr_restart_handle_t *handle, struct timeval *timeout)
{
	return cr_poll_restart_msg(handle, timeout, NULL);
}
