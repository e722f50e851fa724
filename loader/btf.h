/* SPDX-License-Identifier: GPL-2.0 */
/* Which kernel BTF (vmlinux or a module's) describes a function. */
#ifndef SHUNT_BTF_H
#define SHUNT_BTF_H

#include <stddef.h>

/*
 * How many kernel BTF objects have a FUNC called name, and the first of
 * them in the order libbpf searches (vmlinux, then modules by BTF id)
 * into owner: that is what an fentry program attached by name gets.
 * -1 when the BTF cannot be read.
 */
int btf_func_owners(const char *name, char *owner, size_t len);

/* Drop the BTF objects btf_func_owners() keeps between calls. */
void btf_cache_free(void);

#endif
