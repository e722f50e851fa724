// SPDX-License-Identifier: GPL-2.0
/*
 * Patch with two module objects: shunt_test_busy (shunt_busy_sleep, so
 * its kthread can hold the transition) and shunt_test_wait (shunt_wait_in,
 * where a reader sleeps), for a target that loads mid-transition.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/livepatch.h>
#include <linux/module.h>

bool *shunt_busy_hold(void);

static bool *hold;

static void late_busy_sleep(void)
{
	while (READ_ONCE(*hold) && !kthread_should_stop())
		msleep_interruptible(20);
}

/* shunt_test_wait may load later: this one has a release of its own */
static bool release;
module_param(release, bool, 0644);
MODULE_PARM_DESC(release, "let readers waiting in the new shunt_wait_in() go");

static int late_wait_in(void)
{
	pr_info("reader waiting in shunt_wait_in (patched)\n");
	while (!READ_ONCE(release))
		if (msleep_interruptible(50))
			return -ERESTARTSYS;
	return 2;
}

static struct klp_func busy_funcs[] = {
	{ .old_name = "shunt_busy_sleep", .new_func = late_busy_sleep },
	{ }
};

static struct klp_func wait_funcs[] = {
	{ .old_name = "shunt_wait_in", .new_func = late_wait_in },
	{ }
};

static struct klp_object late_objs[] = {
	{ .name = "shunt_test_busy", .funcs = busy_funcs },
	{ .name = "shunt_test_wait", .funcs = wait_funcs },
	{ }
};

static struct klp_patch late_patch = {
	.mod = THIS_MODULE,
	.objs = late_objs,
};

static int late_patch_init(void)
{
	hold = shunt_busy_hold();
	return klp_enable_patch(&late_patch);
}

static void late_patch_exit(void)
{
}

module_init(late_patch_init);
module_exit(late_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: a module object whose target loads mid-transition");
MODULE_INFO(livepatch, "Y");
