// SPDX-License-Identifier: GPL-2.0
/*
 * Routing: a claimed patch module's call to klp_enable_patch() is sent to
 * shunt_enable_patch() by an IPMODIFY ftrace handler on the kernel's
 * klp_enable_patch(). The module file is never changed, so signed modules
 * stay signed, and unclaimed modules reach the kernel's livepatch as
 * before.
 *
 * The same way, klp_get_prev_state() called from a shunt patch's callback
 * is answered from shunt's patches: the kernel's only knows its own list
 * (and warns when none of its patches is in transition).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/livepatch.h>

#include "shunt.h"

static void notrace shunt_route_enable(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *ops,
				       struct ftrace_regs *fregs)
{
	struct klp_patch *patch;
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;

	patch = (struct klp_patch *)ftrace_regs_get_argument(fregs, 0);
	if (patch && patch->mod && shunt_claim_exists(patch->mod->name))
		ftrace_regs_set_instruction_pointer(fregs,
					(unsigned long)shunt_enable_patch);

	ftrace_test_recursion_unlock(bit);
}

static void notrace shunt_route_prev_state(unsigned long ip,
					   unsigned long parent_ip,
					   struct ftrace_ops *ops,
					   struct ftrace_regs *fregs)
{
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0)
		return;
	if (READ_ONCE(shunt_callback_task) == current)
		ftrace_regs_set_instruction_pointer(fregs,
					(unsigned long)shunt_get_prev_state);
	ftrace_test_recursion_unlock(bit);
}

#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define SHUNT_ROUTE_FLAGS (FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT)
#else
#define SHUNT_ROUTE_FLAGS (FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT | \
			   FTRACE_OPS_FL_SAVE_REGS)
#endif

static struct shunt_route {
	const char *name;
	unsigned long addr;
	struct ftrace_ops ops;
	bool armed;
} shunt_routes[] = {
	{
		.name = "klp_enable_patch",
		.addr = (unsigned long)klp_enable_patch,
		.ops = { .func = shunt_route_enable, .flags = SHUNT_ROUTE_FLAGS },
	},
	{
		.name = "klp_get_prev_state",
		.addr = (unsigned long)klp_get_prev_state,
		.ops = { .func = shunt_route_prev_state,
			 .flags = SHUNT_ROUTE_FLAGS },
	},
};

void shunt_route_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(shunt_routes); i++) {
		struct shunt_route *r = &shunt_routes[i];

		if (!r->armed)
			continue;
		unregister_ftrace_function(&r->ops);
		ftrace_set_filter_ip(&r->ops, r->addr, 1, 0);
		r->armed = false;
	}
}

int shunt_route_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(shunt_routes); i++) {
		struct shunt_route *r = &shunt_routes[i];

		ret = ftrace_set_filter_ip(&r->ops, r->addr, 0, 0);
		if (ret) {
			pr_err("cannot trace %s: %d\n", r->name, ret);
			goto err;
		}
		ret = register_ftrace_function(&r->ops);
		if (ret) {
			pr_err("cannot redirect %s: %d (another IPMODIFY user?)\n",
			       r->name, ret);
			ftrace_set_filter_ip(&r->ops, r->addr, 1, 0);
			goto err;
		}
		r->armed = true;
	}
	return 0;
err:
	shunt_route_exit();
	return ret;
}
