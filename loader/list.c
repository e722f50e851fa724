// SPDX-License-Identifier: GPL-2.0
/* shunt list and shunt show. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "patchinfo.h"

void list_usage(void)
{
	printf("usage: shunt list [--json]\n"
	       "\n"
	       "shunt's patches in apply order, then the kernel's livepatches:\n"
	       "state, consistency model, redirection and functions.\n");
}

void show_usage(void)
{
	printf("usage: shunt show NAME [--json]\n"
	       "\n"
	       "One patch in detail: state, functions, the tasks blocking its\n"
	       "transition, the last refusal and the last transition's numbers.\n");
}

static int want_json(int argc, char **argv, int *nargs, const char **arg)
{
	*nargs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			continue;
		if (argv[i][0] == '-')
			return -1;
		*arg = argv[i];
		(*nargs)++;
	}
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--json"))
			return 1;
	return 0;
}

int list_run(int argc, char **argv)
{
	struct patch_info *list;
	const char *arg = NULL;
	int n, nargs, json = want_json(argc, argv, &nargs, &arg);

	if (json < 0 || nargs) {
		list_usage();
		return EXIT_USAGE;
	}
	patch_list_all(&list, &n);
	if (json) {
		printf("[");
		for (int i = 0; i < n; i++) {
			if (i)
				printf(",");
			patch_print_json(stdout, &list[i]);
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
	const char *name = NULL;
	struct patch_info pi;
	int nargs, json = want_json(argc, argv, &nargs, &name);

	if (json < 0 || nargs != 1) {
		show_usage();
		return EXIT_USAGE;
	}
	if (patch_info_read(name, 1, &pi) && patch_info_read(name, 0, &pi)) {
		fprintf(stderr, "shunt: no such patch: %s\n", name);
		return EXIT_FAIL;
	}
	if (json) {
		patch_print_json(stdout, &pi);
		printf("\n");
	} else {
		patch_print_details(stdout, &pi);
	}
	patch_info_free(&pi);
	return EXIT_OK;
}
