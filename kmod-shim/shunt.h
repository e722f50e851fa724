/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shunt.ko internals. The klp structures of a patch module are read,
 * never written: each klp_patch/klp_object/klp_func gets a shunt_patch/
 * shunt_object/shunt_func beside it holding the shim's own state.
 *
 * Concurrency (the whole contract is at the top of core.c):
 *
 *  - shunt_mutex (core.c) serializes every change of the registry: the
 *    patch list, the fields of shunt_patch/shunt_object/shunt_func, the
 *    redirection stacks' writers and the transition in progress. Every
 *    "must hold" below is a lockdep_assert_held(&shunt_mutex).
 *  - Lock order: shunt_mutex -> shunt_claim_mutex (claim.c) ->
 *    shunt_route_mutex (route.c);
 *    shunt_mutex -> shunt_trans_lock (pertask.c, raw spinlock);
 *    shunt_mutex -> task->pi_lock; shunt_mutex -> text_mutex (ftrace,
 *    kprobes, klp relocations). shunt_trans_lock and pi_lock never
 *    nest.
 *  - Lock-free readers, in any context (NMI included, as the patched
 *    function may be called there): the redirection handlers
 *    (redirect.c), the routing handlers (route.c) and
 *    shunt_task_state() (pertask.c); the tracepoint probes (pertask.c)
 *    run with preemption or interrupts off. They read only fields
 *    marked "lock-free" in the kernel-doc below, with READ_ONCE(), and
 *    RCU-sched (disabled preemption) keeps what they reach alive.
 */
#ifndef SHUNT_H
#define SHUNT_H

#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#include "calls.h"
#include "compat.h"
#include "shunt_abi.h"

enum shunt_redirect {
	SHUNT_REDIRECT_FTRACE_ID,
	SHUNT_REDIRECT_KPROBE_ID,
};

static inline const char *shunt_redirect_name(enum shunt_redirect r)
{
	return r == SHUNT_REDIRECT_KPROBE_ID ? SHUNT_REDIRECT_KPROBE :
					       SHUNT_REDIRECT_FTRACE;
}

enum shunt_consistency {
	SHUNT_CONSISTENCY_IMMEDIATE_ID,
	SHUNT_CONSISTENCY_PER_TASK_ID,
	SHUNT_CONSISTENCY_STOP_MACHINE_ID,
};

static inline const char *shunt_consistency_name(enum shunt_consistency c)
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

enum shunt_patch_state {
	SHUNT_PATCH_APPLYING,
	SHUNT_PATCH_APPLIED,
	SHUNT_PATCH_REVERTING,
	SHUNT_PATCH_RELEASING,
	SHUNT_PATCH_REPLACED,		/* replaced, its module kept */
	SHUNT_PATCH_NR_STATES,
};

static inline const char *shunt_patch_state_name(enum shunt_patch_state s)
{
	static const char * const names[] = {
		[SHUNT_PATCH_APPLYING] = "applying",
		[SHUNT_PATCH_APPLIED] = "applied",
		[SHUNT_PATCH_REVERTING] = "reverting",
		[SHUNT_PATCH_RELEASING] = "releasing",
		[SHUNT_PATCH_REPLACED] = "replaced",
	};

	return s < SHUNT_PATCH_NR_STATES ? names[s] : "?";
}

/* a patch is in transition while a transition or its module's release runs */
static inline bool shunt_patch_state_busy(enum shunt_patch_state s)
{
	return s == SHUNT_PATCH_APPLYING || s == SHUNT_PATCH_REVERTING ||
	       s == SHUNT_PATCH_RELEASING;
}

/* how a transition ended, as shunt:transition_end reports it */
enum shunt_trans_result {
	SHUNT_TRANS_COMPLETED,		/* at the target it started for */
	SHUNT_TRANS_REVERSED,		/* reversed, at the other target */
	SHUNT_TRANS_FORCED,
};

/* kthreads parked by a transition: "PID COMM" lines */
#define SHUNT_PARKED_LEN	192

/* the options a claim carries to the patch it becomes */
struct shunt_options {
	enum shunt_redirect redirect;
	enum shunt_consistency consistency;
	int replace;		/* -1: as klp_patch.replace says */
	unsigned int stop_retries;	/* stop-machine attempts after the first */
	bool park_kthreads;	/* park hotplug kthreads that block (park.c) */
	bool no_direct;		/* ftrace: keep the ftrace_ops handler */
	char immediate_funcs[256];	/* ",f1,f2," switch at once for all */
};

/* the last transition of a patch, as the stats file shows it */
struct shunt_trans_stats {
	u64 duration_ns;
	u64 stop_ns;			/* longest stop_machine() stall */
	unsigned int stop_tries;
	unsigned int switched[SHUNT_NR_HOW];	/* by enum shunt_switch_how */
	char parked[SHUNT_PARKED_LEN];	/* "PID COMM" lines (park.c) */
};

/* [start, end) of code a task may be running */
struct shunt_code_range {
	unsigned long start, end;
};

/* "PID COMM SYMBOL+OFF/SIZE" lines of tasks that hold something up */
#define SHUNT_BLOCKED_LEN	512

struct shunt_ops;

/**
 * struct shunt_func - one patched function of an object
 * @desc:	the klp_func (or @nop_desc); read-only
 * @obj:	the object it belongs to
 * @old_addr:	the original's address, 0 while the object is not loaded;
 *		written by symbols.c under shunt_mutex
 * @old_size:	its size
 * @new_size:	the replacement's size
 * @new_addr:	lock-free: where the handler sends calls, 0 for a nop;
 *		set by redirect.c before the entry goes on a stack
 * @sympos:	as shown in sysfs, >= 1; set when built
 * @ops:	the redirection it is stacked on, NULL when off every stack;
 *		written by redirect.c under shunt_mutex
 * @node:	in shunt_object.funcs
 * @stack_node:	in shunt_ops.func_stack; RCU, read lock-free by handlers
 * @kobj:	sysfs directory; frees the struct on the last put
 * @transition:	lock-free: set while this entry's patch is in transition,
 *		so handlers ask shunt_task_state() which entry a task uses;
 *		written under shunt_mutex (core.c) after an smp_wmb()
 * @immediate:	never in transition: every task switches at once; set
 *		when built (an atomic replace's nop inherits it, replace.c)
 * @nop:	atomic replace: stands for the original where an older patch
 *		redirected a function the replacing patch does not; @desc
 *		then points to @nop_desc
 * @nop_desc:	the klp_func a nop pretends to be (allocated for nops only)
 * @direct:	its function's ftrace call is a direct call to shunt's
 *		trampoline (redirect.c, under shunt_mutex; sysfs reads it)
 * @calls:	calls counted while it was the newest entry, up to its
 *		last handover (calls.c, under shunt_mutex)
 */
struct shunt_func {
	const struct klp_func *desc;
	struct shunt_object *obj;
	unsigned long old_addr;
	unsigned long old_size;
	unsigned long new_size;
	unsigned long new_addr;
	unsigned long sympos;
	struct shunt_ops *ops;
	struct list_head node;
	struct list_head stack_node;
	struct kobject kobj;
	struct klp_func *nop_desc;
	struct shunt_calls_sum calls;
	/* the flags last: 192 bytes, kmalloc-192 */
	bool transition;
	bool immediate;
	bool nop;
	bool direct;
};

/**
 * struct shunt_object - vmlinux or one target module of a patch
 * @desc:	the klp_object (or @dyn_desc); read-only
 * @name:	"vmlinux" or the module's name
 * @patch:	the patch it belongs to
 * @mod:	the target module while loaded and resolved, else NULL;
 *		written by symbols.c under shunt_mutex
 * @funcs:	its shunt_funcs
 * @node:	in shunt_patch.objs
 * @kobj:	sysfs directory; frees the struct on the last put
 * @cb_obj:	the copy of @desc that callbacks get (callbacks.h)
 * @dynamic:	made for nops only (replace.c): @desc is @dyn_desc
 * @dyn_desc:	the klp_object a dynamic object pretends to be
 * @patched:	its functions are on the redirection stacks; core.c
 * @relocs:	its klp relocation sections are written; relocs.c
 * @relocs_stale: they stay written for a target that went, on a kernel
 *		that cannot clear them (compat.c); relocs.c
 * @pre_patch_done: pre_patch ran and succeeded; callbacks.h
 *
 * All fields but the read-only ones are written under shunt_mutex.
 */
struct shunt_object {
	const struct klp_object *desc;
	const char *name;
	struct shunt_patch *patch;
	struct module *mod;
	struct list_head funcs;
	struct list_head node;
	struct kobject kobj;
	struct klp_object cb_obj;
	bool dynamic;
	struct klp_object dyn_desc;
	bool patched;
	bool relocs;
	bool relocs_stale;
	bool pre_patch_done;
};

/**
 * struct shunt_patch - a klp_patch served by the shim
 * @desc:	the klp_patch; read-only
 * @mod:	the patch module, pinned while the patch exists
 * @node:	in shunt_patches, apply order
 * @objs:	its shunt_objects
 * @kobj:	sysfs directory /sys/kernel/shunt/<patch>
 * @opts:	from the claim; fixed once built
 * @replace:	atomic replace; fixed once built
 * @enabled:	what the user last asked for
 * @forced:	the module can never go
 * @keep_module: replaced while it had immediate functions (replace.c)
 * @replaced_by: the replacing patch's name (replace.c)
 * @error:	why the last request was refused
 * @seq:	apply order, from 1
 * @state:	see enum shunt_patch_state
 * @stats:	the last transition's, handed over by the transition code
 *		in shunt_patch_transition_done() or a failed stop-machine
 * @release_work: release.c
 * @release_tries: release.c
 * @blocked:	tasks holding up the module's release (release.c); while a
 *		transition runs, the transition's own list is shown instead
 *
 * Only the registry (core.c, replace.c, release.c) writes these fields,
 * always under shunt_mutex; sysfs reads the scalars with READ_ONCE() and
 * the rest under shunt_mutex.
 */
struct shunt_patch {
	struct klp_patch *desc;
	struct module *mod;
	struct list_head node;
	struct list_head objs;
	struct kobject kobj;
	struct shunt_options opts;
	bool replace;
	bool enabled;
	bool forced;
	bool keep_module;
	char replaced_by[MODULE_NAME_LEN];
	char error[256];
	unsigned int seq;
	enum shunt_patch_state state;
	struct shunt_trans_stats stats;
	struct delayed_work release_work;
	unsigned int release_tries;
	char blocked[SHUNT_BLOCKED_LEN];
};

extern struct mutex shunt_mutex;
extern struct list_head shunt_patches;
extern struct kobject *shunt_root_kobj;
extern struct workqueue_struct *shunt_wq;

static inline bool shunt_object_is_vmlinux(const struct shunt_object *obj)
{
	return !obj->desc->name;
}

/* vmlinux, or a module object whose target is loaded and resolved */
static inline bool shunt_object_loaded(const struct shunt_object *obj)
{
	return shunt_object_is_vmlinux(obj) || obj->mod;
}

#define shunt_for_each_object(patch, obj) \
	list_for_each_entry(obj, &(patch)->objs, node)
#define shunt_for_each_func(obj, func) \
	list_for_each_entry(func, &(obj)->funcs, node)
#define shunt_for_each_klp_state(kpatch, st) \
	for (st = (kpatch)->states; st && st->id; st++)

/* claim.c: which patch modules the shim serves */
void shunt_claim_exit(void);
bool shunt_claim_exists(const char *modname);
int shunt_claim_options(const char *modname, struct shunt_options *opts);
int shunt_claim_lookup_sym(const char *modname, const char *sym,
			   unsigned long sympos, unsigned long *addr,
			   char *err, size_t errlen);
void shunt_claim_set_result(const char *modname, int ret, const char *msg);
ssize_t shunt_claim_show(char *buf);
ssize_t shunt_claim_store(const char *buf, size_t count);

/* route.c: klp_enable_patch() of claimed modules comes to the shim */
int shunt_route_get(void);
void shunt_route_put(void);

/* core.c: the registry */
int shunt_enable_patch(struct klp_patch *kpatch);
int shunt_set_enabled(struct shunt_patch *patch, bool enabled);
int shunt_force_patch(struct shunt_patch *patch);
void shunt_patch_abort(struct shunt_patch *patch);
int shunt_object_patch(struct shunt_object *obj, bool transition,
		       char *err, size_t errlen);
void shunt_object_unpatch(struct shunt_object *obj);
void shunt_patch_transition_done(struct shunt_patch *patch, int target,
				 enum shunt_trans_result result,
				 const struct shunt_trans_stats *stats);
int shunt_core_init(void);
void shunt_core_exit(void);

/* build.c: the shim's view of a klp_patch */
struct shunt_patch *shunt_patch_build(struct klp_patch *kpatch,
				      const struct shunt_options *opts,
				      char *err, size_t errlen, int *ret);
void shunt_patch_free(struct shunt_patch *patch);
struct shunt_object *shunt_patch_add_object(struct shunt_patch *patch,
					    const struct klp_object *desc,
					    const char *name);
struct shunt_func *shunt_object_add_func(struct shunt_object *obj,
					 const struct klp_func *desc);
void shunt_object_del_func(struct shunt_func *func);
void shunt_patch_del_object(struct shunt_object *obj);

/* replace.c: atomic replace */
int shunt_replace_add_nops(struct shunt_patch *patch, char *err,
			   size_t errlen);
void shunt_replace_older(struct shunt_patch *patch);
void shunt_replace_release_older(struct shunt_patch *patch);

/* relocs.c: klp relocations of module objects */
int shunt_relocs_prepare(struct shunt_patch *patch, char *err, size_t errlen);
int shunt_object_write_relocs(struct shunt_object *obj, char *err,
			      size_t errlen);
void shunt_object_clear_relocs(struct shunt_object *obj);
bool shunt_can_clear_relocs(void);

/* symbols.c: where an object's functions are */
int shunt_object_resolve(struct shunt_object *obj, struct module *mod,
			 char *err, size_t errlen);
void shunt_object_forget_target(struct shunt_object *obj);

/* state.c: klp_state and klp_get_prev_state() for shunt patches */
extern struct task_struct *shunt_callback_task;
extern struct shunt_patch *shunt_callback_patch;
struct klp_state *shunt_get_prev_state(unsigned long id);
int shunt_state_check_compatible(struct shunt_patch *patch, char *err,
				 size_t errlen);

/* release.c: a finished patch's module goes once no stack holds its code */
void shunt_patch_release(struct shunt_patch *patch);
void shunt_patch_release_going(struct shunt_patch *patch);

/* module.c: target modules coming and going */
struct module *shunt_object_target(struct shunt_object *obj);
int shunt_module_init(void);
void shunt_module_exit(void);

/* redirect.c: one ftrace_ops (or kprobe) per patched function */
int shunt_redirect_push(struct shunt_func *func, enum shunt_redirect how,
			char *err, size_t errlen);
int shunt_redirect_commit(char *err, size_t errlen);
void shunt_redirect_pop(struct shunt_func *func);
void shunt_redirect_sync(void);
void shunt_redirect_refresh(struct shunt_func *func);
unsigned long shunt_redirect_body(unsigned long addr);
struct shunt_func *shunt_redirect_top(struct shunt_func *func);
void shunt_redirect_below(struct shunt_func *func,
			  struct shunt_code_range *below);
struct shunt_calls __percpu *shunt_redirect_calls(struct shunt_func *func,
						  struct shunt_calls_sum **base);
void shunt_redirect_exit(void);

/* sysfs.c */
int shunt_sysfs_add_patch(struct shunt_patch *patch);
void shunt_sysfs_init_patch(struct shunt_patch *patch);
void shunt_sysfs_init_object(struct shunt_object *obj);
void shunt_sysfs_init_func(struct shunt_func *func);
void shunt_sysfs_del_patch(struct shunt_patch *patch);
void shunt_sysfs_del(struct kobject *kobj);

/* funcfiles.c: a patch's files with a line per function */
extern struct bin_attribute *shunt_patch_bin_attrs[];

/* compat.c: workarounds for kernel symbols that are not exported */
struct module *shunt_find_module(const char *name);
int shunt_module_symbol(struct module *mod, const char *name,
			unsigned long sympos, unsigned long *addr,
			char *err, size_t errlen);
int shunt_verify_symbol(unsigned long addr, const char *name,
			const char *modname, unsigned long *size);
int shunt_verify_symbol_alias(unsigned long addr, const char *name,
			      unsigned long *size);
int shunt_symbol_size(unsigned long addr, unsigned long *size);
typedef bool (*shunt_stack_fn)(void *arg, unsigned long addr);
int shunt_stack_walk_reliable(struct task_struct *task, shunt_stack_fn fn,
			      void *arg);
int shunt_relocate_init(const char *patch_name, char *err, size_t errlen);
int shunt_apply_relocate_add(Elf_Shdr *sechdrs, const char *strtab,
			     unsigned int symndx, unsigned int relsec,
			     struct module *mod);
void shunt_clear_relocate_add(Elf_Shdr *sechdrs, const char *strtab,
			      unsigned int symndx, unsigned int relsec,
			      struct module *mod);
struct tracepoint *shunt_tracepoint_find(const char *name);
struct task_struct *shunt_idle_task(int cpu);
struct smp_hotplug_thread;
const struct smp_hotplug_thread *shunt_smpboot_thread(struct task_struct *task);
void shunt_idle_task_seen(struct task_struct *next, int cpu);
int shunt_compat_init(void);
void shunt_compat_exit(void);

#endif /* SHUNT_H */
