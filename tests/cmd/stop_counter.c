// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A counter like cr_counter, with libcr: a callback of the context asked
 * for (signal or thread) and a second thread that only sleeps, so that a
 * stopped counter must have every thread stopped.  The callback notes the
 * file's length and, restarted, truncates the file back to it (the lines
 * the original wrote after the checkpoint go); each line is written in a
 * critical section, so the checkpoint falls between lines.  The file ends
 * up holding every number below LIMIT exactly once, in order.
 * Usage: stop_counter signal|thread FILE LIMIT DELAY_MS
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libcr.h>

#include "libcr_test.h"

static int fd;

static int truncate_back(void *arg)
{
	off_t len = lseek(fd, 0, SEEK_END);

	(void)arg;
	if (cr_checkpoint(CR_CHECKPOINT_READY) > 0 && ftruncate(fd, len) < 0)
		_exit(4);
	return 0;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		cr_pause_ms(20);
	return NULL;
}

int main(int argc, char **argv)
{
	cr_client_id_t id;
	pthread_t thread;
	long i, limit, delay;
	char line[32];
	int n, ctx;

	if (argc != 5 || (strcmp(argv[1], "signal") && strcmp(argv[1], "thread"))) {
		fprintf(stderr, "usage: stop_counter signal|thread FILE LIMIT "
			"DELAY_MS\n");
		return 2;
	}
	ctx = argv[1][0] == 's' ? CR_SIGNAL_CONTEXT : CR_THREAD_CONTEXT;
	limit = atol(argv[3]);
	delay = atol(argv[4]);
	fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
	id = cr_init();
	if (fd < 0 || id < 0 || cr_register_callback(truncate_back, NULL, ctx) < 0 ||
	    pthread_create(&thread, NULL, sleeper, NULL)) {
		perror("stop_counter");
		return 2;
	}
	for (i = 0; i < limit; i++) {
		n = snprintf(line, sizeof(line), "%ld\n", i);
		cr_enter_cs(id);
		if (write(fd, line, n) != n)
			return 3;
		cr_leave_cs(id);
		cr_pause_ms(delay);
	}
	return 0;
}
