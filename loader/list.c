// SPDX-License-Identifier: GPL-2.0
/* shunt list: every patch, shunt's then the kernel's, one line or JSON each. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd.h"
#include "json.h"
#include "patchinfo.h"
#include "patchprint.h"
#include "store.h"

void list_usage(void)
{
	printf("usage: shunt list [--json]\n"
	       "\n"
	       "shunt's patches in apply order, then the kernel's livepatches, one\n"
	       "line each: name, backend, state, consistency model, redirection and\n"
	       "functions (OBJECT:FUNCTION,SYMPOS); then the patches installed for\n"
	       "the running kernel ('shunt install') that are not applied, state\n"
	       "'installed'. --json prints a JSON array.\n");
}

static int is_listed(const struct patch_info *list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (list[i].shunt && !strcmp(list[i].name, name))
			return 1;
	return 0;
}

int list_run(int argc, char **argv)
{
	struct patch_info *list;
	struct installed *inst = NULL;
	struct utsname uts;
	int n, ni = 0, shown, json, ret = parse_json_opts(argc, argv, &json);

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
	uname(&uts);
	/* an unreadable store shows no installed patch; status says why */
	if (store_list(uts.release, &inst, &ni))
		ni = 0;
	if (json)
		printf("[");
	for (int i = 0; i < n; i++) {
		if (json) {
			if (i)
				printf(",");
			patch_print_json(stdout, &list[i], 0);
		} else {
			patch_print_line(stdout, &list[i]);
		}
	}
	shown = n;
	for (int i = 0; i < ni; i++) {
		if (is_listed(list, n, inst[i].name))
			continue;
		if (json) {
			printf("%s{", shown ? "," : "");
			json_kv_str(stdout, "name", inst[i].name, 1);
			json_kv_str(stdout, "backend", "none", 0);
			json_kv_str(stdout, "state", "installed", 0);
			json_kv_str(stdout, "file", inst[i].ko, 0);
			printf("}");
		} else {
			printf("%-24s %-5s %-10s %s\n", inst[i].name, "-", "installed",
			       inst[i].ko);
		}
		shown++;
	}
	if (json)
		printf("]\n");
	else if (!shown)
		printf("no patches\n");
	store_list_free(inst, ni);
	patch_list_free(list, n);
	return EXIT_OK;
}
