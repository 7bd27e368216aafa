// SPDX-License-Identifier: GPL-2.0-or-later
/* The pipes and FIFOs of a restart, made by cr_restart for the module. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cr_ioctl.h"
#include "cr_rstrt.h"
#include "cr_util.h"

/*
 * A FIFO of the checkpoint, opened at its path for reading and writing;
 * made again (0600, its mode is not saved) if the job's end removed it.
 */
static int open_fifo(const char *path, int *fds)
{
	struct stat st;
	int err;

	fds[0] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fds[0] < 0 && errno == ENOENT) {
		err = cr_make_parents(path, strlen(path));
		if (err)
			return err;
		if (mkfifo(path, 0600) < 0 && errno != EEXIST)
			return -errno;
		fds[0] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	if (fds[0] < 0)
		return -errno;
	if (fstat(fds[0], &st) < 0 || !S_ISFIFO(st.st_mode))
		return -ENXIO;
	fds[1] = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	return fds[1] < 0 ? -errno : 0;
}

static int make_pipe(const struct cr_plan *plan, unsigned int n, int *fds)
{
	const char *path = NULL;
	int err = 0;

	if (plan->pipes[n].path_off) {
		path = (const char *)plan->buf + plan->pipes[n].path_off;
		err = open_fifo(path, fds);
		if (err)
			return cr_rstrt_error(err, "cannot open FIFO %s", path);
	} else if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		return cr_rstrt_error(-errno, "cannot create pipe %u", n);
	}
	if (fcntl(fds[0], F_SETPIPE_SZ, plan->pipes[n].size) < 0)
		err = cr_rstrt_error(-errno, "cannot make pipe %u %u bytes",
				     n, plan->pipes[n].size);
	return err;
}

/*
 * The module cannot create pipes: make the ones it asked for, at their
 * saved size, and hand them over.
 */
int cr_make_pipes(const struct cr_plan *plan, int *fds)
{
	struct cr_rstrt_pipes_args a = { .npipes = plan->npipes,
					 .fds = (unsigned long)fds };
	unsigned int n;
	int err = 0;

	if (!plan->npipes)
		return 0;
	for (n = 0; !err && n < plan->npipes; n++)
		err = make_pipe(plan, n, fds + 2 * n);
	return err ?: cri_rstrt_pipes(plan->ctrl, &a);
}
