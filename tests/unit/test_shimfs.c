// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of loader/shimfs.c's pure part: the parsers of a patch's
 * stats, calls, funcs and addrs, and the lookup of a function's line.
 */
#include <string.h>

#include "shimfs.h"
#include "tap.h"

static void test_funcs(void)
{
	struct shimfs_func f;

	tap_ok(!shimfs_parse_funcs_line("vmlinux:cmdline_proc_show,1 0 livepatch_cmdline_proc_show [livepatch_sample]\nnext", &f) &&
	       !strcmp(f.obj, "vmlinux") && !strcmp(f.name, "cmdline_proc_show") &&
	       f.sympos == 1 && f.immediate == 0 &&
	       !strcmp(f.new_func, "livepatch_cmdline_proc_show [livepatch_sample]"),
	       "funcs: object, function, sympos, immediate, new_func to the end of the line");
	tap_ok(!shimfs_parse_funcs_line("shunt_test_busy:foo.cold,12 1 (nop)", &f) &&
	       !strcmp(f.obj, "shunt_test_busy") && !strcmp(f.name, "foo.cold") &&
	       f.sympos == 12 && f.immediate == 1 && !strcmp(f.new_func, "(nop)"),
	       "funcs: a module object, a dotted name, an immediate nop");
	tap_ok(shimfs_parse_funcs_line("vmlinux:f,1 0\n", &f) == -1 &&
	       shimfs_parse_funcs_line("vmlinux:f,1 2 g\n", &f) == -1 &&
	       shimfs_parse_funcs_line("vmlinux:f 0 g\n", &f) == -1 &&
	       shimfs_parse_funcs_line(":f,1 0 g\n", &f) == -1 &&
	       shimfs_parse_funcs_line("f,1 0 g\n", &f) == -1 &&
	       shimfs_parse_funcs_line("", &f) == -1,
	       "funcs: no new_func, a bad immediate, no sympos, no object refused");
}

static void test_addrs(void)
{
	static const char text[] =
		"vmlinux:a,1 0xffffffff81234560         96 0xffffffff81234569 0xffffffffc0a01000         48 1\n"
		"mod:b,2 0x0000000000000000          0 0x0000000000000000 0xffffffffc0a01040         16 0\n"
		"vmlinux:a_b,1 0x0000000000000001          1 0x0000000000000002 0x0000000000000000          0 0\n";
	struct shimfs_func_addrs a;
	const char *cursor = NULL, *rest;

	rest = shimfs_find_line(text, "vmlinux:a,1", &cursor);
	tap_ok(rest && !shimfs_parse_addrs(rest, &a) &&
	       a.old_addr == 0xffffffff81234560ULL && a.old_size == 96 &&
	       a.old_body == 0xffffffff81234569ULL && a.new_addr == 0xffffffffc0a01000ULL &&
	       a.new_size == 48 && a.direct == 1,
	       "addrs: kernel addresses past the signed range, sizes, direct");
	tap_ok(cursor == strchr(text, '\n') + 1, "find: the cursor moves past the line found");
	rest = shimfs_find_line(text, "vmlinux:a_b,1", &cursor);
	tap_ok(rest && !shimfs_parse_addrs(rest, &a) && a.old_addr == 1 && !a.new_addr &&
	       !a.direct, "find: a label that another one starts with is not confused");
	rest = shimfs_find_line(text, "mod:b,2", &cursor);
	tap_ok(rest && !shimfs_parse_addrs(rest, &a) && !a.old_addr &&
	       a.new_addr == 0xffffffffc0a01040ULL, "find: wraps around to a line before the cursor");
	tap_ok(!shimfs_find_line(text, "vmlinux:a", &cursor) &&
	       !shimfs_find_line(text, "mod:b,3", &cursor) && !shimfs_find_line("", "x:y,1", &cursor),
	       "find: a missing label, a prefix of a label");
	tap_ok(shimfs_parse_addrs(" 0x1 2 0x3 0x4 5", &a) == -1 && !a.old_addr &&
	       shimfs_parse_addrs(" 0x1 2 0x3 0x4 5 1 extra", &a) == -1 &&
	       shimfs_parse_addrs(" 0x1 2 0x3 0x4 5 7", &a) == -1,
	       "addrs: a field missing or extra, a bad direct refused");
}

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
	n = shimfs_parse_calls("vmlinux:f,1                   12                    0\n", c, 4);
	tap_ok(n == 1 && c[0].new_calls == 12 && c[0].old_calls == 0,
	       "calls: the shim's fixed-width columns");
	test_funcs();
	test_addrs();
	return tap_done();
}
