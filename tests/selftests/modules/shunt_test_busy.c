// SPDX-License-Identifier: GPL-2.0
/*
 * Target for the transition tests.
 *
 * - A kthread "shunt_busy" sleeps inside shunt_busy_sleep() while the
 *   parameter hold is 1, so a patch replacing that function cannot
 *   finish a per-task transition, nor pass a stop-machine check, until
 *   hold is written 0.
 * - While it sleeps there, the kthread calls shunt_busy_tick() (1; a
 *   patch's version gives 2) every 20 ms; reading /proc/shunt_test_tick
 *   calls it tick_calls times and prints the sum.
 * - /proc/shunt_test_pair calls shunt_pair_a(), which sleeps briefly and
 *   then calls shunt_pair_b(): old a gives 10 + b, new a 20 + b; old b
 *   is 1, new b 2. A result of 12 or 21 means a task ran old and new
 *   code of one patch at once. Reading prints how many of each it saw.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "keep the kthread sleeping in shunt_busy_sleep()");

static unsigned int pair_calls = 50;
module_param(pair_calls, uint, 0644);
MODULE_PARM_DESC(pair_calls, "calls of shunt_pair_a() per read");

static unsigned int tick_calls = 5;
module_param(tick_calls, uint, 0644);
MODULE_PARM_DESC(tick_calls, "calls of shunt_busy_tick() per read");

static bool pair_sleep = true;
module_param(pair_sleep, bool, 0644);
MODULE_PARM_DESC(pair_sleep, "sleep inside shunt_pair_a() (per-task tests want it)");

static struct task_struct *busy_thread;

bool *shunt_busy_hold(void);
bool *shunt_pair_sleep(void);

/* the patch's new shunt_pair_a() sleeps when the original does */
bool *shunt_pair_sleep(void)
{
	return &pair_sleep;
}
EXPORT_SYMBOL_GPL(shunt_pair_sleep);

/* the patch's new shunt_busy_sleep() waits on the same flag */
bool *shunt_busy_hold(void)
{
	return &hold;
}
EXPORT_SYMBOL_GPL(shunt_busy_hold);

static noinline __attribute__((noipa)) int shunt_busy_tick(void)
{
	return 1;
}

/* the kthread sleeps here while hold is set */
static noinline __attribute__((noipa)) void shunt_busy_sleep(void)
{
	pr_info("kthread sleeping in shunt_busy_sleep (original)\n");
	while (READ_ONCE(hold) && !kthread_should_stop()) {
		shunt_busy_tick();
		msleep_interruptible(20);
	}
	pr_info("kthread left shunt_busy_sleep (original)\n");
}

int shunt_pair_b(void);

noinline __attribute__((noipa)) int shunt_pair_b(void)
{
	return 1;
}
/* the patch's new shunt_pair_a() calls it too, through the same entry */
EXPORT_SYMBOL_GPL(shunt_pair_b);

/* sleeps with itself on the stack (if pair_sleep), then calls b */
static noinline __attribute__((noipa)) int shunt_pair_a(void)
{
	if (READ_ONCE(pair_sleep))
		usleep_range(50, 100);
	else
		cond_resched();
	return 10 + shunt_pair_b();
}

static int busy_fn(void *data)
{
	while (!kthread_should_stop()) {
		if (READ_ONCE(hold))
			shunt_busy_sleep();
		else
			msleep_interruptible(20);
	}
	return 0;
}

static int tick_show(struct seq_file *m, void *v)
{
	unsigned int i, sum = 0;

	for (i = 0; i < READ_ONCE(tick_calls); i++)
		sum += shunt_busy_tick();
	seq_printf(m, "%u\n", sum);
	return 0;
}

static int pair_show(struct seq_file *m, void *v)
{
	unsigned int i, old = 0, new = 0, mixed = 0;

	for (i = 0; i < READ_ONCE(pair_calls); i++) {
		int r = shunt_pair_a();

		switch (r) {
		case 11:
			old++;
			break;
		case 22:
			new++;
			break;
		default:
			/* which one: 12 is old a over new b, 21 new a over old b */
			pr_info("mixed pair: %d in %s/%d\n", r, current->comm,
				current->pid);
			mixed++;
		}
	}
	seq_printf(m, "old %u new %u mixed %u\n", old, new, mixed);
	return 0;
}

static int __init busy_init(void)
{
	if (!proc_create_single("shunt_test_pair", 0444, NULL, pair_show))
		return -ENOMEM;
	if (!proc_create_single("shunt_test_tick", 0444, NULL, tick_show)) {
		remove_proc_entry("shunt_test_pair", NULL);
		return -ENOMEM;
	}
	busy_thread = kthread_run(busy_fn, NULL, "shunt_busy");
	if (IS_ERR(busy_thread)) {
		remove_proc_entry("shunt_test_tick", NULL);
		remove_proc_entry("shunt_test_pair", NULL);
		return PTR_ERR(busy_thread);
	}
	return 0;
}

static void __exit busy_exit(void)
{
	kthread_stop(busy_thread);
	remove_proc_entry("shunt_test_tick", NULL);
	remove_proc_entry("shunt_test_pair", NULL);
}

module_init(busy_init);
module_exit(busy_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: a kthread to block transitions, and a pair of nested functions");
