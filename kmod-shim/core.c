// SPDX-License-Identifier: GPL-2.0
/*
 * The registry: shunt patches in apply order, their objects and
 * functions, callbacks, target modules coming and going, and the release
 * of a reverted patch's module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>

#include "shunt.h"
#include "shunt_abi.h"
#include "trace.h"
#include "transition.h"

DEFINE_MUTEX(shunt_mutex);
LIST_HEAD(shunt_patches);
struct workqueue_struct *shunt_wq;
static unsigned int shunt_seq;

/*
 * Modules whose COMING notification we have seen and which are not live
 * yet. A coming module we have not seen is left to our notifier, so that
 * whatever we patch in it we also get to unpatch (our GOING notification
 * only comes if our COMING one did): the kernel's klp_alive.
 */
struct shunt_coming {
	struct module *mod;
	struct list_head node;
};

static LIST_HEAD(shunt_coming_modules);

const char *shunt_redirect_name(enum shunt_redirect r)
{
	return r == SHUNT_REDIRECT_KPROBE_ID ? SHUNT_REDIRECT_KPROBE :
					       SHUNT_REDIRECT_FTRACE;
}

const char *shunt_consistency_name(enum shunt_consistency c)
{
	switch (c) {
	case SHUNT_CONSISTENCY_PER_TASK_ID:
		return SHUNT_CONSISTENCY_PER_TASK;
	case SHUNT_CONSISTENCY_STOP_MACHINE_ID:
		return SHUNT_CONSISTENCY_STOP_MACHINE;
	default:
		return SHUNT_CONSISTENCY_IMMEDIATE;
	}
}

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
static struct module *object_target(struct shunt_object *obj)
{
	struct module *mod = shunt_find_module(obj->desc->name);

	if (mod && mod->state == MODULE_STATE_COMING && !coming_seen(mod))
		return NULL;
	return mod;
}

/* ---- building the shim's view of a klp_patch ---- */

static void patch_free(struct shunt_patch *patch)
{
	struct shunt_object *obj, *tobj;
	struct shunt_func *func, *tfunc;

	list_for_each_entry_safe(obj, tobj, &patch->objs, node) {
		list_for_each_entry_safe(func, tfunc, &obj->funcs, node) {
			list_del(&func->node);
			kobject_put(&func->kobj);
		}
		list_del(&obj->node);
		kobject_put(&obj->kobj);
	}
	kobject_put(&patch->kobj);
}

static bool patch_func_immediate(struct shunt_patch *patch, const char *name)
{
	const char *list = patch->opts.immediate_funcs;
	const char *p = list;
	size_t n = strlen(name);

	if (patch->opts.consistency == SHUNT_CONSISTENCY_IMMEDIATE_ID)
		return true;
	while ((p = strstr(p, name)) != NULL) {
		if (p > list && p[-1] == ',' && p[n] == ',')
			return true;
		p += n;
	}
	return false;
}

static int patch_add_object(struct shunt_patch *patch,
			    const struct klp_object *kobj, char *err,
			    size_t errlen)
{
	const char *name = kobj->name ? kobj->name : "vmlinux";
	const struct klp_func *kfunc;
	struct shunt_object *obj, *o;
	struct shunt_func *func, *f;

	if (!kobj->funcs) {
		snprintf(err, errlen, "object '%s' has no functions", name);
		return -EINVAL;
	}
	if (strlen(name) >= MODULE_NAME_LEN) {
		snprintf(err, errlen, "object name '%s' is too long", name);
		return -EINVAL;
	}
	shunt_for_each_object(patch, o) {
		if (!strcmp(o->name, name)) {
			snprintf(err, errlen, "object '%s' appears twice", name);
			return -EINVAL;
		}
	}
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->desc = kobj;
	obj->name = name;
	obj->patch = patch;
	INIT_LIST_HEAD(&obj->funcs);
	shunt_sysfs_init_object(obj);
	list_add_tail(&obj->node, &patch->objs);

	klp_for_each_func_static(kobj, kfunc) {
		if (!kfunc->old_name || !kfunc->new_func) {
			snprintf(err, errlen,
				 "object '%s': function '%s' has no %s", name,
				 kfunc->old_name ?: "?",
				 kfunc->old_name ? "new_func" : "old_name");
			return -EINVAL;
		}
		if (strlen(kfunc->old_name) >= KSYM_NAME_LEN) {
			snprintf(err, errlen, "object '%s': function name too long",
				 name);
			return -EINVAL;
		}
		shunt_for_each_func(obj, f) {
			if (!strcmp(f->desc->old_name, kfunc->old_name) &&
			    f->desc->old_sympos == kfunc->old_sympos) {
				snprintf(err, errlen,
					 "object '%s': function '%s' appears twice",
					 name, kfunc->old_name);
				return -EINVAL;
			}
		}
		func = kzalloc(sizeof(*func), GFP_KERNEL);
		if (!func)
			return -ENOMEM;
		func->desc = kfunc;
		func->obj = obj;
		func->sympos = kfunc->old_sympos ? kfunc->old_sympos : 1;
		func->immediate = patch_func_immediate(patch, kfunc->old_name);
		shunt_sysfs_init_func(func);
		list_add_tail(&func->node, &obj->funcs);
	}
	return 0;
}

static struct shunt_patch *patch_build(struct klp_patch *kpatch,
				       const struct shunt_options *opts,
				       char *err, size_t errlen, int *ret)
{
	const struct klp_object *kobj;
	struct shunt_patch *patch;

	patch = kzalloc(sizeof(*patch), GFP_KERNEL);
	if (!patch) {
		*ret = -ENOMEM;
		return NULL;
	}
	patch->desc = kpatch;
	patch->mod = kpatch->mod;
	patch->opts = *opts;
	patch->replace = opts->replace >= 0 ? opts->replace : kpatch->replace;
	INIT_LIST_HEAD(&patch->objs);
	shunt_sysfs_init_patch(patch);

	*ret = 0;
	klp_for_each_object_static(kpatch, kobj) {
		*ret = patch_add_object(patch, kobj, err, errlen);
		if (*ret)
			break;
	}
	if (!*ret && list_empty(&patch->objs)) {
		snprintf(err, errlen, "patch has no objects");
		*ret = -EINVAL;
	}
	if (*ret) {
		patch_free(patch);
		return NULL;
	}
	return patch;
}

/* ---- atomic replace: nops ---- */

static struct shunt_object *patch_find_object(struct shunt_patch *patch,
					      const char *name)
{
	struct shunt_object *obj;

	shunt_for_each_object(patch, obj)
		if (!strcmp(obj->name, name))
			return obj;
	return NULL;
}

static bool object_has_func(struct shunt_object *obj, const char *name,
			    unsigned long sympos)
{
	struct shunt_func *func;

	shunt_for_each_func(obj, func)
		if (!strcmp(func->desc->old_name, name) && func->sympos == sympos)
			return true;
	return false;
}

static struct shunt_object *patch_add_dynamic_object(struct shunt_patch *patch,
						     struct shunt_object *old)
{
	struct shunt_object *obj;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return NULL;
	obj->dyn_desc.name = old->desc->name;
	obj->desc = &obj->dyn_desc;
	obj->dynamic = true;
	obj->name = old->name;
	obj->patch = patch;
	obj->mod = old->mod;
	INIT_LIST_HEAD(&obj->funcs);
	shunt_sysfs_init_object(obj);
	list_add_tail(&obj->node, &patch->objs);
	return obj;
}

/*
 * A nop for a function an older patch redirects and the replacing patch
 * does not: once switched, a task runs the original again. Seed 003: a
 * nop standing over an immediate entry is immediate too (the code in use
 * there was never checked, so checking it now would promise too much);
 * the top entry decides, as that is the code tasks run now.
 */
static int object_add_nop(struct shunt_object *obj, struct shunt_func *old)
{
	struct shunt_func *nop, *top;

	nop = kzalloc(sizeof(*nop), GFP_KERNEL);
	if (!nop)
		return -ENOMEM;
	nop->nop_desc.old_name = old->desc->old_name;
	nop->nop_desc.old_sympos = old->desc->old_sympos;
	nop->desc = &nop->nop_desc;
	nop->nop = true;
	nop->obj = obj;
	nop->sympos = old->sympos;
	nop->old_addr = old->old_addr;
	nop->old_size = old->old_size;
	top = shunt_redirect_top(old);
	nop->immediate = top->immediate;
	shunt_sysfs_init_func(nop);
	list_add_tail(&nop->node, &obj->funcs);
	return 0;
}

static int patch_add_nops(struct shunt_patch *patch, char *err, size_t errlen)
{
	struct shunt_object *obj, *oobj;
	struct shunt_func *ofunc;
	struct shunt_patch *old;

	list_for_each_entry(old, &shunt_patches, node) {
		if (old->state != SHUNT_PATCH_APPLIED)
			continue;
		shunt_for_each_object(old, oobj) {
			if (!oobj->patched)
				continue;
			obj = patch_find_object(patch, oobj->name);
			if (!obj)
				obj = patch_add_dynamic_object(patch, oobj);
			if (!obj)
				goto nomem;
			shunt_for_each_func(oobj, ofunc) {
				if (!ofunc->ops ||
				    object_has_func(obj, ofunc->desc->old_name,
						    ofunc->sympos))
					continue;
				if (object_add_nop(obj, ofunc))
					goto nomem;
			}
		}
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory for no-op functions");
	return -ENOMEM;
}

/* After a replace: the nops have nothing left to stand over. */
static void patch_discard_nops(struct shunt_patch *patch)
{
	struct shunt_object *obj, *tobj;
	struct shunt_func *func, *tfunc;

	shunt_for_each_object(patch, obj)
		shunt_for_each_func(obj, func)
			if (func->nop)
				shunt_redirect_pop(func);
	shunt_redirect_sync();
	list_for_each_entry_safe(obj, tobj, &patch->objs, node) {
		list_for_each_entry_safe(func, tfunc, &obj->funcs, node) {
			if (!func->nop)
				continue;
			list_del(&func->node);
			if (func->kobj.state_in_sysfs)
				kobject_del(&func->kobj);
			kobject_put(&func->kobj);
		}
		if (obj->dynamic) {
			obj->patched = false;
			list_del(&obj->node);
			if (obj->kobj.state_in_sysfs)
				kobject_del(&obj->kobj);
			kobject_put(&obj->kobj);
		}
	}
}

static bool patch_has_immediate(struct shunt_patch *patch)
{
	struct shunt_object *obj;
	struct shunt_func *func;

	shunt_for_each_object(patch, obj)
		shunt_for_each_func(obj, func)
			if (func->immediate && !func->nop)
				return true;
	return false;
}

/* ---- symbols ---- */

static int object_resolve(struct shunt_object *obj, struct module *mod,
			  char *err, size_t errlen)
{
	const char *patch_name = obj->patch->mod->name;
	struct shunt_func *func;
	unsigned long addr;
	int ret;

	shunt_for_each_func(obj, func) {
		const char *name = func->desc->old_name;
		unsigned long pos = func->desc->old_sympos;

		if (mod)
			ret = shunt_module_symbol(mod, name, pos, &addr, err,
						  errlen);
		else
			ret = shunt_claim_lookup_sym(patch_name, name, pos,
						     &addr, err, errlen);
		if (ret)
			return ret;
		if (shunt_verify_symbol(addr, name, mod ? mod->name : NULL,
					&func->old_size)) {
			snprintf(err, errlen,
				 "symbol '%s' in %s: the address given for it is not the start of that function",
				 name, obj->name);
			return -EINVAL;
		}
		func->old_addr = addr;
		if (shunt_symbol_size((unsigned long)func->desc->new_func,
				      &func->new_size)) {
			snprintf(err, errlen,
				 "function '%s': its replacement %ps has no symbol size",
				 name, func->desc->new_func);
			return -EINVAL;
		}
	}
	obj->mod = mod;
	return 0;
}

static void object_forget_target(struct shunt_object *obj)
{
	struct shunt_func *func;

	shunt_for_each_func(obj, func)
		func->old_addr = 0;
	obj->mod = NULL;
}

/* ---- callbacks ---- */

/*
 * Callbacks get a copy of the klp_object with ->mod set, as the kernel's
 * livepatch would have it (samples print obj->mod->name); the patch
 * module's own structures stay untouched.
 */
static struct klp_object *object_for_callback(struct shunt_object *obj)
{
	obj->cb_obj = *obj->desc;
	obj->cb_obj.mod = obj->mod;
	return &obj->cb_obj;
}

struct task_struct *shunt_callback_task;
struct shunt_patch *shunt_callback_patch;

/*
 * Callbacks run with shunt_callback_task set, so that their calls of
 * klp_get_prev_state() come to shunt_get_prev_state() (route.c).
 */
static struct klp_object *callback_enter(struct shunt_object *obj)
{
	WRITE_ONCE(shunt_callback_patch, obj->patch);
	WRITE_ONCE(shunt_callback_task, current);
	return object_for_callback(obj);
}

static void callback_exit(void)
{
	WRITE_ONCE(shunt_callback_task, NULL);
}

static int object_pre_patch(struct shunt_object *obj)
{
	int ret = 0;

	if (obj->desc->callbacks.pre_patch) {
		ret = obj->desc->callbacks.pre_patch(callback_enter(obj));
		callback_exit();
	}
	obj->pre_patch_done = !ret;
	return ret;
}

static void object_post_patch(struct shunt_object *obj)
{
	if (obj->desc->callbacks.post_patch) {
		obj->desc->callbacks.post_patch(callback_enter(obj));
		callback_exit();
	}
}

static void object_pre_unpatch(struct shunt_object *obj)
{
	if (obj->desc->callbacks.pre_unpatch) {
		obj->desc->callbacks.pre_unpatch(callback_enter(obj));
		callback_exit();
	}
}

/* only for objects whose pre_patch ran and succeeded */
static void object_post_unpatch(struct shunt_object *obj)
{
	if (obj->pre_patch_done && obj->desc->callbacks.post_unpatch) {
		obj->desc->callbacks.post_unpatch(callback_enter(obj));
		callback_exit();
	}
	obj->pre_patch_done = false;
}

/*
 * klp_get_prev_state() for a shunt patch's callback: the state of that id
 * in the newest patch applied before it, as the kernel answers for its
 * transition patch.
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
		if (patch->state == SHUNT_PATCH_RELEASING ||
		    patch->state == SHUNT_PATCH_REPLACED)
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
static int patch_check_states(struct shunt_patch *patch, char *err,
			      size_t errlen)
{
	struct klp_state *old, *st;
	struct shunt_patch *p;

	list_for_each_entry(p, &shunt_patches, node) {
		if (p->state == SHUNT_PATCH_RELEASING ||
		    p->state == SHUNT_PATCH_REPLACED)
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

/* ---- redirection of an object's functions ---- */

/*
 * With transition set, the entries go on the stacks without anybody
 * using them yet; the caller clears the flags when tasks may switch.
 */
static int object_patch(struct shunt_object *obj, bool transition,
			char *err, size_t errlen)
{
	enum shunt_redirect how = obj->patch->opts.redirect;
	struct shunt_func *func;
	int ret;

	shunt_for_each_func(obj, func) {
		func->transition = transition && !func->immediate;
		ret = shunt_redirect_push(func, how, err, errlen);
		if (ret)
			return ret;	/* the caller unpatches what got pushed */
	}
	obj->patched = true;
	return 0;
}

static void object_unpatch(struct shunt_object *obj)
{
	struct shunt_func *func;

	shunt_for_each_func(obj, func) {
		shunt_redirect_pop(func);
		func->transition = false;
	}
	obj->patched = false;
}

/* ---- enable ---- */

static bool object_loaded(const struct shunt_object *obj)
{
	return shunt_object_is_vmlinux(obj) || obj->mod;
}

/* Take the patch's entries off, then post_unpatch: nobody uses them. */
static void patch_unpatch(struct shunt_patch *patch)
{
	struct shunt_object *obj;

	shunt_for_each_object(patch, obj)
		object_unpatch(obj);
	shunt_redirect_sync();
	shunt_for_each_object(patch, obj)
		if (object_loaded(obj))
			object_post_unpatch(obj);
}

/*
 * Resolve every loaded object before any callback runs, so that a wrong
 * symbol fails the apply with nothing called and nothing changed.
 */
static int patch_resolve(struct shunt_patch *patch, char *err, size_t errlen)
{
	struct shunt_object *obj;
	int ret;

	shunt_for_each_object(patch, obj) {
		struct module *mod = NULL;

		if (!shunt_object_is_vmlinux(obj)) {
			mod = object_target(obj);
			if (!mod)
				continue;	/* patched when it loads */
		}
		ret = object_resolve(obj, mod, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
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
		if (!object_loaded(obj))
			continue;
		ret = object_pre_patch(obj);
		if (ret) {
			snprintf(err, errlen,
				 "pre-patch callback failed for object '%s': %d",
				 obj->name, ret);
			return ret;
		}
		ret = object_patch(obj, true, err, errlen);
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
			if (func->ops && !func->immediate)
				WRITE_ONCE(func->transition, on);
}

static void patch_release_work(struct work_struct *work);

/*
 * A replaced patch with immediate functions keeps its module: tasks may
 * still run that code, as nothing checked them (seed 003). It stays
 * listed as replaced.
 */
static void patch_release(struct shunt_patch *patch)
{
	if (patch->keep_module) {
		patch->state = SHUNT_PATCH_REPLACED;
		return;
	}
	patch->state = SHUNT_PATCH_RELEASING;
	INIT_DELAYED_WORK(&patch->release_work, patch_release_work);
	queue_delayed_work(shunt_wq, &patch->release_work, 0);
}

/*
 * Every task got to target (transition.c, under shunt_mutex): finish
 * patching, or unpatching (also when a patching transition was reversed).
 */
/*
 * The replacing patch is in place for every task: the patches before it
 * go, without unpatch callbacks (the kernel's rule), then its nops.
 */
static void patch_replace_older(struct shunt_patch *patch)
{
	struct shunt_patch *old, *tmp;
	struct shunt_object *obj;
	LIST_HEAD(replaced);

	list_for_each_entry_safe(old, tmp, &shunt_patches, node) {
		if (old == patch || old->state != SHUNT_PATCH_APPLIED)
			continue;
		shunt_for_each_object(old, obj)
			if (obj->patched)
				object_unpatch(obj);
		old->enabled = false;
		old->keep_module = patch_has_immediate(old);
		strscpy(old->replaced_by, patch->mod->name,
			sizeof(old->replaced_by));
		pr_info("'%s': replaced by '%s'%s\n", old->mod->name,
			patch->mod->name,
			old->keep_module ? "; module kept: it has immediate functions" : "");
	}
	patch_discard_nops(patch);	/* syncs: nobody sees the old entries */
}

/* after the replacing patch's post_patch, which may ask for their states */
static void patch_release_replaced(struct shunt_patch *patch)
{
	struct shunt_patch *old, *tmp;

	list_for_each_entry_safe(old, tmp, &shunt_patches, node)
		if (old != patch && old->replaced_by[0] &&
		    old->state == SHUNT_PATCH_APPLIED)
			patch_release(old);
}

void shunt_patch_transition_done(struct shunt_patch *patch, int target)
{
	struct shunt_object *obj;

	if (target == SHUNT_PATCHED) {
		patch_set_transition(patch, false);
		shunt_redirect_sync();
		if (patch->replace)
			patch_replace_older(patch);
		shunt_for_each_object(patch, obj)
			if (object_loaded(obj))
				object_post_patch(obj);
		patch->state = SHUNT_PATCH_APPLIED;
		pr_info("'%s': patching complete\n", patch->mod->name);
		if (patch->replace)
			patch_release_replaced(patch);
		return;
	}
	patch_unpatch(patch);
	pr_info("'%s': unpatching complete\n", patch->mod->name);
	patch_release(patch);
}

/* stop-machine gives up: put the patch back where it was */
static void patch_undo_stop_machine(struct shunt_patch *patch, int target)
{
	struct shunt_object *obj;

	shunt_transition_cancel();
	if (target == SHUNT_UNPATCHED) {
		patch_set_transition(patch, false);
		shunt_redirect_sync();
		/* like a reversed unpatch: the patch is whole again */
		shunt_for_each_object(patch, obj)
			if (object_loaded(obj))
				object_post_patch(obj);
		patch->state = SHUNT_PATCH_APPLIED;
		patch->enabled = true;
	}
}

/* start the prepared transition in the patch's consistency model */
static int patch_start_transition(struct shunt_patch *patch, char *err,
				  size_t errlen)
{
	int ret;

	if (patch->opts.consistency == SHUNT_CONSISTENCY_STOP_MACHINE_ID)
		return shunt_transition_stop_machine(err, errlen);
	ret = shunt_transition_start();
	if (ret)
		snprintf(err, errlen, "cannot start the transition: %d", ret);
	return ret;
}

static int __shunt_enable_patch(struct klp_patch *kpatch,
				const struct shunt_options *opts,
				char *err, size_t errlen)
{
	struct shunt_patch *patch;
	int ret;

	patch = patch_build(kpatch, opts, err, errlen, &ret);
	if (!patch)
		return ret;
	ret = patch_resolve(patch, err, errlen);
	if (!ret)
		ret = patch_check_states(patch, err, errlen);
	if (!ret && patch->replace)
		ret = patch_add_nops(patch, err, errlen);
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
		goto out_put;
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
	ret = patch_start_transition(patch, err, errlen);
	if (ret) {
		list_del(&patch->node);
		goto out_unpatch;
	}
	__module_get(THIS_MODULE);
	return 0;

out_unpatch:
	patch_unpatch(patch);
	shunt_sysfs_del_patch(patch);
out_put:
	module_put(patch->mod);
out_cancel:
	shunt_transition_cancel();
out_free:
	patch_free(patch);
	return ret;
}

/*
 * A claimed module's klp_enable_patch() lands here (route.c), in the
 * module's init. Failing makes the module load fail, as it would with
 * the kernel's livepatch; the reason is kept in the claim for the loader.
 * Like klp_enable_patch(), returns once the transition has started.
 */
int shunt_enable_patch(struct klp_patch *kpatch)
{
	struct shunt_options opts;
	char err[256] = "";
	const char *name;
	int ret;

	if (!kpatch || !kpatch->mod || !kpatch->objs)
		return -EINVAL;
	name = kpatch->mod->name;

	if (shunt_claim_options(name, &opts)) {
		snprintf(err, sizeof(err), "patch module is not claimed");
		ret = -EINVAL;
	} else if (!kpatch->mod->klp) {
		snprintf(err, sizeof(err),
			 "not a livepatch module (no MODULE_INFO(livepatch, \"Y\"))");
		ret = -EINVAL;
	} else {
		mutex_lock(&shunt_mutex);
		ret = __shunt_enable_patch(kpatch, &opts, err, sizeof(err));
		mutex_unlock(&shunt_mutex);
	}

	if (ret)
		pr_err("'%s': %s (%d)\n", name, err, ret);
	shunt_claim_set_result(name, ret, err);
	trace_shunt_patch_enabled(name, ret);
	return ret;
}

/* ---- revert and release ---- */

#define SHUNT_RELEASE_RETRY_MS	100
#define SHUNT_RELEASE_RETRY_MAX_MS	2000

/*
 * A reverted patch's module can go once no task can be inside its code:
 * every stack is checked (helpers the new functions call are module code
 * too). A task preempted in an ftrace trampoline after our handler chose
 * the new function is caught as well: in a dynamic trampoline its stack
 * is unreliable (no ORC data), in ftrace_regs_caller the unwinder reads
 * the saved regs->ip, which is the new function. Tasks still in the
 * module's code delay the release; they are listed in the patch's
 * 'blocked' file until they leave. A forced patch's module never goes.
 */
static void patch_release_work(struct work_struct *work)
{
	struct shunt_patch *patch = container_of(to_delayed_work(work),
						 struct shunt_patch,
						 release_work);
	struct module *mod = patch->mod;
	struct shunt_range text = {
		.start = (unsigned long)mod->mem[MOD_TEXT].base,
		.end = (unsigned long)mod->mem[MOD_TEXT].base +
		       mod->mem[MOD_TEXT].size,
	};
	unsigned long delay;
	int ret;

	mutex_lock(&shunt_mutex);
	ret = shunt_stack_check_all(&text, 1, patch->blocked,
				    sizeof(patch->blocked));
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

	/* outside shunt_mutex: removal waits for sysfs writers, who take it */
	shunt_sysfs_del_patch(patch);
	if (patch->forced) {
		pr_info("'%s': module kept: the patch was forced\n", mod->name);
	} else {
		pr_info("'%s': module released\n", mod->name);
		module_put(mod);
	}
	patch_free(patch);
	/* the workqueue is drained before our module can go */
	module_put(THIS_MODULE);
}

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
			object_pre_unpatch(obj);
	patch_set_transition(patch, true);
	ret = patch_start_transition(patch, err, sizeof(err));
	if (ret) {
		pr_err("'%s': revert failed: %s (%d)\n", patch->mod->name, err,
		       ret);
		patch_undo_stop_machine(patch, SHUNT_UNPATCHED);
	}
	return ret;
}

/*
 * The enabled file (under shunt_mutex). 0 reverts an applied patch; during
 * a transition, writing the opposite of the current target reverses it.
 * A reverted patch cannot be enabled again.
 */
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

int shunt_set_enabled(struct shunt_patch *patch, bool enabled)
{
	struct shunt_patch *later;
	const char *fname;

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
		patch->enabled = enabled;
		patch->state = enabled ? SHUNT_PATCH_APPLYING :
					 SHUNT_PATCH_REVERTING;
		return shunt_transition_reverse();
	}
	if (enabled || patch->state != SHUNT_PATCH_APPLIED)
		return -EINVAL;
	return patch_revert(patch);
}

/* The force file: only while this patch is in transition. */
int shunt_force_patch(struct shunt_patch *patch)
{
	if (!shunt_transition_running(patch))
		return -EINVAL;
	return shunt_transition_force();
}

/* ---- target modules coming and going ---- */

/* Unpatch obj of an applied patch because its module goes away. */
static void object_going(struct shunt_object *obj)
{
	if (obj->patched) {
		object_pre_unpatch(obj);
		object_unpatch(obj);
		/* entries may be pushed again if the module comes back */
		shunt_redirect_sync();
		object_post_unpatch(obj);
	}
	object_forget_target(obj);
}

static int object_coming(struct shunt_object *obj, struct module *mod)
{
	bool in_transition = shunt_transition_running(obj->patch);
	char err[256] = "";
	int ret;

	ret = object_resolve(obj, mod, err, sizeof(err));
	if (!ret) {
		ret = object_pre_patch(obj);
		if (ret)
			snprintf(err, sizeof(err),
				 "pre-patch callback failed for object '%s': %d",
				 obj->name, ret);
	}
	if (!ret) {
		ret = object_patch(obj, in_transition, err, sizeof(err));
		if (ret) {
			object_unpatch(obj);
			shunt_redirect_sync();
			object_post_unpatch(obj);
		}
	}
	if (ret) {
		pr_err("'%s': %s (%d); refusing to load module '%s'\n",
		       obj->patch->mod->name, err, ret, mod->name);
		object_forget_target(obj);
		return ret;
	}
	/* in transition: post_patch comes when it completes */
	if (!in_transition)
		object_post_patch(obj);
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

static int shunt_module_coming(struct module *mod)
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
		if (!patch->enabled || patch->state == SHUNT_PATCH_RELEASING)
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

static void shunt_module_going(struct module *mod)
{
	mutex_lock(&shunt_mutex);
	coming_forget(mod);
	module_unpatch_until(mod, NULL);
	mutex_unlock(&shunt_mutex);
}

static int shunt_module_notify(struct notifier_block *nb,
			       unsigned long action, void *data)
{
	struct module *mod = data;

	switch (action) {
	case MODULE_STATE_COMING:
		return notifier_from_errno(shunt_module_coming(mod));
	case MODULE_STATE_LIVE:
		mutex_lock(&shunt_mutex);
		coming_forget(mod);
		mutex_unlock(&shunt_mutex);
		break;
	case MODULE_STATE_GOING:
		shunt_module_going(mod);
		break;
	}
	return NOTIFY_OK;
}

/*
 * Last among the COMING notifiers: once ours has run, a failing load
 * still tells us GOING.
 */
static struct notifier_block shunt_module_nb = {
	.notifier_call = shunt_module_notify,
	.priority = INT_MIN,
};

int shunt_core_init(void)
{
	int ret;

	shunt_wq = alloc_workqueue("shunt", WQ_UNBOUND, 0);
	if (!shunt_wq)
		return -ENOMEM;
	ret = shunt_transition_init();
	if (ret)
		goto err_wq;
	ret = register_module_notifier(&shunt_module_nb);
	if (ret)
		goto err_trans;
	return 0;

err_trans:
	shunt_transition_exit();
err_wq:
	destroy_workqueue(shunt_wq);
	return ret;
}

void shunt_core_exit(void)
{
	unregister_module_notifier(&shunt_module_nb);
	/* no patch is left (each pins us); drain the last release work */
	destroy_workqueue(shunt_wq);
	shunt_transition_exit();
}
