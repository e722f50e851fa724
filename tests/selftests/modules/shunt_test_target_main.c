// SPDX-License-Identifier: GPL-2.0
/*
 * Target module for module-object patches: /proc/shunt_test_target
 * prints "value: <shunt_target_value()>" and the two functions that
 * share the name shunt_target_dup (one per source file), for the
 * old_sympos tests; and how often it was read, from a static counter
 * that a klp-relocation patch reads (with the static function
 * shunt_target_static) the way kpatch-built patches reach statics.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "shunt_test_target.h"

noinline __attribute__((noipa)) const char *shunt_target_value(void)
{
	return "original";
}

static unsigned long shunt_target_shows;

static noinline __attribute__((noipa)) const char *shunt_target_static(void)
{
	return "static";
}

static int target_show(struct seq_file *m, void *v)
{
	shunt_target_shows++;
	seq_printf(m, "value: %s\n", shunt_target_value());
	seq_printf(m, "dup: %s %s\n", shunt_target_dup_a(), shunt_target_dup_b());
	seq_printf(m, "shows: %lu %s\n", shunt_target_shows, shunt_target_static());
	return 0;
}

static int __init target_init(void)
{
	if (!proc_create_single("shunt_test_target", 0444, NULL, target_show))
		return -ENOMEM;
	return 0;
}

static void __exit target_exit(void)
{
	remove_proc_entry("shunt_test_target", NULL);
}

module_init(target_init);
module_exit(target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: a module to patch as a klp object");
