// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of loader/patchinfo.c and loader/patchprint.c: patches read
 * from a fake sysfs tree, and how list and show print them.
 */
#include <string.h>

#include "patchinfo.h"
#include "patchprint.h"
#include "shimfs.h"
#include "tap.h"
#include "tree_fixture.h"

static char root[64], shunt_root[PATH_MAX], klp_root[PATH_MAX];

/* a shunt patch directory with the shim's attributes */
static void put_shunt_patch(const char *name, const char *seq, const char *state,
			    const char *consistency)
{
	char rel[256];
	static const char *const attrs[][2] = {
		{ "enabled", "1\n" }, { "transition", "0\n" }, { "replace", "0\n" },
		{ "redirect", "ftrace\n" }, { "forced", "0\n" }, { "error", "\n" },
		{ "replaced_by", "\n" },
	};

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(rel, sizeof(rel), "shunt/%s/%s", name, attrs[i][0]);
		tree_put(root, rel, attrs[i][1]);
	}
	snprintf(rel, sizeof(rel), "shunt/%s/seq", name);
	tree_put(root, rel, seq);
	snprintf(rel, sizeof(rel), "shunt/%s/state", name);
	tree_put(root, rel, state);
	snprintf(rel, sizeof(rel), "shunt/%s/consistency", name);
	tree_put(root, rel, consistency);
}

static void make_tree(void)
{
	tree_new(root, sizeof(root));
	snprintf(shunt_root, sizeof(shunt_root), "%s/shunt", root);
	snprintf(klp_root, sizeof(klp_root), "%s/livepatch", root);
	tree_put(root, "shunt/claim", "");
	tree_put(root, "shunt/version", "0.1.0\n");
	tree_put(root, "shunt/not_a_patch/", NULL);	/* no 'enabled' */

	/* seq 10 after seq 2: numbers, not names or text, give the order */
	put_shunt_patch("p_a", "10\n", "applied\n", "per-task\n");
	tree_put(root, "shunt/p_a/blocked", "");
	tree_put(root, "shunt/p_a/stats", "duration_ns 1500000\nswitched_stack 3\n");
	tree_put(root, "shunt/p_a/vmlinux/patched", "1\n");
	/* a function directory has no files: funcs and addrs, kernel order */
	tree_put(root, "shunt/p_a/vmlinux/cmdline_proc_show,1/", NULL);
	tree_put(root, "shunt/p_a/vmlinux/version_proc_show,1/", NULL);
	tree_put(root, "shunt/p_a/target/patched", "0\n");
	tree_put(root, "shunt/p_a/target/dup,2/", NULL);
	tree_put(root, "shunt/p_a/funcs",
		 "vmlinux:version_proc_show,1 1 new_version [p_a]\n"
		 "vmlinux:cmdline_proc_show,1 0 new_cmdline [p_a]\n"
		 "target:dup,2 0 new_dup [p_a]\n");
	tree_put(root, "shunt/p_a/addrs",
		 "vmlinux:version_proc_show,1 0xffffffff81000100         64 0xffffffff81000109 0xffffffffc0000100         32 1\n"
		 "vmlinux:cmdline_proc_show,1 0xffffffff81000200        128 0xffffffff81000209 0xffffffffc0000200         16 0\n"
		 "target:dup,2 0x0000000000000000          0 0x0000000000000000 0xffffffffc0000300          8 0\n");

	put_shunt_patch("p_b", "2\n", "applying\n", "stop-machine\n");
	tree_put(root, "shunt/p_b/transition", "1\n");
	tree_put(root, "shunt/p_b/replace", "1\n");
	tree_put(root, "shunt/p_b/blocked",
		 "152 shunt_busy shunt_busy_sleep+0x28/0x50 [shunt_test_busy]\n"
		 "153 other fn+0x1/0x2\n");
	tree_put(root, "shunt/p_b/error", "replaced by 'x'; a \"quote\"\n");
	tree_put(root, "shunt/p_b/extra_attr", "42\n");
	tree_put(root, "shunt/p_b/vmlinux/patched", "1\n");
	tree_put(root, "shunt/p_b/funcs", "");

	/* the kernel's: no state, seq or redirect files; lp_old lacks replace */
	tree_put(root, "livepatch/lp_new/enabled", "1\n");
	tree_put(root, "livepatch/lp_new/transition", "0\n");
	tree_put(root, "livepatch/lp_new/replace", "0\n");
	tree_put(root, "livepatch/lp_new/vmlinux/patched", "1\n");
	tree_put(root, "livepatch/lp_new/vmlinux/meminfo_proc_show,1/", NULL);
	tree_put(root, "livepatch/lp_old/enabled", "0\n");
	tree_put(root, "livepatch/lp_old/transition", "1\n");
	tree_put(root, "livepatch/lp_old/mod/fn,3/", NULL);
}

static void test_func_dir(void)
{
	char name[64];
	unsigned long pos;

	tap_ok(!parse_func_dir("cmdline_proc_show,1", name, sizeof(name), &pos) &&
	       !strcmp(name, "cmdline_proc_show") && pos == 1,
	       "function dir: name and sympos");
	tap_ok(!parse_func_dir("foo.cold,12", name, sizeof(name), &pos) &&
	       !strcmp(name, "foo.cold") && pos == 12,
	       "function dir: a dotted name, two-digit sympos");
	tap_ok(parse_func_dir("patched", name, sizeof(name), &pos) == -1 &&
	       parse_func_dir(",1", name, sizeof(name), &pos) == -1 &&
	       parse_func_dir("f,", name, sizeof(name), &pos) == -1 &&
	       parse_func_dir("f,1x", name, sizeof(name), &pos) == -1 &&
	       parse_func_dir("f,-1", name, sizeof(name), &pos) == -1,
	       "function dir: attribute names and malformed ones refused");
	tap_ok(parse_func_dir("a_rather_long_name,1", name, 8, &pos) == -1,
	       "function dir: a name too long for the buffer refused");
}

static void test_klp_state(void)
{
	tap_ok(!strcmp(klp_state(1, 0), "applied") && !strcmp(klp_state(1, 1), "applying") &&
	       !strcmp(klp_state(0, 1), "reverting") && !strcmp(klp_state(0, 0), "disabled"),
	       "klp state named as shunt's");
}

static void print_lines(FILE *f, const void *ctx)
{
	const struct patch_info *list = ctx;

	for (int i = 0; i < 4; i++)
		patch_print_line(f, &list[i]);
}

static void print_json_list(FILE *f, const void *ctx)
{
	const struct patch_info *list = ctx;

	for (int i = 0; i < 4; i++) {
		patch_print_json(f, &list[i], 0);
		fputc('\n', f);
	}
}

static void print_details(FILE *f, const void *ctx)
{
	patch_print_details(f, ctx);
}

static void print_json_attrs(FILE *f, const void *ctx)
{
	patch_print_json(f, ctx, 1);
}

static void test_list(void)
{
	struct patch_info *list = NULL;
	int n = -1;
	char *out;

	tap_ok(!patch_list_read(shunt_root, klp_root, &list, &n) && n == 4,
	       "list: 2 shunt patches and 2 kernel livepatches, no others (%d)", n);
	if (n != 4)
		return;
	tap_ok(!strcmp(list[0].name, "p_b") && !strcmp(list[1].name, "p_a") &&
	       !strcmp(list[2].name, "lp_new") && !strcmp(list[3].name, "lp_old"),
	       "list: shunt's by seq (2 before 10), then the kernel's");
	tap_ok(list[0].shunt && list[0].seq == 2 && list[0].transition == 1 &&
	       list[0].replace == 1 && !strcmp(list[0].consistency, "stop-machine") &&
	       !strcmp(list[0].state, "applying"),
	       "list: p_b's attributes read");
	tap_ok(!list[2].shunt && list[2].replace == 0 && list[3].replace == -1 &&
	       !strcmp(list[3].state, "reverting"),
	       "list: klp replace read when present, state derived");
	tap_ok(list[1].nr_objs == 2 && !strcmp(list[1].objs[0].name, "target") &&
	       list[1].objs[0].patched == 0 && list[1].objs[0].nr_funcs == 1 &&
	       list[1].objs[0].funcs[0].sympos == 2 &&
	       !strcmp(list[1].objs[1].name, "vmlinux") && list[1].objs[1].nr_funcs == 2 &&
	       list[1].objs[1].funcs[1].immediate == 1 &&
	       !strcmp(list[1].objs[1].funcs[1].new_func, "new_version [p_a]"),
	       "list: objects and functions by name, with new_func and immediate");
	tap_ok(list[1].objs[1].funcs[0].have_addrs &&
	       list[1].objs[1].funcs[0].addrs.old_addr == 0xffffffff81000200ULL &&
	       list[1].objs[1].funcs[0].addrs.old_size == 128 &&
	       list[1].objs[1].funcs[1].addrs.new_addr == 0xffffffffc0000100ULL &&
	       list[1].objs[1].funcs[1].addrs.direct == 1 &&
	       list[1].objs[0].funcs[0].have_addrs && !list[1].objs[0].funcs[0].addrs.old_addr &&
	       list[1].objs[0].funcs[0].addrs.new_size == 8,
	       "list: each function's line of addrs");
	tap_ok(list[3].objs[0].patched == -1 && list[3].objs[0].funcs[0].immediate == -1,
	       "list: attributes a kernel lacks are -1");

	out = capture(print_lines, list);
	tap_str_eq(out,
		       "p_b                      shunt applying   enabled=1 transition=1 consistency=stop-machine redirect=ftrace replace  functions:\n"
		       "p_a                      shunt applied    enabled=1 transition=0 consistency=per-task redirect=ftrace  functions: target:dup,2 vmlinux:cmdline_proc_show,1 vmlinux:version_proc_show,1\n"
		       "lp_new                   klp   applied    enabled=1 transition=0  functions: vmlinux:meminfo_proc_show,1\n"
		       "lp_old                   klp   reverting  enabled=0 transition=1  functions: mod:fn,3\n",
	       "list lines");
	free(out);

	out = capture(print_json_list, list);
	tap_str_eq(out,
		       "{\"name\":\"p_b\",\"backend\":\"shunt\",\"enabled\":1,\"transition\":1,\"state\":\"applying\",\"consistency\":\"stop-machine\",\"redirect\":\"ftrace\",\"replace\":1,\"seq\":2,\"forced\":0,\"replaced_by\":\"\",\"objects\":[{\"name\":\"vmlinux\",\"patched\":1,\"functions\":[]}]}\n"
		       "{\"name\":\"p_a\",\"backend\":\"shunt\",\"enabled\":1,\"transition\":0,\"state\":\"applied\",\"consistency\":\"per-task\",\"redirect\":\"ftrace\",\"replace\":0,\"seq\":10,\"forced\":0,\"replaced_by\":\"\",\"objects\":[{\"name\":\"target\",\"patched\":0,\"functions\":[{\"name\":\"dup\",\"sympos\":2,\"new_func\":\"new_dup [p_a]\",\"immediate\":0}]},{\"name\":\"vmlinux\",\"patched\":1,\"functions\":[{\"name\":\"cmdline_proc_show\",\"sympos\":1,\"new_func\":\"new_cmdline [p_a]\",\"immediate\":0},{\"name\":\"version_proc_show\",\"sympos\":1,\"new_func\":\"new_version [p_a]\",\"immediate\":1}]}]}\n"
		       "{\"name\":\"lp_new\",\"backend\":\"klp\",\"enabled\":1,\"transition\":0,\"replace\":0,\"objects\":[{\"name\":\"vmlinux\",\"patched\":1,\"functions\":[{\"name\":\"meminfo_proc_show\",\"sympos\":1}]}]}\n"
		       "{\"name\":\"lp_old\",\"backend\":\"klp\",\"enabled\":0,\"transition\":1,\"objects\":[{\"name\":\"mod\",\"functions\":[{\"name\":\"fn\",\"sympos\":3}]}]}\n",
	       "list JSON: klp objects lack what the kernel lacks");
	free(out);

	out = capture(print_details, &list[0]);
	tap_str_eq(out,
		       "patch:       p_b (shunt)\n"
		       "state:       applying (enabled 1, transition 1)\n"
		       "consistency: stop-machine\n"
		       "redirect:    ftrace\n"
		       "apply order: 2\n"
		       "replace:     yes\n"
		       "object vmlinux (patched)\n"
		       "blocked by:\n"
		       "  152 shunt_busy shunt_busy_sleep+0x28/0x50 [shunt_test_busy]\n"
		       "  153 other fn+0x1/0x2\n"
		       "last error:  replaced by 'x'; a \"quote\"\n"
		       "other attributes:\n"
		       "  extra_attr: 42\n",
	       "show: blockers, last error and unknown attributes");
	free(out);

	out = capture(print_details, &list[1]);
	tap_str_eq(out,
		       "patch:       p_a (shunt)\n"
		       "state:       applied (enabled 1, transition 0)\n"
		       "consistency: per-task\n"
		       "redirect:    ftrace\n"
		       "apply order: 10\n"
		       "replace:     no\n"
		       "object target (not patched)\n"
		       "  dup,2 -> new_dup [p_a]\n"
		       "object vmlinux (patched)\n"
		       "  cmdline_proc_show,1 -> new_cmdline [p_a]\n"
		       "  version_proc_show,1 -> new_version [p_a] (immediate)\n"
		       "last transition:\n"
		       "  duration_ns 1500000\n"
		       "  switched_stack 3\n"
		       "other attributes:\n"
		       "  addrs:\n"
		       "  vmlinux:version_proc_show,1 0xffffffff81000100         64 0xffffffff81000109 0xffffffffc0000100         32 1\n"
		       "  vmlinux:cmdline_proc_show,1 0xffffffff81000200        128 0xffffffff81000209 0xffffffffc0000200         16 0\n"
		       "  target:dup,2 0x0000000000000000          0 0x0000000000000000 0xffffffffc0000300          8 0\n",
	       "show: functions with new_func and immediate, the last transition, funcs not repeated");
	free(out);

	out = capture(print_details, &list[3]);
	tap_str_eq(out,
		       "patch:       lp_old (kernel livepatch)\n"
		       "state:       reverting (enabled 0, transition 1)\n"
		       "object mod\n"
		       "  fn,3\n",
	       "show: a kernel livepatch");
	free(out);

	out = capture(print_json_attrs, &list[0]);
	tap_ok(strstr(out, ",\"attributes\":{\"blocked\":\"152 shunt_busy shunt_busy_sleep+0x28/0x50 [shunt_test_busy]\\n153 other fn+0x1/0x2\",\"consistency\":\"stop-machine\",\"enabled\":\"1\",\"error\":\"replaced by 'x'; a \\\"quote\\\"\",\"extra_attr\":\"42\",\"forced\":\"0\",") &&
	       !strcmp(out + strlen(out) - 2, "}}"),
	       "show JSON: every attribute file, escaped, by name");
	if (!strstr(out, "\"extra_attr\":\"42\""))
		TAP_DIAG("got: %s", out);
	free(out);
	patch_list_free(list, n);
}

static void test_read_one(void)
{
	struct patch_info pi;

	tap_ok(patch_info_read(shunt_root, "not_a_patch", 1, &pi) == -1 &&
	       patch_info_read(shunt_root, "nothing", 1, &pi) == -1,
	       "read: a directory without 'enabled', or none, is no patch");
	tap_ok(!patch_info_read(klp_root, "lp_new", 0, &pi) && !pi.shunt &&
	       !strcmp(patch_attr_value(&pi, "replace"), "0") &&
	       !patch_attr_value(&pi, "state"),
	       "read: one kernel livepatch and its attribute files");
	patch_info_free(&pi);
}

int main(void)
{
	struct patch_info *list;
	int n = -1;

	test_func_dir();
	test_klp_state();
	tap_ok(!patch_list_read("/nonexistent/shunt", "/nonexistent/livepatch", &list, &n) &&
	       n == 0, "list: no roots (shim not loaded, no livepatch), no patches");
	patch_list_free(list, n);
	make_tree();
	test_list();
	test_read_one();
	tree_free(root);
	return tap_done();
}
