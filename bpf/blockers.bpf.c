// SPDX-License-Identifier: GPL-2.0
/*
 * Who blocks a transition: a task iterator printing each task whose
 * kernel stack holds an address in one of the ranges (the functions
 * being replaced), as "PID COMM FUNC OFFSET" lines. A cross-check of the
 * shim's own view; unlike the shim's, these stacks are not reliable.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "shunt_metrics.h"

#define SEARCH_STEPS 8		/* 2^8 > SHUNT_MAX_RANGES */

/* sorted by start, no overlaps; entry 0's count says how many */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SHUNT_MAX_RANGES);
	__type(key, __u32);
	__type(value, struct shunt_range);
} ranges SEC(".maps");

static __u64 frames[SHUNT_STACK_DEPTH];

/* the range holding ip, by binary search */
static __always_inline struct shunt_range *range_of(__u64 ip, __u32 count)
{
	__u32 lo = 0, hi = count, mid, i;
	struct shunt_range *r;

	for (i = 0; i < SEARCH_STEPS && lo < hi; i++) {
		mid = (lo + hi) / 2;
		r = bpf_map_lookup_elem(&ranges, &mid);
		if (!r)
			return NULL;
		if (ip < r->start)
			hi = mid;
		else if (ip >= r->end)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

SEC("iter/task")
int shunt_blockers(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct shunt_range *first, *r;
	__u32 zero = 0, count, i;
	long len;

	if (!task)
		return 0;
	first = bpf_map_lookup_elem(&ranges, &zero);
	if (!first || !first->count)
		return 0;
	count = first->count;
	len = bpf_get_task_stack(task, frames, sizeof(frames), 0);
	if (len <= 0)
		return 0;
	for (i = 0; i < SHUNT_STACK_DEPTH; i++) {
		if (i >= len / sizeof(__u64))
			break;
		r = range_of(frames[i], count);
		if (r) {
			BPF_SEQ_PRINTF(ctx->meta->seq, "%d %s %u %llu\n",
				       task->pid, task->comm, r->func,
				       frames[i] - r->start);
			break;
		}
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
