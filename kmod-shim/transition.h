/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Consistency transitions. One transition at a time, for one patch: its
 * entries carry the transition flag, and each task is either UNPATCHED
 * (keeps using what was there before the patch) or PATCHED (uses the
 * patch) until every task is at the target state.
 */
#ifndef SHUNT_TRANSITION_H
#define SHUNT_TRANSITION_H

#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/sched.h>

#include "shunt.h"
#include "shunt_abi.h"

enum {
	SHUNT_UNPATCHED = 0,
	SHUNT_PATCHED = 1,
};

/* how a task got to the target state, as shunt:task_switch reports it */
enum shunt_switch_how {
	SHUNT_SWITCH_STACK,	/* its stack held none of the functions */
	SHUNT_SWITCH_BOUNDARY,	/* at a kernel/user boundary (syscall) */
	SHUNT_SWITCH_IDLE,	/* a CPU's idle task */
	SHUNT_SWITCH_INHERIT,	/* forked from a switched parent */
	SHUNT_SWITCH_FORCE,	/* forced by the user */
	SHUNT_SWITCH_EXIT,	/* exited before switching */
	SHUNT_SWITCH_ALL,	/* all at once: immediate, stop-machine */
	SHUNT_SWITCH_NR,
};
static_assert(SHUNT_SWITCH_NR == SHUNT_NR_HOW);

struct shunt_task_slot {
	struct task_struct *task;	/* NULL: free, SLOT_GONE: exited */
	int state;
	/* where its stack last held code it must leave: for 'blocked' */
	unsigned long last_hit;
};

struct shunt_trans {
	struct shunt_patch *patch;
	int target;
	/* every task is at target: immediate, stop-machine, force */
	bool all_at_target;
	/* the per-task table is filled; before, everyone is at !target */
	bool table_ready;
	/* reversing: probes must not switch anybody meanwhile */
	bool paused;
	unsigned int size;		/* slots, a power of two */
	atomic_t used;
	struct shunt_task_slot *slots;
	int *idle_state;		/* per CPU, nr_cpu_ids entries */
	atomic_t pending;		/* tasks and idle tasks not at target */
	atomic_t switched[SHUNT_SWITCH_NR];
	/* code a task must not be in when it switches, per direction */
	struct shunt_range *ranges[2];	/* [state it leaves] */
	int nr_ranges[2];
	ktime_t start;
	unsigned int sweeps;
	struct irq_work done_irq_work;
	struct work_struct done_work;
	struct delayed_work sweep_work;
};

/* the transition in progress, or NULL; RCU-sched */
extern struct shunt_trans __rcu *shunt_trans;

int shunt_task_state(void);

int shunt_transition_prepare(struct shunt_patch *patch, int target);
int shunt_transition_start(void);
void shunt_transition_cancel(void);
int shunt_transition_reverse(void);
int shunt_transition_force(void);
int shunt_transition_stop_machine(char *err, size_t errlen);
void shunt_transition_exit(void);
int shunt_transition_init(void);
bool shunt_transition_running(struct shunt_patch *patch);
bool shunt_transition_progress(struct shunt_patch *patch, unsigned int *pending,
			       unsigned int *switched);

/* core.c: what happens when every task got to the target */
void shunt_patch_transition_done(struct shunt_patch *patch, int target);

#endif /* SHUNT_TRANSITION_H */
