/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Consistency transitions. One transition at a time, for one patch: its
 * entries carry the transition flag, and each task is either UNPATCHED
 * (keeps using what was there before the patch) or PATCHED (uses the
 * patch) until every task is at the target state. transition.c is the
 * state machine shared by the models; pertask.c and stopmachine.c are
 * the models with a per-task view.
 */
#ifndef SHUNT_TRANSITION_H
#define SHUNT_TRANSITION_H

#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/sched.h>

#include "shunt.h"

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
	struct task_struct *task;	/* NULL: free, else a task or below */
	int state;
	/* where its stack last held code it must leave: for 'blocked' */
	unsigned long last_hit;
	bool signalled;			/* got its fake signal; the sweep's */
	u8 park_tried;			/* BIT(target): the sweep's */
};

/* kthreads a sweep parks (park.c) */
struct shunt_park {
	struct task_struct *task;	/* a reference */
	struct module *owner;		/* pinned; NULL: vmlinux */
};

struct shunt_park_batch {
	int nr;
	struct shunt_park p[4];
};

/* a function's code and the return address of its ftrace call */
#define SHUNT_RANGES_PER_FUNC	2

/*
 * A slot whose task was freed is SHUNT_SLOT_FREED until a grace period
 * has passed (the sweep): a probe that looked the task up just before
 * may still switch through it. Only then is it SHUNT_SLOT_GONE, which a
 * new task may take.
 */
#define SHUNT_SLOT_GONE ((struct task_struct *)1UL)
#define SHUNT_SLOT_FREED ((struct task_struct *)2UL)
#define SHUNT_SLOT_FREED_OLD ((struct task_struct *)3UL)
#define shunt_slot_is_task(k) ((unsigned long)(k) > 3UL)

/**
 * struct shunt_task_table - the per-task model's view of every task
 * @size:	slots, a power of two
 * @used:	slots ever taken (exited tasks' slots are reused)
 * @overflow:	a task could not be tracked: the table was full
 * @slots:	open addressing by task pointer; NULL until the table is
 *		made; slots are claimed under shunt_trans_lock (snapshot,
 *		new tasks, reversal), states change by cmpxchg()
 * @idle_state:	per CPU, the state of its idle task (idle tasks are on
 *		no task list)
 * @sweeps:	sweeps done, for the backoff; under shunt_mutex
 * @sweep_work:	the sweep
 *
 * pertask.c alone writes the table; the reversal recounts it there.
 */
struct shunt_task_table {
	unsigned int size;
	unsigned int used;
	bool overflow;
	struct shunt_task_slot *slots;
	int *idle_state;
	unsigned int sweeps;
	struct delayed_work sweep_work;
};

/**
 * struct shunt_trans - the transition in progress
 * @patch:	whose entries carry the transition flag
 * @target:	lock-free: the state tasks go to; flipped by a reversal
 *		while @paused
 * @start_target: the target it started for: ending at the other one
 *		means it was reversed
 * @all_at_target: lock-free: every task counts as at @target (immediate,
 *		stop-machine, force, finish)
 * @forced:	the user forced it
 * @table_ready: lock-free: the per-task table is filled; before, every
 *		task is at !@target
 * @paused:	lock-free: a reversal runs; nobody may switch meanwhile
 * @pending:	tasks (and idle tasks) not at @target
 * @switched:	tasks switched so far, by enum shunt_switch_how
 * @ranges:	code a task must not be in when it leaves a state,
 *		[state it leaves]; appended to under shunt_mutex when a
 *		module object is patched mid-transition
 * @nr_ranges:	entries of each; lock-free readers use
 *		shunt_transition_ranges()
 * @max_ranges:	room in each: SHUNT_RANGES_PER_FUNC per function of the
 *		patch
 * @start:	when it started
 * @stats:	stop-machine's stalls and tries, for the patch's stats
 * @blocked:	"blocked" lines of the last sweep or stop-machine try
 * @table:	the per-task model's table
 * @done_irq_work: the last switch, from any context, queues @done_work
 * @done_work:	finishes the transition under shunt_mutex
 *
 * Made and freed by transition.c under shunt_mutex and published by RCU
 * (shunt_trans): lock-free readers hold rcu_read_lock_sched() or run
 * with preemption off, and the free waits for them.
 */
struct shunt_trans {
	struct shunt_patch *patch;
	int target;
	int start_target;
	bool all_at_target;
	bool forced;
	bool table_ready;
	bool paused;
	atomic_t pending;
	atomic_t switched[SHUNT_SWITCH_NR];
	struct shunt_code_range *ranges[2];
	int nr_ranges[2];
	int max_ranges;
	ktime_t start;
	struct shunt_trans_stats stats;
	char blocked[SHUNT_BLOCKED_LEN];
	struct shunt_task_table table;
	struct irq_work done_irq_work;
	struct work_struct done_work;
};

/* the transition in progress, or NULL; RCU-sched */
extern struct shunt_trans __rcu *shunt_trans;

/* transition.c: the state machine; all but the switch under shunt_mutex */
int shunt_transition_prepare(struct shunt_patch *patch, int target);
int shunt_transition_start(char *err, size_t errlen);
void shunt_transition_cancel(struct shunt_trans_stats *stats);
int shunt_transition_reverse(void);
int shunt_transition_force(void);
bool shunt_transition_running(struct shunt_patch *patch);
bool shunt_transition_progress(struct shunt_patch *patch,
			       unsigned int *pending, unsigned int *switched,
			       char *blocked, size_t len);
void shunt_transition_parked(struct shunt_patch *patch, char *buf, size_t len);
void shunt_trans_switch(struct shunt_trans *t, pid_t pid, int *state,
			enum shunt_switch_how how);
void shunt_trans_finish(struct shunt_trans *t);
void shunt_transition_add_object(struct shunt_object *obj);
int shunt_transition_ranges(struct shunt_trans *t, int state,
			    const struct shunt_code_range **ranges);
int shunt_transition_init(void);

/* pertask.c: the per-task model */
int shunt_task_state(void);
void shunt_pertask_sel_reset(void);
int shunt_pertask_prepare(struct shunt_trans *t);
int shunt_pertask_start(struct shunt_trans *t);
void shunt_pertask_stop(struct shunt_trans *t);
int shunt_pertask_reverse(struct shunt_trans *t);
void shunt_pertask_sweep_now(struct shunt_trans *t);
bool shunt_pertask_task_done(struct shunt_trans *t, struct task_struct *task);
void shunt_pertask_free(struct shunt_trans *t);
int shunt_pertask_init(void);

/* park.c: --park-kthreads */
const char *shunt_park_consider(struct shunt_trans *t,
				struct task_struct *task,
				struct shunt_park_batch *pb);
void shunt_park_run(struct shunt_trans *t, struct shunt_park_batch *pb);

/* stopmachine.c: kpatch's model */
int shunt_stopmachine_run(struct shunt_trans *t, char *err, size_t errlen);

#endif /* SHUNT_TRANSITION_H */
