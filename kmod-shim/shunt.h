/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shunt.ko internals. The klp structures of a patch module are read,
 * never written: each klp_patch/klp_object/klp_func gets a shunt_patch/
 * shunt_object/shunt_func beside it holding the shim's own state.
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

enum shunt_redirect {
	SHUNT_REDIRECT_FTRACE_ID,
	SHUNT_REDIRECT_KPROBE_ID,
};

enum shunt_consistency {
	SHUNT_CONSISTENCY_IMMEDIATE_ID,
	SHUNT_CONSISTENCY_PER_TASK_ID,
	SHUNT_CONSISTENCY_STOP_MACHINE_ID,
};

enum shunt_patch_state {
	SHUNT_PATCH_APPLYING,
	SHUNT_PATCH_APPLIED,
	SHUNT_PATCH_REVERTING,
	SHUNT_PATCH_RELEASING,
	SHUNT_PATCH_REPLACED,		/* replaced, its module kept */
};

/* the options a claim carries to the patch it becomes */
struct shunt_options {
	enum shunt_redirect redirect;
	enum shunt_consistency consistency;
	int replace;		/* -1: as klp_patch.replace says */
	unsigned int stop_retries;	/* stop-machine attempts after the first */
	char immediate_funcs[256];	/* ",f1,f2," switch at once for all */
};

/* the last transition of a patch, as the stats file shows it */
struct shunt_trans_stats {
	u64 duration_ns;
	u64 stop_ns;			/* longest stop_machine() stall */
	unsigned int stop_tries;
	unsigned int switched[8];	/* by enum shunt_switch_how */
};

struct shunt_ops;

struct shunt_func {
	const struct klp_func *desc;
	struct shunt_object *obj;
	unsigned long old_addr;		/* 0 while the object is not loaded */
	unsigned long old_size;
	unsigned long new_size;
	unsigned long sympos;		/* as shown in sysfs: >= 1 */
	struct shunt_ops *ops;		/* set while on a func stack */
	struct list_head node;		/* in shunt_object.funcs */
	struct list_head stack_node;	/* in shunt_ops.func_stack, RCU */
	struct kobject kobj;
	/*
	 * Set while the patch this entry belongs to is in transition: tasks
	 * that have not switched yet are sent to the entry below (or to the
	 * original function).
	 */
	bool transition;
	/* never in transition: everybody switches at once (seed 004) */
	bool immediate;
	/*
	 * Atomic replace: stands for "the original function" where an older
	 * patch redirected one that the replacing patch does not. desc then
	 * points to nop_desc.
	 */
	bool nop;
	struct klp_func nop_desc;
};

struct shunt_object {
	const struct klp_object *desc;
	const char *name;		/* "vmlinux" or the module's name */
	struct shunt_patch *patch;
	struct module *mod;		/* target module while loaded */
	struct list_head funcs;
	struct list_head node;		/* in shunt_patch.objs */
	struct kobject kobj;
	struct klp_object cb_obj;	/* what callbacks get: see core.c */
	bool dynamic;			/* only nops: desc is dyn_desc */
	struct klp_object dyn_desc;
	bool patched;
	bool pre_patch_done;		/* pre_patch ran and succeeded */
};

struct shunt_patch {
	struct klp_patch *desc;
	struct module *mod;		/* the patch module, pinned */
	struct list_head node;		/* in shunt_patches, apply order */
	struct list_head objs;
	struct kobject kobj;
	struct shunt_options opts;
	bool replace;
	bool enabled;			/* what the user last asked for */
	bool forced;			/* the module can never go */
	bool keep_module;		/* replaced with immediate functions */
	char replaced_by[MODULE_NAME_LEN];
	char error[256];		/* why the last request was refused */
	int trans_target;		/* of the transition in progress */
	unsigned int seq;
	enum shunt_patch_state state;
	struct shunt_trans_stats stats;
	struct delayed_work release_work;
	unsigned int release_tries;
	char blocked[512];		/* "PID COMM SYM+OFF/SIZE" lines */
};

/* the task running a shunt patch's callback, and that patch */
extern struct task_struct *shunt_callback_task;
extern struct shunt_patch *shunt_callback_patch;

/* Within shunt_mutex, like the kernel's klp_mutex. */
extern struct mutex shunt_mutex;
extern struct list_head shunt_patches;
extern struct kobject *shunt_root_kobj;
extern struct workqueue_struct *shunt_wq;

static inline bool shunt_object_is_vmlinux(const struct shunt_object *obj)
{
	return !obj->desc->name;
}

#define shunt_for_each_object(patch, obj) \
	list_for_each_entry(obj, &(patch)->objs, node)
#define shunt_for_each_func(obj, func) \
	list_for_each_entry(func, &(obj)->funcs, node)
#define shunt_for_each_klp_state(kpatch, st) \
	for (st = (kpatch)->states; st && st->id; st++)

const char *shunt_redirect_name(enum shunt_redirect r);
const char *shunt_consistency_name(enum shunt_consistency c);

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
struct klp_state *shunt_get_prev_state(unsigned long id);
int shunt_route_init(void);
void shunt_route_exit(void);

/* core.c: the registry */
int shunt_enable_patch(struct klp_patch *kpatch);
int shunt_set_enabled(struct shunt_patch *patch, bool enabled);
int shunt_force_patch(struct shunt_patch *patch);
int shunt_core_init(void);
void shunt_core_exit(void);

/* redirect.c: one ftrace_ops (or kprobe) per patched function */
int shunt_redirect_push(struct shunt_func *func, enum shunt_redirect how,
			char *err, size_t errlen);
void shunt_redirect_pop(struct shunt_func *func);
void shunt_redirect_sync(void);
unsigned long shunt_redirect_body(unsigned long addr);
struct shunt_func *shunt_redirect_top(struct shunt_func *func);
void shunt_redirect_below(struct shunt_func *func, unsigned long *start,
			  unsigned long *end);

/* sysfs.c */
int shunt_sysfs_add_patch(struct shunt_patch *patch);
void shunt_sysfs_init_patch(struct shunt_patch *patch);
void shunt_sysfs_init_object(struct shunt_object *obj);
void shunt_sysfs_init_func(struct shunt_func *func);
void shunt_sysfs_del_patch(struct shunt_patch *patch);

/* compat.c: workarounds for kernel symbols that are not exported */
struct module *shunt_find_module(const char *name);
int shunt_module_symbol(struct module *mod, const char *name,
			unsigned long sympos, unsigned long *addr,
			char *err, size_t errlen);
int shunt_verify_symbol(unsigned long addr, const char *name,
			const char *modname, unsigned long *size);
int shunt_symbol_size(unsigned long addr, unsigned long *size);
typedef bool (*shunt_stack_fn)(void *arg, unsigned long addr);
int shunt_stack_walk_reliable(struct task_struct *task, shunt_stack_fn fn,
			      void *arg);

/* stackcheck.c: is a task's stack in given code ranges? */
struct shunt_range {
	unsigned long start, end;
};

bool shunt_addr_in_ranges(const struct shunt_range *ranges, int nr,
			  unsigned long addr);
int shunt_stack_check_all(const struct shunt_range *ranges, int nr,
			  char *blocked, size_t len);

#endif /* SHUNT_H */
