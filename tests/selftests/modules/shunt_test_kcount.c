// SPDX-License-Identifier: GPL-2.0
/*
 * Counts the calls of one kernel function with a kprobe, for cases that
 * must show a path is (not) taken. Kprobe events cannot do it for a
 * notrace function (trace_kprobe refuses them): register_kprobe() can.
 */
#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static char *symbol;
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "the function to count (module functions too)");

static atomic_long_t hits_count;

static int hits_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&hits_count));
}

/* any write resets the count */
static int hits_set(const char *val, const struct kernel_param *kp)
{
	atomic_long_set(&hits_count, 0);
	return 0;
}

static const struct kernel_param_ops hits_ops = {
	.get = hits_get,
	.set = hits_set,
};
module_param_cb(hits, &hits_ops, NULL, 0644);
MODULE_PARM_DESC(hits, "calls of symbol since load or the last write");

static int kcount_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_long_inc(&hits_count);
	return 0;
}

static struct kprobe kcount_kp = {
	.pre_handler = kcount_pre,
};

static int __init kcount_init(void)
{
	int ret;

	if (!symbol)
		return -EINVAL;
	kcount_kp.symbol_name = symbol;
	ret = register_kprobe(&kcount_kp);
	if (ret)
		pr_err("shunt_test_kcount: cannot probe %s: %d\n", symbol, ret);
	return ret;
}

static void __exit kcount_exit(void)
{
	unregister_kprobe(&kcount_kp);
}

module_init(kcount_init);
module_exit(kcount_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: count a function's calls with a kprobe");
