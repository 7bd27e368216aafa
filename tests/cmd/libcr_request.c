// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checkpoints another process tree with libcr's request API: a request
 * with a bad fd fails, then cr_request_checkpoint() (TREE scope, SIGKILL
 * afterwards), cr_poll_checkpoint_msg() every 100 ms until done, and the
 * spent handle is refused.  Writes OUT ("OK" or the failures).
 * Usage: libcr_request PID FILE OUT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libcr.h>

#include "libcr_test.h"

static int poll_done(cr_checkpoint_handle_t *h)
{
	struct timeval tv;
	char *msg = NULL;
	int r, polls = 0;

	do {
		tv = (struct timeval){ 0, 100000 };
		r = cr_poll_checkpoint_msg(h, &tv, &msg);
		polls++;
	} while (r == 0 && polls < 600);
	printf("done after %d polls: %d, message '%s'\n", polls, r,
	       msg ? msg : "(none)");
	free(msg);
	return r;
}

int main(int argc, char **argv)
{
	cr_checkpoint_handle_t h;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: libcr_request PID FILE OUT\n");
		return 2;
	}
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (!CHECK(fd >= 0))
		return lt_report(argv[3]);
	CHECK(lt_request_kill(atoi(argv[1]), -1, &h) == -1 && errno == EBADF);
	if (CHECK(lt_request_kill(atoi(argv[1]), fd, &h) == 0))
		CHECK(poll_done(&h) > 0);
	CHECK(cr_reap_checkpoint(&h) == -1 && errno == EINVAL);
	close(fd);
	return lt_report(argv[3]);
}
