// SPDX-License-Identifier: GPL-2.0
/* shunt list and shunt show: patches as sysfs shows them. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "list.h"
#include "metrics.h"
#include "shimfs.h"

void list_usage(void)
{
	printf("usage: shunt list [--json]\n"
	       "\n"
	       "shunt's patches in apply order, then the kernel's livepatches, one\n"
	       "line each: name, backend, state, consistency model, redirection and\n"
	       "functions (OBJECT:FUNCTION,SYMPOS). --json prints a JSON array.\n");
}

void show_usage(void)
{
	printf("usage: shunt show [--json] NAME\n"
	       "\n"
	       "One patch (shunt's, else the kernel's) in detail: state, objects and\n"
	       "functions, the tasks blocking its transition, the last refusal, the\n"
	       "last transition's numbers and every other attribute file.\n");
}

static const char *or_dash(const char *s)
{
	return s[0] ? s : "-";
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
	fprintf(f, "  functions:");
	for (int i = 0; i < pi->nr_objs; i++)
		for (int j = 0; j < pi->objs[i].nr_funcs; j++)
			fprintf(f, " %s:%s,%lu", pi->objs[i].name,
				pi->objs[i].funcs[j].name,
				pi->objs[i].funcs[j].sympos);
	fputc('\n', f);
}

/* text, each of its lines indented by two spaces */
static void print_indented(FILE *f, const char *text)
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
		SHIM_ATTR_REDIRECT, SHIM_ATTR_BLOCKED, SHIM_ATTR_FORCED,
		SHIM_ATTR_STATS, SHIM_ATTR_ERROR, SHIM_ATTR_REPLACED_BY,
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, known[i]))
			return 1;
	return 0;
}

/*
 * The BPF view of who blocks, beside the shim's: tasks whose stack (not
 * checked for reliability) holds an old function of the patch.
 */
static void print_bpf_blockers(const char *name)
{
	static struct metrics_snapshot snap;
	char out[8192];
	int n;

	if (!metrics_present(name) || metrics_read(name, &snap))
		return;
	n = metrics_blockers(name, &snap, out, sizeof(out));
	if (n < 0)
		return;
	printf("old functions on task stacks (BPF task iterator): %d task(s)\n", n);
	print_indented(stdout, out);
}

void patch_print_details(FILE *f, const struct patch_info *pi)
{
	const char *blocked = patch_attr_value(pi, SHIM_ATTR_BLOCKED);
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

/* [--json] and the positional arguments: 0, or EXIT_USAGE */
static int parse_json_opt(int argc, char **argv, int *json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'j')
			*json = 1;
		else if (c == 'h')
			return -1;
		else
			return bad_option(argv[0], argv, c);
	}
	return 0;
}

int list_run(int argc, char **argv)
{
	struct patch_info *list;
	int n, json, ret = parse_json_opt(argc, argv, &json);

	if (ret < 0) {
		list_usage();
		return EXIT_OK;
	}
	if (ret)
		return ret;
	if (optind < argc)
		return usage_error("list", "unexpected argument '%s'", argv[optind]);
	if (patch_list_read_sysfs(&list, &n)) {
		fprintf(stderr, "shunt: list: out of memory\n");
		return EXIT_FAIL;
	}
	if (json) {
		printf("[");
		for (int i = 0; i < n; i++) {
			if (i)
				printf(",");
			patch_print_json(stdout, &list[i], 0);
		}
		printf("]\n");
	} else if (!n) {
		printf("no patches\n");
	} else {
		for (int i = 0; i < n; i++)
			patch_print_line(stdout, &list[i]);
	}
	patch_list_free(list, n);
	return EXIT_OK;
}

int show_run(int argc, char **argv)
{
	struct patch_info pi;
	const char *name;
	int json, ret = parse_json_opt(argc, argv, &json);

	if (ret < 0) {
		show_usage();
		return EXIT_OK;
	}
	if (ret)
		return ret;
	if (optind >= argc)
		return usage_error("show", "which patch? NAME is missing");
	if (optind + 1 < argc)
		return usage_error("show", "unexpected argument '%s'", argv[optind + 1]);
	name = argv[optind];
	if (shunt_patch_read(name, &pi) && klp_patch_read(name, &pi)) {
		fprintf(stderr, "shunt: %s: no such patch\n", name);
		return EXIT_FAIL;
	}
	if (json) {
		patch_print_json(stdout, &pi, 1);
		printf("\n");
	} else {
		patch_print_details(stdout, &pi);
		if (pi.shunt && pi.transition > 0)
			print_bpf_blockers(name);
	}
	patch_info_free(&pi);
	return EXIT_OK;
}
