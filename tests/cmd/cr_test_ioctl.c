// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pokes /proc/checkpoint/ctrl directly, below libcr, to test the module's
 * ioctl entry point.  Usage: cr_test_ioctl version|unknown|efault|warn
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "cr_abi.h"

static int expect_errno(int fd, unsigned long cmd, void *arg, int want,
			const char *what)
{
	if (ioctl(fd, cmd, arg) == 0) {
		printf("FAIL: %s succeeded, wanted %s\n", what, strerror(want));
		return 1;
	}
	if (errno != want) {
		printf("FAIL: %s: got %s, wanted %s\n", what, strerror(errno),
		       strerror(want));
		return 1;
	}
	printf("ok: %s -> %s\n", what, strerror(errno));
	return 0;
}

static int check_version(int fd)
{
	struct cr_version_args v;

	memset(&v, 0xa5, sizeof(v));
	if (ioctl(fd, CR_OP_VERSION, &v) < 0) {
		printf("FAIL: CR_OP_VERSION: %s\n", strerror(errno));
		return 1;
	}
	if (v.abi_major != CR_ABI_MAJOR ||
	    !memchr(v.module_version, 0, sizeof(v.module_version))) {
		printf("FAIL: CR_OP_VERSION answered %u.%u, unterminated or wrong\n",
		       v.abi_major, v.abi_minor);
		return 1;
	}
	printf("ok: module %s, interface %u.%u\n", v.module_version,
	       v.abi_major, v.abi_minor);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	int fd = open(CR_CTRL_FILE, O_RDONLY);

	if (fd < 0) {
		printf("FAIL: open %s: %s\n", CR_CTRL_FILE, strerror(errno));
		return 1;
	}
	if (!strcmp(op, "version"))
		return check_version(fd);
	if (!strcmp(op, "unknown"))
		return expect_errno(fd, _IO(CR_IOC_MAGIC, 0x6e), NULL, ENOTTY,
				    "unknown ioctl") |
		       expect_errno(fd, _IO('T', 0x01), NULL, ENOTTY,
				    "foreign ioctl");
	if (!strcmp(op, "efault"))
		return expect_errno(fd, CR_OP_VERSION, (void *)16, EFAULT,
				    "CR_OP_VERSION with a bad pointer");
	if (!strcmp(op, "warn")) {
		if (ioctl(fd, CR_OP_TEST_WARN) < 0) {
			printf("CR_OP_TEST_WARN: %s\n", strerror(errno));
			return 1;
		}
		printf("CR_OP_TEST_WARN issued: the kernel warned\n");
		return 0;
	}
	fprintf(stderr, "usage: cr_test_ioctl version|unknown|efault|warn\n");
	return 2;
}
