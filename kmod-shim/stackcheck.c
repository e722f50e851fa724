// SPDX-License-Identifier: GPL-2.0
/*
 * Is a task, or any task, running code in given ranges? Every stack is
 * walked with the reliable ORC walk (compat.c); "blocked" lines name the
 * tasks that are. Under stop_machine() no other task can run, so every
 * stack is still and the answer holds until the CPUs are released.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/stop_machine.h>

#include "stackcheck.h"

void shunt_blockers_init(struct shunt_blockers *b, char *buf, size_t len)
{
	*b = (struct shunt_blockers){ .buf = buf, .len = len };
	if (len)
		buf[0] = '\0';
}

/* hit: where its stack holds the code, else 0 and why it counts */
void shunt_blockers_add(struct shunt_blockers *b, struct task_struct *task,
			unsigned long hit, const char *why)
{
	b->nr++;
	if (b->used >= b->len)
		return;
	if (hit)
		b->used += scnprintf(b->buf + b->used, b->len - b->used,
				     "%d %s %pS\n", task->pid, task->comm,
				     (void *)hit);
	else
		b->used += scnprintf(b->buf + b->used, b->len - b->used,
				     "%d %s (%s)\n", task->pid, task->comm, why);
}

bool shunt_addr_in_ranges(const struct shunt_code_range *ranges, int nr,
			  unsigned long addr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (addr >= ranges[i].start && addr < ranges[i].end)
			return true;
	return false;
}

struct range_walk {
	const struct shunt_code_range *ranges;
	int nr;
	unsigned long hit;
};

static bool range_walk_addr(void *arg, unsigned long addr)
{
	struct range_walk *rw = arg;

	if (!shunt_addr_in_ranges(rw->ranges, rw->nr, addr))
		return true;
	rw->hit = addr;
	return false;
}

int shunt_stack_check(struct task_struct *task,
		      const struct shunt_code_range *ranges, int nr,
		      unsigned long *hit)
{
	struct range_walk rw = { .ranges = ranges, .nr = nr };
	int ret;

	ret = shunt_stack_walk_reliable(task, range_walk_addr, &rw);
	*hit = rw.hit;
	if (ret && rw.hit)
		return -EBUSY;
	return ret;
}

int shunt_stack_check_blocked(const struct shunt_code_range *ranges, int nr,
			      struct shunt_blockers *b,
			      unsigned int *running)
{
	struct task_struct *g, *task;
	unsigned long flags, hit;
	int ret;

	shunt_blockers_init(b, b->buf, b->len);
	*running = 0;
	rcu_read_lock();
	for_each_process_thread(g, task) {
		if (task == current) {
			ret = shunt_stack_check(task, ranges, nr, &hit);
		} else {
			raw_spin_lock_irqsave(&task->pi_lock, flags);
			if (shunt_task_may_run(task)) {
				raw_spin_unlock_irqrestore(&task->pi_lock, flags);
				(*running)++;
				continue;
			}
			ret = shunt_stack_check(task, ranges, nr, &hit);
			raw_spin_unlock_irqrestore(&task->pi_lock, flags);
		}
		if (ret)
			shunt_blockers_add(b, task, hit, "stack not reliable");
	}
	rcu_read_unlock();
	return b->nr ? -EBUSY : 0;
}

static void check_stopped_task(struct shunt_stack_check_all *sc,
			       struct task_struct *task)
{
	unsigned long hit;

	sc->tasks++;
	if (shunt_stack_check(task, sc->ranges, sc->nr_ranges, &hit))
		shunt_blockers_add(&sc->blockers, task, hit,
				   "stack not reliable");
}

/*
 * Runs on one CPU while the others spin in their stopper threads: those
 * are the only other tasks on a CPU, they never run patch code, and a
 * running stack cannot be walked, so they are skipped. Idle tasks are on
 * no task list; a CPU's idle task is off it while its stopper runs.
 */
static int check_all_stopped(void *arg)
{
	struct shunt_stack_check_all *sc = arg;
	struct task_struct *g, *task;
	ktime_t start = ktime_get();
	int cpu;

	for_each_process_thread(g, task) {
		if (task != current && READ_ONCE(task->on_cpu))
			continue;
		check_stopped_task(sc, task);
	}
	if (sc->idle) {
		for_each_online_cpu(cpu) {
			struct task_struct *idle = shunt_idle_task(cpu);

			if (idle && !READ_ONCE(idle->on_cpu))
				check_stopped_task(sc, idle);
		}
	}
	if (!sc->blockers.nr && sc->all_clear)
		sc->all_clear(sc->arg);
	sc->duration_ns = ktime_to_ns(ktime_sub(ktime_get(), start));
	return 0;
}

int shunt_stack_check_all(struct shunt_stack_check_all *sc)
{
	int ret;

	sc->tasks = 0;
	sc->duration_ns = 0;
	shunt_blockers_init(&sc->blockers, sc->blockers.buf, sc->blockers.len);
	ret = stop_machine(check_all_stopped, sc, NULL);
	if (ret)
		return ret;
	return sc->blockers.nr ? -EBUSY : 0;
}
