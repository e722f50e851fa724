// SPDX-License-Identifier: GPL-2.0
/*
 * How a patch prints: the one line of 'shunt list', the details of 'shunt
 * show', and the JSON object both print with --json.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "kprobes.h"
#include "patchprint.h"
#include "shimfs.h"
#include "util.h"

static const char *or_dash(const char *s)
{
	return s[0] ? s : "-";
}

/* " release pending, held by PID COMM" from the first blocked line */
static void print_release_holder(FILE *f, const char *blocked)
{
	int pid, n = 0;
	char comm[32];

	if (blocked && sscanf(blocked, "%d %31s%n", &pid, comm, &n) == 2 && n)
		fprintf(f, " release pending, held by %d %s", pid, comm);
}

void patch_print_line(FILE *f, const struct patch_info *pi)
{
	fprintf(f, "%-24s %-5s %-10s enabled=%d transition=%d", pi->name,
		pi->shunt ? "shunt" : "klp", or_dash(pi->state), pi->enabled,
		pi->transition);
	if (pi->shunt)
		fprintf(f, " consistency=%s redirect=%s", or_dash(pi->consistency),
			or_dash(pi->redirect));
	if (pi->replace > 0)
		fprintf(f, " replace");
	if (pi->forced)
		fprintf(f, " forced");
	if (pi->shunt && !strcmp(pi->redirect, "kprobe") &&
	    kprobes_state() == KPROBES_DISARMED)
		fprintf(f, " NOT-IN-EFFECT(kprobes disarmed)");
	if (pi->shunt && !strcmp(pi->state, "releasing"))
		print_release_holder(f, patch_attr_value(pi, SHIM_ATTR_BLOCKED));
	fprintf(f, "  functions:");
	for (int i = 0; i < pi->nr_objs; i++)
		for (int j = 0; j < pi->objs[i].nr_funcs; j++)
			fprintf(f, " %s:%s,%lu", pi->objs[i].name,
				pi->objs[i].funcs[j].name,
				pi->objs[i].funcs[j].sympos);
	fputc('\n', f);
}

void print_indented(FILE *f, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");

		fprintf(f, "  %.*s\n", (int)n, text);
		text += n;
		if (*text)
			text++;
	}
}

/* the attributes patch_print_details() shows in its own words */
static int attr_described(const char *name)
{
	static const char *const known[] = {
		SHIM_ATTR_ENABLED, SHIM_ATTR_TRANSITION, SHIM_ATTR_STATE,
		SHIM_ATTR_SEQ, SHIM_ATTR_REPLACE, SHIM_ATTR_CONSISTENCY,
		SHIM_ATTR_REDIRECT, SHIM_ATTR_BLOCKED, SHIM_ATTR_PARKED, SHIM_ATTR_FORCED,
		SHIM_ATTR_STATS, SHIM_ATTR_ERROR, SHIM_ATTR_REPLACED_BY,
		SHIM_ATTR_FUNCS,	/* in the list of functions */
	};

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(name, known[i]))
			return 1;
	return 0;
}

void patch_print_details(FILE *f, const struct patch_info *pi)
{
	const char *blocked = patch_attr_value(pi, SHIM_ATTR_BLOCKED);
	const char *parked = patch_attr_value(pi, SHIM_ATTR_PARKED);
	const char *error = patch_attr_value(pi, SHIM_ATTR_ERROR);
	const char *stats = patch_attr_value(pi, SHIM_ATTR_STATS);
	int others = 0;

	fprintf(f, "patch:       %s (%s)\n", pi->name,
		pi->shunt ? "shunt" : "kernel livepatch");
	fprintf(f, "state:       %s (enabled %d, transition %d)\n",
		or_dash(pi->state), pi->enabled, pi->transition);
	if (pi->shunt) {
		fprintf(f, "consistency: %s\n", or_dash(pi->consistency));
		fprintf(f, "redirect:    %s\n", or_dash(pi->redirect));
		fprintf(f, "apply order: %ld\n", pi->seq);
		if (pi->forced)
			fprintf(f, "forced:      yes (the module can never be removed)\n");
		if (pi->replaced_by[0])
			fprintf(f, "replaced by: %s\n", pi->replaced_by);
	}
	if (pi->replace >= 0)
		fprintf(f, "replace:     %s\n", pi->replace ? "yes" : "no");
	for (int i = 0; i < pi->nr_objs; i++) {
		const struct patch_obj *po = &pi->objs[i];

		if (po->patched >= 0)
			fprintf(f, "object %s (%s)\n", po->name,
				po->patched ? "patched" : "not patched");
		else
			fprintf(f, "object %s\n", po->name);
		for (int j = 0; j < po->nr_funcs; j++) {
			const struct patch_func *pf = &po->funcs[j];

			fprintf(f, "  %s,%lu", pf->name, pf->sympos);
			if (pf->new_func[0])
				fprintf(f, " -> %s", pf->new_func);
			if (pf->immediate > 0)
				fprintf(f, " (immediate)");
			fputc('\n', f);
		}
	}
	if (blocked && blocked[0]) {
		fprintf(f, "blocked by:\n");
		print_indented(f, blocked);
	}
	if (parked && parked[0]) {
		fprintf(f, "kthreads parked by the transition:\n");
		print_indented(f, parked);
	}
	if (error && error[0])
		fprintf(f, "last error:  %s\n", error);
	if (stats && stats[0]) {
		fprintf(f, "last transition:\n");
		print_indented(f, stats);
	}
	for (int i = 0; i < pi->nr_attrs; i++) {
		const struct patch_attr *a = &pi->attrs[i];

		/* NULL: write-only, like 'force' */
		if (!a->value || attr_described(a->name))
			continue;
		if (!others++)
			fprintf(f, "other attributes:\n");
		if (strchr(a->value, '\n')) {
			fprintf(f, "  %s:\n", a->name);
			print_indented(f, a->value);
		} else {
			fprintf(f, "  %s: %s\n", a->name, a->value);
		}
	}
}

static void print_json_objects(FILE *f, const struct patch_info *pi)
{
	fprintf(f, ",\"objects\":[");
	for (int i = 0; i < pi->nr_objs; i++) {
		const struct patch_obj *po = &pi->objs[i];

		fprintf(f, "%s{", i ? "," : "");
		json_kv_str(f, "name", po->name, 1);
		if (po->patched >= 0)
			json_kv_long(f, "patched", po->patched, 0);
		fprintf(f, ",\"functions\":[");
		for (int j = 0; j < po->nr_funcs; j++) {
			const struct patch_func *pf = &po->funcs[j];

			fprintf(f, "%s{", j ? "," : "");
			json_kv_str(f, "name", pf->name, 1);
			json_kv_long(f, "sympos", (long)pf->sympos, 0);
			if (pi->shunt)
				json_kv_str(f, "new_func", pf->new_func, 0);
			if (pf->immediate >= 0)
				json_kv_long(f, "immediate", pf->immediate, 0);
			fputc('}', f);
		}
		fprintf(f, "]}");
	}
	fputc(']', f);
}

void patch_print_json(FILE *f, const struct patch_info *pi, int with_attrs)
{
	fputc('{', f);
	/* "name" then "backend": scripts match the pair as it stands */
	json_kv_str(f, "name", pi->name, 1);
	json_kv_str(f, "backend", pi->shunt ? "shunt" : "klp", 0);
	json_kv_long(f, "enabled", pi->enabled, 0);
	json_kv_long(f, "transition", pi->transition, 0);
	if (pi->shunt) {
		json_kv_str(f, "state", pi->state, 0);
		json_kv_str(f, "consistency", pi->consistency, 0);
		json_kv_str(f, "redirect", pi->redirect, 0);
	}
	if (pi->replace >= 0)
		json_kv_long(f, "replace", pi->replace, 0);
	if (pi->shunt) {
		json_kv_long(f, "seq", pi->seq, 0);
		json_kv_long(f, "forced", pi->forced, 0);
		json_kv_str(f, "replaced_by", pi->replaced_by, 0);
	}
	print_json_objects(f, pi);
	if (with_attrs) {
		int first = 1;

		fprintf(f, ",\"attributes\":{");
		for (int i = 0; i < pi->nr_attrs; i++) {
			if (!pi->attrs[i].value)
				continue;
			json_kv_str(f, pi->attrs[i].name, pi->attrs[i].value, first);
			first = 0;
		}
		fputc('}', f);
	}
	fputc('}', f);
}
