// SPDX-License-Identifier: GPL-2.0
/*
 * Redirection: per patched function (address) a shunt_ops holding a
 * newest-first stack of replacement functions from every patch that
 * touches it, read under RCU by the handler. Stacking patches only
 * changes the stack, so our own patches never compete for the exclusive
 * IPMODIFY flag.
 *
 * The functions an object's patching adds share one ftrace user with a
 * filter of all their addresses (a "group", as kpatch's single ops did).
 * By default it is a direct ops: each function's ftrace call becomes a
 * call to shunt_direct_tramp (direct.S), which looks the call site up in
 * shunt_direct_tab and goes to the top entry's replacement, or while the
 * entry is in transition to the version of the calling task's state
 * (asking shunt_direct_slow() when it does not know it). With direct=0
 * (or where a direct ops is refused) it is an ftrace_ops with
 * FTRACE_OPS_FL_IPMODIFY and shunt_ftrace_handler(), which a BPF
 * trampoline can share. Registering or unregistering an ftrace_ops
 * waits for RCU-tasks grace periods (~140 ms each under emulation), so a
 * 1000-function patch that had 1000 of them took minutes to revert. The
 * handler finds the function's shunt_ops by address in an RCU hash table.
 * Popping the last entry of a function only queues its address; the next
 * shunt_redirect_sync(), which every caller does before it frees
 * anything, takes all queued addresses off their groups at once (one
 * filter update per group, one unregistration per emptied group).
 *
 * --redirect=kprobe uses a kprobe at the function's ftrace site instead,
 * whose pre_handler sets the IP. It has a post_handler (never doing
 * anything) only so that kprobes arms it with its IPMODIFY ftrace_ops:
 * that makes it exclusive against the kernel's livepatch, as ours is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/kprobes.h>
#include <linux/uaccess.h>
#include <asm/ibt.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/trace_recursion.h>

#include "direct.h"
#include "shunt.h"
#include "trace.h"
#include "transition.h"

/* one registered ftrace_ops shared by the functions of one batch */
struct shunt_group {
	struct ftrace_ops fops;
	bool direct;			/* a direct ops: shunt_direct_tramp */
	unsigned int nr;		/* addresses in the filter */
	unsigned int nr_going;		/* empty: queued, or idle (direct) */
	struct list_head members;	/* its shunt_ops */
	struct list_head node;		/* in shunt_groups */
};

struct shunt_kprobe {
	struct kprobe kp;
	struct shunt_ops *ops;
};

/* 128 bytes (kmalloc-128): mind the slab per function */
struct shunt_ops {
	struct hlist_node hnode;	/* in shunt_ops_hash, RCU */
	unsigned long site;		/* its ftrace call: the handler's ip */
	unsigned long addr;
	struct list_head func_stack;	/* shunt_func, newest first, RCU */
	struct shunt_group *group;	/* ftrace; NULL until armed */
	struct list_head gnode;		/* in group->members */
	struct shunt_kprobe *kp;	/* kprobe */
	struct list_head batch;		/* being armed, or queued to go */
	struct shunt_calls __percpu *calls;	/* the slot's, or its own */
	struct shunt_calls_sum calls_base;	/* when the top entry came */
	int dslot;			/* in shunt_direct_tab, or -1 */
	u8 how;				/* enum shunt_redirect */
	bool own_calls;			/* freed with it: not a slot's */
};

/*
 * Direct calls (direct.S). Sites stay in the table once entered (a
 * function patched again gets its old slot back), with their call
 * counters, so the trampoline never reads or writes freed memory; at
 * most 3/4 of it is used, so a probe always ends. Beyond that (or when
 * no counters can be allocated), functions get the ftrace_ops handler.
 */
struct shunt_direct_ent shunt_direct_tab[1 << SHUNT_DIRECT_BITS] __aligned(64);
static unsigned int shunt_direct_used;

static int shunt_direct_slot(unsigned long site)
{
	unsigned int mask = (1 << SHUNT_DIRECT_BITS) - 1;
	unsigned int i = (site * SHUNT_DIRECT_GOLDEN) >>
			 (64 - SHUNT_DIRECT_BITS);

	for (;; i = (i + 1) & mask) {
		if (shunt_direct_tab[i].site == site)
			return i;
		if (!shunt_direct_tab[i].site)
			break;
	}
	if (shunt_direct_used >= (3 << SHUNT_DIRECT_BITS) / 4)
		return -1;
	shunt_direct_tab[i].calls = shunt_calls_alloc();
	if (!shunt_direct_tab[i].calls)
		return -1;
	shunt_direct_used++;
	WRITE_ONCE(shunt_direct_tab[i].patched, 0);
	WRITE_ONCE(shunt_direct_tab[i].unpatched, 0);
	/* the rest before the site: pairs with the address dependency */
	smp_wmb();
	WRITE_ONCE(shunt_direct_tab[i].site, site);
	return i;
}

#define SHUNT_OPS_HASH_BITS	12
static DEFINE_HASHTABLE(shunt_ops_hash, SHUNT_OPS_HASH_BITS);
static LIST_HEAD(shunt_groups);
static LIST_HEAD(shunt_ops_arming);	/* new ftrace ops of this batch */
static LIST_HEAD(shunt_ops_going);	/* popped empty, still armed */

/* writers only, under shunt_mutex */
static struct shunt_ops *shunt_ops_find(unsigned long site)
{
	struct shunt_ops *ops;

	hash_for_each_possible(shunt_ops_hash, ops, hnode, site)
		if (ops->site == site)
			return ops;
	return NULL;
}

static unsigned long shunt_ftrace_site(unsigned long addr);

/* the handler's lookup: any context, preemption off (RCU-sched) */
static __always_inline struct shunt_ops *shunt_ops_lookup(unsigned long ip)
{
	struct shunt_ops *ops;

	hlist_for_each_entry_rcu_notrace(ops,
		&shunt_ops_hash[hash_min(ip, SHUNT_OPS_HASH_BITS)], hnode)
		if (ops->site == ip)
			return ops;
	return NULL;
}

/*
 * A function in transition: the newest entry, unless its patch is in
 * transition and the calling task has not switched to it (or has
 * switched away from it): then the entry below, or the original (0).
 * Only one patch is in transition at a time. Out of line, so that the
 * common path saves no registers for the call.
 */
static noinline notrace unsigned long
shunt_ops_target_trans(struct shunt_ops *ops, struct shunt_func *func,
		       bool *top)
{
	/* pairs with the smp_wmb() before clearing transition */
	smp_rmb();
	if (shunt_task_state() == SHUNT_UNPATCHED) {
		*top = false;
		func = list_entry_rcu(func->stack_node.next,
				      struct shunt_func, stack_node);
		if (&func->stack_node == &ops->func_stack)
			return 0;
	}
	return READ_ONCE(func->new_addr);
}


/*
 * Tell the trampoline where ops' function goes now, for a task at each
 * state of the patch in transition: the top entry's replacement (or the
 * original), and while the top entry is in transition, for tasks not
 * switched to it, what lies below it. A transition's start and end
 * change only one of the two, so the trampoline, which reads them one
 * after the other, sees either the old pair or the new. A task that
 * read them cannot be switched before it leaves the trampoline (its
 * stack is unreliable there).
 */
static void shunt_ops_publish(struct shunt_ops *ops)
{
	struct shunt_direct_ent *ent;
	struct shunt_func *top, *below;
	unsigned long patched = 0, unpatched;

	if (ops->dslot < 0)
		return;
	ent = &shunt_direct_tab[ops->dslot];
	top = list_first_entry_or_null(&ops->func_stack, struct shunt_func,
				       stack_node);
	if (top)
		patched = top->new_addr;
	unpatched = patched;
	if (top && top->transition) {
		below = list_next_entry(top, stack_node);
		unpatched = list_entry_is_head(below, &ops->func_stack,
					       stack_node) ? 0 : below->new_addr;
	}
	WRITE_ONCE(ent->patched, patched);
	WRITE_ONCE(ent->unpatched, unpatched);
}

/*
 * The top entry of ops changes: the one leaving the top (NULL for none)
 * keeps its calls, the next one counts from now (calls.c).
 */
static void shunt_ops_handover(struct shunt_ops *ops, struct shunt_func *from)
{
	shunt_calls_handover(ops->calls, &ops->calls_base, from);
}

/*
 * The counters of func's function while func is its top entry (and the
 * sums they had when it became the top), else NULL.
 */
struct shunt_calls __percpu *shunt_redirect_calls(struct shunt_func *func,
						  struct shunt_calls_sum **base)
{
	lockdep_assert_held(&shunt_mutex);
	if (!func->ops || shunt_redirect_top(func) != func)
		return NULL;
	*base = &func->ops->calls_base;
	return func->ops->calls;
}

static void shunt_ops_free(struct shunt_ops *ops)
{
	if (ops->own_calls)
		shunt_calls_free(ops->calls);
	kfree(ops);
}

/* At module exit, nothing redirected: the counters of the table's slots. */
void shunt_redirect_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(shunt_direct_tab); i++)
		shunt_calls_free(shunt_direct_tab[i].calls);
}

/* func's transition flag changed (core.c) */
void shunt_redirect_refresh(struct shunt_func *func)
{
	lockdep_assert_held(&shunt_mutex);
	if (func->ops)
		shunt_ops_publish(func->ops);
}

/*
 * Where a call to ops' function goes (0 for the original), counted:
 * new when it is the top entry's replacement, old otherwise.
 */
static __always_inline unsigned long shunt_ops_target(struct shunt_ops *ops)
{
	struct shunt_func *func;
	unsigned long target;
	bool top = true;

	func = list_first_or_null_rcu(&ops->func_stack, struct shunt_func,
				      stack_node);
	if (unlikely(!func))
		return 0;
	if (unlikely(READ_ONCE(func->transition)))
		target = shunt_ops_target_trans(ops, func, &top);
	else
		/* 0 for a nop (atomic replace): the original */
		target = READ_ONCE(func->new_addr);
	shunt_calls_hit(ops->calls, top && target);
	return target;
}

/*
 * The fast path calls nothing, so it cannot recurse: it only needs
 * preemption off for the RCU read side. The transition path calls
 * shunt_task_state() (notrace, as all it reaches) under the same rule.
 */
static void notrace shunt_ftrace_handler(unsigned long ip,
					 unsigned long parent_ip,
					 struct ftrace_ops *fops,
					 struct ftrace_regs *fregs)
{
	struct shunt_ops *ops;
	unsigned long target;

	preempt_disable_notrace();
	ops = shunt_ops_lookup(ip);
	if (likely(ops)) {
		target = shunt_ops_target(ops);
		if (target)
			ftrace_regs_set_instruction_pointer(fregs, target);
	}
	preempt_enable_notrace();
}

/* direct.S during a transition: the same answer as the handler's */
unsigned long notrace shunt_direct_slow(unsigned long site)
{
	struct shunt_ops *ops;
	unsigned long target = 0;

	preempt_disable_notrace();
	ops = shunt_ops_lookup(site);
	if (likely(ops))
		target = shunt_ops_target(ops);
	preempt_enable_notrace();
	return target;
}

/* kprobe handlers run with preemption disabled: the RCU read side */
static int shunt_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct shunt_ops *ops = container_of(kp, struct shunt_kprobe, kp)->ops;
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

static const char *shunt_ops_name(struct shunt_ops *ops)
{
	return list_first_entry(&ops->func_stack, struct shunt_func,
				stack_node)->desc->old_name;
}

static struct shunt_group *shunt_group_alloc(bool direct)
{
	struct shunt_group *g = kzalloc(sizeof(*g), GFP_KERNEL);

	if (!g)
		return NULL;
	INIT_LIST_HEAD(&g->members);
	g->direct = direct;
	if (direct) {
		/*
		 * No ops_func: ftrace refuses an IPMODIFY user (the kernel's
		 * livepatch, a kprobe with a post_handler) and another direct
		 * one (a BPF trampoline) on these functions, -EBUSY.
		 */
		g->fops.flags = FTRACE_OPS_FL_PERMANENT;
		return g;
	}
	g->fops.func = shunt_ftrace_handler;
	g->fops.flags = FTRACE_OPS_FL_IPMODIFY |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
			FTRACE_OPS_FL_SAVE_REGS |
#endif
			FTRACE_OPS_FL_PERMANENT;
	return g;
}

static void shunt_group_free(struct shunt_group *g)
{
	ftrace_free_filter(&g->fops);
	kfree(g);
}

/*
 * Register one group for ops (a list linked by ->batch, n of them).
 * Only the filter of an unregistered ops is changed here.
 */
static int shunt_group_arm(struct list_head *list, unsigned int n,
			   bool direct, struct shunt_group **gp,
			   char *err, size_t errlen)
{
	struct shunt_group *g;
	struct shunt_ops *ops;
	unsigned long *ips;
	unsigned int i = 0;
	int ret;

	g = shunt_group_alloc(direct);
	ips = kvmalloc_array(n, sizeof(*ips), GFP_KERNEL);
	if (!g || !ips) {
		kfree(g);
		kvfree(ips);
		snprintf(err, errlen, "out of memory for %u functions", n);
		return -ENOMEM;
	}
	list_for_each_entry(ops, list, batch)
		ips[i++] = ops->addr;
	ret = ftrace_set_filter_ips(&g->fops, ips, n, 0, 0);
	kvfree(ips);
	if (ret) {
		/* name the function ftrace refuses */
		list_for_each_entry(ops, list, batch)
			if (ftrace_set_filter_ip(&g->fops, ops->addr, 0, 1)) {
				snprintf(err, errlen,
					 "function '%s' cannot be traced by ftrace (notrace or no fentry call): %d",
					 shunt_ops_name(ops), ret);
				break;
			}
		shunt_group_free(g);
		return ret;
	}
	if (direct)
		ret = shunt_register_direct(&g->fops,
					    (unsigned long)shunt_direct_tramp);
	else
		ret = register_ftrace_function(&g->fops);
	if (ret) {
		shunt_group_free(g);
		return ret;
	}
	g->nr = n;
	*gp = g;
	return 0;
}

static void shunt_group_add(struct shunt_group *g, struct shunt_ops *ops)
{
	ops->group = g;
	list_add_tail(&ops->gnode, &g->members);
	list_del_init(&ops->batch);
}

/*
 * Arm one function alone: by direct call if it may, else (or when a BPF
 * trampoline holds the site: it shares with an IPMODIFY ops, not with
 * another direct one) with the handler.
 */
static int shunt_ops_arm_one(struct shunt_ops *ops, char *err, size_t errlen)
{
	struct shunt_group *g;
	LIST_HEAD(one);
	int ret = -EBUSY;

	list_move(&ops->batch, &one);
	if (ops->dslot >= 0) {
		ret = shunt_group_arm(&one, 1, true, &g, err, errlen);
		if (ret) {
			struct shunt_func *func;

			ops->dslot = -1;
			list_for_each_entry(func, &ops->func_stack, stack_node)
				WRITE_ONCE(func->direct, false);
		}
	}
	if (ret == -EBUSY)
		ret = shunt_group_arm(&one, 1, false, &g, err, errlen);
	list_move(&ops->batch, &shunt_ops_arming);
	if (ret)
		return ret;
	list_add(&g->node, &shunt_groups);
	shunt_group_add(g, ops);
	return 0;
}

/*
 * Arm the new ftrace functions of the batch: one direct ops for those
 * that take direct calls, one ftrace_ops for the others. When that
 * fails (someone else's IPMODIFY or direct ops on one of them), arm them
 * one by one, to name the function that fails; the slow way, on errors
 * only.
 */
static int shunt_arm_some(bool direct, char *err, size_t errlen)
{
	struct shunt_ops *ops, *tmp;
	struct shunt_group *g;
	unsigned int n = 0;
	LIST_HEAD(list);
	int ret;

	list_for_each_entry_safe(ops, tmp, &shunt_ops_arming, batch)
		if ((ops->dslot >= 0) == direct) {
			list_move_tail(&ops->batch, &list);
			n++;
		}
	if (!n)
		return 0;
	ret = shunt_group_arm(&list, n, direct, &g, err, errlen);
	if (!ret) {
		list_add(&g->node, &shunt_groups);
		list_for_each_entry_safe(ops, tmp, &list, batch)
			shunt_group_add(g, ops);
		return 0;
	}
	list_splice(&list, &shunt_ops_arming);
	if (ret != -EBUSY)
		return ret;
	list_for_each_entry_safe(ops, tmp, &shunt_ops_arming, batch) {
		if ((ops->dslot >= 0) != direct)
			continue;
		ret = shunt_ops_arm_one(ops, err, errlen);
		if (ret) {
			/* the failing one first, for the message */
			list_move(&ops->batch, &shunt_ops_arming);
			return ret;
		}
	}
	return 0;
}

static int shunt_redirect_arm_batch(char *err, size_t errlen)
{
	struct shunt_ops *ops, *tmp;
	int ret;

	ret = shunt_arm_some(true, err, errlen);
	if (!ret)
		ret = shunt_arm_some(false, err, errlen);
	if (!ret)
		return 0;
	if (ret == -EBUSY || !err[0])
		shunt_arm_error(err, errlen, shunt_ops_name(list_first_entry(
			&shunt_ops_arming, struct shunt_ops, batch)),
			"ftrace_ops", ret);
	/* the caller pops them: unarmed, they go at once */
	list_for_each_entry_safe(ops, tmp, &shunt_ops_arming, batch)
		list_del_init(&ops->batch);
	return ret;
}

static int shunt_ops_arm_kprobe(struct shunt_ops *ops, const char *name,
				char *err, size_t errlen)
{
	struct shunt_kprobe *skp;
	int ret;

	skp = kzalloc(sizeof(*skp), GFP_KERNEL);
	if (!skp) {
		snprintf(err, errlen, "out of memory for function '%s'", name);
		return -ENOMEM;
	}
	skp->ops = ops;
	skp->kp.addr = (kprobe_opcode_t *)ops->addr;
	skp->kp.pre_handler = shunt_kprobe_pre;
	skp->kp.post_handler = shunt_kprobe_post;
	ret = register_kprobe(&skp->kp);
	if (ret) {
		shunt_arm_error(err, errlen, name, "kprobe", ret);
		kfree(skp);
		return ret;
	}
	/* an int3 kprobe would not be exclusive: refuse it */
	if (!(skp->kp.flags & KPROBE_FLAG_FTRACE)) {
		unregister_kprobe(&skp->kp);
		kfree(skp);
		snprintf(err, errlen,
			 "function '%s' has no ftrace site for a kprobe on ftrace",
			 name);
		return -EINVAL;
	}
	ops->kp = skp;
	return 0;
}

/*
 * Put func on top of its function's stack. A function new to the shim
 * gets a shunt_ops; with kprobes it is armed at once, with ftrace it
 * waits in the batch for shunt_redirect_commit().
 */
int shunt_redirect_push(struct shunt_func *func, enum shunt_redirect how,
			char *err, size_t errlen)
{
	const char *name = func->desc->old_name;
	struct shunt_ops *ops;
	unsigned long site;
	int ret;

	lockdep_assert_held(&shunt_mutex);
	func->new_addr = func->nop ? 0 : (unsigned long)func->desc->new_func;
	site = shunt_ftrace_site(func->old_addr);
	ops = shunt_ops_find(site);
	if (ops) {
		if (ops->how != how) {
			snprintf(err, errlen,
				 "function '%s' is redirected by shunt with %s; a patch using %s cannot stack on it",
				 name, shunt_redirect_name(ops->how),
				 shunt_redirect_name(how));
			return -EBUSY;
		}
		/* popped empty but still armed: it stays */
		if (list_empty(&ops->func_stack) && ops->group) {
			list_del_init(&ops->batch);
			ops->group->nr_going--;
		}
		shunt_ops_handover(ops, list_first_entry_or_null(&ops->func_stack,
				   struct shunt_func, stack_node));
		list_add_rcu(&func->stack_node, &ops->func_stack);
		shunt_ops_publish(ops);
		func->ops = ops;
		WRITE_ONCE(func->direct, ops->dslot >= 0);
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
	ops->site = site;
	ops->how = how;
	ops->dslot = -1;
	INIT_LIST_HEAD(&ops->func_stack);
	INIT_LIST_HEAD(&ops->batch);
	INIT_LIST_HEAD(&ops->gnode);
	/* on the stack before arming: the handler never sees it empty */
	list_add_rcu(&func->stack_node, &ops->func_stack);

	if (how == SHUNT_REDIRECT_FTRACE_ID && !func->obj->patch->opts.no_direct)
		ops->dslot = shunt_direct_slot(site);
	ops->own_calls = ops->dslot < 0;
	ops->calls = ops->dslot >= 0 ? shunt_direct_tab[ops->dslot].calls :
				       shunt_calls_alloc();
	if (!ops->calls) {
		snprintf(err, errlen, "out of memory for function '%s'", name);
		kfree(ops);
		return -ENOMEM;
	}
	/* a slot's counters go on from where they were */
	shunt_ops_handover(ops, NULL);
	if (how == SHUNT_REDIRECT_KPROBE_ID) {
		ret = shunt_ops_arm_kprobe(ops, name, err, errlen);
		if (ret) {
			shunt_ops_free(ops);
			return ret;
		}
	} else {
		shunt_ops_publish(ops);
		list_add_tail(&ops->batch, &shunt_ops_arming);
	}
	hash_add_rcu(shunt_ops_hash, &ops->hnode, ops->site);
	func->ops = ops;
	WRITE_ONCE(func->direct, ops->dslot >= 0);
	trace_shunt_func_redirect(func->obj->patch->mod->name, name,
				  func->old_addr, func->obj->name);
	return 0;
}

/*
 * Arm what shunt_redirect_push() left in the batch: one ftrace_ops for
 * all of it. On failure the caller pops everything it pushed.
 */
int shunt_redirect_commit(char *err, size_t errlen)
{
	lockdep_assert_held(&shunt_mutex);
	return shunt_redirect_arm_batch(err, errlen);
}

/*
 * Take func off its function's stack. The last one out leaves the
 * function armed (the handler sends its calls to the original) until
 * the next shunt_redirect_sync(), which callers must do before freeing
 * func anyway.
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
	if (shunt_redirect_top(func) == func)
		shunt_ops_handover(ops, func);
	func->ops = NULL;
	WRITE_ONCE(func->direct, false);
	list_del_rcu(&func->stack_node);
	shunt_ops_publish(ops);
	if (!list_empty(&ops->func_stack))
		return;
	if (ops->how == SHUNT_REDIRECT_KPROBE_ID) {
		unregister_kprobe(&ops->kp->kp);
		kfree(ops->kp);
		ops->kp = NULL;
		/* disarmed: a new push makes a new one */
		hash_del_rcu(&ops->hnode);
		list_add_tail(&ops->batch, &shunt_ops_going);
	} else if (ops->group) {
		ops->group->nr_going++;
		list_add_tail(&ops->batch, &shunt_ops_going);
	} else {
		/* never armed (a failed commit): nobody can see it */
		list_del_init(&ops->batch);
		hash_del_rcu(&ops->hnode);
		/* the handler never looks it up: its address is not armed */
		shunt_ops_free(ops);
	}
}

/* Unregister a group none of whose functions has an entry left. */
static void shunt_group_drop(struct shunt_group *g, struct list_head *going)
{
	struct shunt_ops *ops, *tmp;

	if (g->direct)
		shunt_unregister_direct(&g->fops,
					(unsigned long)shunt_direct_tramp);
	else
		unregister_ftrace_function(&g->fops);
	list_for_each_entry_safe(ops, tmp, &g->members, gnode) {
		list_del_init(&ops->gnode);
		ops->group = NULL;
		hash_del_rcu(&ops->hnode);
		list_move_tail(&ops->batch, going);
	}
	list_del(&g->node);
	shunt_group_free(g);
}

/*
 * Take the queued functions off their groups: one update per group. A
 * direct ops cannot lose addresses on 6.12 while registered: its empty
 * functions stay in it, calls going to the original, until the whole
 * group is empty.
 */
static void shunt_redirect_flush(struct list_head *going)
{
	struct shunt_group *g, *gtmp;
	struct shunt_ops *ops, *tmp;
	unsigned long *ips;
	unsigned int n;

	list_for_each_entry_safe(g, gtmp, &shunt_groups, node) {
		if (!g->nr_going)
			continue;
		if (g->nr_going == g->nr) {
			/* an empty filter would mean every function */
			shunt_group_drop(g, going);
			continue;
		}
		if (g->direct)
			continue;
		ips = kvmalloc_array(g->nr_going, sizeof(*ips), GFP_KERNEL);
		n = 0;
		list_for_each_entry(ops, &shunt_ops_going, batch) {
			if (ops->group != g)
				continue;
			if (ips)
				ips[n++] = ops->addr;
			else
				ftrace_set_filter_ip(&g->fops, ops->addr, 1, 0);
		}
		if (ips) {
			WARN_ON(ftrace_set_filter_ips(&g->fops, ips, n, 1, 0));
			kvfree(ips);
		}
		g->nr -= g->nr_going;
		g->nr_going = 0;
	}
	list_for_each_entry_safe(ops, tmp, &shunt_ops_going, batch) {
		if (ops->group && ops->group->direct) {
			list_del_init(&ops->batch);	/* idle in its group */
			continue;
		}
		if (ops->group) {
			list_del_init(&ops->gnode);
			ops->group = NULL;
		}
		hash_del_rcu(&ops->hnode);
		list_move_tail(&ops->batch, going);
	}
}

/*
 * Wait until no handler can still see a popped entry or a transition
 * flag that was just changed, after disarming the functions whose last
 * entry went. Handlers run with preemption disabled, also where RCU is
 * not watching: the "rude" flavour covers those.
 */
void shunt_redirect_sync(void)
{
	struct shunt_ops *ops, *tmp;
	LIST_HEAD(going);

	lockdep_assert_held(&shunt_mutex);
	shunt_redirect_flush(&going);
	synchronize_rcu();
	synchronize_rcu_tasks_rude();
	list_for_each_entry_safe(ops, tmp, &going, batch)
		shunt_ops_free(ops);
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

/* the function's ftrace call, past an ENDBR: the ip handlers get */
static unsigned long shunt_ftrace_site(unsigned long addr)
{
	return shunt_redirect_body(addr) - MCOUNT_INSN_SIZE;
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
