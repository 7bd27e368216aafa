// SPDX-License-Identifier: GPL-2.0-only
/*
 * blcr: checkpoint/restart for Linux processes.
 */
#include <linux/module.h>

#include "cr_compat.h"
#include "cr_internal.h"

static int __init cr_init(void)
{
	int err;

	err = cr_ctrl_init();
	if (err)
		return err;
	pr_info("blcr: version %s, interface %d.%d\n",
		PACKAGE_VERSION, CR_ABI_MAJOR, CR_ABI_MINOR);
	return 0;
}

static void __exit cr_exit(void)
{
	cr_ctrl_exit();
	cr_hints_exit();
	cr_track_exit();
	cr_live_exit();
}

module_init(cr_init);
module_exit(cr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Berkeley Lab Checkpoint/Restart for modern Linux");
MODULE_VERSION(PACKAGE_VERSION);
