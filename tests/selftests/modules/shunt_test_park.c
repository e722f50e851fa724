// SPDX-License-Identifier: GPL-2.0
/*
 * Target: a per-CPU hotplug kthread "shunt_park/N" (smpboot, as
 * ksoftirqd and the watchdog are) that sleeps inside shunt_park_wait()
 * until it is asked to park or stop. With plain=1 also a plain kthread
 * "shunt_plain" sleeping there, which nothing can safely park.
 * Each prints which version of shunt_park_wait() it waits in, and the
 * hotplug thread its park and unpark callbacks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smpboot.h>

static bool plain;
module_param(plain, bool, 0444);
MODULE_PARM_DESC(plain, "also start a plain kthread sleeping in shunt_park_wait()");

void shunt_park_sleep(void);

/* sleep until asked to park or stop: the shared body of both versions */
void shunt_park_sleep(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_park() || kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}
EXPORT_SYMBOL_GPL(shunt_park_sleep);

static noinline __attribute__((noipa)) void shunt_park_wait(const char *who)
{
	pr_info("%s waits in shunt_park_wait (original)\n", who);
	shunt_park_sleep();
	/* no tail call: the thread sleeps with this function on its stack */
	pr_info("%s leaves shunt_park_wait (original)\n", who);
}

static DEFINE_PER_CPU(struct task_struct *, park_threads);
static struct task_struct *plain_thread;

static int park_should_run(unsigned int cpu)
{
	return 1;
}

static void park_thread_fn(unsigned int cpu)
{
	char who[16];

	snprintf(who, sizeof(who), "cpu %u", cpu);
	shunt_park_wait(who);
}

static void park_park(unsigned int cpu)
{
	pr_info("cpu %u parked\n", cpu);
}

static void park_unpark(unsigned int cpu)
{
	pr_info("cpu %u unparked\n", cpu);
}

static struct smp_hotplug_thread park_hotplug_thread = {
	.store			= &park_threads,
	.thread_should_run	= park_should_run,
	.thread_fn		= park_thread_fn,
	.park			= park_park,
	.unpark			= park_unpark,
	.thread_comm		= "shunt_park/%u",
};

static int plain_fn(void *data)
{
	while (!kthread_should_stop())
		shunt_park_wait("plain");
	return 0;
}

static int __init park_init(void)
{
	int ret = smpboot_register_percpu_thread(&park_hotplug_thread);

	if (ret)
		return ret;
	if (plain) {
		plain_thread = kthread_run(plain_fn, NULL, "shunt_plain");
		if (IS_ERR(plain_thread)) {
			smpboot_unregister_percpu_thread(&park_hotplug_thread);
			return PTR_ERR(plain_thread);
		}
	}
	return 0;
}

static void __exit park_exit(void)
{
	if (plain_thread)
		kthread_stop(plain_thread);
	smpboot_unregister_percpu_thread(&park_hotplug_thread);
}

module_init(park_init);
module_exit(park_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: parkable kthreads sleeping in a function to patch");
