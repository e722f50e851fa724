// SPDX-License-Identifier: GPL-2.0
/* log2 latency histograms: funclatency-style rows, percentiles, JSON. */
#include "histogram.h"

#include <string.h>

#define STARS 40

static __u64 slot_low(int i)
{
	return i ? 1ULL << i : 0;
}

static __u64 slot_high(int i)
{
	return (2ULL << i) - 1;
}

static __u64 total(const __u64 *slots, int n)
{
	__u64 sum = 0;

	for (int i = 0; i < n; i++)
		sum += slots[i];
	return sum;
}

__u64 hist_percentile(const __u64 *slots, int n, double p)
{
	__u64 sum = total(slots, n), seen = 0;

	if (!sum)
		return 0;
	for (int i = 0; i < n; i++) {
		seen += slots[i];
		if (seen * 100.0 >= p * sum)
			return slot_high(i) + 1;
	}
	return slot_high(n - 1) + 1;
}

const char *hist_unit(const __u64 *slots, int n)
{
	return hist_percentile(slots, n, 50) > 10000 ? "usecs" : "nsecs";
}

static void print_row(FILE *f, const char *indent, __u64 low, __u64 high,
		      __u64 count, __u64 max)
{
	int stars = max ? (int)(count * STARS / max) : 0;
	char bar[STARS + 1];

	if (count && !stars)
		stars = 1;
	memset(bar, '*', stars);
	memset(bar + stars, ' ', STARS - stars);
	bar[STARS] = '\0';
	fprintf(f, "%s%10llu -> %-10llu : %-8llu |%s|\n", indent,
		(unsigned long long)low, (unsigned long long)high,
		(unsigned long long)count, bar);
}

void hist_print(FILE *f, const __u64 *slots, int n, const char *unit,
		const char *indent)
{
	int first = -1, last = -1, div = strcmp(unit, "usecs") ? 1 : 1000;
	__u64 max = 0, low = 0, high = 0, count = 0;

	for (int i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
	}
	if (first < 0) {
		fprintf(f, "%s(no samples)\n", indent);
		return;
	}
	/* the largest row after merging, for the bars */
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			fprintf(f, "%s%14s%-12s : count    distribution\n", indent,
				unit, "");
		count = 0;
		for (int i = first; i <= last; i++) {
			__u64 lo = slot_low(i) / div, hi = slot_high(i) / div;

			if (i > first && lo == low && hi == high) {
				count += slots[i];
				continue;
			}
			if (i > first) {
				if (pass)
					print_row(f, indent, low, high, count, max);
				else if (count > max)
					max = count;
			}
			low = lo;
			high = hi;
			count = slots[i];
		}
		if (pass)
			print_row(f, indent, low, high, count, max);
		else if (count > max)
			max = count;
	}
}

void hist_json(FILE *f, const __u64 *slots, int n)
{
	int first = 1;

	fprintf(f, "{\"unit\":\"nsecs\",\"count\":%llu,\"p50_ns\":%llu,\"p90_ns\":%llu,\"p99_ns\":%llu,\"buckets\":[",
		(unsigned long long)total(slots, n),
		(unsigned long long)hist_percentile(slots, n, 50),
		(unsigned long long)hist_percentile(slots, n, 90),
		(unsigned long long)hist_percentile(slots, n, 99));
	for (int i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		fprintf(f, "%s[%llu,%llu,%llu]", first ? "" : ",",
			(unsigned long long)slot_low(i),
			(unsigned long long)slot_high(i),
			(unsigned long long)slots[i]);
		first = 0;
	}
	fprintf(f, "]}");
}
