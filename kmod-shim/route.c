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
	/*
	 * The call may sleep in shunt.ko for long (callbacks, stop-machine
	 * retries): pin us for it; shunt_enable_patch() lets go. If we are
	 * going already, the kernel's livepatch gets the module, and the
	 * loader says so.
	 */
	if (patch && patch->mod && shunt_claim_exists(patch->mod->name) &&
	    try_module_get(THIS_MODULE))
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

/*
 * The hooks are armed only while somebody needs them: a claim (its
 * module's klp_enable_patch() must come here) or a shunt patch (its
 * callbacks may call klp_get_prev_state()). An idle shim is no ftrace
 * user, so that e.g. kernel.ftrace_enabled=0 works as without it.
 */
static DEFINE_MUTEX(shunt_route_mutex);
static unsigned int shunt_route_users;

static void routes_disarm(void)
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

static int routes_arm(void)
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
			/* permanent ops are refused alike in both cases */
			pr_err("cannot redirect %s: %d (ftrace disabled by kernel.ftrace_enabled=0, or another IPMODIFY user)\n",
			       r->name, ret);
			ftrace_set_filter_ip(&r->ops, r->addr, 1, 0);
			goto err;
		}
		r->armed = true;
	}
	return 0;
err:
	routes_disarm();
	return ret;
}

/* A claim or a patch needs the hooks; fails when they cannot be armed. */
int shunt_route_get(void)
{
	int ret = 0;

	mutex_lock(&shunt_route_mutex);
	if (!shunt_route_users)
		ret = routes_arm();
	if (!ret)
		shunt_route_users++;
	mutex_unlock(&shunt_route_mutex);
	return ret;
}

void shunt_route_put(void)
{
	mutex_lock(&shunt_route_mutex);
	if (!WARN_ON_ONCE(!shunt_route_users) && !--shunt_route_users)
		routes_disarm();
	mutex_unlock(&shunt_route_mutex);
}
