// SPDX-License-Identifier: GPL-2.0
/* Who holds a function that shunt.ko could not redirect (-EBUSY). */
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "holder.h"
#include "shunt_abi.h"
#include "util.h"

const struct holder_paths holder_paths_default = {
	.klp_root = SHUNT_KLP_SYSFS_ROOT,
	.kprobes_list = "/sys/kernel/debug/kprobes/list",
	.enabled_functions = {
		"/sys/kernel/tracing/enabled_functions",
		"/sys/kernel/debug/tracing/enabled_functions",
	},
};

/* "%pS" text "sym+0x0/0x120 [mod]" as "sym [mod]" */
static void symbol_of(const char *ps, char *out, size_t len)
{
	size_t n = strcspn(ps, "+ )\t\n");
	const char *mod = ps + n;

	mod += strcspn(mod, " )\t\n");
	while (*mod == ' ')
		mod++;
	if (*mod == '[')
		snprintf(out, len, "%.*s %.*s", (int)n, ps,
			 (int)(strcspn(mod, "]") + 1), mod);
	else
		snprintf(out, len, "%.*s", (int)n, ps);
}

int ftrace_line_handler(const char *line, const char *fn, char *out,
			size_t len)
{
	size_t fnlen = strlen(fn);
	const char *p;

	/* "FUNC (N) FLAGS\ttramp: ADDR (HANDLER+OFF/SIZE [MOD]) ->..." */
	if (strncmp(line, fn, fnlen) || line[fnlen] != ' ')
		return -1;
	p = strstr(line, "tramp: ");
	if (p && (p = strchr(p, '('))) {
		symbol_of(p + 1, out, len);
		return 0;
	}
	/* no trampoline: "->FUNC", a list function when several ops share it */
	p = strstr(line, "->");
	if (p && strncmp(p + 2, "arch_ftrace_ops_list_func", 25) &&
	    strncmp(p + 2, "ftrace_ops_list_func", 20) &&
	    strncmp(p + 2, "ftrace_ops_assist_func", 22)) {
		symbol_of(p + 2, out, len);
		return 0;
	}
	return 1;
}

static int klp_holder(const char *root, const char *fn, char *patch,
		      size_t len)
{
	char pattern[1024];
	glob_t g;
	int ret = -1;

	/* ROOT/PATCH/OBJECT/FUNC,SYMPOS */
	snprintf(pattern, sizeof(pattern), "%s/*/*/%s,*", root, fn);
	if (!glob(pattern, 0, NULL, &g) && g.gl_pathc) {
		const char *p = g.gl_pathv[0] + strlen(root) + 1;

		snprintf(patch, len, "%.*s", (int)strcspn(p, "/"), p);
		ret = 0;
	}
	globfree(&g);
	return ret;
}

/* kprobes/list: "ADDR  k  FUNC+0x4    [FTRACE]" */
static int kprobe_on(const char *list, const char *fn)
{
	char line[1024], needle[512];
	FILE *f = fopen(list, "r");
	int found = 0;

	if (!f)
		return 0;
	snprintf(needle, sizeof(needle), " %s+", fn);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* 0 with the handler, 1 when shared, -1 when the function is not listed */
static int ftrace_holder(const struct holder_paths *paths, const char *fn,
			 char *handler, size_t len)
{
	char line[1024];
	int ret = -1;

	for (size_t i = 0; i < ARRAY_SIZE(paths->enabled_functions) && ret < 0; i++) {
		FILE *f;

		if (!paths->enabled_functions[i])
			continue;
		f = fopen(paths->enabled_functions[i], "r");
		if (!f)
			continue;
		while (ret < 0 && fgets(line, sizeof(line), f))
			ret = ftrace_line_handler(line, fn, handler, len);
		fclose(f);
	}
	return ret;
}

void describe_holder(const struct holder_paths *paths, const char *fn,
		     char *out, size_t len)
{
	char name[256];
	int ret;

	if (!klp_holder(paths->klp_root, fn, name, sizeof(name))) {
		snprintf(out, len, "held by kernel livepatch '%s'", name);
		return;
	}
	ret = ftrace_holder(paths, fn, name, sizeof(name));
	/* a kprobe with a post_handler is an IPMODIFY ftrace user too */
	if ((ret || !strncmp(name, "kprobe_ftrace_handler", 21)) &&
	    kprobe_on(paths->kprobes_list, fn)) {
		snprintf(out, len, "held by a kprobe");
		return;
	}
	if (!ret)
		snprintf(out, len, "held by ftrace handler %s", name);
	else
		snprintf(out, len, "held by another IPMODIFY ftrace user");
}
