// SPDX-License-Identifier: GPL-2.0
/*
 * The release of a finished patch: once it is off every stack, its
 * module may go when no task can be inside its code any more. Until
 * then the release retries with backoff, naming the tasks in the
 * patch's 'blocked' file. A forced patch's module never goes; a
 * replaced patch with immediate functions keeps its module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>

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
	shunt_route_put();
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
/*
 * Blocked tasks are checked one by one, without stalling any CPU; only
 * when some task may be running (its stack cannot be read while it
 * runs) does a stop_machine() check have the last word.
 */
static int patch_module_in_use(struct shunt_patch *patch, char *blocked,
			       size_t len)
{
	struct module *mod = patch->mod;
	struct shunt_code_range text;
	struct shunt_stack_check_all sc = {
		.ranges = &text,
		.nr_ranges = 1,
		.blockers = { .buf = blocked, .len = len },
	};
	unsigned int running;
	int ret;

	shunt_module_text(mod, &text.start, &text.end);
	ret = shunt_stack_check_blocked(&text, 1, &sc.blockers, &running);
	if (!ret && running)
		ret = shunt_stack_check_all(&sc);
	trace_shunt_module_release(mod->name, ret);
	return ret;
}

static unsigned long release_delay_ms(unsigned int tries)
{
	return min(SHUNT_RELEASE_RETRY_MS * tries,
		   (unsigned long)SHUNT_RELEASE_RETRY_MAX_MS);
}

static void patch_release_work(struct work_struct *work)
{
	struct shunt_patch *patch = container_of(to_delayed_work(work),
						 struct shunt_patch,
						 release_work);

	mutex_lock(&shunt_mutex);
	if (patch_module_in_use(patch, patch->blocked, sizeof(patch->blocked))) {
		if (patch->release_tries++ == 10)
			pr_info("'%s': module still in use, release waits for: %s",
				patch->mod->name, patch->blocked);
		mutex_unlock(&shunt_mutex);
		queue_delayed_work(shunt_wq, &patch->release_work,
				   msecs_to_jiffies(release_delay_ms(patch->release_tries)));
		return;
	}
	list_del(&patch->node);
	mutex_unlock(&shunt_mutex);
	patch_free_module(patch);
}

/*
 * The patch module is going whatever we do (shunt_patch_abort()): wait
 * here, in its GOING notification, until no task runs its code, then
 * free the patch. Called without shunt_mutex; the patch is on no list.
 */
void shunt_patch_release_going(struct shunt_patch *patch)
{
	char blocked[SHUNT_BLOCKED_LEN];
	unsigned int tries = 0;

	while (patch_module_in_use(patch, blocked, sizeof(blocked))) {
		if (tries++ % 10 == 0)
			pr_warn("'%s': the module goes once these tasks leave its code: %s",
				patch->mod->name, blocked);
		msleep(release_delay_ms(tries));
	}
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
