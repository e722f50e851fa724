// SPDX-License-Identifier: GPL-2.0
/*
 * Provokes a WARN_ON() when loaded with warn=1, so the selftests can show
 * that the harness notices kernel warnings.
 */
#include <linux/module.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN_ON(1) at load time");

static int __init test_warn_init(void)
{
	WARN_ON(warn);
	return 0;
}

static void __exit test_warn_exit(void)
{
}

module_init(test_warn_init);
module_exit(test_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: provoke a kernel warning on demand");
