// SPDX-License-Identifier: GPL-2.0
/*
 * The release of a finished patch: once it is off every stack, its
 * module may go when no task can be inside its code any more. Until
 * then the release retries with backoff, naming the tasks in the
 * patch's 'blocked' file. A forced patch's module never goes; a
 * replaced patch with immediate functions keeps its module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "shunt.h"
#include "stackcheck.h"
#include "trace.h"

#define SHUNT_RELEASE_RETRY_MS		100
#define SHUNT_RELEASE_RETRY_MAX_MS	2000

static void patch_free_module(struct shunt_patch *patch)
{
	struct module *mod = patch->mod;

	/* outside shunt_mutex: removal waits for sysfs writers, who take it */
	shunt_sysfs_del_patch(patch);
	if (patch->forced) {
		pr_info("'%s': module kept: the patch was forced\n", mod->name);
	} else {
		pr_info("'%s': module released\n", mod->name);
		module_put(mod);
	}
	shunt_patch_free(patch);
	/* the workqueue is drained before our module can go */
	module_put(THIS_MODULE);
}

/*
 * Every stack is checked (helpers the new functions call are module code
 * too). A task preempted in an ftrace trampoline after our handler chose
 * the new function is caught as well: in a dynamic trampoline its stack
 * is unreliable (no ORC data), in ftrace_regs_caller the unwinder reads
 * the saved regs->ip, which is the new function.
 */
static void patch_release_work(struct work_struct *work)
{
	struct shunt_patch *patch = container_of(to_delayed_work(work),
						 struct shunt_patch,
						 release_work);
	struct module *mod = patch->mod;
	struct shunt_code_range text = {
		.start = (unsigned long)mod->mem[MOD_TEXT].base,
		.end = (unsigned long)mod->mem[MOD_TEXT].base +
		       mod->mem[MOD_TEXT].size,
	};
	struct shunt_stack_check_all sc = {
		.ranges = &text,
		.nr_ranges = 1,
		.blockers = { .buf = patch->blocked,
			      .len = sizeof(patch->blocked) },
	};
	unsigned long delay;
	int ret;

	mutex_lock(&shunt_mutex);
	ret = shunt_stack_check_all(&sc);
	trace_shunt_module_release(mod->name, ret);
	if (ret) {
		if (patch->release_tries++ == 10)
			pr_info("'%s': module still in use, release waits for: %s",
				mod->name, patch->blocked);
		mutex_unlock(&shunt_mutex);
		delay = min(SHUNT_RELEASE_RETRY_MS * patch->release_tries,
			    (unsigned long)SHUNT_RELEASE_RETRY_MAX_MS);
		queue_delayed_work(shunt_wq, &patch->release_work,
				   msecs_to_jiffies(delay));
		return;
	}
	list_del(&patch->node);
	mutex_unlock(&shunt_mutex);
	patch_free_module(patch);
}

void shunt_patch_release(struct shunt_patch *patch)
{
	lockdep_assert_held(&shunt_mutex);
	if (patch->keep_module) {
		patch->state = SHUNT_PATCH_REPLACED;
		return;
	}
	patch->state = SHUNT_PATCH_RELEASING;
	INIT_DELAYED_WORK(&patch->release_work, patch_release_work);
	queue_delayed_work(shunt_wq, &patch->release_work, 0);
}
