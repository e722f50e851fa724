// SPDX-License-Identifier: GPL-2.0
/*
 * shunt status: an exit code scripts can test, as SUSE's 'klp check':
 * 0 when every patch installed for the running kernel is applied and no
 * patch (shunt's or the kernel's) is in transition, 1 otherwise with
 * each reason on stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd.h"
#include "json.h"
#include "patchinfo.h"
#include "store.h"

void status_usage(void)
{
	printf("usage: shunt status [--json]\n"
	       "\n"
	       "Exit status 0 when every patch installed for the running kernel\n"
	       "('shunt install') is applied and no patch, shunt's or the kernel's,\n"
	       "is in transition; 1 otherwise, each reason on stderr. Prints each\n"
	       "installed patch and its state, and the patches in transition.\n");
}

static const struct patch_info *find(const struct patch_info *list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (list[i].shunt && !strcmp(list[i].name, name))
			return &list[i];
	return NULL;
}

static int is_applied(const struct patch_info *pi)
{
	return pi && pi->enabled == 1 && pi->transition == 0 && !strcmp(pi->state, "applied");
}

int status_run(int argc, char **argv)
{
	struct patch_info *patches;
	struct installed *inst;
	struct utsname uts;
	int json, np, ni, bad = 0, ret = parse_json_opts(argc, argv, &json);

	if (ret == OPTS_HELP) {
		status_usage();
		return EXIT_OK;
	}
	if (ret)
		return ret;
	if (optind < argc)
		return usage_error("status", "unexpected argument '%s'", argv[optind]);
	uname(&uts);
	if (store_list(uts.release, &inst, &ni)) {
		fprintf(stderr, "shunt: status: %s/%s: %s\n", store_root(), uts.release,
			strerror(errno));
		return EXIT_FAIL;
	}
	if (patch_list_read_sysfs(&patches, &np)) {
		fprintf(stderr, "shunt: status: out of memory\n");
		store_list_free(inst, ni);
		return EXIT_FAIL;
	}
	if (json) {
		printf("{");
		json_kv_str(stdout, "release", uts.release, 1);
		printf(",\"installed\":[");
	}
	for (int i = 0; i < ni; i++) {
		const struct patch_info *pi = find(patches, np, inst[i].name);
		const char *state = pi ? (pi->state[0] ? pi->state : "-") : "not applied";
		int ok = is_applied(pi);

		if (!ok) {
			fprintf(stderr, "shunt: status: %s is installed but %s\n", inst[i].name,
				pi ? state : "not applied");
			bad = 1;
		}
		if (json) {
			printf("%s{", i ? "," : "");
			json_kv_str(stdout, "name", inst[i].name, 1);
			json_kv_str(stdout, "file", inst[i].ko, 0);
			json_kv_bool(stdout, "applied", ok, 0);
			json_kv_str(stdout, "state", state, 0);
			printf("}");
		} else {
			printf("%-24s installed  %s\n", inst[i].name, state);
		}
	}
	if (json)
		printf("],\"transitions\":[");
	for (int i = 0, k = 0; i < np; i++) {
		if (!patches[i].transition)
			continue;
		fprintf(stderr, "shunt: status: %s (%s) is in transition (%s)\n", patches[i].name,
			patches[i].shunt ? "shunt" : "klp",
			patches[i].shunt ? patches[i].state : klp_state(patches[i].enabled, 1));
		bad = 1;
		if (json) {
			if (k++)
				printf(",");
			json_str(stdout, patches[i].name);
		} else {
			printf("%-24s transition %s\n", patches[i].name,
			       patches[i].shunt ? patches[i].state : klp_state(patches[i].enabled, 1));
		}
	}
	if (json) {
		printf("]");
		json_kv_bool(stdout, "ok", !bad, 0);
		printf("}\n");
	} else if (!bad) {
		printf("shunt: %d installed patch(es) applied, no transition pending\n", ni);
	}
	patch_list_free(patches, np);
	store_list_free(inst, ni);
	return bad ? EXIT_FAIL : EXIT_OK;
}
