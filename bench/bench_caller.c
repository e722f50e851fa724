// SPDX-License-Identifier: GPL-2.0
/*
 * The per-call benchmark: calls a function in a tight loop and reports
 * the cost of one call.
 *
 *   echo "MODE CALLS ROUNDS" > /proc/bench_call; cat /proc/bench_call
 *
 * MODE "target" calls bench_target_fn() (through its ftrace site, so
 * through whatever redirects it); "direct" calls bench_direct_fn(), the
 * body of the original and of bench_patch's replacement, in this module,
 * where nothing patches or probes it (shunt's --latency metrics probe the
 * replacement): the baseline. Both are called through the same function
 * pointer, so that the loop is the same machine code.
 *
 * Each of ROUNDS rounds times CALLS calls; the result is the median round
 * (robust against an interrupt or a preemption in one round), with the
 * fastest and slowest: "ns_per_call M min A max B rounds R calls C".
 *
 * MODE "pair" alternates a round of "target" with a round of "direct"
 * (in turn which goes first), so that each round's overhead is taken
 * against a baseline measured milliseconds apart: the host's speed moves
 * in phases of seconds to minutes, which a difference of two runs taken
 * apart does not survive. It adds the medians over the rounds of the
 * direct call, of the overhead (target - direct) and of the relative
 * overhead (overhead / direct, parts per million): "... direct D
 * overhead O rel_ppm P".
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
static char bench_result[192] = "no run yet\n";
static unsigned long bench_sink;

/*
 * One round: the loop whose cost per iteration is measured. noipa: fn
 * must stay an indirect call, never a constant propagated into a clone.
 */
/* the baseline: the body of bench_target_fn and of its replacement */
static noinline __attribute__((noipa))
unsigned long bench_direct_fn(unsigned long x)
{
	return x * 3 + 1;
}

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

/* ps per call of one round */
static u64 bench_round_ps(bench_fn_t fn, unsigned long calls)
{
	return div64_u64(bench_round(fn, calls) * 1000, calls);
}

static int cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/* signed ps as ns with three decimals */
static void bench_fmt_sps(char *buf, size_t len, s64 ps)
{
	u64 m = ps < 0 ? -ps : ps;

	snprintf(buf, len, "%s%llu.%03llu", ps < 0 ? "-" : "", m / 1000,
		 m % 1000);
}

static int bench_run(bench_fn_t fn, unsigned long calls, unsigned int rounds)
{
	char med[32], lo[32], hi[32];
	unsigned int r;
	s64 *ps;

	ps = kcalloc(rounds, sizeof(*ps), GFP_KERNEL);
	if (!ps)
		return -ENOMEM;
	for (r = 0; r < rounds; r++) {
		ps[r] = bench_round_ps(fn, calls);
		cond_resched();
	}
	sort(ps, rounds, sizeof(*ps), cmp_s64, NULL);
	bench_fmt_sps(med, sizeof(med), ps[rounds / 2]);
	bench_fmt_sps(lo, sizeof(lo), ps[0]);
	bench_fmt_sps(hi, sizeof(hi), ps[rounds - 1]);
	snprintf(bench_result, sizeof(bench_result),
		 "ns_per_call %s min %s max %s rounds %u calls %lu\n",
		 med, lo, hi, rounds, calls);
	kfree(ps);
	return 0;
}

/* target and direct rounds in turn: see "pair" above */
static int bench_run_pair(bench_fn_t direct, unsigned long calls,
			  unsigned int rounds)
{
	char med[32], lo[32], hi[32], dir[32], ov[32];
	s64 *t, *d, *o, *rel;
	unsigned int r;
	int ret = -ENOMEM;

	t = kcalloc(rounds, sizeof(*t), GFP_KERNEL);
	d = kcalloc(rounds, sizeof(*d), GFP_KERNEL);
	o = kcalloc(rounds, sizeof(*o), GFP_KERNEL);
	rel = kcalloc(rounds, sizeof(*rel), GFP_KERNEL);
	if (!t || !d || !o || !rel)
		goto out;
	for (r = 0; r < rounds; r++) {
		if (r & 1) {
			d[r] = bench_round_ps(direct, calls);
			t[r] = bench_round_ps(bench_target_fn, calls);
		} else {
			t[r] = bench_round_ps(bench_target_fn, calls);
			d[r] = bench_round_ps(direct, calls);
		}
		o[r] = t[r] - d[r];
		rel[r] = div64_s64(o[r] * 1000000, max_t(s64, d[r], 1));
		cond_resched();
	}
	sort(t, rounds, sizeof(*t), cmp_s64, NULL);
	sort(d, rounds, sizeof(*d), cmp_s64, NULL);
	sort(o, rounds, sizeof(*o), cmp_s64, NULL);
	sort(rel, rounds, sizeof(*rel), cmp_s64, NULL);
	bench_fmt_sps(med, sizeof(med), t[rounds / 2]);
	bench_fmt_sps(lo, sizeof(lo), t[0]);
	bench_fmt_sps(hi, sizeof(hi), t[rounds - 1]);
	bench_fmt_sps(dir, sizeof(dir), d[rounds / 2]);
	bench_fmt_sps(ov, sizeof(ov), o[rounds / 2]);
	snprintf(bench_result, sizeof(bench_result),
		 "ns_per_call %s min %s max %s rounds %u calls %lu direct %s overhead %s rel_ppm %lld\n",
		 med, lo, hi, rounds, calls, dir, ov, rel[rounds / 2]);
	ret = 0;
out:
	kfree(t);
	kfree(d);
	kfree(o);
	kfree(rel);
	return ret;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[64], mode[16];
	unsigned long calls;
	unsigned int rounds;
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
	if (!strcmp(mode, "target"))
		ret = bench_run(bench_target_fn, calls, rounds);
	else if (!strcmp(mode, "direct"))
		ret = bench_run(bench_direct_fn, calls, rounds);
	else if (!strcmp(mode, "pair"))
		ret = bench_run_pair(bench_direct_fn, calls, rounds);
	else
		ret = -EINVAL;
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
