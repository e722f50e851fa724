// SPDX-License-Identifier: GPL-2.0
/*
 * klp_state for shunt patches: the kernel's compatibility rule between a
 * new patch and those applied, and the answer to klp_get_prev_state()
 * while a shunt patch's callback runs (the kernel's own answer only
 * knows its own patches).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "shunt.h"

/*
 * The task running a shunt patch's callback, and that patch. Written
 * under shunt_mutex (callbacks.h); route.c reads shunt_callback_task
 * lock-free to tell that task's calls from everybody else's.
 */
struct task_struct *shunt_callback_task;
struct shunt_patch *shunt_callback_patch;

/* released and replaced patches no longer count */
static bool patch_has_states(const struct shunt_patch *patch)
{
	return patch->state != SHUNT_PATCH_RELEASING &&
	       patch->state != SHUNT_PATCH_REPLACED;
}

/*
 * klp_get_prev_state() for a shunt patch's callback: the state of that id
 * in the newest patch applied before it, as the kernel answers for its
 * transition patch. The callback runs under shunt_mutex.
 */
struct klp_state *shunt_get_prev_state(unsigned long id)
{
	struct shunt_patch *cur = READ_ONCE(shunt_callback_patch);
	struct klp_state *last = NULL, *st;
	struct shunt_patch *patch;

	lockdep_assert_held(&shunt_mutex);
	list_for_each_entry(patch, &shunt_patches, node) {
		if (patch == cur)
			break;
		if (!patch_has_states(patch))
			continue;
		st = klp_get_state(patch->desc, id);
		if (st)
			last = st;
	}
	return last;
}

/*
 * A cumulative patch must carry every state of the patches it replaces,
 * with a version at least as high; any patch must not bring an older
 * version of a state already there (the kernel's rule).
 */
int shunt_state_check_compatible(struct shunt_patch *patch, char *err,
				 size_t errlen)
{
	struct klp_state *old, *st;
	struct shunt_patch *p;

	lockdep_assert_held(&shunt_mutex);
	list_for_each_entry(p, &shunt_patches, node) {
		if (!patch_has_states(p))
			continue;
		shunt_for_each_klp_state(p->desc, old) {
			st = klp_get_state(patch->desc, old->id);
			if (!st && !patch->replace)
				continue;
			if (st && st->version >= old->version)
				continue;
			if (st)
				snprintf(err, errlen,
					 "not compatible with patch '%s': state id %lu has version %u there, %u here",
					 p->mod->name, old->id, old->version,
					 st->version);
			else
				snprintf(err, errlen,
					 "not compatible with patch '%s': a cumulative patch must carry its state id %lu",
					 p->mod->name, old->id);
			return -EINVAL;
		}
	}
	return 0;
}
