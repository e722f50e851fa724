// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/histogram.c: log2 rows, units, percentiles, JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "histogram.h"
#include "tap.h"

#define SLOTS 40

static char *print_to_string(const __u64 *slots, const char *unit)
{
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	hist_print(f, slots, SLOTS, unit, "");
	fclose(f);
	return buf;
}

int main(void)
{
	__u64 slots[SLOTS] = { 0 };
	char *out, json[1024];
	FILE *f;

	tap_ok(hist_percentile(slots, SLOTS, 50) == 0, "empty: p50 is 0");
	tap_str_eq(print_to_string(slots, "nsecs"), "(no samples)\n", "empty: says so");

	/* 9 calls in [8192, 16383] ns, 1 in [131072, 262143] */
	slots[13] = 9;
	slots[17] = 1;
	tap_ok(hist_percentile(slots, SLOTS, 50) == 16384, "p50 < 16384: the upper bound of slot 13");
	tap_ok(hist_percentile(slots, SLOTS, 90) == 16384, "p90: 9 of 10 are in slot 13");
	tap_ok(hist_percentile(slots, SLOTS, 99) == 262144, "p99: the slow call's slot");
	tap_str_eq(hist_unit(slots, SLOTS), "usecs", "a median over 10 us prints usecs");
	out = print_to_string(slots, "nsecs");
	tap_ok(strstr(out, "      8192 -> 16383      : 9        |****************************************|") != NULL,
	       "nsecs: the fullest row has 40 stars");
	tap_ok(strstr(out, "    131072 -> 262143     : 1        |****                                    |") != NULL,
	       "nsecs: 1 of 9 gets 4 stars");
	tap_ok(strstr(out, "     16384 -> 32767      : 0 ") != NULL,
	       "nsecs: empty rows between are printed");
	tap_ok(strstr(out, "4096 ->") == NULL, "nsecs: no rows before the first sample");
	out = print_to_string(slots, "usecs");
	tap_ok(strstr(out, "         8 -> 16         : 9 ") != NULL, "usecs: ns bounds / 1000");

	/* ns slots 0..9 all read "0 -> 0" or "0 -> 1" in usecs: merged */
	memset(slots, 0, sizeof(slots));
	slots[2] = 3;
	slots[5] = 4;
	out = print_to_string(slots, "usecs");
	tap_ok(strstr(out, "         0 -> 0          : 7 ") != NULL,
	       "usecs: sub-microsecond slots merge into one row");

	f = fmemopen(json, sizeof(json), "w");
	hist_json(f, slots, SLOTS);
	fclose(f);
	tap_str_eq(json, "{\"unit\":\"nsecs\",\"count\":7,\"p50_ns\":64,\"p90_ns\":64,\"p99_ns\":64,\"buckets\":[[4,7,3],[32,63,4]]}",
		   "JSON: count, percentiles, non-empty buckets");
	return tap_done();
}
