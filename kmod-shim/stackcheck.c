// SPDX-License-Identifier: GPL-2.0
/*
 * Is any task executing code in given ranges? Checked under
 * stop_machine(), where no other task can run, so every stack is still
 * and can be walked reliably. Used before a patch module is released:
 * after its functions are unpatched, a task may still be inside one of
 * them (sleeping, or preempted), and freeing the module would pull the
 * code from under it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/stop_machine.h>

#include "shunt.h"

struct stack_check {
	const struct shunt_range *ranges;
	int nr_ranges;
	char *blocked;
	size_t len, used;
	int nr_blocked;
	unsigned long hit;		/* address found on the current task */
};

bool shunt_addr_in_ranges(const struct shunt_range *ranges, int nr,
			  unsigned long addr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (addr >= ranges[i].start && addr < ranges[i].end)
			return true;
	return false;
}

static bool stack_check_addr(void *arg, unsigned long addr)
{
	struct stack_check *sc = arg;

	if (!shunt_addr_in_ranges(sc->ranges, sc->nr_ranges, addr))
		return true;
	sc->hit = addr;
	return false;
}

static void stack_check_report(struct stack_check *sc, struct task_struct *t,
			       unsigned long addr)
{
	int n;

	sc->nr_blocked++;
	if (sc->used >= sc->len)
		return;
	if (addr)
		n = scnprintf(sc->blocked + sc->used, sc->len - sc->used,
			      "%d %s %pS\n", t->pid, t->comm, (void *)addr);
	else
		n = scnprintf(sc->blocked + sc->used, sc->len - sc->used,
			      "%d %s (stack not reliable)\n", t->pid, t->comm);
	sc->used += n;
}

/*
 * Runs on one CPU while the others spin in their stopper threads: those
 * are the only other tasks on a CPU, they never run patch code, and a
 * running stack cannot be walked, so they are skipped. Idle tasks are not
 * on the task list; they only ever stop in the idle loop.
 */
static int stack_check_stopped(void *arg)
{
	struct stack_check *sc = arg;
	struct task_struct *g, *t;

	for_each_process_thread(g, t) {
		if (t != current && READ_ONCE(t->on_cpu))
			continue;
		sc->hit = 0;
		if (shunt_stack_walk_reliable(t, stack_check_addr, sc))
			stack_check_report(sc, t, sc->hit);
	}
	return 0;
}

/*
 * Returns 0 when no task is in the ranges, -EBUSY with the blocking
 * tasks listed in blocked ("PID COMM SYMBOL+OFF/SIZE" lines) otherwise.
 */
int shunt_stack_check_all(const struct shunt_range *ranges, int nr,
			  char *blocked, size_t len)
{
	struct stack_check sc = {
		.ranges = ranges,
		.nr_ranges = nr,
		.blocked = blocked,
		.len = len,
	};
	int ret;

	if (len)
		blocked[0] = '\0';
	ret = stop_machine(stack_check_stopped, &sc, NULL);
	if (ret)
		return ret;
	return sc.nr_blocked ? -EBUSY : 0;
}
