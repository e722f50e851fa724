// SPDX-License-Identifier: GPL-2.0
/*
 * Patch for shunt_test_busy that the kthread can hold in transition: new
 * shunt_pair_a() gives 20 + b and new shunt_pair_b() gives 2, as
 * shunt_test_pair_patch does, and shunt_busy_sleep() is replaced too, so
 * a kthread sleeping in the original keeps the transition open while the
 * pairs are read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/livepatch.h>
#include <linux/module.h>

int shunt_pair_b(void);
bool *shunt_pair_sleep(void);
bool *shunt_busy_hold(void);

static int held_pair_b(void)
{
	return 2;
}

/* calls b through the patched symbol, as the original does */
static int held_pair_a(void)
{
	if (READ_ONCE(*shunt_pair_sleep()))
		usleep_range(50, 100);
	else
		cond_resched();
	return 20 + shunt_pair_b();
}

static void held_busy_sleep(void)
{
	while (READ_ONCE(*shunt_busy_hold()) && !kthread_should_stop())
		msleep_interruptible(20);
}

static struct klp_func held_funcs[] = {
	{ .old_name = "shunt_pair_a", .new_func = held_pair_a },
	{ .old_name = "shunt_pair_b", .new_func = held_pair_b },
	{ .old_name = "shunt_busy_sleep", .new_func = held_busy_sleep },
	{ }
};

static struct klp_object held_objs[] = {
	{ .name = "shunt_test_busy", .funcs = held_funcs },
	{ }
};

static struct klp_patch held_patch = {
	.mod = THIS_MODULE,
	.objs = held_objs,
};

static int held_patch_init(void)
{
	return klp_enable_patch(&held_patch);
}

static void held_patch_exit(void)
{
}

module_init(held_patch_init);
module_exit(held_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: nested pair patched with a function a kthread holds");
MODULE_INFO(livepatch, "Y");
