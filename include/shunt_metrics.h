/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BPF programs in bpf/ and the shunt command agree on: the
 * layout of the maps pinned under SHUNT_BPF_ROOT/<patch>/. Included by
 * BPF code (after vmlinux.h) and by userspace (after <linux/types.h>).
 */
#ifndef SHUNT_METRICS_H
#define SHUNT_METRICS_H

#include "shunt_abi.h"

#define SHUNT_BPF_ROOT		"/sys/fs/bpf/shunt"

/* functions of one patch with metrics; the rest are named as skipped */
#define SHUNT_MAX_FUNCS		64
/* log2 buckets of nanoseconds: slot i counts [2^i, 2^(i+1)) */
#define SHUNT_HIST_SLOTS	40
#define SHUNT_MAX_VIOLATIONS	32
#define SHUNT_STACK_DEPTH	32
#define SHUNT_FUNC_NAME_LEN	64

enum shunt_version {
	SHUNT_OLD,		/* the original function (or the one below) */
	SHUNT_NEW,		/* this patch's replacement */
	SHUNT_NR_VERSIONS,
};

/* relative to this patch's own apply transition */
enum shunt_phase {
	SHUNT_BEFORE,
	SHUNT_DURING,
	SHUNT_AFTER,
	SHUNT_NR_PHASES,
};


struct shunt_hist {
	__u64 count;
	__u64 total_ns;
	__u64 slots[SHUNT_HIST_SLOTS];
};

/* map "calls": index shunt_calls_index(func, version, phase) */
struct shunt_calls {
	__u64 entries;		/* calls seen at the function's entry */
	struct shunt_hist lat;	/* latency of the calls that returned */
};

static inline __u32 shunt_calls_index(__u32 func, __u32 version, __u32 phase)
{
	return (func * SHUNT_NR_VERSIONS + version) * SHUNT_NR_PHASES + phase;
}

#define SHUNT_NR_CALLS	(SHUNT_MAX_FUNCS * SHUNT_NR_VERSIONS * SHUNT_NR_PHASES)

/* map "funcs": index func; written by the loader, counted by BPF */
struct shunt_func_info {
	char name[SHUNT_FUNC_NAME_LEN];		/* "object:function,sympos" */
	__u64 old_addr, old_size, new_addr, new_size;
	__s64 in_flight;	/* tasks in the old body right now */
	__u64 body_runs[SHUNT_NR_PHASES];	/* old-body executions */
};

/* map "violations": old body ran after the transition completed */
struct shunt_violation {
	__u32 pid;
	__u32 func;
	__u64 time_ns;		/* bpf_ktime_get_ns() */
	char comm[16];
	__u32 nr_frames;
	__u64 frames[SHUNT_STACK_DEPTH];
};

/* map "oldtasks": key pid; who ran the old body during the transition */
struct shunt_old_task {
	char comm[16];
	__u64 runs;
};

/*
 * shunt_events.ended: a patch can end without the loader (enabled
 * written 0, a reversed transition, a replace). From then on every
 * program of the patch returns at once; the loader removes the pins the
 * next time it runs (see SHUNT_BPF_ROOT).
 */
enum shunt_end {
	SHUNT_LIVE,		/* counting */
	SHUNT_END_UNPATCHED,	/* a transition to unpatched completed */
	SHUNT_END_RELEASED,	/* the shim released its module (replaced) */
};

/* map "events": index 0; the shim's shunt:* tracepoints */
struct shunt_events {
	__u32 phase;		/* enum shunt_phase */
	__u32 ended;		/* enum shunt_end */
	__u32 reverting;	/* a revert began: the originals may run */
	__u32 pad;
	__s32 target;		/* shunt_transition_end's: 1 patched */
	__s32 result;		/* shunt_transition_end's, -1 before */
	__u64 start_ns, end_ns;	/* bpf_ktime_get_ns() */
	__u64 ended_ns;		/* when it ended, 0 while SHUNT_LIVE */
	__u64 violations;	/* old-body runs after completion */
	__u64 switched[SHUNT_NR_HOW];
	struct shunt_hist switch_lat;	/* start of transition to switch */
	struct shunt_hist stop_stall;	/* stop_machine() CPU stalls */
	__u64 stop_failed;	/* stop_machine() attempts that found tasks */
};

/* map "ranges" of the blockers iterator: index i, count in range 0's */
struct shunt_range {
	__u64 start, end;	/* [start, end) */
	__u32 func;
	__u32 count;		/* entry 0 only: ranges in use */
};

#define SHUNT_MAX_RANGES	(2 * SHUNT_MAX_FUNCS)

#endif
