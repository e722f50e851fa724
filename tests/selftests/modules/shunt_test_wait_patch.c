// SPDX-License-Identifier: GPL-2.0
/*
 * Patch for shunt_test_wait: the new shunt_wait_in() waits the same way
 * and returns 2, so the read says the patched version let it go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/livepatch.h>
#include <linux/module.h>

bool *shunt_wait_release(void);

static int wait_in_new(void)
{
	pr_info("reader waiting in shunt_wait_in (patched)\n");
	while (!READ_ONCE(*shunt_wait_release()))
		if (msleep_interruptible(50))
			return -ERESTARTSYS;
	return 2;
}

static struct klp_func wait_funcs[] = {
	{ .old_name = "shunt_wait_in", .new_func = wait_in_new },
	{ }
};

static struct klp_object wait_objs[] = {
	{ .name = "shunt_test_wait", .funcs = wait_funcs },
	{ }
};

static struct klp_patch wait_patch = {
	.mod = THIS_MODULE,
	.objs = wait_objs,
};

static int wait_patch_init(void)
{
	return klp_enable_patch(&wait_patch);
}

static void wait_patch_exit(void)
{
}

module_init(wait_patch_init);
module_exit(wait_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: patch the function a reader sleeps in");
MODULE_INFO(livepatch, "Y");
