// SPDX-License-Identifier: GPL-2.0
/*
 * Redirection: one ftrace_ops with FTRACE_OPS_FL_IPMODIFY per patched
 * function, holding a newest-first stack of replacement functions from
 * every patch that touches it, read under RCU by the handler. Stacking
 * patches only changes the stack; the ftrace_ops stays, so our own patches
 * never compete for the exclusive IPMODIFY flag.
 *
 * --redirect=kprobe uses a kprobe at the function's ftrace site instead,
 * whose pre_handler sets the IP. It has a post_handler (never doing
 * anything) only so that kprobes arms it with its IPMODIFY ftrace_ops:
 * that makes it exclusive against the kernel's livepatch, as ours is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/uaccess.h>
#include <asm/ibt.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "shunt.h"
#include "trace.h"
#include "transition.h"

struct shunt_ops {
	unsigned long addr;
	enum shunt_redirect how;
	struct list_head node;		/* in shunt_ops_list */
	struct list_head func_stack;	/* shunt_func, newest first, RCU */
	struct ftrace_ops fops;
	struct kprobe kp;
};

static LIST_HEAD(shunt_ops_list);

static struct shunt_ops *shunt_ops_find(unsigned long addr)
{
	struct shunt_ops *ops;

	list_for_each_entry(ops, &shunt_ops_list, node)
		if (ops->addr == addr)
			return ops;
	return NULL;
}

/*
 * Where a call to the function should go: the newest entry, unless that
 * entry's patch is in transition and the calling task has not switched
 * to it (or has switched away from it): then the entry below, or the
 * original function (0). Only one patch is in transition at a time.
 */
static __always_inline unsigned long shunt_ops_target(struct shunt_ops *ops)
{
	struct shunt_func *func;

	func = list_first_or_null_rcu(&ops->func_stack, struct shunt_func,
				      stack_node);
	if (func && unlikely(READ_ONCE(func->transition))) {
		/* pairs with the smp_wmb() before clearing transition */
		smp_rmb();
		if (shunt_task_state() == SHUNT_UNPATCHED) {
			func = list_entry_rcu(func->stack_node.next,
					      struct shunt_func, stack_node);
			if (&func->stack_node == &ops->func_stack)
				func = NULL;
		}
	}
	/* a nop (atomic replace) sends the task to the original */
	return func && !func->nop ? (unsigned long)func->desc->new_func : 0;
}

static void notrace shunt_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *fops,
					 struct ftrace_regs *fregs)
{
	struct shunt_ops *ops = container_of(fops, struct shunt_ops, fops);
	unsigned long target;
	int bit;

	/* also disables preemption: the RCU read side of func_stack */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (WARN_ON_ONCE(bit < 0))
		return;

	target = shunt_ops_target(ops);
	if (target)
		ftrace_regs_set_instruction_pointer(fregs, target);

	ftrace_test_recursion_unlock(bit);
}

/* kprobe handlers run with preemption disabled: the RCU read side */
static int shunt_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct shunt_ops *ops = container_of(kp, struct shunt_ops, kp);
	unsigned long target = shunt_ops_target(ops);

	if (!target)
		return 0;
	instruction_pointer_set(regs, target);
	return 1;	/* IP changed: kprobes skips the single-step */
}

static void shunt_kprobe_post(struct kprobe *kp, struct pt_regs *regs,
			      unsigned long flags)
{
}

/* -EBUSY: the exclusive IPMODIFY flag is someone else's (the loader names who) */
static void shunt_arm_error(char *err, size_t errlen, const char *name,
			    const char *what, int ret)
{
	if (ret == -EBUSY)
		snprintf(err, errlen,
			 "function '%s' is already redirected by another IPMODIFY ftrace user",
			 name);
	else
		snprintf(err, errlen, "function '%s': cannot register %s: %d",
			 name, what, ret);
}

static int shunt_ops_arm_ftrace(struct shunt_ops *ops, const char *name,
				char *err, size_t errlen)
{
	int ret;

	ops->fops.func = shunt_ftrace_handler;
	ops->fops.flags = FTRACE_OPS_FL_IPMODIFY |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
			  FTRACE_OPS_FL_SAVE_REGS |
#endif
			  FTRACE_OPS_FL_PERMANENT;
	ret = ftrace_set_filter_ip(&ops->fops, ops->addr, 0, 0);
	if (ret) {
		snprintf(err, errlen,
			 "function '%s' cannot be traced by ftrace (notrace or no fentry call): %d",
			 name, ret);
		return ret;
	}
	ret = register_ftrace_function(&ops->fops);
	if (ret) {
		shunt_arm_error(err, errlen, name, "ftrace_ops", ret);
		ftrace_set_filter_ip(&ops->fops, ops->addr, 1, 0);
	}
	return ret;
}

static int shunt_ops_arm_kprobe(struct shunt_ops *ops, const char *name,
				char *err, size_t errlen)
{
	int ret;

	ops->kp.addr = (kprobe_opcode_t *)ops->addr;
	ops->kp.pre_handler = shunt_kprobe_pre;
	ops->kp.post_handler = shunt_kprobe_post;
	ret = register_kprobe(&ops->kp);
	if (ret) {
		shunt_arm_error(err, errlen, name, "kprobe", ret);
		return ret;
	}
	/* an int3 kprobe would not be exclusive: refuse it */
	if (!(ops->kp.flags & KPROBE_FLAG_FTRACE)) {
		unregister_kprobe(&ops->kp);
		snprintf(err, errlen,
			 "function '%s' has no ftrace site for a kprobe on ftrace",
			 name);
		return -EINVAL;
	}
	return 0;
}

static void shunt_ops_disarm(struct shunt_ops *ops)
{
	if (ops->how == SHUNT_REDIRECT_KPROBE_ID) {
		unregister_kprobe(&ops->kp);
	} else {
		unregister_ftrace_function(&ops->fops);
		ftrace_set_filter_ip(&ops->fops, ops->addr, 1, 0);
	}
}

/*
 * Put func on top of its function's stack, creating and arming the
 * ftrace_ops (or kprobe) for the first entry.
 */
int shunt_redirect_push(struct shunt_func *func, enum shunt_redirect how,
			char *err, size_t errlen)
{
	const char *name = func->desc->old_name;
	struct shunt_ops *ops;
	int ret;

	lockdep_assert_held(&shunt_mutex);
	ops = shunt_ops_find(func->old_addr);
	if (ops) {
		if (ops->how != how) {
			snprintf(err, errlen,
				 "function '%s' is redirected by shunt with %s; a patch using %s cannot stack on it",
				 name, shunt_redirect_name(ops->how),
				 shunt_redirect_name(how));
			return -EBUSY;
		}
		list_add_rcu(&func->stack_node, &ops->func_stack);
		func->ops = ops;
		trace_shunt_func_redirect(func->obj->patch->mod->name, name,
					  func->old_addr, func->obj->name);
		return 0;
	}

	ops = kzalloc(sizeof(*ops), GFP_KERNEL);
	if (!ops) {
		snprintf(err, errlen, "out of memory for function '%s'", name);
		return -ENOMEM;
	}
	ops->addr = func->old_addr;
	ops->how = how;
	INIT_LIST_HEAD(&ops->func_stack);
	/* on the stack before arming: the handler never sees it empty */
	list_add_rcu(&func->stack_node, &ops->func_stack);

	if (how == SHUNT_REDIRECT_KPROBE_ID)
		ret = shunt_ops_arm_kprobe(ops, name, err, errlen);
	else
		ret = shunt_ops_arm_ftrace(ops, name, err, errlen);
	if (ret) {
		kfree(ops);
		return ret;
	}
	list_add(&ops->node, &shunt_ops_list);
	func->ops = ops;
	trace_shunt_func_redirect(func->obj->patch->mod->name, name,
				  func->old_addr, func->obj->name);
	return 0;
}

/*
 * Take func off its function's stack; the last one out disarms and frees
 * the ftrace_ops (unregistering waits for handlers still running). With
 * entries left, callers must shunt_redirect_sync() before freeing func.
 */
void shunt_redirect_pop(struct shunt_func *func)
{
	struct shunt_ops *ops = func->ops;

	lockdep_assert_held(&shunt_mutex);
	if (!ops)
		return;
	trace_shunt_func_restore(func->obj->patch->mod->name,
				 func->desc->old_name, func->old_addr,
				 func->obj->name);
	func->ops = NULL;
	if (list_is_singular(&ops->func_stack)) {
		shunt_ops_disarm(ops);
		list_del_rcu(&func->stack_node);
		list_del(&ops->node);
		kfree(ops);
		return;
	}
	list_del_rcu(&func->stack_node);
}

/*
 * The first instruction of the function at addr after its ftrace call
 * (and ENDBR): only the original body runs there, never a redirected
 * call, so a probe there sees the old code really run.
 */
unsigned long shunt_redirect_body(unsigned long addr)
{
	u32 insn;

	if (!get_kernel_nofault(insn, (u32 *)addr) && is_endbr(insn))
		addr += ENDBR_INSN_SIZE;
	return addr + MCOUNT_INSN_SIZE;
}

/* The newest entry on func's function (func is on a stack). */
struct shunt_func *shunt_redirect_top(struct shunt_func *func)
{
	return list_first_entry(&func->ops->func_stack, struct shunt_func,
				stack_node);
}

/* The code that ran before func: the entry below it, or the original. */
void shunt_redirect_below(struct shunt_func *func,
			  struct shunt_code_range *below)
{
	struct shunt_ops *ops = func->ops;
	struct shunt_func *next;

	if (!list_is_last(&func->stack_node, &ops->func_stack)) {
		next = list_next_entry(func, stack_node);
		below->start = (unsigned long)next->desc->new_func;
		below->end = below->start + next->new_size;
	} else {
		below->start = func->old_addr;
		below->end = func->old_addr + func->old_size;
	}
}

/*
 * Wait until no handler can still see a popped entry or a transition
 * flag that was just changed. Handlers run with preemption disabled,
 * also where RCU is not watching: the "rude" flavour covers those.
 */
void shunt_redirect_sync(void)
{
	synchronize_rcu();
	synchronize_rcu_tasks_rude();
}
