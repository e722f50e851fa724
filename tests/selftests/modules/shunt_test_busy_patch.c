// SPDX-License-Identifier: GPL-2.0
/*
 * Patch for shunt_test_busy: replaces shunt_busy_sleep(), the function
 * its kthread sleeps in while hold=1, so the transition waits for it.
 * The new version sleeps the same way, so that a later patch replacing
 * this one can be held up too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/livepatch.h>
#include <linux/module.h>

bool *shunt_busy_hold(void);

static bool *hold;

/* never with the kernel's livepatch: it would run the freed code */
static bool fail_init;
module_param(fail_init, bool, 0444);
MODULE_PARM_DESC(fail_init, "make the init fail after klp_enable_patch() succeeded");

static void busy_sleep_new(void)
{
	pr_info("kthread sleeping in shunt_busy_sleep (patched)\n");
	/* asleep most of the time: a check rarely finds it running */
	while (READ_ONCE(*hold) && !kthread_should_stop())
		msleep_interruptible(100);
	pr_info("kthread left shunt_busy_sleep (patched)\n");
}

static struct klp_func busy_funcs[] = {
	{ .old_name = "shunt_busy_sleep", .new_func = busy_sleep_new },
	{ }
};

static struct klp_object busy_objs[] = {
	{ .name = "shunt_test_busy", .funcs = busy_funcs },
	{ }
};

static struct klp_patch busy_patch = {
	.mod = THIS_MODULE,
	.objs = busy_objs,
};

static int busy_patch_init(void)
{
	int ret;

	hold = shunt_busy_hold();
	ret = klp_enable_patch(&busy_patch);
	if (ret || !fail_init)
		return ret;
	pr_info("init fails after klp_enable_patch()\n");
	return -EINVAL;
}

static void busy_patch_exit(void)
{
}

module_init(busy_patch_init);
module_exit(busy_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: patch the function a kthread sleeps in");
MODULE_INFO(livepatch, "Y");
