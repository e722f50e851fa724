// SPDX-License-Identifier: GPL-2.0
/* shunt list: every patch, shunt's then the kernel's, one line or JSON each. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "patchinfo.h"
#include "patchprint.h"

void list_usage(void)
{
	printf("usage: shunt list [--json]\n"
	       "\n"
	       "shunt's patches in apply order, then the kernel's livepatches, one\n"
	       "line each: name, backend, state, consistency model, redirection and\n"
	       "functions (OBJECT:FUNCTION,SYMPOS). --json prints a JSON array.\n");
}

int list_run(int argc, char **argv)
{
	struct patch_info *list;
	int n, json, ret = parse_json_opts(argc, argv, &json);

	if (ret == OPTS_HELP) {
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
