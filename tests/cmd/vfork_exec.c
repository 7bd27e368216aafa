// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A parent that runs its children as a shell or make does, through vfork
 * and exec, with a child that stays in the vfork a while first (its
 * parent blocked in the kernel meanwhile).  Step I writes "vfork I" on
 * stdout, vforks a child that pauses DELAY_MS and execs "vfork_exec I",
 * which writes "I I*I"; the parent checks the child's exit status and
 * goes on.  After LIMIT steps it writes "done SUM", SUM the sum of the
 * squares as the parent counted them.  A checkpoint during a vfork must
 * wait for the exec (neither process can be saved before) and both must
 * go on from it.
 * Usage: vfork_exec LIMIT DELAY_MS, or vfork_exec I (a child)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cr_test_util.h"

static void say(const char *word, long n)
{
	char line[64];
	int len;

	len = snprintf(line, sizeof(line), "%s %ld\n", word, n);
	if (write(1, line, len) != len)
		exit(101);
}

static long step(long i, long delay_ms)
{
	char arg[32];
	int status;
	pid_t pid;

	say("vfork", i);
	snprintf(arg, sizeof(arg), "%ld", i);
	pid = vfork();
	if (pid < 0)
		exit(102);
	if (pid == 0) {
		cr_pause_ms(delay_ms);
		execl("/proc/self/exe", "vfork_exec", arg, (char *)NULL);
		_exit(103);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		exit(104);
	return i * i;
}

int main(int argc, char **argv)
{
	long limit, delay_ms, i, sum = 0;

	if (argc == 2) {
		i = atol(argv[1]);
		say(argv[1], i * i);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: vfork_exec LIMIT DELAY_MS\n");
		return 2;
	}
	limit = atol(argv[1]);
	delay_ms = atol(argv[2]) * cr_slow();
	for (i = 0; i < limit; i++)
		sum += step(i, delay_ms);
	say("done", sum);
	return 0;
}
