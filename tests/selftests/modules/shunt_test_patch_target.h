/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of shunt_test_patch_target and shunt_test_patch_target2, two
 * patch modules that differ only in their names (their callbacks log
 * with KBUILD_MODNAME); replace=1 makes either an atomic replace patch.
 *
 * Patch with a vmlinux object (cmdline_proc_show) and two module objects
 * (shunt_test_target: shunt_target_value; shunt_test_busy:
 * shunt_busy_sleep, which its kthread can sleep in to hold a
 * transition), each with all four callbacks logging "<callback>:
 * <object> [<module state>]". pre_patch_ret is returned by the pre_patch
 * of the object named by fail_object.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static bool replace;
module_param(replace, bool, 0444);
MODULE_PARM_DESC(replace, "apply as an atomic replace patch");

static int pre_patch_ret;
module_param(pre_patch_ret, int, 0644);
MODULE_PARM_DESC(pre_patch_ret, "what the failing object's pre_patch returns");

static char *fail_object = "vmlinux";
module_param(fail_object, charp, 0644);
MODULE_PARM_DESC(fail_object, "object whose pre_patch returns pre_patch_ret");

static unsigned int pre_patch_sleep_ms;
module_param(pre_patch_sleep_ms, uint, 0644);
MODULE_PARM_DESC(pre_patch_sleep_ms, "how long vmlinux's pre_patch sleeps");

static const char *const mod_states[] = {
	[MODULE_STATE_LIVE] = "live",
	[MODULE_STATE_COMING] = "coming",
	[MODULE_STATE_GOING] = "going",
	[MODULE_STATE_UNFORMED] = "unformed",
};

static const char *obj_name(struct klp_object *obj)
{
	return obj->name ? obj->name : "vmlinux";
}

static void log_cb(const char *cb, struct klp_object *obj)
{
	if (obj->mod)
		pr_info("%s: %s [%s]\n", cb, obj_name(obj),
			mod_states[obj->mod->state]);
	else
		pr_info("%s: %s\n", cb, obj_name(obj));
}

static int cb_pre_patch(struct klp_object *obj)
{
	log_cb("pre_patch", obj);
	if (!obj->name && pre_patch_sleep_ms)
		msleep(pre_patch_sleep_ms);
	return strcmp(obj_name(obj), fail_object) ? 0 : pre_patch_ret;
}

static void cb_post_patch(struct klp_object *obj)
{
	log_cb("post_patch", obj);
}

static void cb_pre_unpatch(struct klp_object *obj)
{
	log_cb("pre_unpatch", obj);
}

static void cb_post_unpatch(struct klp_object *obj)
{
	log_cb("post_unpatch", obj);
}

static int patched_cmdline_show(struct seq_file *m, void *v)
{
	seq_puts(m, "cmdline: " KBUILD_MODNAME "\n");
	return 0;
}

static const char *patched_target_value(void)
{
	return "patched";
}

/* only switched tasks get here; they do not sleep in it */
static void patched_busy_sleep(void)
{
	pr_info("shunt_busy_sleep: patched version\n");
}

static struct klp_func vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = patched_cmdline_show },
	{ }
};

static struct klp_func target_funcs[] = {
	{ .old_name = "shunt_target_value", .new_func = patched_target_value },
	{ }
};

static struct klp_func busy_funcs[] = {
	{ .old_name = "shunt_busy_sleep", .new_func = patched_busy_sleep },
	{ }
};

#define CALLBACKS {					\
	.pre_patch = cb_pre_patch,			\
	.post_patch = cb_post_patch,			\
	.pre_unpatch = cb_pre_unpatch,			\
	.post_unpatch = cb_post_unpatch,		\
}

static struct klp_object objs[] = {
	{ .funcs = vmlinux_funcs, .callbacks = CALLBACKS },
	{ .name = "shunt_test_target", .funcs = target_funcs,
	  .callbacks = CALLBACKS },
	{ .name = "shunt_test_busy", .funcs = busy_funcs,
	  .callbacks = CALLBACKS },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int patch_init(void)
{
	patch.replace = replace;
	return klp_enable_patch(&patch);
}

static void patch_exit(void)
{
}

module_init(patch_init);
module_exit(patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: vmlinux and module objects with callbacks");
MODULE_INFO(livepatch, "Y");
