// SPDX-License-Identifier: GPL-2.0
/*
 * Target of the per-call and transition benchmarks.
 *
 * - bench_target_fn() is what bench_caller calls in a tight loop, and
 *   what bench_patch replaces.
 * - A kthread "bench_block" sleeps inside bench_target_block() while the
 *   parameter hold is 1, so a patch replacing that function cannot finish
 *   a per-task transition until hold is written 0: the benchmark holds a
 *   transition open that way. It waits on a wait queue, never polls, so
 *   that it costs nothing while the loops run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/wait.h>

#include "bench.h"

static DECLARE_WAIT_QUEUE_HEAD(bench_wq);
static struct task_struct *bench_thread;
static bool hold;
static bool blocked;

static int hold_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	wake_up_all(&bench_wq);
	return ret;
}

static const struct kernel_param_ops hold_ops = {
	.set = hold_set,
	.get = param_get_bool,
};

module_param_cb(hold, &hold_ops, &hold, 0644);
MODULE_PARM_DESC(hold, "1: the kthread sleeps inside bench_target_block()");
module_param(blocked, bool, 0444);
MODULE_PARM_DESC(blocked, "1 while the kthread sleeps inside bench_target_block()");

/* the function the caller module calls: tiny, so the redirection shows */
noinline __attribute__((noipa)) unsigned long bench_target_fn(unsigned long x)
{
	return x * 3 + 1;
}
EXPORT_SYMBOL_GPL(bench_target_fn);

/* sleep until hold is 0; the patched bench_target_block() calls it too */
void bench_target_sleep_held(void)
{
	WRITE_ONCE(blocked, true);
	wait_event_interruptible(bench_wq, !READ_ONCE(hold) ||
				 kthread_should_stop());
	WRITE_ONCE(blocked, false);
}
EXPORT_SYMBOL_GPL(bench_target_sleep_held);

/* on the kthread's stack while it sleeps: not a tail call */
static noinline __attribute__((noipa)) int bench_target_block(void)
{
	bench_target_sleep_held();
	return READ_ONCE(hold);
}

static int bench_block_fn(void *data)
{
	while (!kthread_should_stop()) {
		wait_event_interruptible(bench_wq, READ_ONCE(hold) ||
					 kthread_should_stop());
		if (READ_ONCE(hold))
			bench_target_block();
	}
	return 0;
}

static int __init bench_target_init(void)
{
	bench_thread = kthread_run(bench_block_fn, NULL, "bench_block");
	return PTR_ERR_OR_ZERO(bench_thread);
}

static void __exit bench_target_exit(void)
{
	kthread_stop(bench_thread);
}

module_init(bench_target_init);
module_exit(bench_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt bench: a function to call in a loop, and a kthread to hold a transition open");
