// SPDX-License-Identifier: GPL-2.0
/*
 * Workarounds for kernel symbols a module cannot use on the kernels
 * shunt supports (Debian's 6.12 and 6.1). Each one names the missing
 * export and why we need it; what differs between 6.1 and 6.12 (the
 * kernel version and the reason each time) is here too, or in compat.h
 * when it is a macro or an inline. Nothing else in the shim reaches into
 * kernel internals.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/rculist.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <asm/ibt.h>
#include <asm/switch_to.h>
#include <asm/unwind.h>

#include "shunt.h"

/* the reliable stack walk below is the ORC unwinder's */
#ifndef CONFIG_UNWINDER_ORC
#error "shunt needs CONFIG_UNWINDER_ORC for its reliable stack walk"
#endif

/*
 * direct.S reads current in one per-CPU load: the per-CPU current_task
 * before 6.2, pcpu_hot.current_task since (its first field).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
static_assert(offsetof(struct pcpu_hot, current_task) == 0);
#endif

/*
 * find_module() is not exported (since 5.12). Walk the module list from
 * our own entry: it is RCU-protected, and its head (the kernel's static
 * 'modules') is the one node that does not live in module memory.
 * Returns a module that is coming or live; the caller holds shunt_mutex,
 * which the module's GOING notifier also takes, so it stays valid.
 */
struct module *shunt_find_module(const char *name)
{
	struct list_head *pos;
	struct module *found = NULL;

	rcu_read_lock();
	list_for_each_rcu(pos, &THIS_MODULE->list) {
		struct module *mod = list_entry(pos, struct module, list);

		if (!shunt_vmalloc_or_module_addr(mod))
			continue;	/* the list head */
		if (strcmp(mod->name, name))
			continue;
		if (mod->state == MODULE_STATE_LIVE ||
		    mod->state == MODULE_STATE_COMING)
			found = mod;
		break;
	}
	if (!found && !strcmp(THIS_MODULE->name, name))
		found = THIS_MODULE;
	rcu_read_unlock();
	return found;
}

/*
 * module_kallsyms_on_each_symbol() is not exported (and
 * kallsyms_lookup_name() cannot count old_sympos). Read the module's own
 * symbol table, as the kernel does for klp module objects.
 */
int shunt_module_symbol(struct module *mod, const char *name,
			unsigned long sympos, unsigned long *addr,
			char *err, size_t errlen)
{
	struct mod_kallsyms *ks;
	unsigned long count = 0, found = 0;
	unsigned int i;

	preempt_disable();
	ks = rcu_dereference_sched(mod->kallsyms);
	for (i = 0; i < ks->num_symtab; i++) {
		const Elf_Sym *sym = &ks->symtab[i];

		if (sym->st_shndx == SHN_UNDEF)
			continue;
		if (strcmp(ks->strtab + sym->st_name, name))
			continue;
		count++;
		if (count == sympos || (!sympos && count == 1))
			found = sym->st_value;
	}
	preempt_enable();

	if (!count) {
		snprintf(err, errlen, "symbol '%s' not found in module '%s'",
			 name, mod->name);
		return -EINVAL;
	}
	if (!sympos && count > 1) {
		snprintf(err, errlen,
			 "symbol '%s' is ambiguous in module '%s' (%lu matches, set old_sympos)",
			 name, mod->name, count);
		return -EINVAL;
	}
	if (!found) {
		snprintf(err, errlen,
			 "symbol '%s' position %lu not found in module '%s' (%lu matches)",
			 name, sympos, mod->name, count);
		return -EINVAL;
	}
	*addr = found;
	return 0;
}

/*
 * kallsyms_on_each_symbol() is not exported, so vmlinux addresses come
 * from the loader (read in /proc/kallsyms). Trust none of them: the
 * address must be the start of a function of that name in that object,
 * as sprint_symbol() says. Also gives the function's size.
 */
int shunt_verify_symbol(unsigned long addr, const char *name,
			const char *modname, unsigned long *size)
{
	char buf[KSYM_SYMBOL_LEN];
	size_t nlen = strlen(name);
	const char *mod;

	sprint_symbol(buf, addr);
	if (strncmp(buf, name, nlen) || strncmp(buf + nlen, "+0x0/0x", 7))
		return -EINVAL;
	mod = strchr(buf, '[');
	if (!modname) {
		if (mod)
			return -EINVAL;
	} else if (!mod || strncmp(mod + 1, modname, strlen(modname)) ||
		   mod[1 + strlen(modname)] != ']') {
		return -EINVAL;
	}
	return shunt_symbol_size(addr, size);
}

/*
 * A function can have several names at one address (every
 * SYSCALL_DEFINE0 has __do_sys_X, __ia32_sys_X and __x64_sys_X), and
 * sprint_symbol() names only one of them. kallsyms_lookup_name() is not
 * exported (and calling it through a pointer would trip IBT, which seals
 * functions whose address is never taken): a disabled kprobe resolves a
 * name the way kallsyms does, without arming anything. Accept name at
 * addr when it resolves there and addr is the start of a function.
 */
int shunt_verify_symbol_alias(unsigned long addr, const char *name,
			      unsigned long *size)
{
	struct kprobe kp = {
		.symbol_name = name,
		.flags = KPROBE_FLAG_DISABLED,
	};
	unsigned long found;
	u32 insn;

	if (register_kprobe(&kp))
		return -EINVAL;
	found = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	/* kprobes move an entry probe past ENDBR */
	if (found != addr &&
	    !(found == addr + ENDBR_INSN_SIZE &&
	      !get_kernel_nofault(insn, (u32 *)addr) && is_endbr(insn)))
		return -EINVAL;
	return shunt_symbol_size(addr, size);
}

/* kallsyms_lookup_size_offset() is not exported: parse sprint_symbol(). */
int shunt_symbol_size(unsigned long addr, unsigned long *size)
{
	char buf[KSYM_SYMBOL_LEN], num[24];
	const char *p;
	size_t n;

	sprint_symbol(buf, addr);
	p = strstr(buf, "+0x0/0x");
	if (!p)
		return -EINVAL;
	p += 7;
	n = strcspn(p, " ");
	if (n >= sizeof(num))
		return -EINVAL;
	memcpy(num, p, n);
	num[n] = '\0';
	return kstrtoul(num, 16, size);
}

/*
 * An indirect call from a module to a function of vmlinux that is not
 * exported. With IBT the target must begin with ENDBR, but the kernel
 * seals (overwrites) the ENDBR of every function whose address is never
 * taken in vmlinux, which includes most unexported ones: a call there
 * would stop on a control protection fault. Refuse instead. Without IBT
 * (or with the ENDBR intact) the call is fine.
 */
static bool compat_callable(unsigned long addr)
{
#ifdef CONFIG_X86_KERNEL_IBT
	u32 insn;

	if (!cpu_feature_enabled(X86_FEATURE_IBT))
		return true;
	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return false;
	return insn == gen_endbr();
#else
	return true;
#endif
}

/* a vmlinux function the loader handed over in the claim, verified */
static int compat_kernel_func(const char *patch_name, const char *name,
			      unsigned long *addr, char *err, size_t errlen)
{
	unsigned long size;

	if (shunt_claim_lookup_sym(patch_name, name, 0, addr, err, errlen)) {
		snprintf(err, errlen,
			 "klp relocations for module objects need the kernel's %s, which the claim did not hand over",
			 name);
		return -EINVAL;
	}
	if (shunt_verify_symbol(*addr, name, NULL, &size)) {
		snprintf(err, errlen,
			 "the address given for the kernel's %s is not the start of that function",
			 name);
		return -EINVAL;
	}
	if (!compat_callable(*addr)) {
		snprintf(err, errlen,
			 "the kernel's %s cannot be called from a module on this CPU (IBT on, its ENDBR sealed)",
			 name);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * apply_relocate_add() and clear_relocate_add() (arch/x86/kernel/module.c)
 * are not exported; neither is text_poke(), with which they write a
 * patch module's text under text_mutex, nor klp_apply_section_relocs().
 * They are what the kernel's livepatch uses to write and clear the klp
 * relocation sections of module objects (relocs.c resolves the symbols
 * itself, with the kernel's rules and our own error messages). The
 * loader hands their addresses over in the claim of a patch module that
 * has such sections; they are verified once and kept for the life of
 * the shim: vmlinux code does not move. Under shunt_mutex.
 *
 * 6.1 has no clear_relocate_add() at all: it came with the fix that lets
 * a livepatched module be unloaded and loaded again. There the kernel's
 * own livepatch leaves a module object's relocations written when its
 * target goes, and refuses the target when it comes back ("existing
 * value is nonzero"). shunt does the same there and says so: the apply
 * says it in one line, the target's return is refused naming the
 * missing function (relocs.c).
 */
static int (*compat_apply_relocate_add)(struct elf64_shdr *sechdrs,
					const char *strtab,
					unsigned int symindex,
					unsigned int relsec,
					struct module *me);
static void (*compat_clear_relocate_add)(struct elf64_shdr *sechdrs,
					 const char *strtab,
					 unsigned int symindex,
					 unsigned int relsec,
					 struct module *me);

int shunt_relocate_init(const char *patch_name, char *err, size_t errlen)
{
	unsigned long apply, clear;
	int ret;

	lockdep_assert_held(&shunt_mutex);
	if (compat_apply_relocate_add && compat_clear_relocate_add)
		return 0;
	if (!compat_apply_relocate_add) {
		ret = compat_kernel_func(patch_name,
					 SHUNT_SYM_APPLY_RELOCATE_ADD, &apply,
					 err, errlen);
		if (ret)
			return ret;
		compat_apply_relocate_add = (void *)apply;
	}
	/* not in the kernel's symbols (6.1): the loader could not hand it */
	if (shunt_claim_lookup_sym(patch_name, SHUNT_SYM_CLEAR_RELOCATE_ADD, 0,
				   &clear, err, errlen)) {
		pr_notice("'%s': this kernel has no clear_relocate_add(): the klp relocations of a module object stay written when its target goes, so that target cannot load again while the patch is applied (as with the kernel's livepatch here)\n",
			  patch_name);
		err[0] = '\0';
		return 0;
	}
	ret = compat_kernel_func(patch_name, SHUNT_SYM_CLEAR_RELOCATE_ADD,
				 &clear, err, errlen);
	if (ret)
		return ret;
	compat_clear_relocate_add = (void *)clear;
	return 0;
}

bool shunt_can_clear_relocs(void)
{
	lockdep_assert_held(&shunt_mutex);
	return compat_clear_relocate_add;
}

int shunt_apply_relocate_add(Elf_Shdr *sechdrs, const char *strtab,
			     unsigned int symndx, unsigned int relsec,
			     struct module *mod)
{
	lockdep_assert_held(&shunt_mutex);
	if (WARN_ON_ONCE(!compat_apply_relocate_add))
		return -EINVAL;
	return compat_apply_relocate_add(sechdrs, strtab, symndx, relsec, mod);
}

void shunt_clear_relocate_add(Elf_Shdr *sechdrs, const char *strtab,
			      unsigned int symndx, unsigned int relsec,
			      struct module *mod)
{
	lockdep_assert_held(&shunt_mutex);
	if (compat_clear_relocate_add)	/* else 6.1: see above */
		compat_clear_relocate_add(sechdrs, strtab, symndx, relsec, mod);
}

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
/*
 * Before 6.4 (UNWIND_HINT_END_OF_STACK and UNWIND_HINT_UNDEFINED came
 * then) one hint, UNWIND_HINT_EMPTY, marked both the real ends of a stack
 * and code that only lacks ORC data: the retpoline thunks, the ITS
 * thunks, return_to_handler, entry code. The unwinder ends a walk at
 * either without an error, so a task interrupted at a thunk's entry (the
 * sweep's IPI check stops running tasks anywhere) looked clean whatever
 * it ran below: 6.1 saw mixed old/new calls that way. The real ends are
 * at the top of the task's stack: ret_from_fork of a kthread at its
 * pt_regs, the startup frame of an idle task at most one
 * inactive_task_frame below them. Any other end is not trusted.
 */
static bool stack_end_real(struct task_struct *task, unsigned long sp)
{
	unsigned long regs = (unsigned long)task_pt_regs(task);

	return sp <= regs && sp + sizeof(struct inactive_task_frame) >= regs;
}
#else
/* 6.4 and later: an unmarked end is an unwind error, a marked one real */
static bool stack_end_real(struct task_struct *task, unsigned long sp)
{
	return true;
}
#endif

/*
 * stack_trace_save_tsk_reliable() is not exported. This is the x86 ORC
 * walk of arch_stack_walk_reliable() on the exported unwinder API. The
 * caller makes sure the task cannot run, and that its stack cannot be
 * freed meanwhile (put_task_stack() is not exported either, so we cannot
 * pin it): a task that is current, blocked under our hold of its
 * pi_lock, about to be switched in, or stopped by stop_machine() cannot
 * exit. Returns
 * 0 when every frame was read, -EINVAL when the stack cannot be trusted.
 */
int shunt_stack_walk_reliable(struct task_struct *task, shunt_stack_fn fn,
			      void *arg)
{
	struct unwind_state state;
	struct pt_regs *regs;
	unsigned long addr, sp = 0;

	if (!task_stack_page(task))
		return 0;	/* exited: nothing on it can run again */

	for (unwind_start(&state, task, NULL, NULL);
	     !unwind_done(&state) && !unwind_error(&state);
	     unwind_next_frame(&state)) {
		regs = unwind_get_entry_regs(&state, NULL);
		if (regs && user_mode(regs))
			return 0;
		addr = unwind_get_return_address(&state);
		if (!addr || !fn(arg, addr))
			return -EINVAL;
		sp = state.sp;
	}
	if (unwind_error(&state))
		return -EINVAL;
	return stack_end_real(task, sp) ? 0 : -EINVAL;
}

/*
 * The __tracepoint_* structs are not exported one by one (the kernel
 * exports only those a module is meant to hook): find them by name with
 * for_each_kernel_tracepoint(), which is.
 */
struct tracepoint_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void tracepoint_lookup_one(struct tracepoint *tp, void *priv)
{
	struct tracepoint_lookup *tl = priv;

	if (!strcmp(tp->name, tl->name))
		tl->tp = tp;
}

struct tracepoint *shunt_tracepoint_find(const char *name)
{
	struct tracepoint_lookup tl = { .name = name };

	for_each_kernel_tracepoint(tracepoint_lookup_one, &tl);
	return tl.tp;
}

/*
 * idle_task(cpu) is not exported, and idle tasks are on no task list:
 * learn them from sched_switch, once at load (they switch in within
 * moments on most CPUs) and whenever the per-task model's probe sees
 * one (the boot CPU's is init_task). NULL for a CPU whose idle task was
 * never seen.
 */
static struct task_struct **shunt_idle_tasks;

struct task_struct *shunt_idle_task(int cpu)
{
	return READ_ONCE(shunt_idle_tasks[cpu]);
}

/* from sched_switch: next is cpu's idle task */
void notrace shunt_idle_task_seen(struct task_struct *next, int cpu)
{
	if (READ_ONCE(shunt_idle_tasks[cpu]) != next)
		WRITE_ONCE(shunt_idle_tasks[cpu], next);
}

static void notrace probe_idle_recorder(void *data, bool preempt,
					struct task_struct *prev,
					struct task_struct *next,
					unsigned int prev_state)
{
	if (is_idle_task(next))
		shunt_idle_task_seen(next, raw_smp_processor_id());
}

static bool all_idle_seen(void)
{
	int cpu;

	for_each_online_cpu(cpu)
		if (!shunt_idle_task(cpu))
			return false;
	return true;
}

/*
 * kthread_park() is safe only on a thread sure to park: the per-CPU
 * hotplug threads of kernel/smpboot.c, whose loop smpboot_thread_fn()
 * parks whenever asked. That function is static and its per-thread data
 * (kthread_data()) is private to kernel/smpboot.c: the function is
 * recognized once by name through sprint_symbol(), then by address, and
 * the data has the layout of 6.12's struct smpboot_thread_data. The
 * caller holds the blocked task's pi_lock: the thread cannot free it.
 */
struct compat_smpboot_thread_data {
	unsigned int cpu;
	unsigned int status;
	struct smp_hotplug_thread *ht;
};

static unsigned long compat_smpboot_thread_fn;

const struct smp_hotplug_thread *shunt_smpboot_thread(struct task_struct *task)
{
	struct compat_smpboot_thread_data *td;
	char sym[KSYM_SYMBOL_LEN];
	unsigned long fn;

	if (!(task->flags & PF_KTHREAD))
		return NULL;
	fn = (unsigned long)kthread_func(task);
	if (!fn)
		return NULL;
	if (!READ_ONCE(compat_smpboot_thread_fn)) {
		sprint_symbol(sym, fn);
		if (!str_has_prefix(sym, "smpboot_thread_fn+0x0/") ||
		    strchr(sym, '['))
			return NULL;
		WRITE_ONCE(compat_smpboot_thread_fn, fn);
	} else if (fn != READ_ONCE(compat_smpboot_thread_fn)) {
		return NULL;
	}
	td = kthread_data(task);
	return td ? td->ht : NULL;
}

int shunt_compat_init(void)
{
	struct tracepoint *tp = shunt_tracepoint_find("sched_switch");
	int tries = 0;

	if (!tp) {
		pr_err("tracepoint sched_switch not found\n");
		return -ENOENT;
	}
	shunt_idle_tasks = kcalloc(nr_cpu_ids, sizeof(*shunt_idle_tasks),
				   GFP_KERNEL);
	if (!shunt_idle_tasks)
		return -ENOMEM;
	/* the boot CPU's idle task is init_task, which is exported */
	shunt_idle_tasks[task_cpu(&init_task)] = &init_task;
	if (!tracepoint_probe_register(tp, probe_idle_recorder, NULL)) {
		while (!all_idle_seen() && tries++ < 50)
			msleep(20);
		tracepoint_probe_unregister(tp, probe_idle_recorder, NULL);
		tracepoint_synchronize_unregister();
	}
	return 0;
}

void shunt_compat_exit(void)
{
	kfree(shunt_idle_tasks);
}
