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

struct metrics_snapshot {
	int nr_funcs;
	struct shunt_func_info funcs[SHUNT_MAX_FUNCS];
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

/* Read the pinned maps of patch name; -1 (message printed) when absent. */
int snapshot_read(const char *name, struct metrics_snapshot *s);

/*
 * The entries in use of the pinned "funcs" map of patch name (the loader
 * fills them from 0) into funcs; their number, 0 when there is none.
 */
int snapshot_funcs(const char *name, struct shunt_func_info *funcs);

#endif
