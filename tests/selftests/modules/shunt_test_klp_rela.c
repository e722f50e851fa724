// SPDX-License-Identifier: GPL-2.0
/*
 * A patch module shaped like kpatch-build's output: its new functions
 * reach symbols a module cannot link against through klp relocations.
 * Built as an ordinary module; klp-rela-convert then turns the weak
 * undefined symbols below into .klp.sym symbols and their relocations
 * into .klp.rela sections (shunt_test_klp_rela.klpsyms says which).
 *
 * vmlinux: cmdline_proc_show prints max_threads (a static variable of
 * kernel/fork.c, /proc/sys/kernel/threads-max) and nr_processes() (not
 * exported). shunt_test_target: shunt_target_value returns what the
 * target's static shunt_target_static() says, the second of its two
 * static shunt_target_dup() (sympos 2) and its static read counter.
 */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

/* resolved by klp relocations once converted */
extern int klp_max_threads __weak;
extern int klp_nr_processes(void) __weak;
extern unsigned long klp_target_shows __weak;
extern const char *klp_target_static(void) __weak;
extern const char *klp_target_dup2(void) __weak;

static int patched_cmdline_show(struct seq_file *m, void *v)
{
	seq_printf(m, "shunt_test_klp_rela: max_threads=%d processes=%d\n",
		   klp_max_threads, klp_nr_processes());
	return 0;
}

static char value[64];

static const char *patched_target_value(void)
{
	snprintf(value, sizeof(value), "klp-rela %s %s shows=%lu",
		 klp_target_static(), klp_target_dup2(), klp_target_shows);
	return value;
}

static struct klp_func vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = patched_cmdline_show },
	{ }
};

static struct klp_func target_funcs[] = {
	{ .old_name = "shunt_target_value", .new_func = patched_target_value },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = vmlinux_funcs },
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
MODULE_DESCRIPTION("shunt selftest: klp relocations for vmlinux and a module object");
MODULE_INFO(livepatch, "Y");
