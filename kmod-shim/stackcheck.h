/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is a task, or any task, running code in given ranges? One range check,
 * one formatter of the tasks that are ("blocked" lines), one walker of
 * every stack under stop_machine() for the module release and the
 * stop-machine consistency model.
 */
#ifndef SHUNT_STACKCHECK_H
#define SHUNT_STACKCHECK_H

#include <linux/sched.h>

#include "shunt.h"

/* "PID COMM SYMBOL+OFF/SIZE" or "PID COMM (why)" lines, into buf */
struct shunt_blockers {
	char *buf;
	size_t len, used;
	unsigned int nr;
};

void shunt_blockers_init(struct shunt_blockers *b, char *buf, size_t len);
void shunt_blockers_add(struct shunt_blockers *b, struct task_struct *task,
			unsigned long hit, const char *why);

bool shunt_addr_in_ranges(const struct shunt_code_range *ranges, int nr,
			  unsigned long addr);

/*
 * The task must not run meanwhile. 0 when its stack holds none of the
 * ranges; -EBUSY with *hit set when it does; -EINVAL when the stack
 * cannot be trusted (*hit 0).
 */
int shunt_stack_check(struct task_struct *task,
		      const struct shunt_code_range *ranges, int nr,
		      unsigned long *hit);

/*
 * With task->pi_lock held: may the task run (or be about to)? A task
 * that cannot is blocked, and no wakeup gets past the lock: its stack
 * stands still until the lock is dropped.
 */
static inline bool shunt_task_may_run(struct task_struct *task)
{
	unsigned int state = READ_ONCE(task->__state);

	lockdep_assert_held(&task->pi_lock);
	if (state == TASK_RUNNING || state == TASK_WAKING ||
	    READ_ONCE(task->on_rq))
		return true;
	/* on_cpu drops once the switch away is done: the stack is final */
	return smp_load_acquire(&task->on_cpu);
}

/*
 * Every task's stack without stopping the machine: blocked ones under
 * their pi_lock, current directly. 0 when none of those holds the
 * ranges (*running says how many could not be checked because they may
 * run), -EBUSY with the blockers listed when one does.
 */
int shunt_stack_check_blocked(const struct shunt_code_range *ranges, int nr,
			      struct shunt_blockers *b,
			      unsigned int *running);

struct shunt_stack_check_all {
	const struct shunt_code_range *ranges;
	int nr_ranges;
	bool idle;		/* the CPUs' idle tasks too */
	/* called with the CPUs still stopped when no stack holds the ranges */
	void (*all_clear)(void *arg);
	void *arg;
	struct shunt_blockers blockers;	/* out: the tasks that do */
	unsigned int tasks;		/* out: stacks checked */
	u64 duration_ns;		/* out: how long the CPUs stood still */
};

/* 0, -EBUSY with sc->blockers filled, or stop_machine()'s error */
int shunt_stack_check_all(struct shunt_stack_check_all *sc);

#endif /* SHUNT_STACKCHECK_H */
