/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF metrics and safety probes of a shunt patch: attached after its
 * module loaded, pinned under SHUNT_BPF_ROOT/<patch>/ so that they outlive
 * 'shunt apply', read by reports, removed before the patch is reverted.
 */
#ifndef SHUNT_METRICS_LOADER_H
#define SHUNT_METRICS_LOADER_H

#include <stddef.h>
#include <linux/types.h>

#include "shunt_metrics.h"

struct metrics_opts {
	int kprobe;		/* kprobe/kretprobe instead of fentry/fexit */
	int strict;		/* a function that cannot be probed is an error */
};

/*
 * Before the patch module loads: attach to the shim's tracepoints for
 * patch name and pin, so that the whole transition is seen (it starts
 * inside init_module()). Returns 0, or -1 with nothing left pinned.
 */
int metrics_begin(const char *name);

/*
 * Once its module is loaded (the functions and their BTF exist only
 * then): attach to every function of shunt patch name and pin. Functions that
 * cannot be probed are named on stderr with the reason; with strict that
 * fails the whole attach. Returns 0, or -1 with nothing left pinned.
 */
int metrics_attach(const char *name, const struct metrics_opts *o);

/* Unpin (and so detach) everything of patch name; 0 also when none. */
int metrics_detach(const char *name);

/* SHUNT_BPF_ROOT/name/file into buf */
char *metrics_path(char *buf, size_t len, const char *name, const char *file);

/* Is there a pinned metrics directory for patch name? */
int metrics_present(const char *name);

/* A copy of the pinned maps of a patch, as the reports read them. */
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
	} old_tasks[256];
	__u64 time_ns;		/* CLOCK_MONOTONIC when read, as BPF's */
};

/* Read the pinned maps of patch name; -1 (message printed) when absent. */
int metrics_read(const char *name, struct metrics_snapshot *s);

/*
 * Run the pinned blockers iterator: lines "PID COMM FUNC+0xOFF", FUNC
 * named from s. Returns the number of tasks, -1 on error.
 */
int metrics_blockers(const char *name, const struct metrics_snapshot *s,
		     char *out, size_t len);

#endif
