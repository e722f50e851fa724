// SPDX-License-Identifier: GPL-2.0
/*
 * The registry: shunt patches in apply order, enabling a claimed
 * module's patch, reverting it, the stacking rule, force, and what
 * happens when a transition ends. Building (build.c), atomic replace
 * (replace.c), symbols (symbols.c), klp_state (state.c), the module
 * release (release.c) and target modules (module.c) are its helpers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>

#include "callbacks.h"
#include "shunt.h"
#include "trace.h"
#include "transition.h"

/*
 * Concurrency contract
 *
 * shunt_mutex, like the kernel's klp_mutex, is held by every path that
 * changes the registry or the redirection:
 *   - shunt_enable_patch(), in the patch module's init (no module_mutex);
 *   - sysfs writes of enabled and force, and reads of stats, blocked and
 *     error (sysfs.c);
 *   - the module notifier (module.c), the release work (release.c), the
 *     per-task sweep and the transition's done work (pertask.c,
 *     transition.c).
 * It protects the shunt_patches list; every field of shunt_patch,
 * shunt_object and shunt_func not marked read-only or lock-free in
 * shunt.h; the redirection's ops list and the writers of its stacks
 * (redirect.c); shunt_trans and the transition's non-atomic fields; the
 * coming-modules list (module.c). Callbacks of patch modules run under
 * it. Functions that need it say so with lockdep_assert_held().
 *
 * Lock order: shunt_mutex -> shunt_claim_mutex (claim.c) ->
 * shunt_route_mutex (route.c);
 * shunt_mutex -> shunt_trans_lock (pertask.c, raw, interrupts off);
 * shunt_mutex -> task->pi_lock (the sweep). shunt_trans_lock and pi_lock
 * never nest. stop_machine() and synchronize_rcu*() are called with
 * shunt_mutex held; nothing they wait for takes it. Under shunt_mutex,
 * ftrace and kprobe updates take text_mutex, and so does the writing
 * and clearing of klp relocations (relocs.c: apply_relocate_add() with
 * text_poke(), at enable and in the module notifier): shunt_mutex ->
 * text_mutex; the kernel never takes shunt_mutex under it.
 *
 * A patch's sysfs directory is removed outside shunt_mutex: removal
 * waits for its attribute handlers, which take the mutex. Objects' and
 * functions' attributes never take it, so nops can go under it.
 *
 * Lock-free paths, each reading only what shunt.h marks lock-free, with
 * READ_ONCE(), and kept alive by RCU-sched (they run with preemption
 * off, and writers wait with synchronize_rcu() before freeing):
 *   - the redirection handlers (redirect.c): any context, NMI included;
 *     read a function's stack (RCU list), each entry's transition flag,
 *     and shunt_task_state();
 *   - shunt_task_state() and the tracepoint probes (pertask.c): read and
 *     cmpxchg() the per-task table of shunt_trans; forks and exits also
 *     take shunt_trans_lock;
 *   - the routing handlers (route.c): the claims list (RCU) and
 *     shunt_callback_task.
 *
 * Barriers:
 *   - patch_set_transition()'s smp_wmb() orders the publication of
 *     shunt_trans (and, clearing, the transition's end state) before
 *     the entries' transition flags; the handler's smp_rmb() pairs.
 *   - pertask.c's smp_wmb() orders the filled table before table_ready;
 *     shunt_task_state()'s smp_rmb() pairs.
 *   - the reversal's smp_wmb() orders the new target and pending count
 *     before paused is cleared; shunt_trans_switch()'s smp_rmb() pairs.
 *   - shunt_redirect_sync() waits for every handler that may still see
 *     a popped entry or a flag just changed, RCU watching or not.
 */
DEFINE_MUTEX(shunt_mutex);
LIST_HEAD(shunt_patches);
struct workqueue_struct *shunt_wq;
static unsigned int shunt_seq;

/* ---- redirection of an object's functions ---- */

/*
 * With transition set, the entries go on the stacks without anybody
 * using them yet; the caller clears the flags when tasks may switch.
 */
int shunt_object_patch(struct shunt_object *obj, bool transition,
		       char *err, size_t errlen)
{
	enum shunt_redirect how = obj->patch->opts.redirect;
	struct shunt_func *func;
	int ret;

	lockdep_assert_held(&shunt_mutex);
	shunt_for_each_func(obj, func) {
		func->transition = transition && !func->immediate;
		ret = shunt_redirect_push(func, how, err, errlen);
		if (ret)
			return ret;	/* the caller unpatches what got pushed */
	}
	/* one ftrace_ops for all of the object's new functions */
	ret = shunt_redirect_commit(err, errlen);
	if (ret)
		return ret;
	obj->patched = true;
	return 0;
}

void shunt_object_unpatch(struct shunt_object *obj)
{
	struct shunt_func *func;
	bool flagged = false;

	lockdep_assert_held(&shunt_mutex);
	shunt_for_each_func(obj, func) {
		flagged |= func->transition;
		shunt_redirect_pop(func);
	}
	/*
	 * A handler (or the trampoline's slow path) that found an entry
	 * just before its pop may still read its transition flag: cleared
	 * now, the call would go to the new function while every task is
	 * at the old one (most likely the new a over the old b that case 26
	 * saw near the end of a revert). They run with preemption off:
	 * clear the flags once none can run.
	 */
	if (flagged)
		synchronize_rcu();
	shunt_for_each_func(obj, func)
		func->transition = false;
	obj->patched = false;
}

/* Take the patch's entries off, then post_unpatch: nobody uses them. */
static void patch_unpatch(struct shunt_patch *patch)
{
	struct shunt_object *obj;

	shunt_for_each_object(patch, obj)
		shunt_object_unpatch(obj);
	shunt_redirect_sync();
	shunt_for_each_object(patch, obj)
		if (shunt_object_loaded(obj))
			shunt_post_unpatch_callback(obj);
}

/*
 * Resolve every loaded object before any callback runs, so that a wrong
 * symbol fails the apply with nothing called and nothing changed. A
 * module object's klp relocations are written here, as the kernel's
 * klp_init_object_loaded() does (the caller clears them on failure).
 */
static int patch_resolve(struct shunt_patch *patch, char *err, size_t errlen)
{
	struct shunt_object *obj;
	int ret;

	ret = shunt_relocs_prepare(patch, err, errlen);
	if (ret)
		return ret;
	shunt_for_each_object(patch, obj) {
		struct module *mod = NULL;

		if (!shunt_object_is_vmlinux(obj)) {
			mod = shunt_object_target(obj);
			if (!mod)
				continue;	/* patched when it loads */
		}
		ret = shunt_object_resolve(obj, mod, err, errlen);
		if (!ret)
			ret = shunt_object_write_relocs(obj, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

static void patch_clear_relocs(struct shunt_patch *patch)
{
	struct shunt_object *obj;

	shunt_for_each_object(patch, obj)
		shunt_object_clear_relocs(obj);
}

/*
 * pre_patch and redirection of each loaded object, in object order. The
 * entries go on in transition: no task uses them before it switches.
 */
static int patch_prepare(struct shunt_patch *patch, char *err, size_t errlen)
{
	struct shunt_object *obj;
	int ret;

	shunt_for_each_object(patch, obj) {
		if (!shunt_object_loaded(obj))
			continue;
		ret = shunt_pre_patch_callback(obj);
		if (ret) {
			snprintf(err, errlen,
				 "pre-patch callback failed for object '%s': %d",
				 obj->name, ret);
			return ret;
		}
		ret = shunt_object_patch(obj, true, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

static void patch_set_transition(struct shunt_patch *patch, bool on)
{
	struct shunt_object *obj;
	struct shunt_func *func;

	/* pairs with smp_rmb() in the handler */
	smp_wmb();
	shunt_for_each_object(patch, obj)
		shunt_for_each_func(obj, func)
			if (func->ops && !func->immediate) {
				WRITE_ONCE(func->transition, on);
				/* direct calls: the trampoline asks too */
				shunt_redirect_refresh(func);
			}
}

static void patch_post_patch(struct shunt_patch *patch)
{
	struct shunt_object *obj;

	shunt_for_each_object(patch, obj)
		if (shunt_object_loaded(obj))
			shunt_post_patch_callback(obj);
}

/* ---- the end of a transition ---- */

static void patch_set_stats(struct shunt_patch *patch,
			    const struct shunt_trans_stats *stats)
{
	u64 stop_ns = max(patch->stats.stop_ns, stats->stop_ns);

	patch->stats = *stats;
	patch->stats.stop_ns = stop_ns;		/* the longest stall so far */
}

/*
 * Every task got to target (transition.c hands over what it measured):
 * finish patching, or unpatching (also when a patching transition was
 * reversed).
 */
void shunt_patch_transition_done(struct shunt_patch *patch, int target,
				 enum shunt_trans_result result,
				 const struct shunt_trans_stats *stats)
{
	lockdep_assert_held(&shunt_mutex);
	patch_set_stats(patch, stats);
	if (target == SHUNT_PATCHED) {
		patch_set_transition(patch, false);
		shunt_redirect_sync();
		if (patch->replace)
			shunt_replace_older(patch);
		patch_post_patch(patch);
		patch->state = SHUNT_PATCH_APPLIED;
		pr_info("'%s': patching complete\n", patch->mod->name);
		if (patch->replace)
			shunt_replace_release_older(patch);
		return;
	}
	patch_unpatch(patch);
	pr_info("'%s': unpatching complete\n", patch->mod->name);
	shunt_patch_release(patch);
}

/* The revert could not start or stop-machine gave up: the patch stays. */
static void patch_revert_failed(struct shunt_patch *patch)
{
	struct shunt_trans_stats stats;

	/* nobody may look at the transition once it is freed */
	patch_set_transition(patch, false);
	shunt_redirect_sync();
	shunt_transition_cancel(&stats);
	/* the stop-machine tries; the last transition's stay */
	patch->stats.stop_ns = max(patch->stats.stop_ns, stats.stop_ns);
	patch->stats.stop_tries = stats.stop_tries;
	/* like a reversed unpatch: the patch is whole again */
	patch_post_patch(patch);
	patch->state = SHUNT_PATCH_APPLIED;
	patch->enabled = true;
}

/* ---- enable ---- */

/*
 * On a failure once the patch is in sysfs, *failed is the patch to take
 * out of sysfs and free after shunt_mutex is dropped (patch_fail_free()):
 * its attribute handlers take the mutex, and the removal waits for them.
 */
static int __shunt_enable_patch(struct klp_patch *kpatch,
				const struct shunt_options *opts,
				char *err, size_t errlen,
				struct shunt_patch **failed)
{
	struct shunt_patch *patch;
	int ret;

	lockdep_assert_held(&shunt_mutex);
	patch = shunt_patch_build(kpatch, opts, err, errlen, &ret);
	if (!patch)
		return ret;
	ret = patch_resolve(patch, err, errlen);
	if (!ret)
		ret = shunt_state_check_compatible(patch, err, errlen);
	if (!ret && patch->replace)
		ret = shunt_replace_add_nops(patch, err, errlen);
	if (ret)
		goto out_free;
	ret = shunt_transition_prepare(patch, SHUNT_PATCHED);
	if (ret) {
		snprintf(err, errlen,
			 "another patch is in transition; try again when it is done");
		goto out_free;
	}
	if (!try_module_get(patch->mod)) {
		snprintf(err, errlen, "patch module is going away");
		ret = -ENODEV;
		goto out_cancel;
	}
	patch->seq = ++shunt_seq;
	patch->state = SHUNT_PATCH_APPLYING;
	patch->enabled = true;
	ret = shunt_sysfs_add_patch(patch);
	if (ret) {
		snprintf(err, errlen, "cannot create its sysfs directory: %d",
			 ret);
		goto out_sysfs;
	}

	pr_info("'%s': enabling patch (consistency %s, redirect %s)\n",
		patch->mod->name, shunt_consistency_name(opts->consistency),
		shunt_redirect_name(opts->redirect));
	trace_shunt_patch_enable(patch->mod->name,
				 shunt_consistency_name(opts->consistency),
				 shunt_redirect_name(opts->redirect));

	ret = patch_prepare(patch, err, errlen);
	if (ret)
		goto out_unpatch;
	list_add_tail(&patch->node, &shunt_patches);
	ret = shunt_transition_start(err, errlen);
	if (ret) {
		list_del(&patch->node);
		goto out_unpatch;
	}
	__module_get(THIS_MODULE);
	return 0;

out_unpatch:
	patch_unpatch(patch);
out_sysfs:
	/* what its attribute handlers see until it is out of sysfs */
	patch->state = SHUNT_PATCH_RELEASING;
	patch->enabled = false;
	shunt_transition_cancel(NULL);
	patch_clear_relocs(patch);
	*failed = patch;
	return ret;
out_cancel:
	shunt_transition_cancel(NULL);
out_free:
	patch_clear_relocs(patch);
	shunt_patch_free(patch);
	return ret;
}

/* the rest of a failed enable, without shunt_mutex: see above */
static void patch_fail_free(struct shunt_patch *patch)
{
	shunt_sysfs_del_patch(patch);
	module_put(patch->mod);
	shunt_patch_free(patch);
}

/*
 * A claimed module's klp_enable_patch() lands here (route.c), in the
 * module's init, with a reference on shunt.ko that we drop on return.
 * Failing makes the module load fail, as it would with the kernel's
 * livepatch; the reason is kept in the claim for the loader.
 * Like klp_enable_patch(), returns once the transition has started.
 */
int shunt_enable_patch(struct klp_patch *kpatch)
{
	struct shunt_patch *failed = NULL;
	struct shunt_options opts;
	char err[256] = "";
	const char *name;
	int ret;

	if (!kpatch || !kpatch->mod || !kpatch->objs) {
		module_put(THIS_MODULE);
		return -EINVAL;
	}
	name = kpatch->mod->name;

	if (shunt_claim_options(name, &opts)) {
		snprintf(err, sizeof(err), "patch module is not claimed");
		ret = -EINVAL;
	} else if (!kpatch->mod->klp) {
		snprintf(err, sizeof(err),
			 "not a livepatch module (no MODULE_INFO(livepatch, \"Y\"))");
		ret = -EINVAL;
	} else if (shunt_route_get()) {
		/* the patch holds the hooks for its callbacks until it goes */
		snprintf(err, sizeof(err),
			 "cannot hook klp_get_prev_state() for its callbacks");
		ret = -EBUSY;
	} else {
		mutex_lock(&shunt_mutex);
		ret = __shunt_enable_patch(kpatch, &opts, err, sizeof(err),
					   &failed);
		mutex_unlock(&shunt_mutex);
		if (failed)
			patch_fail_free(failed);
		if (ret)
			shunt_route_put();
	}

	if (ret)
		pr_err("'%s': %s (%d)\n", name, err, ret);
	shunt_claim_set_result(name, ret, err);
	trace_shunt_patch_enabled(name, ret);
	/* taken by the routing handler; shunt_exit() waits for our tail */
	module_put(THIS_MODULE);
	return ret;
}

/* ---- revert ---- */

static int patch_revert(struct shunt_patch *patch)
{
	char err[256] = "";
	struct shunt_object *obj;
	int ret;

	ret = shunt_transition_prepare(patch, SHUNT_UNPATCHED);
	if (ret)
		return ret;
	pr_info("'%s': reverting patch\n", patch->mod->name);
	trace_shunt_patch_revert(patch->mod->name,
				 shunt_consistency_name(patch->opts.consistency),
				 shunt_redirect_name(patch->opts.redirect));
	patch->state = SHUNT_PATCH_REVERTING;
	patch->enabled = false;
	shunt_for_each_object(patch, obj)
		if (obj->patched)
			shunt_pre_unpatch_callback(obj);
	patch_set_transition(patch, true);
	ret = shunt_transition_start(err, sizeof(err));
	if (ret) {
		pr_err("'%s': revert failed: %s (%d)\n", patch->mod->name, err,
		       ret);
		patch_revert_failed(patch);
	}
	return ret;
}

/*
 * Stacking rule, safer than the kernel's (which lets any patch go): a
 * patch may be reverted unless a patch applied after it redirects one of
 * the same functions. That later patch may have been written against
 * this one's version of the function; taking this one from under it
 * would leave it on top of code it never expected. Unrelated patches go
 * in any order.
 */
static const char *patch_shared_func(struct shunt_patch *a,
				     struct shunt_patch *b)
{
	struct shunt_object *aobj, *bobj;
	struct shunt_func *afunc, *bfunc;

	shunt_for_each_object(a, aobj) {
		shunt_for_each_func(aobj, afunc) {
			if (!afunc->ops)
				continue;
			shunt_for_each_object(b, bobj) {
				shunt_for_each_func(bobj, bfunc) {
					if (bfunc->ops == afunc->ops)
						return afunc->desc->old_name;
				}
			}
		}
	}
	return NULL;
}

static struct shunt_patch *patch_later_sharer(struct shunt_patch *patch,
					      const char **fname)
{
	struct shunt_patch *later;

	list_for_each_entry(later, &shunt_patches, node) {
		if (later->seq <= patch->seq || !later->enabled)
			continue;
		*fname = patch_shared_func(patch, later);
		if (*fname)
			return later;
	}
	return NULL;
}

/*
 * The enabled file. 0 reverts an applied patch; during a transition,
 * writing the opposite of the current target reverses it. A reverted
 * or replaced patch cannot be enabled again.
 */
int shunt_set_enabled(struct shunt_patch *patch, bool enabled)
{
	struct shunt_patch *later;
	const char *fname;
	int ret;

	lockdep_assert_held(&shunt_mutex);
	if (patch->state == SHUNT_PATCH_REPLACED) {
		snprintf(patch->error, sizeof(patch->error),
			 "replaced by '%s'; a replaced patch cannot be enabled again",
			 patch->replaced_by);
		pr_err("'%s': %s\n", patch->mod->name, patch->error);
		return -EINVAL;
	}
	if (patch->enabled == enabled)
		return -EINVAL;
	if (!enabled && patch->state == SHUNT_PATCH_APPLIED) {
		later = patch_later_sharer(patch, &fname);
		if (later) {
			snprintf(patch->error, sizeof(patch->error),
				 "patch '%s', applied later, also redirects %s: revert it first",
				 later->mod->name, fname);
			pr_err("'%s': %s\n", patch->mod->name, patch->error);
			return -EBUSY;
		}
	}
	if (shunt_transition_running(patch)) {
		ret = shunt_transition_reverse();
		if (ret)
			return ret;
		patch->enabled = enabled;
		patch->state = enabled ? SHUNT_PATCH_APPLYING :
					 SHUNT_PATCH_REVERTING;
		return 0;
	}
	if (enabled || patch->state != SHUNT_PATCH_APPLIED)
		return -EINVAL;
	return patch_revert(patch);
}

/* The force file: only while this patch is in transition. */
int shunt_force_patch(struct shunt_patch *patch)
{
	int ret;

	lockdep_assert_held(&shunt_mutex);
	if (!shunt_transition_running(patch))
		return -EINVAL;
	ret = shunt_transition_force();
	if (!ret)
		patch->forced = true;	/* its module can never go */
	return ret;
}

/*
 * The patch module goes while its patch is still here. Its reference
 * keeps it otherwise, so its init failed after klp_enable_patch()
 * succeeded, and its code is freed once the GOING notification is done.
 * No transition can wait for that: the patch comes off every stack at
 * once, with the callbacks a reversal (in transition) or a revert
 * (applied) would get, and leaves the list. The caller waits until no
 * task runs the module's code, then frees the patch outside shunt_mutex.
 */
void shunt_patch_abort(struct shunt_patch *patch)
{
	bool applied = patch->state == SHUNT_PATCH_APPLIED;
	struct shunt_object *obj;

	lockdep_assert_held(&shunt_mutex);
	pr_warn("'%s': the module's init failed after klp_enable_patch(); taking its patch down at once (%s)\n",
		patch->mod->name, shunt_patch_state_name(patch->state));
	if (applied)
		shunt_for_each_object(patch, obj)
			if (obj->patched)
				shunt_pre_unpatch_callback(obj);
	/* off the stacks first: nobody enters the new code past the sync */
	patch_unpatch(patch);
	if (shunt_transition_running(patch))
		shunt_transition_cancel(NULL);
	patch->enabled = false;
	patch->state = SHUNT_PATCH_RELEASING;
	list_del(&patch->node);
	shunt_claim_set_result(patch->mod->name, -ECANCELED,
			       "the module's init failed after klp_enable_patch(); its patch was taken down");
}

int shunt_core_init(void)
{
	int ret;

	shunt_wq = alloc_workqueue("shunt", WQ_UNBOUND, 0);
	if (!shunt_wq)
		return -ENOMEM;
	ret = shunt_compat_init();
	if (ret)
		goto err_wq;
	ret = shunt_transition_init();
	if (ret)
		goto err_compat;
	ret = shunt_module_init();
	if (ret)
		goto err_compat;
	return 0;

err_compat:
	shunt_compat_exit();
err_wq:
	destroy_workqueue(shunt_wq);
	return ret;
}

void shunt_core_exit(void)
{
	shunt_module_exit();
	/* no patch is left (each pins us); drain the last release work */
	destroy_workqueue(shunt_wq);
	shunt_compat_exit();
}
