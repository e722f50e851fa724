/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log2 latency histograms (slot i counts [2^i, 2^(i+1)) ns), printed the
 * way funclatency prints them. Every report uses these.
 */
#ifndef SHUNT_HISTOGRAM_H
#define SHUNT_HISTOGRAM_H

#include <stdio.h>
#include <linux/types.h>

/* "nsecs", or "usecs" when the median is 10 us or more */
const char *hist_unit(const __u64 *slots, int n);

/*
 * Rows "low -> high : count |****|" from the first to the last non-empty
 * slot, bounds in unit ("nsecs" or "usecs": ns bounds / 1000, rows that
 * then read the same merged). Each line starts with indent.
 */
void hist_print(FILE *f, const __u64 *slots, int n, const char *unit,
		const char *indent);

/*
 * The p-th percentile (0 < p <= 100) as the upper bound in ns of the
 * slot it falls in: "p50 < X". 0 when the histogram is empty.
 */
__u64 hist_percentile(const __u64 *slots, int n, double p);

/* {"unit":"nsecs","count":N,"p50_ns":..,"buckets":[[low,high,count],...]} */
void hist_json(FILE *f, const __u64 *slots, int n);

#endif
