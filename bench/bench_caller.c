// SPDX-License-Identifier: GPL-2.0
/*
 * The per-call benchmark: calls a function in a tight loop and reports
 * the cost of one call.
 *
 *   echo "MODE CALLS ROUNDS" > /proc/bench_call; cat /proc/bench_call
 *
 * MODE "target" calls bench_target_fn() (through its ftrace site, so
 * through whatever redirects it); "direct" calls bench_patch's
 * bench_new_fn() directly (found with symbol_get(), so bench_patch must
 * be loaded): the same body with no redirection. Both are called through
 * the same function pointer, so that the loop is the same machine code.
 *
 * Each of ROUNDS rounds times CALLS calls; the result is the median round
 * (robust against an interrupt or a preemption in one round), with the
 * fastest and slowest: "ns_per_call M min A max B rounds R calls C".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include "bench.h"

#define BENCH_MAX_ROUNDS	1000
#define BENCH_MAX_CALLS		100000000UL

typedef unsigned long (*bench_fn_t)(unsigned long);

static DEFINE_MUTEX(bench_mutex);
static char bench_result[160] = "no run yet\n";
static unsigned long bench_sink;

/*
 * One round: the loop whose cost per iteration is measured. noipa: fn
 * must stay an indirect call, never a constant propagated into a clone.
 */
static noinline __attribute__((noipa)) u64 bench_round(bench_fn_t fn,
						       unsigned long calls)
{
	unsigned long i, sum = 0;
	u64 t0, t1;

	t0 = ktime_get_ns();
	for (i = 0; i < calls; i++)
		sum += fn(i);
	t1 = ktime_get_ns();
	WRITE_ONCE(bench_sink, sum);
	return t1 - t0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* picoseconds per call, printed as ns with three decimals */
static void bench_fmt_ps(char *buf, size_t len, u64 ps)
{
	snprintf(buf, len, "%llu.%03llu", ps / 1000, ps % 1000);
}

static int bench_run(bench_fn_t fn, unsigned long calls, unsigned int rounds)
{
	char med[32], lo[32], hi[32];
	unsigned int r;
	u64 *ps;

	ps = kcalloc(rounds, sizeof(*ps), GFP_KERNEL);
	if (!ps)
		return -ENOMEM;
	for (r = 0; r < rounds; r++) {
		ps[r] = div64_u64(bench_round(fn, calls) * 1000, calls);
		cond_resched();
	}
	sort(ps, rounds, sizeof(*ps), cmp_u64, NULL);
	bench_fmt_ps(med, sizeof(med), ps[rounds / 2]);
	bench_fmt_ps(lo, sizeof(lo), ps[0]);
	bench_fmt_ps(hi, sizeof(hi), ps[rounds - 1]);
	snprintf(bench_result, sizeof(bench_result),
		 "ns_per_call %s min %s max %s rounds %u calls %lu\n",
		 med, lo, hi, rounds, calls);
	kfree(ps);
	return 0;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[64], mode[16];
	unsigned long calls;
	unsigned int rounds;
	bench_fn_t fn;
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%15s %lu %u", mode, &calls, &rounds) != 3 ||
	    !calls || calls > BENCH_MAX_CALLS || !rounds ||
	    rounds > BENCH_MAX_ROUNDS)
		return -EINVAL;

	mutex_lock(&bench_mutex);
	if (!strcmp(mode, "target")) {
		ret = bench_run(bench_target_fn, calls, rounds);
	} else if (!strcmp(mode, "direct")) {
		fn = symbol_get(bench_new_fn);
		if (fn) {
			ret = bench_run(fn, calls, rounds);
			symbol_put(bench_new_fn);
		} else {
			ret = -ENOENT;	/* bench_patch is not loaded */
		}
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&bench_mutex);
	return ret ? ret : count;
}

static int bench_show(struct seq_file *m, void *v)
{
	mutex_lock(&bench_mutex);
	seq_puts(m, bench_result);
	mutex_unlock(&bench_mutex);
	return 0;
}

static int bench_open(struct inode *inode, struct file *file)
{
	return single_open(file, bench_show, NULL);
}

static const struct proc_ops bench_proc_ops = {
	.proc_open = bench_open,
	.proc_read = seq_read,
	.proc_write = bench_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init bench_caller_init(void)
{
	if (!proc_create("bench_call", 0600, NULL, &bench_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit bench_caller_exit(void)
{
	remove_proc_entry("bench_call", NULL);
}

module_init(bench_caller_init);
module_exit(bench_caller_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt bench: call a (patched) function in a loop, report ns per call");
