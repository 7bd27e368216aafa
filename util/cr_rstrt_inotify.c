// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The inotify instances of a restart, for cr_rstrt_evfiles.c: each made
 * with its watches at their old wds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cr_rstrt.h"
#include "cr_util.h"

#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE	0x10000000
#endif

/* Reads, and so drops, every event queued on inotify fd. */
static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/*
 * Makes wd the next wd of inotify fd: the kernel gives the one after the
 * last it gave, so a watch added then removed skips one.  The watch is
 * on an inode fd does not watch yet (IN_MASK_CREATE refuses the others);
 * the IN_IGNOREDs (or an overflow) are read away.
 */
static int skip_to(int fd, int *next, int wd)
{
	static const char *const spare[] = { "/", "/proc", "/dev", "/sys" };
	unsigned int i;
	int got = -1;

	if (*next >= wd)
		return 0;
	while (*next < wd) {
		for (i = 0; i < sizeof(spare) / sizeof(*spare); i++) {
			got = inotify_add_watch(fd, spare[i], IN_DELETE_SELF |
						IN_DONT_FOLLOW | IN_MASK_CREATE);
			if (got >= 0 || errno != EEXIST)
				break;
		}
		if (got < 0)
			return -errno;
		if (inotify_rm_watch(fd, got) < 0)
			return -errno;
		*next = got + 1;
	}
	drain(fd);
	return 0;
}

/*
 * An inotify instance with its watches (ev->nwatch at w), each with its
 * old wd, added with the restarter's rights.  Never following the last
 * link: the path is the watched file's own.
 */
int cr_make_inotify(const struct cr_plan *plan,
		    const struct cr_rstrt_event *ev,
		    const struct cr_rstrt_watch *w)
{
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK), next = 1, err = 0;
	unsigned int j;

	if (fd < 0)
		return -errno;
	for (j = 0; j < ev->nwatch; j++) {
		const char *path = plan->buf + w[j].index;
		int got;

		err = skip_to(fd, &next, w[j].tfd);
		if (err)
			break;
		got = inotify_add_watch(fd, path, w[j].events |
					IN_DONT_FOLLOW | IN_MASK_CREATE);
		if (got != w[j].tfd) {
			err = cr_rstrt_error(got < 0 ? -errno : -EBUSY,
					     "cannot add inotify watch %d on %s",
					     w[j].tfd, path);
			break;
		}
		next = got + 1;
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
