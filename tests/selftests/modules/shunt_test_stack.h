/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Template of the stacking and atomic-replace test patches. A module
 * defines STACK_TAG and which of /proc/cmdline, /proc/version and
 * /proc/loadavg it replaces (each then reads "<file>: <tag>"), whether it
 * replaces all earlier patches, and the klp_state it carries; then
 * includes this file. Its callbacks log the state it sees, the state of
 * the patch before it (klp_get_prev_state) and take pre_patch_ret.
 */
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static int pre_patch_ret;
module_param(pre_patch_ret, int, 0644);
MODULE_PARM_DESC(pre_patch_ret, "what the pre_patch callback returns");

#if STACK_CMDLINE
static int stack_cmdline_show(struct seq_file *m, void *v)
{
	seq_puts(m, "cmdline: " STACK_TAG "\n");
	return 0;
}
#endif
#if STACK_VERSION
static int stack_version_show(struct seq_file *m, void *v)
{
	seq_puts(m, "version: " STACK_TAG "\n");
	return 0;
}
#endif
#if STACK_LOADAVG
static int stack_loadavg_show(struct seq_file *m, void *v)
{
	seq_puts(m, "loadavg: " STACK_TAG "\n");
	return 0;
}
#endif

static struct klp_func stack_funcs[] = {
#if STACK_CMDLINE
	{ .old_name = "cmdline_proc_show", .new_func = stack_cmdline_show },
#endif
#if STACK_VERSION
	{ .old_name = "version_proc_show", .new_func = stack_version_show },
#endif
#if STACK_LOADAVG
	{ .old_name = "loadavg_proc_show", .new_func = stack_loadavg_show },
#endif
	{ }
};

#ifdef STACK_STATE_ID
static struct klp_state stack_states[] = {
	{ .id = STACK_STATE_ID, .version = STACK_STATE_VERSION },
	{ }
};
#endif

static struct klp_patch stack_patch;

static void stack_log_state(const char *cb)
{
#ifdef STACK_STATE_ID
	struct klp_state *st = klp_get_state(&stack_patch, STACK_STATE_ID);
	struct klp_state *prev = klp_get_prev_state(STACK_STATE_ID);

	pr_info(STACK_TAG ": %s: state %d version %u, previous version %d\n",
		cb, STACK_STATE_ID, st ? st->version : 0,
		prev ? (int)prev->version : -1);
#else
	pr_info(STACK_TAG ": %s\n", cb);
#endif
}

static int stack_pre_patch(struct klp_object *obj)
{
	stack_log_state("pre_patch");
	return pre_patch_ret;
}

static void stack_post_patch(struct klp_object *obj)
{
	stack_log_state("post_patch");
}

static void stack_pre_unpatch(struct klp_object *obj)
{
	stack_log_state("pre_unpatch");
}

static void stack_post_unpatch(struct klp_object *obj)
{
	stack_log_state("post_unpatch");
}

static struct klp_object stack_objs[] = {
	{
		.funcs = stack_funcs,
		.callbacks = {
			.pre_patch = stack_pre_patch,
			.post_patch = stack_post_patch,
			.pre_unpatch = stack_pre_unpatch,
			.post_unpatch = stack_post_unpatch,
		},
	},
	{ }
};

static struct klp_patch stack_patch = {
	.mod = THIS_MODULE,
	.objs = stack_objs,
	.replace = STACK_REPLACE,
#ifdef STACK_STATE_ID
	.states = stack_states,
#endif
};

static int stack_init(void)
{
	return klp_enable_patch(&stack_patch);
}

static void stack_exit(void)
{
}

module_init(stack_init);
module_exit(stack_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
