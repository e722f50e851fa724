// SPDX-License-Identifier: GPL-2.0
/*
 * Target modules coming and going: a module object of an enabled patch
 * is resolved, gets its klp relocations written (relocs.c) and is
 * patched when its module comes (before its init runs), and is
 * unpatched and its relocations cleared when it goes, as the kernel's
 * klp_module_coming() and klp_module_going() do. A patch module that
 * goes (its init failed) takes its patch with it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>

#include "callbacks.h"
#include "shunt.h"
#include "transition.h"

/*
 * Modules whose COMING notification we have seen and which are not live
 * yet. A coming module we have not seen is left to our notifier, so that
 * whatever we patch in it we also get to unpatch (our GOING notification
 * only comes if our COMING one did): the kernel's klp_alive. Under
 * shunt_mutex.
 */
struct shunt_coming {
	struct module *mod;
	struct list_head node;
};

static LIST_HEAD(shunt_coming_modules);

static bool coming_seen(struct module *mod)
{
	struct shunt_coming *c;

	list_for_each_entry(c, &shunt_coming_modules, node)
		if (c->mod == mod)
			return true;
	return false;
}

static void coming_forget(struct module *mod)
{
	struct shunt_coming *c, *tmp;

	list_for_each_entry_safe(c, tmp, &shunt_coming_modules, node) {
		if (c->mod == mod) {
			list_del(&c->node);
			kfree(c);
		}
	}
}

/* The target module of obj if it is loaded and ours to patch now. */
struct module *shunt_object_target(struct shunt_object *obj)
{
	struct module *mod;

	lockdep_assert_held(&shunt_mutex);
	mod = shunt_find_module(obj->desc->name);
	if (mod && mod->state == MODULE_STATE_COMING && !coming_seen(mod))
		return NULL;
	return mod;
}

/*
 * Unpatch obj because its module goes away. Like the kernel's livepatch,
 * a patch in transition gets no pre_unpatch for it: its post_patch has
 * not run either.
 */
static void object_going(struct shunt_object *obj)
{
	if (obj->patched) {
		if (!shunt_transition_running(obj->patch))
			shunt_pre_unpatch_callback(obj);
		shunt_object_unpatch(obj);
		/* entries may be pushed again if the module comes back */
		shunt_redirect_sync();
		shunt_post_unpatch_callback(obj);
	}
	/* also of a patch no longer applied: the target may come back */
	shunt_object_clear_relocs(obj);
	shunt_object_forget_target(obj);
}

static int object_coming(struct shunt_object *obj, struct module *mod)
{
	bool in_transition = shunt_transition_running(obj->patch);
	char err[256] = "";
	int ret;

	ret = shunt_object_resolve(obj, mod, err, sizeof(err));
	if (!ret)
		ret = shunt_object_write_relocs(obj, err, sizeof(err));
	if (!ret) {
		ret = shunt_pre_patch_callback(obj);
		if (ret)
			snprintf(err, sizeof(err),
				 "pre-patch callback failed for object '%s': %d",
				 obj->name, ret);
	}
	if (!ret) {
		ret = shunt_object_patch(obj, in_transition, err, sizeof(err));
		if (ret) {
			shunt_object_unpatch(obj);
			shunt_redirect_sync();
			shunt_post_unpatch_callback(obj);
		}
	}
	if (ret) {
		pr_err("'%s': %s (%d); refusing to load module '%s'\n",
		       obj->patch->mod->name, err, ret, mod->name);
		shunt_object_clear_relocs(obj);
		shunt_object_forget_target(obj);
		return ret;
	}
	/* in transition: post_patch comes when it completes */
	if (in_transition)
		shunt_transition_add_object(obj);
	else
		shunt_post_patch_callback(obj);
	return 0;
}

/* Unpatch mod's objects in the patches before 'last' (NULL: all). */
static void module_unpatch_until(struct module *mod, struct shunt_patch *last)
{
	struct shunt_object *obj;
	struct shunt_patch *patch;

	list_for_each_entry(patch, &shunt_patches, node) {
		if (patch == last)
			break;
		shunt_for_each_object(patch, obj)
			if (obj->desc->name && !strcmp(obj->name, mod->name))
				object_going(obj);
	}
}

static int module_coming(struct module *mod)
{
	struct shunt_coming *coming;
	struct shunt_object *obj;
	struct shunt_patch *patch;
	int ret;

	coming = kzalloc(sizeof(*coming), GFP_KERNEL);
	if (!coming)
		return -ENOMEM;
	coming->mod = mod;

	mutex_lock(&shunt_mutex);
	list_add(&coming->node, &shunt_coming_modules);
	list_for_each_entry(patch, &shunt_patches, node) {
		/*
		 * As under the kernel's livepatch, a patch being reverted
		 * patches the module too, in transition: a reversal of the
		 * revert must leave it patched like the rest.
		 */
		if (!patch->enabled && !shunt_transition_running(patch))
			continue;
		shunt_for_each_object(patch, obj) {
			if (!obj->desc->name || strcmp(obj->name, mod->name) ||
			    obj->patched)
				continue;
			ret = object_coming(obj, mod);
			if (ret) {
				module_unpatch_until(mod, patch);
				coming_forget(mod);
				mutex_unlock(&shunt_mutex);
				return ret;
			}
		}
	}
	mutex_unlock(&shunt_mutex);
	return 0;
}

static struct shunt_patch *patch_of_module(struct module *mod)
{
	struct shunt_patch *patch;

	list_for_each_entry(patch, &shunt_patches, node)
		if (patch->mod == mod)
			return patch;
	return NULL;
}

static void module_going(struct module *mod)
{
	struct shunt_patch *aborted;

	mutex_lock(&shunt_mutex);
	coming_forget(mod);
	module_unpatch_until(mod, NULL);
	aborted = patch_of_module(mod);
	if (aborted)
		shunt_patch_abort(aborted);
	mutex_unlock(&shunt_mutex);
	if (aborted)
		shunt_patch_release_going(aborted);
}

static int module_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct module *mod = data;

	switch (action) {
	case MODULE_STATE_COMING:
		return notifier_from_errno(module_coming(mod));
	case MODULE_STATE_LIVE:
		mutex_lock(&shunt_mutex);
		coming_forget(mod);
		mutex_unlock(&shunt_mutex);
		break;
	case MODULE_STATE_GOING:
		module_going(mod);
		break;
	}
	return NOTIFY_OK;
}

/*
 * Last among the COMING notifiers: once ours has run, a failing load
 * still tells us GOING.
 */
static struct notifier_block shunt_module_nb = {
	.notifier_call = module_notify,
	.priority = INT_MIN,
};

int shunt_module_init(void)
{
	return register_module_notifier(&shunt_module_nb);
}

void shunt_module_exit(void)
{
	unregister_module_notifier(&shunt_module_nb);
}
