// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs CMD on a new pty as its controlling terminal (a session of its
 * own, stdin/stdout/stderr on the pty) and copies what it writes there to
 * LOG.  Exits as CMD does, once the pty has nothing more to say.
 * Usage: pty_run LOG CMD [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void child(int master, char **argv)
{
	int fd;

	setsid();
	fd = open(ptsname(master), O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
		_exit(126);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	close(master);
	execvp(argv[0], argv);
	_exit(127);
}

int main(int argc, char **argv)
{
	char buf[4096];
	int master, log, status;
	ssize_t n;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: pty_run LOG CMD [ARG...]\n");
		return 2;
	}
	log = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (log < 0 || master < 0 || grantpt(master) || unlockpt(master))
		return 3;
	pid = fork();
	if (pid < 0)
		return 4;
	if (pid == 0)
		child(master, argv + 2);
	/* EIO once every slave fd is closed. */
	while ((n = read(master, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(log, buf, n) != n)
			break;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
