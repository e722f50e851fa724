// SPDX-License-Identifier: GPL-2.0
/*
 * Building the shim's view of a klp_patch: a shunt_patch with its
 * shunt_objects and shunt_funcs beside the module's read-only klp
 * structures, checked for what klp_init_patch() would refuse; and
 * freeing it again. Nothing here touches the redirection.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>

#include "shunt.h"

struct shunt_object *shunt_patch_add_object(struct shunt_patch *patch,
					    const struct klp_object *desc,
					    const char *name)
{
	struct shunt_object *obj;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return NULL;
	obj->desc = desc;
	obj->name = name;
	obj->patch = patch;
	INIT_LIST_HEAD(&obj->funcs);
	shunt_sysfs_init_object(obj);
	list_add_tail(&obj->node, &patch->objs);
	return obj;
}

struct shunt_func *shunt_object_add_func(struct shunt_object *obj,
					 const struct klp_func *desc)
{
	struct shunt_func *func;

	func = kzalloc(sizeof(*func), GFP_KERNEL);
	if (!func)
		return NULL;
	func->desc = desc;
	func->obj = obj;
	func->sympos = desc->old_sympos ? desc->old_sympos : 1;
	shunt_sysfs_init_func(func);
	list_add_tail(&func->node, &obj->funcs);
	return func;
}

/* off the object's list and out of sysfs; the caller popped it */
void shunt_object_del_func(struct shunt_func *func)
{
	list_del(&func->node);
	shunt_sysfs_del(&func->kobj);
	kobject_put(&func->kobj);
}

/* off the patch's list and out of sysfs, with its functions */
void shunt_patch_del_object(struct shunt_object *obj)
{
	struct shunt_func *func, *tmp;

	list_for_each_entry_safe(func, tmp, &obj->funcs, node)
		shunt_object_del_func(func);
	list_del(&obj->node);
	shunt_sysfs_del(&obj->kobj);
	kobject_put(&obj->kobj);
}

void shunt_patch_free(struct shunt_patch *patch)
{
	struct shunt_object *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, &patch->objs, node)
		shunt_patch_del_object(obj);
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

static int object_check_func(struct shunt_object *obj,
			     const struct klp_func *kfunc, char *err,
			     size_t errlen)
{
	struct shunt_func *f;

	if (!kfunc->old_name || !kfunc->new_func) {
		snprintf(err, errlen, "object '%s': function '%s' has no %s",
			 obj->name, kfunc->old_name ?: "?",
			 kfunc->old_name ? "new_func" : "old_name");
		return -EINVAL;
	}
	if (strlen(kfunc->old_name) >= KSYM_NAME_LEN) {
		snprintf(err, errlen, "object '%s': function name too long",
			 obj->name);
		return -EINVAL;
	}
	shunt_for_each_func(obj, f) {
		if (!strcmp(f->desc->old_name, kfunc->old_name) &&
		    f->desc->old_sympos == kfunc->old_sympos) {
			snprintf(err, errlen,
				 "object '%s': function '%s' appears twice",
				 obj->name, kfunc->old_name);
			return -EINVAL;
		}
	}
	return 0;
}

static int patch_add_klp_object(struct shunt_patch *patch,
				const struct klp_object *kobj, char *err,
				size_t errlen)
{
	const char *name = kobj->name ? kobj->name : "vmlinux";
	const struct klp_func *kfunc;
	struct shunt_object *obj, *o;
	struct shunt_func *func;
	int ret;

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
	obj = shunt_patch_add_object(patch, kobj, name);
	if (!obj)
		return -ENOMEM;

	klp_for_each_func_static(kobj, kfunc) {
		ret = object_check_func(obj, kfunc, err, errlen);
		if (ret)
			return ret;
		func = shunt_object_add_func(obj, kfunc);
		if (!func)
			return -ENOMEM;
		func->immediate = patch_func_immediate(patch, kfunc->old_name);
	}
	return 0;
}

/* NULL with *ret and err set when the klp_patch cannot be served */
struct shunt_patch *shunt_patch_build(struct klp_patch *kpatch,
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
		*ret = patch_add_klp_object(patch, kobj, err, errlen);
		if (*ret)
			break;
	}
	if (!*ret && list_empty(&patch->objs)) {
		snprintf(err, errlen, "patch has no objects");
		*ret = -EINVAL;
	}
	if (*ret) {
		shunt_patch_free(patch);
		return NULL;
	}
	return patch;
}
