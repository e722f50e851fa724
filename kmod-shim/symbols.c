// SPDX-License-Identifier: GPL-2.0
/*
 * Where an object's functions are: vmlinux addresses from the claim (the
 * loader read them in /proc/kallsyms), module addresses from the
 * module's own symbol table, each verified before use (compat.c). Sets
 * old_addr, old_size and new_size of every function, and the object's
 * target module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "shunt.h"

static int func_resolve(struct shunt_func *func, struct module *mod,
			char *err, size_t errlen)
{
	const char *patch_name = func->obj->patch->mod->name;
	const char *name = func->desc->old_name;
	unsigned long pos = func->desc->old_sympos;
	unsigned long addr;
	int ret;

	if (mod)
		ret = shunt_module_symbol(mod, name, pos, &addr, err, errlen);
	else
		ret = shunt_claim_lookup_sym(patch_name, name, pos, &addr, err,
					     errlen);
	if (ret)
		return ret;
	if (shunt_verify_symbol(addr, name, mod ? mod->name : NULL,
				&func->old_size) &&
	    (mod || shunt_verify_symbol_alias(addr, name, &func->old_size))) {
		snprintf(err, errlen,
			 "symbol '%s' in %s: the address given for it is not the start of that function",
			 name, func->obj->name);
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
	return 0;
}

/* mod: the object's target module, NULL for vmlinux */
int shunt_object_resolve(struct shunt_object *obj, struct module *mod,
			 char *err, size_t errlen)
{
	struct shunt_func *func;
	int ret;

	lockdep_assert_held(&shunt_mutex);
	shunt_for_each_func(obj, func) {
		ret = func_resolve(func, mod, err, errlen);
		if (ret)
			return ret;
	}
	obj->mod = mod;
	return 0;
}

void shunt_object_forget_target(struct shunt_object *obj)
{
	struct shunt_func *func;

	lockdep_assert_held(&shunt_mutex);
	shunt_for_each_func(obj, func)
		func->old_addr = 0;
	obj->mod = NULL;
}
