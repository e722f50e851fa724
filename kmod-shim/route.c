// SPDX-License-Identifier: GPL-2.0
/*
 * Routing: a claimed patch module's call to klp_enable_patch() is sent to
 * shunt_enable_patch() by an IPMODIFY ftrace handler on the kernel's
 * klp_enable_patch(). The module file is never changed, so signed modules
 * stay signed, and unclaimed modules reach the kernel's livepatch as
 * before.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/livepatch.h>

#include "shunt.h"

static void notrace shunt_route_handler(unsigned long ip,
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

static struct ftrace_ops shunt_route_ops = {
	.func = shunt_route_handler,
	.flags = FTRACE_OPS_FL_IPMODIFY |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 FTRACE_OPS_FL_SAVE_REGS |
#endif
		 FTRACE_OPS_FL_PERMANENT,
};

int shunt_route_init(void)
{
	int ret;

	ret = ftrace_set_filter_ip(&shunt_route_ops,
				   (unsigned long)klp_enable_patch, 0, 0);
	if (ret) {
		pr_err("cannot trace klp_enable_patch: %d\n", ret);
		return ret;
	}
	ret = register_ftrace_function(&shunt_route_ops);
	if (ret) {
		pr_err("cannot redirect klp_enable_patch: %d (another IPMODIFY user?)\n",
		       ret);
		ftrace_set_filter_ip(&shunt_route_ops,
				     (unsigned long)klp_enable_patch, 1, 0);
	}
	return ret;
}

void shunt_route_exit(void)
{
	unregister_ftrace_function(&shunt_route_ops);
	ftrace_set_filter_ip(&shunt_route_ops, (unsigned long)klp_enable_patch,
			     1, 0);
}
