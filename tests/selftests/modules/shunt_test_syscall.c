// SPDX-License-Identifier: GPL-2.0
/*
 * Patch of a syscall entry: __x64_sys_getpid shares its address with
 * __do_sys_getpid and __ia32_sys_getpid, and kallsyms names only one of
 * them for that address. The new version counts its calls and returns
 * what getpid() always does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched.h>

static atomic_t getpid_calls = ATOMIC_INIT(0);

static int calls_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&getpid_calls));
}

static const struct kernel_param_ops calls_ops = { .get = calls_get };
module_param_cb(calls, &calls_ops, NULL, 0444);
MODULE_PARM_DESC(calls, "getpid() calls served by the new version");

static asmlinkage long new_getpid(const struct pt_regs *regs)
{
	atomic_inc(&getpid_calls);
	return task_tgid_vnr(current);
}

static struct klp_func syscall_funcs[] = {
	{ .old_name = "__x64_sys_getpid", .new_func = new_getpid },
	{ }
};

static struct klp_object syscall_objs[] = {
	{ .funcs = syscall_funcs },
	{ }
};

static struct klp_patch syscall_patch = {
	.mod = THIS_MODULE,
	.objs = syscall_objs,
};

static int syscall_patch_init(void)
{
	return klp_enable_patch(&syscall_patch);
}

static void syscall_patch_exit(void)
{
}

module_init(syscall_patch_init);
module_exit(syscall_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: patch __x64_sys_getpid, a name kallsyms does not give for its address");
MODULE_INFO(livepatch, "Y");
