/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who holds a function's exclusive IPMODIFY ftrace flag when shunt.ko
 * gets -EBUSY for it: a kernel livepatch, a kprobe, or some ftrace user.
 */
#ifndef SHUNT_HOLDER_H
#define SHUNT_HOLDER_H

#include <stddef.h>

struct holder_paths {
	const char *klp_root;		/* /sys/kernel/livepatch */
	const char *kprobes_list;	/* debugfs kprobes/list */
	const char *enabled_functions[2];	/* tracefs, then debugfs */
};

extern const struct holder_paths holder_paths_default;

/*
 * One line of tracing/enabled_functions. Returns -1 when the line is not
 * about function fn, 1 when it is but names no single handler (several
 * ftrace_ops share the function: "->arch_ftrace_ops_list_func"), 0 with
 * the handler in out ("shunt_ftrace_handler [shunt]") otherwise.
 */
int ftrace_line_handler(const char *line, const char *fn, char *out,
			size_t len);

/*
 * The holder of fn, as "held by kernel livepatch 'P'", "held by a kprobe",
 * "held by ftrace handler H" or "held by another IPMODIFY ftrace user".
 */
void describe_holder(const struct holder_paths *paths, const char *fn,
		     char *out, size_t len);

#endif
