/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF metrics and safety probes of a shunt patch: attached around its
 * apply, pinned under SHUNT_BPF_ROOT/<patch>/ so that they outlive
 * 'shunt apply', read by reports (snapshot.h), removed before the patch
 * is reverted.
 */
#ifndef SHUNT_METRICS_LOADER_H
#define SHUNT_METRICS_LOADER_H

struct metrics_opts {
	int latency;		/* BPF probes on every call (--latency) */
	int kprobe;		/* latency: vmlinux originals by kprobe, not fentry */
	int strict;		/* a function that cannot be probed is an error */
};

/*
 * Before the patch module loads: attach to the shim's tracepoints for
 * patch name and pin (events.c), so that the whole transition is seen
 * (it starts inside init_module()). Returns 0, or -1 with nothing left
 * pinned.
 */
int metrics_begin(const char *name);

/*
 * Once its module is loaded (the functions and their BTF exist only
 * then): attach the old-body probe of every function of shunt patch name
 * (with latency also the probes on every call of the original and the
 * replacement), and the blockers iterator (blockers.c), and pin. Without
 * latency the new calls are the shim's own call counters. Functions that cannot be probed are
 * named on stderr with the reason; with strict that fails the whole
 * attach. Returns 0, or -1 with nothing left pinned.
 */
int metrics_attach(const char *name, const struct metrics_opts *o);

/*
 * Unpin (and so detach) everything of patch name, and wait until the
 * kernel has dropped its kprobes; 0 also when there is nothing.
 */
int metrics_detach(const char *name);

/*
 * Patch name replaces every other: detach their metrics (whose probes
 * would keep their modules), a line on stdout for each.
 */
void metrics_detach_replaced(const char *name);

/* Is there a pinned metrics directory for patch name? */
int metrics_present(const char *name);

#endif
