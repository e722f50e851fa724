// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol resolution errors. which=missing names a vmlinux function that
 * does not exist; which=dup names shunt_target_dup in shunt_test_target
 * with old_sympos = sympos (0: ambiguous, there are two; 2: the second).
 */
#include <linux/livepatch.h>
#include <linux/module.h>

static char *which = "missing";
module_param(which, charp, 0444);
MODULE_PARM_DESC(which, "missing or dup");

static unsigned long sympos;
module_param(sympos, ulong, 0444);
MODULE_PARM_DESC(sympos, "old_sympos of shunt_target_dup");

static const char *new_dup(void)
{
	return "dup-patched";
}

static int new_missing(void)
{
	return 0;
}

static struct klp_func missing_funcs[] = {
	{ .old_name = "shunt_no_such_function", .new_func = new_missing },
	{ }
};

static struct klp_func dup_funcs[] = {
	{ .old_name = "shunt_target_dup", .new_func = new_dup },
	{ }
};

static struct klp_object missing_objs[] = {
	{ .funcs = missing_funcs },
	{ }
};

static struct klp_object dup_objs[] = {
	{ .name = "shunt_test_target", .funcs = dup_funcs },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
};

static int badsym_init(void)
{
	/* the module's own description, set before it is handed over */
	dup_funcs[0].old_sympos = sympos;
	patch.objs = strcmp(which, "dup") ? missing_objs : dup_objs;
	return klp_enable_patch(&patch);
}

static void badsym_exit(void)
{
}

module_init(badsym_init);
module_exit(badsym_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: missing and ambiguous symbols");
MODULE_INFO(livepatch, "Y");
