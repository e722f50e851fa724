/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A copy of the maps a patch's metrics pinned (events, calls, funcs,
 * violations, oldtasks), as the reports read them.
 */
#ifndef SHUNT_SNAPSHOT_H
#define SHUNT_SNAPSHOT_H

#include <linux/types.h>

#include "shunt_metrics.h"

/* the tasks of "oldtasks" a snapshot keeps */
#define SNAPSHOT_MAX_OLD_TASKS	256

/*
 * shunt_events.result once the transition has ended: the result of the
 * shim's shunt_transition_end tracepoint (kmod-shim/trace.h).
 */
enum trans_result {
	TRANS_COMPLETED = 0,
	TRANS_REVERSED = 1,	/* completed the other way */
	TRANS_FORCED = 2,
};

/* a function's calls as the shim counted them (its "calls" file) */
struct shim_counts {
	int known;		/* the shim has the patch (and a calls file) */
	__u64 new_calls;	/* sent to this patch's replacement */
	__u64 old_calls;	/* let go to the code below */
};

struct metrics_snapshot {
	int bpf;		/* BPF maps pinned; else shim counters alone */
	int nr_funcs;
	struct shunt_func_info funcs[SHUNT_MAX_FUNCS];
	/* BPF kprobes on the replacement (--latency): new calls, latency */
	int new_probed[SHUNT_MAX_FUNCS];
	struct shim_counts shim[SHUNT_MAX_FUNCS];
	struct shunt_calls calls[SHUNT_NR_CALLS];
	struct shunt_events events;
	int nr_violations;	/* stored, at most SHUNT_MAX_VIOLATIONS */
	struct shunt_violation violations[SHUNT_MAX_VIOLATIONS];
	int nr_old_tasks;
	struct {
		__u32 pid;
		struct shunt_old_task t;
	} old_tasks[SNAPSHOT_MAX_OLD_TASKS];
	__u64 time_ns;		/* CLOCK_MONOTONIC when read, as BPF's */
};

/*
 * Read the pinned maps of patch name and the shim's call counters. With
 * no maps pinned (--no-metrics, a kernel without BPF metrics) the
 * snapshot holds the shim's counters alone (bpf 0). -1 (message
 * printed) when there is neither.
 */
int snapshot_read(const char *name, struct metrics_snapshot *s);

/*
 * The entries in use of the pinned "funcs" map of patch name (the loader
 * fills them from 0) into funcs; their number, 0 when there is none.
 */
int snapshot_funcs(const char *name, struct shunt_func_info *funcs);

#endif
