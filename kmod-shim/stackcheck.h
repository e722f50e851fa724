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
