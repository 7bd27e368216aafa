// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Traces process PID (PTRACE_SEIZE) and lets it run: every stop is
 * continued with its signal, a group stop is listened through.  Creates
 * READY once attached; exits when PID does, or when killed (which
 * detaches it).
 * Usage: tracer PID READY
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status, fd, sig;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: tracer PID READY\n");
		return 2;
	}
	pid = atoi(argv[1]);
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0) {
		perror("tracer: PTRACE_SEIZE");
		return 1;
	}
	fd = open(argv[2], O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return 1;
	close(fd);
	while (waitpid(pid, &status, __WALL) == pid) {
		if (!WIFSTOPPED(status))
			return 0;
		sig = WSTOPSIG(status);
		if (status >> 16 == PTRACE_EVENT_STOP)
			ptrace(PTRACE_LISTEN, pid, NULL, NULL);
		else
			ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	return 0;
}
