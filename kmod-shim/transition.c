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

#include <linux/delay.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/tracepoint.h>

#include "shunt.h"
#include "trace.h"
#include "transition.h"

struct shunt_trans __rcu *shunt_trans;

/* idle tasks are on no task list: remember them when they switch */
static struct task_struct **shunt_idle_tasks;

#define SLOT_GONE ((struct task_struct *)1UL)

/* sweep backoff: 5 ms doubling to 1 s; wake kthreads after ~2 s */
#define SWEEP_FIRST_MS		5
#define SWEEP_MAX_MS		1000
#define SWEEP_WAKE_AFTER	12
/* fall back to stop_machine() for idle tasks that never switch */
#define SWEEP_IDLE_STOP_AFTER	6

static DEFINE_RAW_SPINLOCK(shunt_trans_lock);	/* fork, exit, reverse */

/* ---- the task table ---- */

static notrace struct shunt_task_slot *slot_find(struct shunt_trans *t,
						 struct task_struct *task)
{
	unsigned int mask = t->size - 1;
	unsigned int i = hash_ptr(task, ilog2(t->size));
	unsigned int n;

	for (n = 0; n < t->size; n++, i = (i + 1) & mask) {
		struct task_struct *k = READ_ONCE(t->slots[i].task);

		if (k == task)
			return &t->slots[i];
		if (!k)
			return NULL;
	}
	return NULL;
}

/*
 * New slots start at the state the transition started from (set when the
 * table was made): pending, unless the transition was reversed since.
 * Never more than 3/4 full, so that lookups find a free slot. Callers
 * other than the first snapshot hold shunt_trans_lock, as reversing does.
 */
static struct shunt_task_slot *slot_insert(struct shunt_trans *t,
					   struct task_struct *task,
					   bool *created)
{
	unsigned int mask = t->size - 1;
	unsigned int i = hash_ptr(task, ilog2(t->size));
	unsigned int n;

	*created = false;
	for (n = 0; n < t->size; n++, i = (i + 1) & mask) {
		struct task_struct *k = READ_ONCE(t->slots[i].task);

		if (k == task)
			return &t->slots[i];
		if (k)
			continue;
		if (atomic_inc_return(&t->used) > t->size / 4 * 3) {
			atomic_dec(&t->used);
			return NULL;
		}
		k = cmpxchg(&t->slots[i].task, NULL, task);
		if (!k) {
			*created = true;
			if (READ_ONCE(t->slots[i].state) != READ_ONCE(t->target))
				atomic_inc(&t->pending);
			return &t->slots[i];
		}
		atomic_dec(&t->used);
		if (k == task)
			return &t->slots[i];
	}
	return NULL;
}

static int *task_state_ptr(struct shunt_trans *t, struct task_struct *task)
{
	struct shunt_task_slot *slot;

	if (is_idle_task(task))
		return &t->idle_state[task_cpu(task)];
	slot = slot_find(t, task);
	return slot ? &slot->state : NULL;
}

/*
 * The state of current for the ftrace handler: which version of the
 * transitioning patch's functions it uses. Tasks missing from the table
 * were born after the transition started, on a fresh stack.
 */
int notrace shunt_task_state(void)
{
	struct shunt_trans *t = rcu_dereference_sched(shunt_trans);
	struct shunt_task_slot *slot;
	int target;

	if (!t)
		return SHUNT_PATCHED;
	target = READ_ONCE(t->target);
	if (READ_ONCE(t->all_at_target))
		return target;
	if (!READ_ONCE(t->table_ready))
		return !target;
	smp_rmb();	/* table_ready before the slots */
	if (is_idle_task(current))
		return READ_ONCE(t->idle_state[raw_smp_processor_id()]);
	slot = slot_find(t, current);
	return slot ? READ_ONCE(slot->state) : target;
}

/* ---- switching ---- */

static void trans_switch_pid(struct shunt_trans *t, pid_t pid, int *state,
			     enum shunt_switch_how how);

static void trans_switch(struct shunt_trans *t, struct task_struct *task,
			 int *state, enum shunt_switch_how how)
{
	trans_switch_pid(t, task->pid, state, how);
}

static void trans_switch_pid(struct shunt_trans *t, pid_t pid, int *state,
			     enum shunt_switch_how how)
{
	int target = READ_ONCE(t->target);

	if (READ_ONCE(t->paused))
		return;
	if (cmpxchg(state, !target, target) != !target)
		return;
	atomic_inc(&t->switched[how]);
	trace_shunt_task_switch(pid, how,
				ktime_to_ns(ktime_sub(ktime_get(), t->start)));
	if (atomic_dec_and_test(&t->pending))
		irq_work_queue(&t->done_irq_work);
}

struct range_check {
	const struct shunt_range *ranges;
	int nr;
	unsigned long hit;
};

static bool range_check_addr(void *arg, unsigned long addr)
{
	struct range_check *rc = arg;

	if (!shunt_addr_in_ranges(rc->ranges, rc->nr, addr))
		return true;
	rc->hit = addr;
	return false;
}

/*
 * 0 when the task's stack holds none of the code it must leave, -EBUSY
 * with *hit set when it does, -EINVAL when the stack is not reliable.
 */
static int task_stack_clean(struct shunt_trans *t, struct task_struct *task,
			    unsigned long *hit)
{
	int leave = !READ_ONCE(t->target);
	struct range_check rc = {
		.ranges = t->ranges[leave],
		.nr = t->nr_ranges[leave],
	};
	int ret;

	ret = shunt_stack_walk_reliable(task, range_check_addr, &rc);
	*hit = rc.hit;
	if (ret && rc.hit)
		return -EBUSY;
	return ret;
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
		state = &t->idle_state[task_cpu(task)];
	} else {
		slot = slot_find(t, task);
		state = slot ? &slot->state : NULL;
	}
	if (!state || READ_ONCE(*state) == READ_ONCE(t->target))
		return;
	if (!task_stack_clean(t, task, &hit))
		trans_switch(t, task, state, how);
	else if (slot && hit)
		WRITE_ONCE(slot->last_hit, hit);
}

static bool trans_active(struct shunt_trans *t)
{
	return t && READ_ONCE(t->table_ready) && !READ_ONCE(t->paused) &&
	       !READ_ONCE(t->all_at_target);
}

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
	int cpu = raw_smp_processor_id();

	if (is_idle_task(next) && READ_ONCE(shunt_idle_tasks[cpu]) != next)
		WRITE_ONCE(shunt_idle_tasks[cpu], next);
	if (!trans_active(t))
		return;
	trans_try_task(t, prev);
	trans_try_task(t, next);
}

/* syscall entry and exit: the kernel/user boundary */
static void notrace probe_sys_boundary(void *data, struct pt_regs *regs,
				       long id_or_ret)
{
	struct shunt_trans *t = rcu_dereference_sched(shunt_trans);
	int *state;

	if (!trans_active(t))
		return;
	state = task_state_ptr(t, current);
	if (state && READ_ONCE(*state) != READ_ONCE(t->target))
		trans_switch(t, current, state, SHUNT_SWITCH_BOUNDARY);
}

/* the child has not run yet: it takes the parent's state */
static void notrace probe_fork(void *data, struct task_struct *parent,
			       struct task_struct *child)
{
	struct shunt_trans *t = rcu_dereference_sched(shunt_trans);
	struct shunt_task_slot *slot;
	unsigned long flags;
	bool created;
	int *pstate;

	if (!t || !READ_ONCE(t->slots) || READ_ONCE(t->all_at_target))
		return;
	raw_spin_lock_irqsave(&shunt_trans_lock, flags);
	slot = slot_insert(t, child, &created);
	if (slot && READ_ONCE(t->table_ready)) {
		pstate = task_state_ptr(t, parent);
		if (!pstate || READ_ONCE(*pstate) == t->target)
			trans_switch(t, child, &slot->state,
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

	if (!t || !READ_ONCE(t->slots))
		return;
	raw_spin_lock_irqsave(&shunt_trans_lock, flags);
	slot = slot_find(t, task);
	if (slot) {
		if (READ_ONCE(slot->state) != t->target) {
			atomic_inc(&t->switched[SHUNT_SWITCH_EXIT]);
			if (atomic_dec_and_test(&t->pending))
				irq_work_queue(&t->done_irq_work);
		}
		WRITE_ONCE(slot->task, SLOT_GONE);
	}
	raw_spin_unlock_irqrestore(&shunt_trans_lock, flags);
}

/* ---- tracepoints we hook ---- */

struct shunt_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct shunt_tp shunt_tps[] = {
	{ "sched_switch", probe_sched_switch },
	{ "sched_process_fork", probe_fork },
	{ "sched_process_free", probe_free },
	{ "sys_enter", probe_sys_boundary },
	{ "sys_exit", probe_sys_boundary },
};

/* tracepoint structs are not exported one by one: look them up */
static void shunt_tp_lookup(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(shunt_tps); i++)
		if (!strcmp(tp->name, shunt_tps[i].name))
			shunt_tps[i].tp = tp;
}

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

/* ---- the sweep ---- */

struct sweep_report {
	char *buf;
	size_t len, used;
};

static void sweep_report(struct sweep_report *r, struct task_struct *task,
			 const char *why, unsigned long hit)
{
	if (r->used >= r->len)
		return;
	if (hit)
		r->used += scnprintf(r->buf + r->used, r->len - r->used,
				     "%d %s %pS\n", task->pid, task->comm,
				     (void *)hit);
	else
		r->used += scnprintf(r->buf + r->used, r->len - r->used,
				     "%d %s (%s)\n", task->pid, task->comm, why);
}

/*
 * A blocked task cannot be woken while we hold its pi_lock: its stack
 * stands still. Running and runnable ones are caught when they switch.
 * Returns true when the task should get a wakeup to move on.
 */
static bool sweep_task(struct shunt_trans *t, struct task_struct *task,
		       struct sweep_report *r)
{
	struct shunt_task_slot *slot = NULL;
	unsigned long flags, hit = 0;
	bool wake = false, running;
	unsigned int state;
	int *sp, ret;

	if (!is_idle_task(task))
		slot = slot_find(t, task);
	sp = task_state_ptr(t, task);
	if (!sp || READ_ONCE(*sp) == t->target)
		return false;
	if (task == current) {
		trans_try_task(t, task);
		return false;
	}
	raw_spin_lock_irqsave(&task->pi_lock, flags);
	state = READ_ONCE(task->__state);
	running = state == TASK_RUNNING || state == TASK_WAKING ||
		  READ_ONCE(task->on_rq);
	/* on_cpu drops once the switch away is done: the stack is final */
	running = running || smp_load_acquire(&task->on_cpu);
	if (running) {
		raw_spin_unlock_irqrestore(&task->pi_lock, flags);
		/* where a context switch last found it */
		hit = slot ? READ_ONCE(slot->last_hit) : 0;
		sweep_report(r, task, "running", hit);
		return false;
	}
	ret = task_stack_clean(t, task, &hit);
	if (!ret)
		trans_switch(t, task, sp, SHUNT_SWITCH_STACK);
	else if (slot && hit)
		WRITE_ONCE(slot->last_hit, hit);
	else
		wake = (task->flags & PF_KTHREAD) &&
		       (state & TASK_INTERRUPTIBLE);
	raw_spin_unlock_irqrestore(&task->pi_lock, flags);
	if (ret)
		sweep_report(r, task, "stack not reliable", hit);
	return wake;
}

struct idle_stop {
	struct shunt_trans *t;
	int unseen;
};

/* CPUs stopped: no idle task can resume while we look at it */
static int idle_check_stopped(void *arg)
{
	struct idle_stop *is = arg;
	int cpu;

	for_each_online_cpu(cpu) {
		struct task_struct *idle = READ_ONCE(shunt_idle_tasks[cpu]);

		if (idle && (idle == current || !READ_ONCE(idle->on_cpu))) {
			trans_try_task(is->t, idle);
		} else if (!idle &&
			   READ_ONCE(is->t->idle_state[cpu]) != is->t->target) {
			/*
			 * Never seen running since we started watching: busy
			 * tasks held the CPU all along. A parked idle task
			 * waits in do_idle() -> schedule_idle(), and cannot
			 * resume while the CPUs are stopped.
			 */
			trans_switch_pid(is->t, 0, &is->t->idle_state[cpu],
					 SHUNT_SWITCH_IDLE);
			is->unseen++;
		}
	}
	return 0;
}

static void sweep_idle(struct shunt_trans *t)
{
	struct idle_stop is = { .t = t };
	int cpu;

	for_each_online_cpu(cpu) {
		if (READ_ONCE(t->idle_state[cpu]) != t->target) {
			stop_machine(idle_check_stopped, &is, NULL);
			if (is.unseen)
				pr_info("'%s': %d idle task(s) never seen running (CPUs kept busy); taken as parked in do_idle()\n",
					t->patch->mod->name, is.unseen);
			return;
		}
	}
}

static void sweep_work_fn(struct work_struct *work)
{
	struct shunt_trans *t = container_of(to_delayed_work(work),
					     struct shunt_trans, sweep_work);
	struct shunt_patch *patch;
	struct sweep_report r;
	struct task_struct *g, *task;
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
	patch = t->patch;
	r = (struct sweep_report){
		.buf = patch->blocked,
		.len = sizeof(patch->blocked),
	};
	patch->blocked[0] = '\0';
	rcu_read_lock();
	for_each_process_thread(g, task) {
		if (sweep_task(t, task, &r) && t->sweeps >= SWEEP_WAKE_AFTER)
			wake_up_process(task);	/* like klp's fake signal */
	}
	rcu_read_unlock();
	if (t->sweeps >= SWEEP_IDLE_STOP_AFTER)
		sweep_idle(t);
	t->sweeps++;
	if (atomic_read(&t->pending) > 0) {
		delay = min(SWEEP_FIRST_MS << min(t->sweeps, 10U),
			    (unsigned int)SWEEP_MAX_MS);
		queue_delayed_work(shunt_wq, &t->sweep_work,
				   msecs_to_jiffies(delay));
	}
	mutex_unlock(&shunt_mutex);
}

/* ---- start and end ---- */

static void trans_done_irq_work(struct irq_work *work)
{
	struct shunt_trans *t = container_of(work, struct shunt_trans,
					     done_irq_work);

	queue_work(shunt_wq, &t->done_work);
}

static void trans_free(struct shunt_trans *t)
{
	kvfree(t->slots);
	kfree(t->idle_state);
	kfree(t->ranges[0]);
	kfree(t->ranges[1]);
	kfree(t);
}

/* Called under shunt_mutex with every task at target. */
static void trans_finish(struct shunt_trans *t, int result)
{
	struct shunt_patch *patch = t->patch;
	int target = t->target;
	u64 duration = ktime_to_ns(ktime_sub(ktime_get(), t->start));
	int i;

	if (READ_ONCE(t->slots))
		shunt_tps_unregister(ARRAY_SIZE(shunt_tps));
	WRITE_ONCE(t->all_at_target, true);
	cancel_delayed_work(&t->sweep_work);

	patch->stats.duration_ns = duration;
	for (i = 0; i < SHUNT_SWITCH_NR; i++)
		patch->stats.switched[i] = atomic_read(&t->switched[i]);
	trace_shunt_transition_end(patch->mod->name, target, result, duration);

	/* entries still flagged read t: drop it only once they are not */
	shunt_patch_transition_done(patch, target);
	rcu_assign_pointer(shunt_trans, NULL);
	synchronize_rcu();
	irq_work_sync(&t->done_irq_work);
	/*
	 * No work of t may stay queued once it is freed. A running one (we
	 * may be in done_work, or the sweep may wait for shunt_mutex) checks
	 * shunt_trans before it reads t.
	 */
	cancel_work(&t->done_work);
	cancel_delayed_work(&t->sweep_work);
	trans_free(t);
}

static void trans_done_work(struct work_struct *work)
{
	struct shunt_trans *t = container_of(work, struct shunt_trans,
					     done_work);

	mutex_lock(&shunt_mutex);
	if (rcu_dereference_protected(shunt_trans,
				      lockdep_is_held(&shunt_mutex)) == t &&
	    atomic_read(&t->pending) <= 0 && !READ_ONCE(t->paused))
		trans_finish(t, t->patch->forced ? 2 :
				(t->target == t->patch->trans_target ? 0 : 1));
	mutex_unlock(&shunt_mutex);
}

bool shunt_transition_running(struct shunt_patch *patch)
{
	struct shunt_trans *t = rcu_dereference_protected(shunt_trans,
					lockdep_is_held(&shunt_mutex));

	return t && t->patch == patch;
}

/*
 * While patch's transition runs: how many tasks have yet to switch, and
 * how many switched so far by each way. Called under shunt_mutex.
 */
bool shunt_transition_progress(struct shunt_patch *patch, unsigned int *pending,
			       unsigned int *switched)
{
	struct shunt_trans *t = rcu_dereference_protected(shunt_trans,
					lockdep_is_held(&shunt_mutex));
	int i;

	if (!t || t->patch != patch)
		return false;
	*pending = atomic_read(&t->pending);
	for (i = 0; i < SHUNT_SWITCH_NR; i++)
		switched[i] = atomic_read(&t->switched[i]);
	return true;
}

static struct shunt_trans *trans_get(void)
{
	return rcu_dereference_protected(shunt_trans,
					 lockdep_is_held(&shunt_mutex));
}

/*
 * Publish a transition for patch before its entries get their
 * transition flag: until it starts, every task keeps !target.
 */
int shunt_transition_prepare(struct shunt_patch *patch, int target)
{
	struct shunt_trans *t;
	int cpu;

	if (trans_get())
		return -EBUSY;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->idle_state = kcalloc(nr_cpu_ids, sizeof(int), GFP_KERNEL);
	if (!t->idle_state) {
		kfree(t);
		return -ENOMEM;
	}
	t->patch = patch;
	t->target = target;
	patch->trans_target = target;
	for_each_possible_cpu(cpu)
		t->idle_state[cpu] = target;
	for_each_online_cpu(cpu) {
		t->idle_state[cpu] = !target;
		atomic_inc(&t->pending);
	}
	init_irq_work(&t->done_irq_work, trans_done_irq_work);
	INIT_WORK(&t->done_work, trans_done_work);
	INIT_DELAYED_WORK(&t->sweep_work, sweep_work_fn);
	rcu_assign_pointer(shunt_trans, t);
	return 0;
}

/* The transition never started: no task left !target. */
void shunt_transition_cancel(void)
{
	struct shunt_trans *t = trans_get();

	if (!t)
		return;
	rcu_assign_pointer(shunt_trans, NULL);
	synchronize_rcu();
	trans_free(t);
}

/* the code a task leaves when it moves from state 'from' */
static int trans_build_ranges(struct shunt_trans *t)
{
	struct shunt_patch *patch = t->patch;
	struct shunt_object *obj;
	struct shunt_func *func;
	int n = 0;

	shunt_for_each_object(patch, obj)
		shunt_for_each_func(obj, func)
			n++;
	t->ranges[0] = kcalloc(n, sizeof(struct shunt_range), GFP_KERNEL);
	t->ranges[1] = kcalloc(n, sizeof(struct shunt_range), GFP_KERNEL);
	if (!t->ranges[0] || !t->ranges[1])
		return -ENOMEM;

	shunt_for_each_object(patch, obj) {
		shunt_for_each_func(obj, func) {
			struct shunt_range *r;

			if (!func->ops || !func->transition)
				continue;
			/* leaving PATCHED: this patch's new function */
			r = &t->ranges[SHUNT_PATCHED][t->nr_ranges[SHUNT_PATCHED]++];
			if (func->nop) {	/* which runs the original */
				r->start = func->old_addr;
				r->end = func->old_addr + func->old_size;
			} else {
				r->start = (unsigned long)func->desc->new_func;
				r->end = r->start + func->new_size;
			}
			/* leaving UNPATCHED: what ran before it */
			r = &t->ranges[SHUNT_UNPATCHED][t->nr_ranges[SHUNT_UNPATCHED]++];
			shunt_redirect_below(func, &r->start, &r->end);
		}
	}
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

static int trans_start_per_task(struct shunt_trans *t)
{
	struct task_struct *g, *task;
	struct shunt_task_slot *slots;
	unsigned int size, i;
	bool created;
	int ret;

	size = roundup_pow_of_two(count_tasks() * 4 + 1024);
	slots = kvcalloc(size, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < size; i++)
		slots[i].state = !t->target;
	t->size = size;
	WRITE_ONCE(t->slots, slots);

	/* hooks first, so that no fork between the snapshot and them is lost */
	ret = shunt_tps_register();
	if (ret) {
		WRITE_ONCE(t->slots, NULL);
		kvfree(slots);
		return ret;
	}
	rcu_read_lock();
	for_each_process_thread(g, task)
		slot_insert(t, task, &created);
	rcu_read_unlock();
	smp_wmb();	/* the slots before table_ready */
	WRITE_ONCE(t->table_ready, true);

	trace_shunt_transition_start(t->patch->mod->name, t->target,
				     shunt_consistency_name(t->patch->opts.consistency),
				     atomic_read(&t->pending));
	queue_delayed_work(shunt_wq, &t->sweep_work, 0);
	return 0;
}

/*
 * Entries are flagged: let tasks switch. immediate completes here;
 * per-task completes later from the events; stop-machine is
 * shunt_transition_stop_machine().
 */
int shunt_transition_start(void)
{
	struct shunt_trans *t = trans_get();
	int ret;

	t->start = ktime_get();
	ret = trans_build_ranges(t);
	if (ret)
		return ret;
	if (t->patch->opts.consistency == SHUNT_CONSISTENCY_PER_TASK_ID)
		return trans_start_per_task(t);

	trace_shunt_transition_start(t->patch->mod->name, t->target,
				     shunt_consistency_name(t->patch->opts.consistency),
				     atomic_read(&t->pending));
	atomic_set(&t->switched[SHUNT_SWITCH_ALL], 1);
	atomic_set(&t->pending, 0);
	trans_finish(t, 0);
	return 0;
}

struct stopm_check {
	struct shunt_trans *t;
	struct sweep_report report;
	unsigned int tasks;
	int blocked;
	u64 duration;
};

static void stopm_check_task(struct stopm_check *sc, struct task_struct *task)
{
	unsigned long hit;

	sc->tasks++;
	if (task_stack_clean(sc->t, task, &hit)) {
		sc->blocked++;
		sweep_report(&sc->report, task, "stack not reliable", hit);
	}
}

/* All CPUs stopped: check every stack, flip everyone or no one. */
static int stopm_fn(void *arg)
{
	struct stopm_check *sc = arg;
	struct task_struct *g, *task;
	ktime_t start = ktime_get();
	int cpu;

	for_each_process_thread(g, task) {
		if (task != current && READ_ONCE(task->on_cpu))
			continue;	/* another CPU's stopper */
		stopm_check_task(sc, task);
	}
	for_each_online_cpu(cpu) {
		struct task_struct *idle = READ_ONCE(shunt_idle_tasks[cpu]);

		if (idle && !READ_ONCE(idle->on_cpu))
			stopm_check_task(sc, idle);
	}
	if (!sc->blocked)
		WRITE_ONCE(sc->t->all_at_target, true);
	sc->duration = ktime_to_ns(ktime_sub(ktime_get(), start));
	return 0;
}

/*
 * kpatch's model: stop every CPU, check every task, flip all functions at
 * once; retry with backoff, then give up naming the blockers in err.
 */
int shunt_transition_stop_machine(char *err, size_t errlen)
{
	struct shunt_trans *t = trans_get();
	struct shunt_patch *patch = t->patch;
	struct stopm_check sc;
	unsigned int try, retries = patch->opts.stop_retries;
	int ret;

	t->start = ktime_get();
	ret = trans_build_ranges(t);
	if (ret)
		return ret;
	trace_shunt_transition_start(patch->mod->name, t->target,
				     shunt_consistency_name(patch->opts.consistency),
				     0);
	for (try = 0; try <= retries; try++) {
		memset(&sc, 0, sizeof(sc));
		sc.t = t;
		sc.report.buf = patch->blocked;
		sc.report.len = sizeof(patch->blocked);
		patch->blocked[0] = '\0';
		ret = stop_machine(stopm_fn, &sc, NULL);
		if (ret)
			return ret;
		trace_shunt_stop_machine(patch->mod->name, sc.duration,
					 sc.tasks, sc.blocked ? -EBUSY : 0);
		patch->stats.stop_ns = max(patch->stats.stop_ns, sc.duration);
		patch->stats.stop_tries = try + 1;
		if (!sc.blocked)
			break;
		if (try < retries)
			msleep(min(20U << try, 1000U));
	}
	if (sc.blocked) {
		snprintf(err, errlen,
			 "stop-machine: %d task(s) in the functions after %u tries: %s",
			 sc.blocked, retries + 1, patch->blocked);
		strreplace(err, '\n', ';');
		return -EBUSY;
	}
	atomic_set(&t->switched[SHUNT_SWITCH_ALL], 1);
	atomic_set(&t->pending, 0);
	trans_finish(t, 0);
	return 0;
}

/*
 * Writing enabled during a transition turns it around: tasks already
 * switched go back, the others are already where the new target is.
 */
int shunt_transition_reverse(void)
{
	struct shunt_trans *t = trans_get();
	unsigned long flags;
	int target, cpu, pending = 0;
	unsigned int i;

	if (!t || !READ_ONCE(t->table_ready) || READ_ONCE(t->all_at_target))
		return -EBUSY;
	WRITE_ONCE(t->paused, true);
	/*
	 * No probe is switching anybody past this point; the sweep cannot
	 * either: it runs under shunt_mutex, which we hold (so never wait for
	 * it here: it may be waiting for the mutex).
	 */
	synchronize_rcu();
	cancel_delayed_work(&t->sweep_work);

	raw_spin_lock_irqsave(&shunt_trans_lock, flags);
	target = !t->target;
	WRITE_ONCE(t->target, target);
	t->patch->trans_target = target;
	for (i = 0; i < t->size; i++) {
		struct task_struct *k = READ_ONCE(t->slots[i].task);

		if (k && k != SLOT_GONE && READ_ONCE(t->slots[i].state) != target)
			pending++;
	}
	for_each_online_cpu(cpu)
		if (READ_ONCE(t->idle_state[cpu]) != target)
			pending++;
	atomic_set(&t->pending, pending);
	t->sweeps = 0;
	raw_spin_unlock_irqrestore(&shunt_trans_lock, flags);

	pr_info("'%s': reversing transition to %s\n", t->patch->mod->name,
		target ? "patched" : "unpatched");
	/* the new target and pending count before probes may switch again */
	smp_wmb();
	WRITE_ONCE(t->paused, false);
	if (!pending)
		queue_work(shunt_wq, &t->done_work);
	else
		queue_delayed_work(shunt_wq, &t->sweep_work, 0);
	return 0;
}

/* Every task is declared switched, whatever its stack holds. */
int shunt_transition_force(void)
{
	struct shunt_trans *t = trans_get();

	if (!t || !READ_ONCE(t->table_ready))
		return -EINVAL;
	pr_warn("'%s': forcing the transition: tasks still in the old code may now run a mix of old and new functions\n",
		t->patch->mod->name);
	t->patch->forced = true;
	atomic_set(&t->switched[SHUNT_SWITCH_FORCE], atomic_read(&t->pending));
	WRITE_ONCE(t->all_at_target, true);
	atomic_set(&t->pending, 0);
	queue_work(shunt_wq, &t->done_work);
	return 0;
}

static void notrace probe_idle_recorder(void *data, bool preempt,
					struct task_struct *prev,
					struct task_struct *next,
					unsigned int prev_state)
{
	int cpu = raw_smp_processor_id();

	if (is_idle_task(next))
		WRITE_ONCE(shunt_idle_tasks[cpu], next);
}

static bool all_idle_seen(void)
{
	int cpu;

	for_each_online_cpu(cpu)
		if (!READ_ONCE(shunt_idle_tasks[cpu]))
			return false;
	return true;
}

int shunt_transition_init(void)
{
	int i, tries = 0;

	for_each_kernel_tracepoint(shunt_tp_lookup, NULL);
	for (i = 0; i < ARRAY_SIZE(shunt_tps); i++) {
		if (!shunt_tps[i].tp) {
			pr_err("tracepoint %s not found\n", shunt_tps[i].name);
			return -ENOENT;
		}
	}
	shunt_idle_tasks = kcalloc(nr_cpu_ids, sizeof(*shunt_idle_tasks),
				   GFP_KERNEL);
	if (!shunt_idle_tasks)
		return -ENOMEM;
	/* learn the idle tasks: they switch in within moments on most CPUs */
	if (!tracepoint_probe_register(shunt_tps[0].tp, probe_idle_recorder,
				       NULL)) {
		while (!all_idle_seen() && tries++ < 50)
			msleep(20);
		tracepoint_probe_unregister(shunt_tps[0].tp,
					    probe_idle_recorder, NULL);
		tracepoint_synchronize_unregister();
	}
	return 0;
}

void shunt_transition_exit(void)
{
	kfree(shunt_idle_tasks);
}
