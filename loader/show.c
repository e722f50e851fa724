// SPDX-License-Identifier: GPL-2.0
/*
 * shunt show: one patch in detail, shunt's or the kernel's, and during a
 * transition the BPF iterator's view of who blocks it.
 */
#include <getopt.h>
#include <stdio.h>

#include "blockers.h"
#include "cmd.h"
#include "metrics.h"
#include "patchinfo.h"
#include "patchprint.h"
#include "report.h"
#include "snapshot.h"

void show_usage(void)
{
	printf("usage: shunt show [--json] NAME\n"
	       "\n"
	       "One patch (shunt's, else the kernel's) in detail: state, objects and\n"
	       "functions, the tasks blocking its transition, the last refusal, the\n"
	       "last transition's numbers and every other attribute file.\n");
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

	if (!metrics_present(name) || snapshot_read(name, &snap))
		return;
	n = blockers_read(name, snap.funcs, snap.nr_funcs, out, sizeof(out));
	if (n < 0)
		return;
	printf("old functions on task stacks (BPF task iterator): %d task(s)\n", n);
	print_indented(stdout, out);
}

/* The shim's call counters, and what else measures this patch. */
static void print_calls(const char *name)
{
	static struct metrics_snapshot snap;

	if (snapshot_read(name, &snap))
		return;
	printf("metrics: %s\n", report_mode_text(&snap));
	for (int i = 0; i < snap.nr_funcs; i++)
		if (snap.shim[i].known)
			printf("  %s: calls routed by the shim: %llu to the new function, %llu to the code below\n",
			       snap.funcs[i].name,
			       (unsigned long long)snap.shim[i].new_calls,
			       (unsigned long long)snap.shim[i].old_calls);
}

int show_run(int argc, char **argv)
{
	struct patch_info pi;
	const char *name;
	int json, ret = parse_json_opts(argc, argv, &json);

	if (ret == OPTS_HELP) {
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
	if (check_patch_name("show", name))
		return EXIT_USAGE;
	if (shunt_patch_read(name, &pi) && klp_patch_read(name, &pi)) {
		fprintf(stderr, "shunt: %s: no such patch\n", name);
		return EXIT_FAIL;
	}
	if (json) {
		patch_print_json(stdout, &pi, 1);
		printf("\n");
	} else {
		patch_print_details(stdout, &pi);
		if (pi.shunt)
			print_calls(name);
		if (pi.shunt && pi.transition > 0)
			print_bpf_blockers(name);
	}
	patch_info_free(&pi);
	return EXIT_OK;
}
