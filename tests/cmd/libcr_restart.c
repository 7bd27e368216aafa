// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libcr's restart requests: checkpoints a counter (another process) with
 * cr_request_checkpoint() and SIGKILL afterwards, restarts it with
 * cr_request_restart() (cr_signal SIGSTOP) and cr_poll_restart() every
 * 100 ms, checks the leader's pid is the counter's and that it stopped,
 * continues it and waits for it: it is our child, as in BLCR, and exits
 * with STATUS (the sum it counted); cr_restart was reaped by the poll,
 * and our subreaper setting is back.  Then a file that is not a context
 * gives its error through cr_reap_restart(), and spent or bad handles are
 * refused.  The caller checks the counter's output.  Writes OUT ("OK" or
 * the failures).  The counter's directory FROM is renamed TO before the
 * restart, which cr_relocate maps back.
 * Usage: libcr_restart PID CTX BADFILE STATUS OUT FROM TO
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libcr.h>

#include "libcr_test.h"

static pid_t counter;

static bool counter_gone(void)
{
	return kill(counter, 0) < 0 && errno == ESRCH;
}

/* Its state in /proc/PID/stat is T (stopped). */
static bool counter_stopped(void)
{
	char path[64], line[256], *p;
	bool stopped = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)counter);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) {
		p = strrchr(line, ')');
		stopped = p && p[1] == ' ' && p[2] == 'T';
	}
	fclose(f);
	return stopped;
}

static bool checkpoint(pid_t pid, const char *path)
{
	cr_checkpoint_handle_t h;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	bool ok;

	if (!CHECK(fd >= 0))
		return false;
	ok = CHECK(lt_request_kill(pid, fd, &h) == 0) &&
	     CHECK(cr_poll_checkpoint(&h, NULL) > 0);
	close(fd);
	return ok;
}

static struct {
	struct cr_rstrt_relocate r;
	struct cr_rstrt_relocate_pair pair[1];
} reloc;

/*
 * A restart request for path (its fd closed once requested), with the
 * relocations in reloc.
 */
static int request(const char *path, int sig, cr_restart_handle_t *h)
{
	cr_restart_args_t args;
	int r;

	CHECK(cr_initialize_restart_args_t(&args) == 0);
	args.cr_signal = sig;
	args.cr_relocate = &reloc.r;
	args.cr_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (!CHECK(args.cr_fd >= 0))
		return -1;
	r = cr_request_restart(&args, h);
	close(args.cr_fd);
	return r;
}

/* cr_poll_restart() every 100 ms until done; its result, errno kept. */
static int poll_done(cr_restart_handle_t *h)
{
	struct timeval tv;
	int r, polls = 0;

	do {
		tv = (struct timeval){ 0, 100000 };
		r = cr_poll_restart(h, &tv);
	} while (r == 0 && ++polls < 600);
	printf("restart done after %d polls: %d\n", polls, r);
	return r;
}

static void restart_counter(pid_t pid, const char *ctx, int want)
{
	cr_restart_handle_t h;
	int status = 0, reaper = -1;
	pid_t child;

	if (!CHECK(request(ctx, SIGSTOP, &h) == 0))
		return;
	CHECK(poll_done(&h) == pid);
	CHECK(cr_reap_restart(&h) == -1 && errno == EINVAL);
	CHECK(waitpid(-1, NULL, WNOHANG) == 0);
	CHECK(prctl(PR_GET_CHILD_SUBREAPER, &reaper) == 0 && reaper == 0);
	CHECK(lt_wait(counter_stopped, 30));
	kill(pid, SIGCONT);
	child = waitpid(pid, &status, 0);
	printf("leader %d: status 0x%x, errno %d\n", (int)child, status,
	       child < 0 ? errno : 0);
	CHECK(child == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == want);
}

/* A bad context file: the request starts, its reap gives the error. */
static void restart_bad(const char *bad)
{
	cr_restart_handle_t h;
	char msg[256] = "";
	int r, len;

	if (!CHECK(request(bad, 0, &h) == 0))
		return;
	CHECK(cr_wait_restart(&h, NULL) > 0);
	len = cr_log_restart(&h, sizeof(msg), msg);
	r = cr_reap_restart(&h);
	printf("bad file: reap %d, errno %d (%s), log %d '%s'\n", r, errno,
	       cr_strerror(errno), len, msg);
	CHECK(r == -1 && errno == EBADMSG);
	CHECK(len > 1 && len == (int)strlen(msg) + 1);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

int main(int argc, char **argv)
{
	cr_restart_args_t args;
	cr_restart_handle_t h;
	pid_t pid;

	if (argc != 8) {
		fprintf(stderr, "usage: libcr_restart PID CTX BADFILE STATUS "
			"OUT FROM TO\n");
		return 2;
	}
	pid = atoi(argv[1]);
	counter = pid;
	/* its pid is free again once the shell has reaped it */
	if (checkpoint(pid, argv[2]) && CHECK(lt_wait(counter_gone, 30)) &&
	    CHECK(rename(argv[6], argv[7]) == 0)) {
		reloc.pair[0].oldpath = argv[6];
		reloc.pair[0].newpath = argv[7];
		reloc.r.count = 1;
		restart_counter(pid, argv[2], atoi(argv[4]));
		reloc.r.count = 0;
	}
	restart_bad(argv[3]);
	CHECK(cr_initialize_restart_args_t(&args) == 0);
	args.cr_fd = 0;
	args.cr_signal = NSIG;
	CHECK(cr_request_restart(&args, &h) == -1 && errno == EINVAL);
	args.cr_signal = 0;
	args.cr_relocate = &reloc.r;
	reloc.r.count = 1;
	reloc.pair[0].newpath = NULL;
	CHECK(cr_request_restart(&args, &h) == -1 && errno == EINVAL);
	return lt_report(argv[5]);
}
