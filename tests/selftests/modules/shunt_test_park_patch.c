// SPDX-License-Identifier: GPL-2.0
/*
 * Patch for shunt_test_park: the new shunt_park_wait() sleeps the same
 * way and says it is the patched one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>

void shunt_park_sleep(void);

static void park_wait_new(const char *who)
{
	pr_info("%s waits in shunt_park_wait (patched)\n", who);
	shunt_park_sleep();
	/* no tail call: the thread sleeps with this function on its stack */
	pr_info("%s leaves shunt_park_wait (patched)\n", who);
}

static struct klp_func park_funcs[] = {
	{ .old_name = "shunt_park_wait", .new_func = park_wait_new },
	{ }
};

static struct klp_object park_objs[] = {
	{ .name = "shunt_test_park", .funcs = park_funcs },
	{ }
};

static struct klp_patch park_patch = {
	.mod = THIS_MODULE,
	.objs = park_objs,
};

static int park_patch_init(void)
{
	return klp_enable_patch(&park_patch);
}

static void park_patch_exit(void)
{
}

module_init(park_patch_init);
module_exit(park_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: patch the function parkable kthreads sleep in");
MODULE_INFO(livepatch, "Y");
