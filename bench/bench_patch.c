// SPDX-License-Identifier: GPL-2.0
/*
 * An ordinary livepatch module for bench_target: replaces the function
 * the caller module calls in a loop with one of the same body, and the
 * function its kthread sleeps in (so that a transition can be held
 * open).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>

#include "bench.h"

/* the same body as the original: only the way the call gets here differs */
static noinline __attribute__((noipa)) unsigned long bench_new_fn(unsigned long x)
{
	return x * 3 + 1;
}

static noinline __attribute__((noipa)) int bench_block_new(void)
{
	bench_target_sleep_held();
	return 0;
}

static struct klp_func bench_funcs[] = {
	{ .old_name = "bench_target_fn", .new_func = bench_new_fn },
	{ .old_name = "bench_target_block", .new_func = bench_block_new },
	{ }
};

static struct klp_object bench_objs[] = {
	{ .name = "bench_target", .funcs = bench_funcs },
	{ }
};

static struct klp_patch bench_patch = {
	.mod = THIS_MODULE,
	.objs = bench_objs,
};

static int __init bench_patch_init(void)
{
	return klp_enable_patch(&bench_patch);
}

static void __exit bench_patch_exit(void)
{
}

module_init(bench_patch_init);
module_exit(bench_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt bench: patch for bench_target");
MODULE_INFO(livepatch, "Y");
