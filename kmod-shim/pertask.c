// SPDX-License-Identifier: GPL-2.0
/*
 * Per-task consistency (the kernel's hybrid model), driven by events:
 *
 * - every context switch checks the task going off and the task coming
 *   on the CPU: neither can change its stack meanwhile;
 * - a syscall entry or exit is a kernel/user boundary, safe by itself;
 * - a sweep checks blocked tasks under their pi_lock (no wakeup can get
 *   past it), first at once, then with backoff;
 * - forks inherit the parent's state, exits are dropped;
 * - a CPU's idle task is checked when it switches; if it never does, a
 *   short stop_machine() checks it where it parked.
 *
 * Task states live in a table of our own (task_struct has no field for
 * us: the kernel's patch_state belongs to its own livepatch).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>

#include "direct.h"
#include "shunt.h"
#include "stackcheck.h"
#include "trace.h"
#include "transition.h"

/*
 * sweep backoff: 5 ms doubling to 1 s; a fake signal for user tasks
 * after ~1.3 s (the kernel's livepatch: 15 s), wake kthreads after ~2 s
 */
#define SWEEP_FIRST_MS		5
#define SWEEP_MAX_MS		1000
#define SWEEP_SIGNAL_AFTER	8
#define SWEEP_WAKE_AFTER	12
/* fall back to stop_machine() for idle tasks that never switch */
#define SWEEP_IDLE_STOP_AFTER	6
/* --park-kthreads: park hotplug threads still blocking after ~75 ms */
#define SWEEP_PARK_AFTER	4

/*
 * Serializes slot inserts after the snapshot (forks), slot removal
 * (exits) and the reversal's recount, so that each task is counted in
 * pending exactly once. Taken from tracepoint probes: a raw spinlock,
 * interrupts off; never with a pi_lock held.
 */
static DEFINE_RAW_SPINLOCK(shunt_trans_lock);

/*
 * The state of the task running on each CPU, so that a call in
 * transition costs one per-CPU load instead of a table lookup: the task
 * pointer with its state in the low bit (direct.h), 0 when unknown.
 * Tagged with the task, since the probe at a context switch writes it
 * for the next task while the previous one still runs a little.
 *
 * Written only on its own CPU with interrupts off (so no IPI check can
 * switch the task between the read of its state and the write): at
 * every context switch, and after every check of the running task. Set
 * to unknown everywhere, with no writer left, before a transition's
 * table is made and after it is forced or ends, and for an offline CPU
 * whose idle task is switched (it comes back without a context switch).
 * Other switches are of tasks that do not run.
 */
DEFINE_PER_CPU(unsigned long, shunt_task_sel);
/* the state is the low bit as it is */
static_assert(!SHUNT_UNPATCHED && SHUNT_PATCHED == SHUNT_SEL_PATCHED);

/* ---- the task table ---- */

/*
 * The slot of task, or the empty slot where its probe sequence ends;
 * NULL when the table has neither. Lock-free: a task is never past an
 * empty slot of its sequence.
 */
static notrace struct shunt_task_slot *slot_probe(struct shunt_task_table *tt,
						  struct task_struct *task)
{
	unsigned int mask = tt->size - 1;
	unsigned int i = hash_ptr(task, ilog2(tt->size));
	unsigned int n;

	for (n = 0; n < tt->size; n++, i = (i + 1) & mask) {
		struct task_struct *k = READ_ONCE(tt->slots[i].task);

		if (k == task || !k)
			return &tt->slots[i];
	}
	return NULL;
}

static notrace struct shunt_task_slot *slot_find(struct shunt_task_table *tt,
						 struct task_struct *task)
{
	struct shunt_task_slot *slot = slot_probe(tt, task);

	return slot && READ_ONCE(slot->task) == task ? slot : NULL;
}

/*
 * Under shunt_trans_lock, as every insert is: the slot of task, made at
 * state if it has none (*created), in the first slot of its sequence
 * that is empty or was left by an exited task. Never more than 3/4 of
 * the slots taken, so that lookups end. NULL when the table is full:
 * the task is not tracked, and the transition cannot be reversed.
 */
static struct shunt_task_slot *slot_insert(struct shunt_trans *t,
					   struct task_struct *task, int state,
					   bool *created)
{
	struct shunt_task_table *tt = &t->table;
	unsigned int mask = tt->size - 1;
	unsigned int i = hash_ptr(task, ilog2(tt->size));
	struct shunt_task_slot *reuse = NULL;
	unsigned int n;

	lockdep_assert_held(&shunt_trans_lock);
	*created = false;
	for (n = 0; n < tt->size; n++, i = (i + 1) & mask) {
		struct task_struct *k = tt->slots[i].task;

		if (k == task)
			return &tt->slots[i];
		if (k == SHUNT_SLOT_GONE && !reuse)
			reuse = &tt->slots[i];
		if (!k)
			break;
	}
	if (!reuse) {
		if (n == tt->size || tt->used + 1 > tt->size / 4 * 3) {
			tt->overflow = true;
			return NULL;
		}
		reuse = &tt->slots[i];
		tt->used++;
	}
	*created = true;
	WRITE_ONCE(reuse->state, state);
	WRITE_ONCE(reuse->last_hit, 0);
	reuse->signalled = false;
	smp_store_release(&reuse->task, task);	/* the state before the task */
	if (state != t->target)
		atomic_inc(&t->pending);
	return reuse;
}

static int *task_state_ptr(struct shunt_trans *t, struct task_struct *task)
{
	struct shunt_task_slot *slot;

	if (is_idle_task(task))
		return &t->table.idle_state[task_cpu(task)];
	slot = slot_find(&t->table, task);
	return slot ? &slot->state : NULL;
}

/*
 * The state of current for the redirection handlers, lock-free in any
 * context: which version of the transitioning patch's functions it
 * uses. A task missing from the table (the table was full when it was
 * created, during the transition, on a fresh stack) uses the target's;
 * a reversal enters such tasks before it flips the target.
 */
int notrace shunt_task_state(void)
{
	struct shunt_trans *t = rcu_dereference_sched(shunt_trans);
	struct shunt_task_slot *slot;
	unsigned long sel;
	int target;

	if (!t)
		return SHUNT_PATCHED;
	target = READ_ONCE(t->target);
	if (READ_ONCE(t->all_at_target))
		return target;
	sel = this_cpu_read(shunt_task_sel) ^ (unsigned long)current;
	if (sel <= SHUNT_PATCHED)
		return sel;
	if (!READ_ONCE(t->table_ready))
		return !target;
	smp_rmb();	/* table_ready before the slots */
	if (is_idle_task(current))
		return READ_ONCE(t->table.idle_state[raw_smp_processor_id()]);
	slot = slot_find(&t->table, current);
	return slot ? READ_ONCE(slot->state) : target;
}

/* ---- switching ---- */

/*
 * 0 when the task's stack holds none of the code it must leave, -EBUSY
 * with *hit set when it does, -EINVAL when the stack is not reliable.
 */
static int task_stack_clean(struct shunt_trans *t, struct task_struct *task,
			    unsigned long *hit)
{
	const struct shunt_code_range *ranges;
	int nr = shunt_transition_ranges(t, !READ_ONCE(t->target), &ranges);

	return shunt_stack_check(task, ranges, nr, hit);
}

/* A task that cannot run (off CPU, or current): check and switch it. */
static void trans_try_task(struct shunt_trans *t, struct task_struct *task)
{
	enum shunt_switch_how how = SHUNT_SWITCH_STACK;
	struct shunt_task_slot *slot = NULL;
	unsigned long hit;
	int *state;

	if (is_idle_task(task)) {
		how = SHUNT_SWITCH_IDLE;
		state = &t->table.idle_state[task_cpu(task)];
	} else {
		slot = slot_find(&t->table, task);
		state = slot ? &slot->state : NULL;
	}
	if (!state || READ_ONCE(*state) == READ_ONCE(t->target))
		return;
	if (!task_stack_clean(t, task, &hit))
		shunt_trans_switch(t, task->pid, state, how);
	else if (slot && hit)
		WRITE_ONCE(slot->last_hit, hit);
}

static bool trans_active(struct shunt_trans *t)
{
	return t && READ_ONCE(t->table_ready) && !READ_ONCE(t->paused) &&
	       !READ_ONCE(t->all_at_target);
}

/* On its CPU, interrupts off: task runs here now, or comes next. */
static notrace void sel_set(struct shunt_trans *t, struct task_struct *task)
{
	unsigned long sel = 0;
	int *state;

	lockdep_assert_irqs_disabled();
	if (trans_active(t)) {
		state = task_state_ptr(t, task);
		if (state && !((unsigned long)task & 1))
			sel = (unsigned long)task | READ_ONCE(*state);
	}
	this_cpu_write(shunt_task_sel, sel);
}

/* no writer left (shunt_task_sel) */
void shunt_pertask_sel_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu(shunt_task_sel, cpu), 0);
}

/* ---- the tracepoint probes: lock-free but for shunt_trans_lock ---- */

/*
 * In __schedule(), preemption and interrupts off: prev is current, next
 * has not started yet. Both stacks stand still.
 */
static void notrace probe_sched_switch(void *data, bool preempt,
				       struct task_struct *prev,
				       struct task_struct *next,
				       unsigned int prev_state)
{
	struct shunt_trans *t = rcu_dereference_sched(shunt_trans);

	if (is_idle_task(next))
		shunt_idle_task_seen(next, raw_smp_processor_id());
	if (trans_active(t)) {
		trans_try_task(t, prev);
		trans_try_task(t, next);
	}
	sel_set(t, next);
}

/* syscall entry and exit: the kernel/user boundary */
static void notrace probe_sys_boundary(void *data, struct pt_regs *regs,
				       long id_or_ret)
{
	struct shunt_trans *t = rcu_dereference_sched(shunt_trans);
	unsigned long flags;
	int *state;

	if (!trans_active(t))
		return;
	local_irq_save(flags);
	state = task_state_ptr(t, current);
	if (state && READ_ONCE(*state) != READ_ONCE(t->target))
		shunt_trans_switch(t, current->pid, state,
				   SHUNT_SWITCH_BOUNDARY);
	sel_set(t, current);
	local_irq_restore(flags);
}

/*
 * Every new task passes here (forks, threads, io_uring workers, vhost
 * tasks: all of copy_process()), before it first runs: it takes its
 * creator's state.
 */
static void notrace probe_newtask(void *data, struct task_struct *child,
				  unsigned long clone_flags)
{
	struct shunt_trans *t = rcu_dereference_sched(shunt_trans);
	struct shunt_task_slot *slot;
	unsigned long flags;
	bool created;
	int *pstate;

	if (!t || !READ_ONCE(t->table.slots) || READ_ONCE(t->all_at_target))
		return;
	raw_spin_lock_irqsave(&shunt_trans_lock, flags);
	slot = slot_insert(t, child, !t->target, &created);
	if (slot && READ_ONCE(t->table_ready)) {
		pstate = task_state_ptr(t, current);
		if (!pstate || READ_ONCE(*pstate) == t->target)
			shunt_trans_switch(t, child->pid, &slot->state,
					   SHUNT_SWITCH_INHERIT);
	}
	raw_spin_unlock_irqrestore(&shunt_trans_lock, flags);
}

/* the task is gone for good: it no longer holds the transition up */
static void notrace probe_free(void *data, struct task_struct *task)
{
	struct shunt_trans *t = rcu_dereference_sched(shunt_trans);
	struct shunt_task_slot *slot;
	unsigned long flags;

	if (!t || !READ_ONCE(t->table.slots))
		return;
	raw_spin_lock_irqsave(&shunt_trans_lock, flags);
	slot = slot_find(&t->table, task);
	if (slot) {
		/*
		 * A dying task may still be switched elsewhere meanwhile (its
		 * last context switch, an IPI check: this runs after a grace
		 * period that does not wait for those): whoever flips the
		 * state counts it, once.
		 */
		if (cmpxchg(&slot->state, !t->target, t->target) == !t->target) {
			/*
			 * It may still run its last instructions: counted at
			 * target, it no longer keeps its old state on its CPU
			 * (the slow path finds no slot: the target).
			 */
			cmpxchg(per_cpu_ptr(&shunt_task_sel, task_cpu(task)),
				(unsigned long)task | !t->target, 0);
			atomic_inc(&t->switched[SHUNT_SWITCH_EXIT]);
			if (atomic_dec_and_test(&t->pending))
				irq_work_queue(&t->done_irq_work);
		}
		WRITE_ONCE(slot->task, SHUNT_SLOT_FREED);
	}
	raw_spin_unlock_irqrestore(&shunt_trans_lock, flags);
}

struct shunt_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct shunt_tp shunt_tps[] = {
	{ "sched_switch", probe_sched_switch },
	{ "task_newtask", probe_newtask },
	{ "sched_process_free", probe_free },
	{ "sys_enter", probe_sys_boundary },
	{ "sys_exit", probe_sys_boundary },
};

static void shunt_tps_unregister(int n)
{
	while (n-- > 0)
		tracepoint_probe_unregister(shunt_tps[n].tp, shunt_tps[n].probe,
					    NULL);
	tracepoint_synchronize_unregister();
}

static int shunt_tps_register(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(shunt_tps); i++) {
		ret = tracepoint_probe_register(shunt_tps[i].tp,
						shunt_tps[i].probe, NULL);
		if (ret) {
			pr_err("cannot hook tracepoint %s: %d\n",
			       shunt_tps[i].name, ret);
			shunt_tps_unregister(i);
			return ret;
		}
	}
	return 0;
}

/* ---- the sweep, under shunt_mutex ---- */

/* what the sweep does for a task it could not switch */
enum sweep_nudge {
	SWEEP_NUDGE_NONE,
	SWEEP_NUDGE_WAKE,	/* a kthread asleep where its stack is unreliable */
	SWEEP_NUDGE_SIGNAL,	/* a user task asleep in the code it must leave */
	SWEEP_NUDGE_IPI,	/* running: check it where it runs */
};

/* a blocked kthread that holds the transition up: park it, once a target */
static void sweep_park(struct shunt_trans *t, struct task_struct *task,
		       struct shunt_task_slot *slot, struct shunt_park_batch *pb)
{
	u8 tried = BIT(t->target);
	const char *why;

	if (!t->patch->opts.park_kthreads || !(task->flags & PF_KTHREAD) ||
	    t->table.sweeps < SWEEP_PARK_AFTER || (slot->park_tried & tried) ||
	    pb->nr >= ARRAY_SIZE(pb->p))	/* the next sweep's */
		return;
	slot->park_tried |= tried;
	why = shunt_park_consider(t, task, pb);
	if (why)
		pr_info("'%s': kthread %d %s blocks and is not parked: %s\n",
			t->patch->mod->name, task->pid, task->comm, why);
}

/*
 * A blocked task cannot be woken while we hold its pi_lock: its stack
 * stands still. Runnable ones are caught when they switch in; running
 * ones are checked from an interrupt on their CPU.
 */
static enum sweep_nudge sweep_task(struct shunt_trans *t,
				   struct task_struct *task,
				   struct shunt_blockers *b,
				   struct shunt_park_batch *pb)
{
	enum sweep_nudge nudge = SWEEP_NUDGE_NONE;
	struct shunt_task_slot *slot = NULL;
	unsigned long flags, hit = 0;
	unsigned int state;
	int *sp, ret;

	if (!is_idle_task(task))
		slot = slot_find(&t->table, task);
	sp = task_state_ptr(t, task);
	if (!sp || READ_ONCE(*sp) == t->target)
		return SWEEP_NUDGE_NONE;
	if (task == current) {
		local_irq_save(flags);
		trans_try_task(t, task);
		sel_set(t, task);
		local_irq_restore(flags);
		return SWEEP_NUDGE_NONE;
	}
	raw_spin_lock_irqsave(&task->pi_lock, flags);
	state = READ_ONCE(task->__state);
	if (shunt_task_may_run(task)) {
		if (READ_ONCE(task->on_cpu))
			nudge = SWEEP_NUDGE_IPI;
		raw_spin_unlock_irqrestore(&task->pi_lock, flags);
		/* where a context switch last found it */
		hit = slot ? READ_ONCE(slot->last_hit) : 0;
		shunt_blockers_add(b, task, hit, "running");
		return nudge;
	}
	ret = task_stack_clean(t, task, &hit);
	if (!ret)
		shunt_trans_switch(t, task->pid, sp, SHUNT_SWITCH_STACK);
	else if (slot && hit)
		WRITE_ONCE(slot->last_hit, hit);
	if (ret && pb && slot)
		sweep_park(t, task, slot, pb);
	if (ret && (state & TASK_INTERRUPTIBLE)) {
		if (!(task->flags & PF_KTHREAD))
			nudge = SWEEP_NUDGE_SIGNAL;
		else if (!hit)
			nudge = SWEEP_NUDGE_WAKE;
	}
	raw_spin_unlock_irqrestore(&task->pi_lock, flags);
	if (ret)
		shunt_blockers_add(b, task, hit, "stack not reliable");
	return nudge;
}

/*
 * In the interrupt on a CPU whose task the sweep found running: that
 * task stands still meanwhile, and its stack is walked through the
 * interrupt frame; interrupted in user mode, the walk ends there clean.
 */
static void notrace check_current_ipi(void *info)
{
	struct shunt_trans *t = rcu_dereference_sched(shunt_trans);

	if (trans_active(t)) {
		trans_try_task(t, current);
		sel_set(t, current);
	}
}

/*
 * The fake signal: task work with TWA_SIGNAL interrupts an interruptible
 * sleep the way a signal does, and mostly runs on the way back to user
 * space, a kernel/user boundary: the task switches there. Task work also
 * runs inside the kernel (io_uring's waits run it), so the stack still
 * decides; on the way out it holds only the exit path. It holds shunt.ko
 * until it ran (shunt_exit() waits for its last instructions).
 */
static void boundary_work_fn(struct callback_head *cb)
{
	struct shunt_trans *t;
	unsigned long hit, flags;
	int *state;

	local_irq_save(flags);
	t = rcu_dereference_sched(shunt_trans);
	if (trans_active(t)) {
		state = task_state_ptr(t, current);
		if (state && READ_ONCE(*state) != READ_ONCE(t->target) &&
		    !task_stack_clean(t, current, &hit))
			shunt_trans_switch(t, current->pid, state,
					   SHUNT_SWITCH_BOUNDARY);
		sel_set(t, current);
	}
	local_irq_restore(flags);
	kfree(cb);
	module_put(THIS_MODULE);
}

static void fake_signal(struct shunt_task_slot *slot, struct task_struct *task)
{
	struct callback_head *cb;

	if (!slot || slot->signalled || !try_module_get(THIS_MODULE))
		return;
	cb = kzalloc(sizeof(*cb), GFP_NOWAIT);
	if (cb) {
		init_task_work(cb, boundary_work_fn);
		if (!task_work_add(task, cb, TWA_SIGNAL)) {
			slot->signalled = true;
			return;
		}
		kfree(cb);
	}
	module_put(THIS_MODULE);
}

static void sweep_nudge(struct shunt_trans *t, struct task_struct *task,
			enum sweep_nudge nudge)
{
	unsigned int sweeps = t->table.sweeps;

	switch (nudge) {
	case SWEEP_NUDGE_WAKE:
		if (sweeps >= SWEEP_WAKE_AFTER)
			wake_up_process(task);
		break;
	case SWEEP_NUDGE_SIGNAL:
		if (sweeps >= SWEEP_SIGNAL_AFTER)
			fake_signal(slot_find(&t->table, task), task);
		break;
	case SWEEP_NUDGE_IPI:
		if (sweeps >= 1)
			smp_call_function_single(task_cpu(task),
						 check_current_ipi, NULL, 0);
		break;
	case SWEEP_NUDGE_NONE:
		break;
	}
}

/*
 * An offline CPU's idle task cannot run any code until the CPU comes
 * back, and then on a fresh stack: it switches at once, as under the
 * kernel's livepatch.
 */
static void sweep_offline_idle(struct shunt_trans *t)
{
	int cpu;

	/* none comes online meanwhile with its old shunt_task_sel */
	cpus_read_lock();
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu) &&
		    READ_ONCE(t->table.idle_state[cpu]) != t->target) {
			WRITE_ONCE(per_cpu(shunt_task_sel, cpu), 0);
			shunt_trans_switch(t, 0, &t->table.idle_state[cpu],
					   SHUNT_SWITCH_IDLE);
		}
	cpus_read_unlock();
}

struct idle_stop {
	struct shunt_trans *t;
	int unseen;
	int unseen_blocked;
};

/*
 * Is the idle loop clean? An idle task is switched out only where it
 * parks, in do_idle() -> schedule_idle() (it runs with preemption off),
 * so every parked idle task has the same frames from cpu_startup_entry()
 * down; above it start_secondary() (notrace: never redirected) or, on
 * the boot CPU, init_task's start_kernel() frames. A known parked idle
 * task's stack stands for one never seen. CPUs stopped.
 */
static bool idle_loop_clean(struct shunt_trans *t)
{
	unsigned long hit;
	int cpu;

	for_each_online_cpu(cpu) {
		struct task_struct *idle = shunt_idle_task(cpu);

		if (idle && idle != current && !READ_ONCE(idle->on_cpu))
			return !task_stack_clean(t, idle, &hit);
	}
	return false;
}

/* CPUs stopped: no idle task can resume while we look at it */
static int idle_check_stopped(void *arg)
{
	struct idle_stop *is = arg;
	struct shunt_trans *t = is->t;
	int cpu, clean = -1;

	for_each_online_cpu(cpu) {
		struct task_struct *idle = shunt_idle_task(cpu);
		int *state = &t->table.idle_state[cpu];

		if (idle && (idle == current || !READ_ONCE(idle->on_cpu))) {
			trans_try_task(t, idle);
		} else if (!idle && READ_ONCE(*state) != t->target) {
			/*
			 * Never seen running since shunt.ko loaded: busy
			 * tasks held the CPU all along, and it waits parked
			 * in do_idle(), as a known idle task shows.
			 */
			if (clean < 0)
				clean = idle_loop_clean(t);
			if (clean) {
				shunt_trans_switch(t, 0, state,
						   SHUNT_SWITCH_IDLE);
				is->unseen++;
			} else {
				is->unseen_blocked++;
			}
		}
	}
	return 0;
}

static void sweep_idle(struct shunt_trans *t)
{
	struct idle_stop is = { .t = t };
	int cpu;

	for_each_online_cpu(cpu) {
		if (READ_ONCE(t->table.idle_state[cpu]) != t->target) {
			stop_machine(idle_check_stopped, &is, NULL);
			if (is.unseen)
				pr_info("'%s': %d idle task(s) never seen running (CPUs kept busy); switched as parked in do_idle(), which a known idle task shows clean\n",
					t->patch->mod->name, is.unseen);
			if (is.unseen_blocked && t->table.sweeps == SWEEP_IDLE_STOP_AFTER)
				pr_info("'%s': %d idle task(s) never seen running (CPUs kept busy), and the idle loop holds code the transition replaces: they wait\n",
					t->patch->mod->name, is.unseen_blocked);
			return;
		}
	}
}

/*
 * Slots of freed tasks become reusable one sweep and a grace period
 * later: every probe that could still hold one from a lookup of its
 * task (preemption or interrupts off) is done by then.
 */
static void sweep_recycle(struct shunt_task_table *tt)
{
	bool old = false;
	unsigned int i;

	for (i = 0; i < tt->size; i++)
		old |= READ_ONCE(tt->slots[i].task) == SHUNT_SLOT_FREED_OLD;
	if (old)
		synchronize_rcu();
	for (i = 0; i < tt->size; i++) {
		struct task_struct *k = READ_ONCE(tt->slots[i].task);

		/* probe_free() writes only slots of tasks: no race */
		if (k == SHUNT_SLOT_FREED_OLD)
			WRITE_ONCE(tt->slots[i].task, SHUNT_SLOT_GONE);
		else if (k == SHUNT_SLOT_FREED)
			WRITE_ONCE(tt->slots[i].task, SHUNT_SLOT_FREED_OLD);
	}
}

static void sweep_work_fn(struct work_struct *work)
{
	struct shunt_trans *t = container_of(to_delayed_work(work),
					     struct shunt_trans,
					     table.sweep_work);
	struct shunt_task_table *tt = &t->table;
	struct shunt_park_batch pb = { 0 };
	struct task_struct *g, *task;
	struct shunt_blockers b;
	unsigned int delay;

	mutex_lock(&shunt_mutex);
	/*
	 * A transition that ended while we waited for the mutex is freed:
	 * compare the pointer before reading through it.
	 */
	if (rcu_dereference_protected(shunt_trans,
				      lockdep_is_held(&shunt_mutex)) != t ||
	    !trans_active(t)) {
		mutex_unlock(&shunt_mutex);
		return;
	}
	shunt_blockers_init(&b, t->blocked, sizeof(t->blocked));
	rcu_read_lock();
	for_each_process_thread(g, task)
		sweep_nudge(t, task, sweep_task(t, task, &b, &pb));
	rcu_read_unlock();
	if (pb.nr)
		shunt_park_run(t, &pb);
	sweep_recycle(tt);
	sweep_offline_idle(t);
	if (tt->sweeps >= SWEEP_IDLE_STOP_AFTER)
		sweep_idle(t);
	tt->sweeps++;
	if (atomic_read(&t->pending) > 0) {
		delay = min(SWEEP_FIRST_MS << min(tt->sweeps, 10U),
			    (unsigned int)SWEEP_MAX_MS);
		queue_delayed_work(shunt_wq, &tt->sweep_work,
				   msecs_to_jiffies(delay));
	}
	mutex_unlock(&shunt_mutex);
}

/* ---- the model's part of the state machine, under shunt_mutex ---- */

/* Until the table is made, only the CPUs' idle tasks are counted. */
int shunt_pertask_prepare(struct shunt_trans *t)
{
	struct shunt_task_table *tt = &t->table;
	int cpu;

	tt->idle_state = kcalloc(nr_cpu_ids, sizeof(int), GFP_KERNEL);
	if (!tt->idle_state)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		tt->idle_state[cpu] = t->target;
	for_each_online_cpu(cpu) {
		tt->idle_state[cpu] = !t->target;
		atomic_inc(&t->pending);
	}
	INIT_DELAYED_WORK(&tt->sweep_work, sweep_work_fn);
	return 0;
}

static unsigned int count_tasks(void)
{
	struct task_struct *g, *task;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process_thread(g, task)
		n++;
	rcu_read_unlock();
	return n;
}

int shunt_pertask_start(struct shunt_trans *t)
{
	struct shunt_task_table *tt = &t->table;
	struct task_struct *g, *task;
	struct shunt_task_slot *slots;
	unsigned long flags;
	unsigned int size, i;
	bool created;
	int ret;

	lockdep_assert_held(&shunt_mutex);
	size = roundup_pow_of_two(count_tasks() * 4 + 1024);
	slots = kvcalloc(size, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < size; i++)
		slots[i].state = !t->target;
	tt->size = size;
	WRITE_ONCE(tt->slots, slots);

	/* hooks first, so that no fork between the snapshot and them is lost */
	shunt_pertask_sel_reset();
	ret = shunt_tps_register();
	if (ret) {
		WRITE_ONCE(tt->slots, NULL);
		kvfree(slots);
		return ret;
	}
	rcu_read_lock();
	for_each_process_thread(g, task) {
		raw_spin_lock_irqsave(&shunt_trans_lock, flags);
		slot_insert(t, task, !t->target, &created);
		raw_spin_unlock_irqrestore(&shunt_trans_lock, flags);
	}
	rcu_read_unlock();
	smp_wmb();	/* the slots before table_ready */
	WRITE_ONCE(t->table_ready, true);

	trace_shunt_transition_start(t->patch->mod->name, t->target,
				     shunt_consistency_name(t->patch->opts.consistency),
				     atomic_read(&t->pending));
	queue_delayed_work(shunt_wq, &tt->sweep_work, 0);
	return 0;
}

/* the transition ends: no probe runs once this returns */
void shunt_pertask_stop(struct shunt_trans *t)
{
	lockdep_assert_held(&shunt_mutex);
	if (READ_ONCE(t->table.slots))
		shunt_tps_unregister(ARRAY_SIZE(shunt_tps));
	cancel_delayed_work(&t->table.sweep_work);
}

/*
 * Flip the target with probes paused and recount who is not there:
 * returns the new pending count, or -ENOSPC (nothing changed) when a
 * task could not be tracked. Never waits for the sweep: it may be
 * waiting for shunt_mutex, which the caller holds.
 */
int shunt_pertask_reverse(struct shunt_trans *t)
{
	struct shunt_task_table *tt = &t->table;
	struct task_struct *g, *task;
	int target, cpu, pending = 0;
	unsigned long flags;
	bool created;
	unsigned int i;

	lockdep_assert_held(&shunt_mutex);
	cancel_delayed_work(&tt->sweep_work);
	raw_spin_lock_irqsave(&shunt_trans_lock, flags);
	/*
	 * A task missing from the table uses the target's code: it must
	 * count as at the old target, never as already at the new one.
	 */
	rcu_read_lock();
	for_each_process_thread(g, task)
		slot_insert(t, task, t->target, &created);
	rcu_read_unlock();
	if (tt->overflow) {
		raw_spin_unlock_irqrestore(&shunt_trans_lock, flags);
		return -ENOSPC;
	}
	target = !t->target;
	WRITE_ONCE(t->target, target);
	for (i = 0; i < tt->size; i++) {
		struct task_struct *k = READ_ONCE(tt->slots[i].task);

		tt->slots[i].signalled = false;	/* may need another one */
		tt->slots[i].park_tried = 0;
		if (shunt_slot_is_task(k) &&
		    READ_ONCE(tt->slots[i].state) != target)
			pending++;
	}
	for_each_online_cpu(cpu)
		if (READ_ONCE(tt->idle_state[cpu]) != target)
			pending++;
	atomic_set(&t->pending, pending);
	tt->sweeps = 0;
	raw_spin_unlock_irqrestore(&shunt_trans_lock, flags);
	return pending;
}

/* under shunt_mutex: is task at t's target (or not tracked)? */
bool shunt_pertask_task_done(struct shunt_trans *t, struct task_struct *task)
{
	struct shunt_task_slot *slot = slot_find(&t->table, task);

	return !slot || READ_ONCE(slot->state) == READ_ONCE(t->target);
}

void shunt_pertask_sweep_now(struct shunt_trans *t)
{
	queue_delayed_work(shunt_wq, &t->table.sweep_work, 0);
}

/* t is unpublished and no probe can see it any more */
void shunt_pertask_free(struct shunt_trans *t)
{
	cancel_delayed_work(&t->table.sweep_work);
	kvfree(t->table.slots);
	kfree(t->table.idle_state);
}

int shunt_pertask_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(shunt_tps); i++) {
		shunt_tps[i].tp = shunt_tracepoint_find(shunt_tps[i].name);
		if (!shunt_tps[i].tp) {
			pr_err("tracepoint %s not found\n", shunt_tps[i].name);
			return -ENOENT;
		}
	}
	return 0;
}
