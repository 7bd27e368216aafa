// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only ioctls, built with --enable-test-ioctls so that the test suite
 * can prove its runner notices a kernel warning.
 */
#include <linux/bug.h>

#include "cr_internal.h"

long cr_test_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case CR_OP_TEST_WARN:
		WARN(1, "blcr: warning requested by CR_OP_TEST_WARN\n");
		return 0;
	default:
		return -ENOTTY;
	}
}
