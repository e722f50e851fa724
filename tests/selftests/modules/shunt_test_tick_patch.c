// SPDX-License-Identifier: GPL-2.0
/*
 * Patch for shunt_test_busy for the metrics tests: replaces
 * shunt_busy_sleep() (so that the kthread sleeping in it holds the
 * transition open) and shunt_busy_tick() (new version: 2), which the
 * held kthread keeps calling with the old code while switched tasks
 * reading /proc/shunt_test_tick get the new one.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/livepatch.h>
#include <linux/module.h>

bool *shunt_busy_hold(void);

static bool *hold;

static int busy_tick_new(void)
{
	return 2;
}

static void tick_sleep_new(void)
{
	while (READ_ONCE(*hold) && !kthread_should_stop())
		msleep_interruptible(20);
}

static struct klp_func tick_funcs[] = {
	{ .old_name = "shunt_busy_sleep", .new_func = tick_sleep_new },
	{ .old_name = "shunt_busy_tick", .new_func = busy_tick_new },
	{ }
};

static struct klp_object tick_objs[] = {
	{ .name = "shunt_test_busy", .funcs = tick_funcs },
	{ }
};

static struct klp_patch tick_patch = {
	.mod = THIS_MODULE,
	.objs = tick_objs,
};

static int tick_patch_init(void)
{
	hold = shunt_busy_hold();
	return klp_enable_patch(&tick_patch);
}

static void tick_patch_exit(void)
{
}

module_init(tick_patch_init);
module_exit(tick_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: a held transition with a function still called");
MODULE_INFO(livepatch, "Y");
