/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The blockers iterator of a patch (bpf/blockers.bpf.c): a task iterator
 * naming the tasks whose stack holds one of the patch's old functions.
 */
#ifndef SHUNT_BLOCKERS_H
#define SHUNT_BLOCKERS_H

#include <stddef.h>
#include <linux/types.h>

#include "bpfpin.h"
#include "shunt_metrics.h"

/*
 * Load the iterator for the old functions funcs[0..n) (their old_addr and
 * old_size) and pin it in pd. Returns 0, or -1 with a message.
 */
int blockers_attach(struct pin_dir *pd, const struct shunt_func_info *funcs,
		    int n);

/*
 * Run the pinned iterator of patch name: lines "PID COMM FUNC+0xOFF" into
 * out, FUNC named from funcs[0..nr_funcs). Returns the number of tasks,
 * -1 when there is no iterator.
 */
int blockers_read(const char *name, const struct shunt_func_info *funcs,
		  int nr_funcs, char *out, size_t len);

#endif
