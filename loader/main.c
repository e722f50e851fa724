// SPDX-License-Identifier: GPL-2.0
/* shunt: apply ordinary livepatch modules through shunt.ko. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "orphans.h"
#include "shunt_abi.h"

const struct verb shunt_verbs[] = {
	{ "apply", "apply a livepatch module through shunt.ko", apply_run, apply_usage, true, false },
	{ "revert", "revert a shunt patch and remove its module", revert_run, revert_usage, true, false },
	{ "list", "list shunt's and the kernel's patches", list_run, list_usage, true, true },
	{ "show", "show one patch in detail", show_run, show_usage, true, true },
	{ "force", "force a patch's transition to complete", force_run, force_usage, true, false },
	/* report reads the last numbers of a gone patch first */
	{ "report", "print a patch's BPF metrics (calls, latency, safety)", report_run, report_usage, false, true },
	{ "info", "what a patch module would do, read from the file only", info_run, info_usage, false, true },
	{ "install", "keep a patch module to apply at boot (shunt apply --all)", install_run, install_usage, false, false },
	{ "uninstall", "forget an installed patch", uninstall_run, uninstall_usage, false, false },
	{ "status", "exit 0 when every installed patch is applied, no transition pending", status_run, status_usage, false, true },
	{ NULL, NULL, NULL, NULL, false, false },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: shunt [--help] [--version] VERB [ARGS...]\n"
		"\n"
		"Apply ordinary livepatch (klp) modules through the shunt.ko shim.\n"
		"\n");
	fprintf(f, "verbs:\n");
	for (const struct verb *v = shunt_verbs; v->name; v++)
		fprintf(f, "  %-10s %s\n", v->name, v->summary);
	fprintf(f, "\n'shunt VERB --help' describes each verb.\n");
}

int main(int argc, char **argv)
{
	const char *name;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("shunt %s\n", SHUNT_VERSION);
		return EXIT_OK;
	}
	for (const struct verb *v = shunt_verbs; v->name; v++) {
		if (strcmp(v->name, name))
			continue;
		if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			v->usage();
			return EXIT_OK;
		}
		if (v->collect_orphans)
			orphans_collect(NULL);
		if (wants_pretty(argc - 1, argv + 1))
			return run_pretty(v, argc - 1, argv + 1);
		return v->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "shunt: unknown verb '%s' (see 'shunt --help')\n", name);
	return EXIT_USAGE;
}
