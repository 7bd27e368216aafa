// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A daemon: forks, the parent exits, and the child, in a session of its
 * own on /dev/null, waits to be reparented (to init or a subreaper).  It
 * writes its pid to DIR/pid, then counts 0..LIMIT-1 into DIR/out as
 * "N PPID" lines, one per DELAY_MS, and writes "done" to DIR/result.
 * Usage: orphan_counter DIR LIMIT DELAY_MS
 */
#include "../cr_test_util.h"

static void put(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%.4000s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		exit(100);
}

int main(int argc, char **argv)
{
	char line[64];
	long i, limit, delay;
	pid_t parent = getpid();
	int fd, n;

	cr_start(argc, argv, 3, "DIR LIMIT DELAY_MS");
	limit = atol(argv[2]);
	delay = atol(argv[3]);
	if (fork())
		return 0;
	setsid();
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	while (getppid() == parent)
		usleep(10000);
	snprintf(line, sizeof(line), "%d\n", getpid());
	put(argv[1], "pid", line);
	fd = cr_open_in(argv[1], "out",
			O_WRONLY | O_CREAT | O_APPEND | O_TRUNC);
	for (i = 0; i < limit; i++) {
		n = snprintf(line, sizeof(line), "%ld %d\n", i, getppid());
		if (write(fd, line, n) != n)
			return 102;
		cr_pause_ms(delay);
	}
	put(argv[1], "result", "done\n");
	return 0;
}
