// SPDX-License-Identifier: GPL-2.0
/*
 * Atomic replace: a replacing patch gets nop entries for the functions
 * older patches redirect and it does not; once every task uses it, the
 * older patches come off (without unpatch callbacks, the kernel's rule)
 * and go, then its nops. All of it under shunt_mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>

#include "shunt.h"

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

/* an object of the replacing patch for nops only: it has no klp_object */
static struct shunt_object *patch_add_dynamic_object(struct shunt_patch *patch,
						     struct shunt_object *old)
{
	struct shunt_object *obj;

	obj = shunt_patch_add_object(patch, NULL, old->name);
	if (!obj)
		return NULL;
	obj->dyn_desc.name = old->desc->name;
	obj->desc = &obj->dyn_desc;
	obj->dynamic = true;
	obj->mod = old->mod;
	return obj;
}

/*
 * Once switched, a task runs the original again. A nop standing over an
 * immediate entry is immediate too: the code in use there was never
 * checked, so checking it now would promise too much. The top entry
 * decides, as that is the code tasks run now.
 */
static int object_add_nop(struct shunt_object *obj, struct shunt_func *old)
{
	struct shunt_func *nop;

	nop = shunt_object_add_func(obj, old->desc);
	if (!nop)
		return -ENOMEM;
	/* freed with the func (sysfs.c); only nops need one */
	nop->nop_desc = kzalloc(sizeof(*nop->nop_desc), GFP_KERNEL);
	if (!nop->nop_desc) {
		shunt_object_del_func(nop);
		return -ENOMEM;
	}
	nop->nop_desc->old_name = old->desc->old_name;
	nop->nop_desc->old_sympos = old->desc->old_sympos;
	nop->desc = nop->nop_desc;
	nop->nop = true;
	nop->sympos = old->sympos;
	nop->old_addr = old->old_addr;
	nop->old_size = old->old_size;
	nop->immediate = shunt_redirect_top(old)->immediate;
	return 0;
}

int shunt_replace_add_nops(struct shunt_patch *patch, char *err,
			   size_t errlen)
{
	struct shunt_object *obj, *oobj;
	struct shunt_func *ofunc;
	struct shunt_patch *old;

	lockdep_assert_held(&shunt_mutex);
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
		list_for_each_entry_safe(func, tfunc, &obj->funcs, node)
			if (func->nop)
				shunt_object_del_func(func);
		if (obj->dynamic) {
			obj->patched = false;
			shunt_patch_del_object(obj);
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

/*
 * The replacing patch is in place for every task: the patches before it
 * come off the stacks, then its nops. A replaced patch with immediate
 * functions keeps its module: tasks may still run that code, as nothing
 * checked them.
 */
void shunt_replace_older(struct shunt_patch *patch)
{
	struct shunt_patch *old;
	struct shunt_object *obj;

	lockdep_assert_held(&shunt_mutex);
	list_for_each_entry(old, &shunt_patches, node) {
		if (old == patch || old->state != SHUNT_PATCH_APPLIED)
			continue;
		shunt_for_each_object(old, obj)
			if (obj->patched)
				shunt_object_unpatch(obj);
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
void shunt_replace_release_older(struct shunt_patch *patch)
{
	struct shunt_patch *old, *tmp;

	lockdep_assert_held(&shunt_mutex);
	list_for_each_entry_safe(old, tmp, &shunt_patches, node)
		if (old != patch && old->replaced_by[0] &&
		    old->state == SHUNT_PATCH_APPLIED)
			shunt_patch_release(old);
}
