// SPDX-License-Identifier: GPL-2.0
/*
 * Target: a reader of /proc/shunt_test_wait sleeps interruptibly inside
 * shunt_wait_in() until the parameter release is set, or a signal (a
 * real or a fake one) interrupts it, which restarts the read. The read
 * prints which version of shunt_wait_in() let it go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>

static bool release;
module_param(release, bool, 0644);
MODULE_PARM_DESC(release, "let the readers of /proc/shunt_test_wait go");

bool *shunt_wait_release(void);

bool *shunt_wait_release(void)
{
	return &release;
}
EXPORT_SYMBOL_GPL(shunt_wait_release);

/* 1: the original let the reader go; -ERESTARTSYS: a signal came */
static noinline __attribute__((noipa)) int shunt_wait_in(void)
{
	pr_info("reader waiting in shunt_wait_in (original)\n");
	while (!READ_ONCE(release))
		if (msleep_interruptible(50))
			return -ERESTARTSYS;
	return 1;
}

static int wait_show(struct seq_file *m, void *v)
{
	int ret = shunt_wait_in();

	if (ret < 0)
		return ret;
	seq_printf(m, "wait: %s\n", ret == 1 ? "original" : "patched");
	return 0;
}

static int __init wait_init(void)
{
	if (!proc_create_single("shunt_test_wait", 0444, NULL, wait_show))
		return -ENOMEM;
	return 0;
}

static void __exit wait_exit(void)
{
	remove_proc_entry("shunt_test_wait", NULL);
}

module_init(wait_init);
module_exit(wait_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: a reader sleeping interruptibly in a function to patch");
