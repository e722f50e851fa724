// SPDX-License-Identifier: GPL-2.0
/*
 * The transition state machine shared by the consistency models:
 * prepare (published, nobody switched), start (in the patch's model),
 * switch (one task, any context), finish (every task at target: the
 * registry is told), reverse, force and cancel. immediate completes in
 * start; per-task (pertask.c) completes from events; stop-machine
 * (stopmachine.c) completes or fails in start.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "shunt.h"
#include "trace.h"
#include "transition.h"

struct shunt_trans __rcu *shunt_trans;

static struct shunt_trans *trans_get(void)
{
	return rcu_dereference_protected(shunt_trans,
					 lockdep_is_held(&shunt_mutex));
}

/*
 * Move one task (pid, for the tracepoint) to the target if it is not
 * there yet; the last one queues the finish. Any context: the state is
 * flipped by cmpxchg(), so two ways reaching the same task count once.
 */
void shunt_trans_switch(struct shunt_trans *t, pid_t pid, int *state,
			enum shunt_switch_how how)
{
	int target;

	if (READ_ONCE(t->paused))
		return;
	/* paused before target: pairs with the smp_wmb() of the reversal */
	smp_rmb();
	target = READ_ONCE(t->target);
	if (cmpxchg(state, !target, target) != !target)
		return;
	atomic_inc(&t->switched[how]);
	trace_shunt_task_switch(pid, how,
				ktime_to_ns(ktime_sub(ktime_get(), t->start)));
	if (atomic_dec_and_test(&t->pending))
		irq_work_queue(&t->done_irq_work);
}

static void trans_done_irq_work(struct irq_work *work)
{
	struct shunt_trans *t = container_of(work, struct shunt_trans,
					     done_irq_work);

	queue_work(shunt_wq, &t->done_work);
}

static void trans_free(struct shunt_trans *t)
{
	shunt_pertask_free(t);
	kfree(t->ranges[0]);
	kfree(t->ranges[1]);
	kfree(t);
}

static enum shunt_trans_result trans_result(struct shunt_trans *t)
{
	if (t->forced)
		return SHUNT_TRANS_FORCED;
	return t->target == t->start_target ? SHUNT_TRANS_COMPLETED :
					      SHUNT_TRANS_REVERSED;
}

/* Every task is at target: tell the registry, then free t. */
void shunt_trans_finish(struct shunt_trans *t)
{
	struct shunt_trans_stats stats = t->stats;
	enum shunt_trans_result result = trans_result(t);
	int target = t->target;
	int i;

	lockdep_assert_held(&shunt_mutex);
	shunt_pertask_stop(t);
	WRITE_ONCE(t->all_at_target, true);

	stats.duration_ns = ktime_to_ns(ktime_sub(ktime_get(), t->start));
	for (i = 0; i < SHUNT_SWITCH_NR; i++)
		stats.switched[i] = atomic_read(&t->switched[i]);
	trace_shunt_transition_end(t->patch->mod->name, target, result,
				   stats.duration_ns);

	/* entries still flagged read t: drop it only once they are not */
	shunt_patch_transition_done(t->patch, target, result, &stats);
	rcu_assign_pointer(shunt_trans, NULL);
	synchronize_rcu();
	/* no probe, interrupt or task work of t writes it any more */
	shunt_pertask_sel_reset();
	irq_work_sync(&t->done_irq_work);
	/*
	 * No work of t may stay queued once it is freed. A running one (we
	 * may be in done_work, or the sweep may wait for shunt_mutex) checks
	 * shunt_trans before it reads t.
	 */
	cancel_work(&t->done_work);
	trans_free(t);
}

static void trans_done_work(struct work_struct *work)
{
	struct shunt_trans *t = container_of(work, struct shunt_trans,
					     done_work);

	mutex_lock(&shunt_mutex);
	if (trans_get() == t && atomic_read(&t->pending) <= 0 &&
	    !READ_ONCE(t->paused))
		shunt_trans_finish(t);
	mutex_unlock(&shunt_mutex);
}

bool shunt_transition_running(struct shunt_patch *patch)
{
	struct shunt_trans *t = trans_get();

	return t && t->patch == patch;
}

/*
 * While patch's transition runs: how many tasks have yet to switch, how
 * many switched so far by each way, and who blocks it.
 */
bool shunt_transition_progress(struct shunt_patch *patch,
			       unsigned int *pending, unsigned int *switched,
			       char *blocked, size_t len)
{
	struct shunt_trans *t = trans_get();
	int i;

	if (!t || t->patch != patch)
		return false;
	*pending = atomic_read(&t->pending);
	for (i = 0; i < SHUNT_SWITCH_NR; i++)
		switched[i] = atomic_read(&t->switched[i]);
	if (blocked)
		strscpy(blocked, t->blocked, len);
	return true;
}

/* the kthreads parked by patch's running transition, else its last one */
void shunt_transition_parked(struct shunt_patch *patch, char *buf, size_t len)
{
	struct shunt_trans *t = trans_get();

	strscpy(buf, t && t->patch == patch ? t->stats.parked :
		patch->stats.parked, len);
}

/*
 * Publish a transition for patch before its entries get their
 * transition flag: until it starts, every task keeps !target.
 */
int shunt_transition_prepare(struct shunt_patch *patch, int target)
{

	struct shunt_trans *t;
	int ret;

	if (trans_get())
		return -EBUSY;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->patch = patch;
	t->target = target;
	t->start_target = target;
	ret = shunt_pertask_prepare(t);
	if (ret) {
		kfree(t);
		return ret;
	}
	init_irq_work(&t->done_irq_work, trans_done_irq_work);
	INIT_WORK(&t->done_work, trans_done_work);
	rcu_assign_pointer(shunt_trans, t);
	return 0;
}

/*
 * The transition never started, stop-machine gave up, or its patch is
 * taken down: unpublish it without telling the registry. stats (may be
 * NULL) gets what the stop-machine attempts measured.
 */
void shunt_transition_cancel(struct shunt_trans_stats *stats)
{
	struct shunt_trans *t = trans_get();

	if (!t)
		return;
	if (stats)
		*stats = t->stats;
	shunt_pertask_stop(t);
	rcu_assign_pointer(shunt_trans, NULL);
	synchronize_rcu();
	/* no probe, interrupt or task work of t writes it any more */
	shunt_pertask_sel_reset();
	irq_work_sync(&t->done_irq_work);
	cancel_work(&t->done_work);	/* a running one compares the pointer */
	trans_free(t);
}

/*
 * The code a task leaves when it moves from a state, for func: its
 * entries are appended behind the readers' backs (a module object
 * patched mid-transition), so the count is published after them.
 *
 * Both states also get the byte after func's ftrace call: the return
 * address of that call, on the stack only while a call of func is in
 * the ftrace trampoline. There the handler may have chosen a version by
 * the task's state and left it in the saved registers, not yet in any
 * return address the walk sees (a task the sweep checks in an IPI, or
 * one preempted there, stops anywhere): switching it then would send it
 * into the version of the state it left.
 */
static void trans_add_range(struct shunt_trans *t, int state,
			    unsigned long start, unsigned long end)
{
	int n = t->nr_ranges[state];

	t->ranges[state][n].start = start;
	t->ranges[state][n].end = end;
	/* the entry before the count: smp_load_acquire() below pairs */
	smp_store_release(&t->nr_ranges[state], n + 1);
}

static void trans_add_func_ranges(struct shunt_trans *t,
				  struct shunt_func *func)
{
	unsigned long body = shunt_redirect_body(func->old_addr);
	struct shunt_code_range below;
	unsigned long start, end;

	if (!func->ops || !func->transition ||
	    t->nr_ranges[SHUNT_PATCHED] + SHUNT_RANGES_PER_FUNC > t->max_ranges)
		return;
	/* leaving PATCHED: this patch's new function */
	if (func->nop) {	/* which runs the original */
		start = func->old_addr;
		end = func->old_addr + func->old_size;
	} else {
		start = (unsigned long)func->desc->new_func;
		end = start + func->new_size;
	}
	trans_add_range(t, SHUNT_PATCHED, start, end);
	trans_add_range(t, SHUNT_PATCHED, body, body + 1);
	/* leaving UNPATCHED: what ran before it */
	shunt_redirect_below(func, &below);
	trans_add_range(t, SHUNT_UNPATCHED, below.start, below.end);
	trans_add_range(t, SHUNT_UNPATCHED, body, body + 1);
}

/* room for every function of the patch, loaded or not */
static int trans_build_ranges(struct shunt_trans *t)
{
	struct shunt_patch *patch = t->patch;
	struct shunt_object *obj;
	struct shunt_func *func;
	int n = 0;

	shunt_for_each_object(patch, obj)
		shunt_for_each_func(obj, func)
			n++;
	n *= SHUNT_RANGES_PER_FUNC;
	t->ranges[0] = kcalloc(n, sizeof(*t->ranges[0]), GFP_KERNEL);
	t->ranges[1] = kcalloc(n, sizeof(*t->ranges[1]), GFP_KERNEL);
	if (!t->ranges[0] || !t->ranges[1])
		return -ENOMEM;
	t->max_ranges = n;
	shunt_for_each_object(patch, obj)
		shunt_for_each_func(obj, func)
			trans_add_func_ranges(t, func);
	return 0;
}

/*
 * A module object of the transition's patch was patched while it runs:
 * its functions are code tasks must leave too. The ranges of an object
 * whose module goes stay: at worst they hold a task up needlessly.
 */
void shunt_transition_add_object(struct shunt_object *obj)
{
	struct shunt_trans *t = trans_get();
	struct shunt_func *func;

	lockdep_assert_held(&shunt_mutex);
	if (!t || t->patch != obj->patch || !t->ranges[0])
		return;
	shunt_for_each_func(obj, func)
		trans_add_func_ranges(t, func);
}

/* what a task leaving state must not be in, lock-free */
int shunt_transition_ranges(struct shunt_trans *t, int state,
			    const struct shunt_code_range **ranges)
{
	*ranges = t->ranges[state];
	/* the count before the entries it covers */
	return smp_load_acquire(&t->nr_ranges[state]);
}

static void trans_all_switched(struct shunt_trans *t)
{
	atomic_set(&t->switched[SHUNT_SWITCH_ALL], 1);
	atomic_set(&t->pending, 0);
}

/*
 * The entries are flagged: let tasks switch, in the patch's model. On
 * failure err says why and the caller cancels.
 */
int shunt_transition_start(char *err, size_t errlen)
{
	struct shunt_trans *t = trans_get();
	enum shunt_consistency model = t->patch->opts.consistency;
	int ret;

	lockdep_assert_held(&shunt_mutex);
	t->start = ktime_get();
	ret = trans_build_ranges(t);
	if (ret) {
		snprintf(err, errlen, "out of memory for the transition");
		return ret;
	}
	if (model == SHUNT_CONSISTENCY_PER_TASK_ID) {
		ret = shunt_pertask_start(t);
		if (ret)
			snprintf(err, errlen, "cannot start the transition: %d",
				 ret);
		return ret;
	}
	if (model == SHUNT_CONSISTENCY_STOP_MACHINE_ID) {
		trace_shunt_transition_start(t->patch->mod->name, t->target,
					     shunt_consistency_name(model), 0);
		ret = shunt_stopmachine_run(t, err, errlen);
		if (ret)
			return ret;
	} else {
		trace_shunt_transition_start(t->patch->mod->name, t->target,
					     shunt_consistency_name(model),
					     atomic_read(&t->pending));
	}
	trans_all_switched(t);
	shunt_trans_finish(t);
	return 0;
}

/*
 * Writing enabled during a transition turns it around: tasks already
 * switched go back, the others are already where the new target is.
 */
int shunt_transition_reverse(void)
{
	struct shunt_trans *t = trans_get();
	int pending;

	lockdep_assert_held(&shunt_mutex);
	if (!t || !READ_ONCE(t->table_ready) || READ_ONCE(t->all_at_target))
		return -EBUSY;
	WRITE_ONCE(t->paused, true);
	/*
	 * No probe is switching anybody past this point; the sweep cannot
	 * either: it runs under shunt_mutex, which we hold.
	 */
	synchronize_rcu();
	pending = shunt_pertask_reverse(t);
	if (pending < 0) {
		pr_err("'%s': cannot reverse the transition: the task table is full, some tasks are not tracked\n",
		       t->patch->mod->name);
		WRITE_ONCE(t->paused, false);
		shunt_pertask_sweep_now(t);
		return pending;
	}

	pr_info("'%s': reversing transition to %s\n", t->patch->mod->name,
		t->target ? "patched" : "unpatched");
	/* the new target and pending count before anybody may switch again */
	smp_wmb();
	WRITE_ONCE(t->paused, false);
	if (!pending)
		queue_work(shunt_wq, &t->done_work);
	else
		shunt_pertask_sweep_now(t);
	return 0;
}

/* Every task is declared switched, whatever its stack holds. */
int shunt_transition_force(void)
{
	struct shunt_trans *t = trans_get();

	lockdep_assert_held(&shunt_mutex);
	if (!t || !READ_ONCE(t->table_ready))
		return -EINVAL;
	pr_warn("'%s': forcing the transition: tasks still in the old code may now run a mix of old and new functions\n",
		t->patch->mod->name);
	t->forced = true;
	atomic_set(&t->switched[SHUNT_SWITCH_FORCE], atomic_read(&t->pending));
	WRITE_ONCE(t->all_at_target, true);
	atomic_set(&t->pending, 0);
	/*
	 * The trampoline takes the state of a task from shunt_task_sel
	 * without looking at all_at_target: once no probe that saw it
	 * unset runs any more, make every CPU's unknown.
	 */
	synchronize_rcu();
	shunt_pertask_sel_reset();
	queue_work(shunt_wq, &t->done_work);
	return 0;
}

int shunt_transition_init(void)
{
	return shunt_pertask_init();
}
