/* SPDX-License-Identifier: GPL-2.0 */
/* Which kernel BTF (vmlinux or a module's) describes a function. */
#ifndef SHUNT_BTF_H
#define SHUNT_BTF_H

#include <stddef.h>

struct btf;

/* A module's BTF and the module's name, as the kernel lists them */
struct btf_named {
	struct btf *btf;
	char name[64];
};

/*
 * How many kernel BTF objects have a FUNC called name, and the first of
 * them in the order libbpf searches (vmlinux, then modules by BTF id)
 * into owner: that is what an fentry program attached by name gets.
 * -1 when the BTF cannot be read.
 */
int btf_func_owners(const char *name, char *owner, size_t len);

/*
 * The search itself, over vmlinux's BTF and nr_mods modules' (split on
 * vmlinux's): what btf_func_owners() does once they are loaded. The
 * kernel verified its BTF; name is what the loader got from a patch.
 */
int btf_func_owners_in(const struct btf *vmlinux, const struct btf_named *mods,
		       int nr_mods, const char *name, char *owner, size_t len);

/* Drop the BTF objects btf_func_owners() keeps between calls. */
void btf_cache_free(void);

#endif
