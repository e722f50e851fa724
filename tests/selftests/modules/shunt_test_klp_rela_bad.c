// SPDX-License-Identifier: GPL-2.0
/*
 * A klp-relocation patch for shunt_test_target whose relocation names a
 * static symbol the target does not have (shunt_test_klp_rela_bad.klpsyms):
 * both backends must refuse it, with the symbol's name.
 */
#include <linux/livepatch.h>
#include <linux/module.h>

extern const char *klp_target_missing(void) __weak;

static const char *patched_target_value(void)
{
	return klp_target_missing();
}

static struct klp_func target_funcs[] = {
	{ .old_name = "shunt_target_value", .new_func = patched_target_value },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "shunt_test_target", .funcs = target_funcs },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void patch_exit(void)
{
}

module_init(patch_init);
module_exit(patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: a klp relocation that cannot be resolved");
MODULE_INFO(livepatch, "Y");
