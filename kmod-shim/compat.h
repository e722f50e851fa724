/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels shunt builds for (Debian's 6.1 and
 * 6.12): each difference names the kernel version and why. The
 * functions behind them are in compat.c.
 */
#ifndef SHUNT_COMPAT_H
#define SHUNT_COMPAT_H

#include <linux/version.h>
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/vmalloc.h>
#include <asm/pgtable_types.h>

/*
 * __assign_str() took the source as a second argument until 6.10, which
 * made it take the one given to __string(). Our fields and their
 * sources have the same names.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
#define shunt_assign_str(field) __assign_str(field, field)
#else
#define shunt_assign_str(field) __assign_str(field)
#endif

/*
 * kvrealloc() took the old size until 6.11 (kvrealloc(p, oldsize,
 * newsize, flags)); since then it finds it itself.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
#define shunt_kvrealloc(p, oldsize, newsize, flags) \
	kvrealloc(p, oldsize, newsize, flags)
#else
#define shunt_kvrealloc(p, oldsize, newsize, flags) \
	kvrealloc(p, newsize, flags)
#endif

/*
 * 6.1's x86 struct ftrace_regs is a bare pt_regs, with only
 * ftrace_instruction_pointer_set(); the ftrace_regs_*() accessors the
 * handlers use came with 6.2. Same meaning, older spelling.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#ifndef ftrace_regs_get_argument
#define ftrace_regs_get_argument(fregs, n) \
	regs_get_kernel_argument(&(fregs)->regs, n)
#endif
#ifndef ftrace_regs_set_instruction_pointer
#define ftrace_regs_set_instruction_pointer(fregs, ip) \
	ftrace_instruction_pointer_set(fregs, ip)
#endif
#endif

/*
 * ftrace direct calls by ftrace_ops: register_ftrace_direct(ops, addr)
 * since 6.6; from 6.0 to 6.5 the same were the _multi functions (the
 * plain ones took one ip). unregister_ftrace_direct() took a third
 * argument, free the filter, with 6.6.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define shunt_register_direct(ops, addr) register_ftrace_direct_multi(ops, addr)
#define shunt_unregister_direct(ops, addr) \
	unregister_ftrace_direct_multi(ops, addr)
#else
#define shunt_register_direct(ops, addr) register_ftrace_direct(ops, addr)
#define shunt_unregister_direct(ops, addr) \
	unregister_ftrace_direct(ops, addr, false)
#endif

/*
 * A module's core text: mod->mem[MOD_TEXT] since 6.4; before, the first
 * text_size bytes of mod->core_layout.
 */
static inline void shunt_module_text(const struct module *mod,
				     unsigned long *start, unsigned long *end)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
	*start = (unsigned long)mod->core_layout.base;
	*end = *start + mod->core_layout.text_size;
#else
	*start = (unsigned long)mod->mem[MOD_TEXT].base;
	*end = *start + mod->mem[MOD_TEXT].size;
#endif
}

/*
 * is_vmalloc_or_module_addr() is not exported on 6.1 (it is on 6.12):
 * on x86-64 module memory is the MODULES_VADDR..MODULES_END range, and
 * is_vmalloc_addr() is exported.
 */
static inline bool shunt_vmalloc_or_module_addr(const void *p)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	unsigned long addr = (unsigned long)p;

	return is_vmalloc_addr(p) ||
	       (addr >= MODULES_VADDR && addr < MODULES_END);
#else
	return is_vmalloc_or_module_addr(p);
#endif
}

#endif /* SHUNT_COMPAT_H */
