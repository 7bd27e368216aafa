// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only ioctls and knobs, built with --enable-test-ioctls: the test
 * suite proves its runner notices a kernel warning, and slows checkpoints
 * down to act on one surely mid-way.
 */
#include <linux/bug.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>

#include "cr_base.h"

/* A pause before each PAGES record's data goes to the context file. */
static unsigned int test_write_delay_ms;
module_param(test_write_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_write_delay_ms,
		 "tests only: ms to wait before each record of pages is written");

void cr_test_write_delay(void)
{
	unsigned int ms = READ_ONCE(test_write_delay_ms);

	if (ms)
		msleep_interruptible(ms);
}

long cr_test_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case CR_OP_TEST_WARN:
		/* A warning may panic the machine (panic_on_warn). */
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		WARN(1, "blcr: warning requested by CR_OP_TEST_WARN\n");
		return 0;
	default:
		return -ENOTTY;
	}
}
