// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/holder.c: naming who holds a function. */
#include <string.h>

#include "holder.h"
#include "tap.h"
#include "tree_fixture.h"

/* lines as the Debian 6.12 kernel prints them (tabs included) */
#define EF_KLP "cmdline_proc_show (1)   I     M \ttramp: 0xffffffffc0290000 (klp_ftrace_handler+0x0/0x100) ->klp_ftrace_handler+0x0/0x100\n"
#define EF_SHUNT "version_proc_show (1)   I     M \ttramp: 0xffffffffc02b5000 (shunt_ftrace_handler+0x0/0x120 [shunt]) ->shunt_ftrace_handler+0x0/0x120 [shunt]\n"
#define EF_SHARED "cmdline_proc_show (2) R I     M  ->arch_ftrace_ops_list_func+0x0/0x1d0\n"
#define EF_KPROBE "loadavg_proc_show (1) R I     M \ttramp: 0xffffffffc02b5000 (kprobe_ftrace_handler+0x0/0x1d0) ->kprobe_ftrace_handler+0x0/0x1d0\n"
#define EF_DIRECT "uptime_proc_show (1)   I     M  ->my_handler+0x0/0x10 [mymod]\n"

static void test_lines(void)
{
	char h[128];

	tap_ok(ftrace_line_handler(EF_KLP, "cmdline_proc_show", h, sizeof(h)) == 0 &&
	       !strcmp(h, "klp_ftrace_handler"),
	       "enabled_functions: the trampoline's handler (%s)", h);
	tap_ok(ftrace_line_handler(EF_SHUNT, "version_proc_show", h, sizeof(h)) == 0 &&
	       !strcmp(h, "shunt_ftrace_handler [shunt]"),
	       "enabled_functions: a module's handler keeps its module (%s)", h);
	tap_ok(ftrace_line_handler(EF_SHARED, "cmdline_proc_show", h, sizeof(h)) == 1,
	       "enabled_functions: shared by several ops, no single handler");
	tap_ok(ftrace_line_handler(EF_DIRECT, "uptime_proc_show", h, sizeof(h)) == 0 &&
	       !strcmp(h, "my_handler [mymod]"),
	       "enabled_functions: no trampoline, the '->' handler (%s)", h);
	tap_ok(ftrace_line_handler(EF_KLP, "cmdline_proc", h, sizeof(h)) == -1 &&
	       ftrace_line_handler(EF_KLP, "proc_show", h, sizeof(h)) == -1,
	       "enabled_functions: another function's line (even a prefix) is not it");
}

static void test_describe(void)
{
	char root[64], klp[PATH_MAX], kprobes[PATH_MAX], ef[PATH_MAX], out[256];
	struct holder_paths paths;

	tree_new(root, sizeof(root));
	tree_put(root, "livepatch/lp1/vmlinux/cmdline_proc_show,1/", NULL);
	tree_put(root, "livepatch/lp1/vmlinux/patched", "1\n");
	tree_put(root, "kprobes/list",
		 "ffffffff8991c2f4  k  loadavg_proc_show+0x4    [FTRACE]\n"
		 "ffffffff8991c2f4  k  meminfo_proc_show+0x4    [FTRACE]\n");
	tree_put(root, "tracing/enabled_functions",
		 EF_KLP EF_SHUNT EF_KPROBE EF_DIRECT
		 "meminfo_proc_show (2) R I     M  ->arch_ftrace_ops_list_func+0x0/0x1d0\n"
		 "stat_proc_show (2) R I     M  ->arch_ftrace_ops_list_func+0x0/0x1d0\n");
	snprintf(klp, sizeof(klp), "%s/livepatch", root);
	snprintf(kprobes, sizeof(kprobes), "%s/kprobes/list", root);
	snprintf(ef, sizeof(ef), "%s/tracing/enabled_functions", root);
	paths = (struct holder_paths){ klp, kprobes, { "/nonexistent", ef } };

	describe_holder(&paths, "cmdline_proc_show", out, sizeof(out));
	tap_ok(!strcmp(out, "held by kernel livepatch 'lp1'"), "a kernel livepatch: %s", out);
	describe_holder(&paths, "loadavg_proc_show", out, sizeof(out));
	tap_ok(!strcmp(out, "held by a kprobe"), "a kprobe (kprobe_ftrace_handler): %s", out);
	describe_holder(&paths, "meminfo_proc_show", out, sizeof(out));
	tap_ok(!strcmp(out, "held by a kprobe"), "a kprobe among several ops: %s", out);
	describe_holder(&paths, "version_proc_show", out, sizeof(out));
	tap_ok(!strcmp(out, "held by ftrace handler shunt_ftrace_handler [shunt]"),
	       "an ftrace handler, from the second enabled_functions path: %s", out);
	describe_holder(&paths, "stat_proc_show", out, sizeof(out));
	tap_ok(!strcmp(out, "held by another IPMODIFY ftrace user"),
	       "several ops, no kprobe: %s", out);
	describe_holder(&paths, "not_traced_at_all", out, sizeof(out));
	tap_ok(!strcmp(out, "held by another IPMODIFY ftrace user"), "nothing known: %s", out);
	tree_free(root);
}

int main(void)
{
	test_lines();
	test_describe();
	return tap_done();
}
