/* SPDX-License-Identifier: GPL-2.0 */
/* Reports of a patch's pinned BPF metrics: after apply, and 'shunt report'. */
#ifndef SHUNT_REPORT_H
#define SHUNT_REPORT_H

#include <stdio.h>

#include "snapshot.h"

/*
 * Print s (or, per interval, s minus the previous snapshot: see
 * report_delta) as text or as one JSON object on one line.
 */
void report_print(FILE *f, const char *name, const struct metrics_snapshot *s,
		  double interval_s, int json);

/* What measured the numbers of s, in words (a line's worth). */
const char *report_mode_text(const struct metrics_snapshot *s);

/* d = cur - prev for every counter (histograms included) */
void report_delta(struct metrics_snapshot *d,
		  const struct metrics_snapshot *cur,
		  const struct metrics_snapshot *prev);

#endif
