// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pseudo-terminals of a restart: a new /dev/ptmx master per saved
 * one, opened with our user's rights, unlocked, and its slave.  The
 * module sets the slave's termios, window size and modes, refills the
 * master's queue and relocks it if it was locked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "cr_ioctl.h"
#include "cr_rstrt.h"
#include "cr_util.h"

static int make_pty(unsigned int n, int *fds)
{
	const char *name;

	fds[0] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fds[0] < 0)
		return cr_rstrt_error(-errno, "cannot open pty %u", n);
	name = grantpt(fds[0]) || unlockpt(fds[0]) ? NULL : ptsname(fds[0]);
	if (name)
		fds[1] = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (!name || fds[1] < 0)
		return cr_rstrt_error(-errno, "cannot open the slave of pty %u",
				      n);
	return 0;
}

/* Makes the ptys and hands them over, after the sockets. */
int cr_make_ptys(const struct cr_plan *plan, int *fds)
{
	struct cr_rstrt_ptys_args a = { .nptys = plan->nptys,
					.fds = (unsigned long)fds };
	unsigned int n;
	int err = 0;

	if (!plan->nptys)
		return 0;
	for (n = 0; !err && n < plan->nptys; n++)
		err = make_pty(n, fds + 2 * n);
	return err ?: cri_rstrt_ptys(plan->ctrl, &a);
}

/* Whether pid leads a session whose terminal is one of the ptys. */
bool cr_pty_session(const struct cr_plan *plan, pid_t pid)
{
	unsigned int n;

	for (n = 0; n < plan->nptys; n++)
		if (plan->ptys[n].ctty_sid == pid)
			return true;
	return false;
}
