// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/shimfs.c's pure part: the parsers of a patch's stats and calls. */
#include <string.h>

#include "shimfs.h"
#include "tap.h"

int main(void)
{
	struct shimfs_stats st;

	shimfs_parse_stats("duration_ns 1500000\n"
			   "stop_machine_ns 250000\n"
			   "stop_machine_tries 2\n"
			   "pending 3\n"
			   "switched_stack 58\n"
			   "switched_boundary 0\n"
			   "switched_idle 2\n"
			   "switched_all 7\n", &st);
	tap_ok(st.duration_ns == 1500000 && st.stop_ns == 250000 && st.pending == 3,
	       "stats: duration, stop_machine time and pending tasks");
	tap_ok(st.switched[0] == 58 && st.switched[1] == 0 && st.switched[2] == 2 &&
	       st.switched[SHUNT_NR_HOW - 1] == 7,
	       "stats: switched_HOW lines in SHUNT_HOW_NAMES order");
	tap_ok(shimfs_stats_switched(&st) == 67, "stats: every switched task counted once");

	shimfs_parse_stats("switched_force 4\n"
			   "switched_nonsense 9\n"
			   "garbage\n"
			   "\n"
			   "duration_ns x\n"
			   "switched_exit 1", &st);
	tap_ok(st.switched[4] == 4 && st.switched[5] == 1 && st.duration_ns == 0 &&
	       shimfs_stats_switched(&st) == 5,
	       "stats: unknown keys, malformed lines and no final newline");

	memset(&st, 0xff, sizeof(st));
	shimfs_parse_stats("", &st);
	tap_ok(!st.duration_ns && !st.stop_ns && !st.pending && !shimfs_stats_switched(&st),
	       "stats: an empty file is all 0");

	static struct shimfs_calls c[4];
	int n = shimfs_parse_calls("vmlinux:cmdline_proc_show,1 12 3\n"
				   "shunt_test_busy:shunt_busy_tick,2 18446744073709551615 0\n"
				   "garbage\n"
				   "vmlinux:x,1 7\n"
				   "\n"
				   "vmlinux:y,1 1 2", c, 4);
	tap_ok(n == 3, "calls: the well-formed lines, also without a final newline");
	tap_ok(!strcmp(c[0].label, "vmlinux:cmdline_proc_show,1") &&
	       c[0].new_calls == 12 && c[0].old_calls == 3,
	       "calls: label, new and old");
	tap_ok(c[1].new_calls == 18446744073709551615ULL && !strcmp(c[2].label, "vmlinux:y,1"),
	       "calls: a full u64, and the line after malformed ones");
	tap_ok(shimfs_parse_calls("a 1 1\nb 2 2\nc 3 3\n", c, 2) == 2, "calls: at most max");
	tap_ok(shimfs_parse_calls("", c, 4) == 0, "calls: an empty file has none");
	return tap_done();
}
