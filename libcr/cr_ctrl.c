// SPDX-License-Identifier: LGPL-2.1-or-later
/* The connection to the module: /proc/checkpoint/ctrl. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "cr_private.h"

/* Returns an fd, or -ENOSYS when the module is not loaded. */
int cri_ctrl_open(void)
{
	int fd = open(CR_CTRL_FILE, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? -ENOSYS : -errno;
	return fd;
}

int cri_module_version(struct cr_version_args *ver)
{
	int fd = cri_ctrl_open();
	int err = 0;

	if (fd < 0)
		return fd;
	if (ioctl(fd, CR_OP_VERSION, ver) < 0)
		err = -errno;
	close(fd);
	return err;
}
