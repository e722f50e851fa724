// SPDX-License-Identifier: GPL-2.0
/*
 * An ordinary livepatch module: replaces cmdline_proc_show() so that
 * /proc/cmdline tells who patched it. Nothing in it knows about shunt;
 * the same .ko works with insmod (kernel livepatch) and shunt apply.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int sample_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "patched: shunt_sample_cmdline\n");
	return 0;
}

static struct klp_func sample_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = sample_cmdline_proc_show,
	},
	{ }
};

static struct klp_object sample_objs[] = {
	{
		/* name == NULL: the function lives in vmlinux */
		.funcs = sample_funcs,
	},
	{ }
};

static struct klp_patch sample_patch = {
	.mod = THIS_MODULE,
	.objs = sample_objs,
};

static int sample_init(void)
{
	return klp_enable_patch(&sample_patch);
}

static void sample_exit(void)
{
}

module_init(sample_init);
module_exit(sample_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sample livepatch: replace cmdline_proc_show");
MODULE_INFO(livepatch, "Y");
