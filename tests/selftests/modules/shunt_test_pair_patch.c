// SPDX-License-Identifier: GPL-2.0
/*
 * Patch for shunt_test_busy: new shunt_pair_a() gives 20 + b, new
 * shunt_pair_b() gives 2. Under a consistent transition a task sees 11
 * or 22, never 12 or 21.
 */
#include <linux/delay.h>
#include <linux/livepatch.h>
#include <linux/module.h>

static int pair_b_new(void)
{
	return 2;
}

/* calls b through the patched symbol, as the original does */
int shunt_pair_b(void);
bool *shunt_pair_sleep(void);

static int pair_a_new(void)
{
	if (READ_ONCE(*shunt_pair_sleep()))
		usleep_range(50, 100);
	else
		cond_resched();
	return 20 + shunt_pair_b();
}

static struct klp_func pair_funcs[] = {
	{ .old_name = "shunt_pair_a", .new_func = pair_a_new },
	{ .old_name = "shunt_pair_b", .new_func = pair_b_new },
	{ }
};

static struct klp_object pair_objs[] = {
	{ .name = "shunt_test_busy", .funcs = pair_funcs },
	{ }
};

static struct klp_patch pair_patch = {
	.mod = THIS_MODULE,
	.objs = pair_objs,
};

static int pair_patch_init(void)
{
	return klp_enable_patch(&pair_patch);
}

static void pair_patch_exit(void)
{
}

module_init(pair_patch_init);
module_exit(pair_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: two nested functions patched together");
MODULE_INFO(livepatch, "Y");
