// SPDX-License-Identifier: GPL-2.0
/*
 * --park-kthreads: a kernel thread that blocks a per-task transition and
 * is sure to park is parked, and so switches where it parked (the
 * context switch into TASK_PARKED checks its stack), then unparked. A
 * parked kthread is in a semantic sleep: CPU hotplug parks the same
 * threads the same way, with their park() and unpark() callbacks.
 *
 * Sure to park are only the per-CPU hotplug threads of kernel/smpboot.c
 * that hotplug parks (not the self-parking ones): their loop parks
 * whenever asked. No other kthread says whether it will; kthread_park()
 * on one that does not would wait forever, so no other one is parked.
 *
 * Only a sleeping thread is taken, under its pi_lock, where it cannot
 * free its hotplug data; and only when its owner cannot go meanwhile
 * (vmlinux, or a module the patch patches, pinned until it is unparked):
 * a module's exit stops its threads, and a thread stopped while we wait
 * for it to park would never park.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/smpboot.h>

#include "shunt.h"
#include "transition.h"

/*
 * The module whose thread function fn is, pinned, or NULL for vmlinux;
 * an ERR_PTR when it may go meanwhile.
 */
static struct module *park_owner_get(struct shunt_trans *t, unsigned long fn)
{
	char sym[KSYM_SYMBOL_LEN];
	struct shunt_object *obj;

	shunt_for_each_object(t->patch, obj) {
		if (shunt_object_is_vmlinux(obj) || !obj->mod ||
		    !within_module(fn, obj->mod))
			continue;
		return try_module_get(obj->mod) ? obj->mod : ERR_PTR(-ENODEV);
	}
	sprint_symbol(sym, fn);
	return strchr(sym, '[') ? ERR_PTR(-EBUSY) : NULL;
}

/*
 * Under task's pi_lock, task blocked and pending, its stack holding code
 * it must leave: queue it in pb. NULL when queued, else why not.
 */
const char *shunt_park_consider(struct shunt_trans *t,
				struct task_struct *task,
				struct shunt_park_batch *pb)
{
	const struct smp_hotplug_thread *ht;
	struct module *owner;

	if (!(task->flags & PF_KTHREAD))
		return "not a kernel thread";
	if (task->flags & PF_EXITING)
		return "exiting";
	if (READ_ONCE(task->__state) == TASK_PARKED)
		return "parked already, and still blocks";
	ht = shunt_smpboot_thread(task);
	if (!ht)
		return "not a per-CPU hotplug thread, may never park";
	if (ht->selfparking)
		return "a self-parking hotplug thread";
	owner = park_owner_get(t, (unsigned long)ht->thread_fn);
	if (IS_ERR(owner))
		return PTR_ERR(owner) == -ENODEV ? "its module is going" :
		       "its module is not patched by this patch and could unload meanwhile";
	get_task_struct(task);
	pb->p[pb->nr].task = task;
	pb->p[pb->nr].owner = owner;
	pb->nr++;
	return NULL;
}

/*
 * Park each one, then unpark it, under shunt_mutex: the transition
 * cannot end meanwhile, and the threads need nothing of ours to get to
 * their park point (the redirection and our probes take no lock). CPU
 * hotplug, which parks the same threads, is held off meanwhile.
 */
void shunt_park_run(struct shunt_trans *t, struct shunt_park_batch *pb)
{
	struct shunt_park *p;
	size_t used;
	int i;

	lockdep_assert_held(&shunt_mutex);
	for (i = 0; i < pb->nr; i++) {
		p = &pb->p[i];
		cpus_read_lock();
		if (READ_ONCE(p->task->__state) != TASK_PARKED &&
		    !(p->task->flags & PF_EXITING) && !kthread_park(p->task)) {
			used = strlen(t->stats.parked);
			scnprintf(t->stats.parked + used,
				  sizeof(t->stats.parked) - used, "%d %s\n",
				  p->task->pid, p->task->comm);
			pr_info("'%s': parked kthread %d %s: %s\n",
				t->patch->mod->name, p->task->pid,
				p->task->comm,
				shunt_pertask_task_done(t, p->task) ?
				"switched" : "still in code it must leave");
			kthread_unpark(p->task);
		}
		cpus_read_unlock();
		module_put(p->owner);
		put_task_struct(p->task);
	}
	pb->nr = 0;
}
