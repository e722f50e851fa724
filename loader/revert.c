// SPDX-License-Identifier: GPL-2.0
/* shunt revert: take a shunt patch back and remove its module. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "metrics.h"
#include "patchinfo.h"
#include "shim.h"
#include "util.h"

#define REVERT_TIMEOUT_S 60

void revert_usage(void)
{
	printf("usage: shunt revert [--keep-module] [--timeout=S] NAME\n"
	       "\n"
	       "Revert shunt patch NAME (a transition back, in its consistency\n"
	       "model), wait until its module is released (S seconds, %d), then\n"
	       "remove the module unless --keep-module. A patch cannot go while a\n"
	       "patch applied after it redirects one of the same functions: revert\n"
	       "that one first.\n", REVERT_TIMEOUT_S);
}

/* "shunt: NAME: cannot revert: WHY", WHY from the shim's error file */
static void print_refusal(const char *dir, const char *name, int err)
{
	char path[PATH_MAX], msg[512];

	if (!read_text(path_join(path, sizeof(path), dir, "error"), msg,
		       sizeof(msg)) && msg[0])
		fprintf(stderr, "shunt: %s: cannot revert: %s\n", name, msg);
	else
		fprintf(stderr, "shunt: %s: cannot revert: %s\n", name, strerror(err));
}

int revert_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keep-module", no_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[PATH_MAX], path[PATH_MAX], blocked[4096];
	double timeout = REVERT_TIMEOUT_S;
	int keep = 0, forced, c;
	const char *name;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keep = 1;
			break;
		case 't':
			timeout = parse_seconds(optarg);
			if (timeout < 0)
				return usage_error("revert", "bad --timeout '%s' (seconds)",
						   optarg);
			break;
		case 'h':
			revert_usage();
			return EXIT_OK;
		default:
			return bad_option("revert", argv, c);
		}
	}
	if (optind >= argc)
		return usage_error("revert", "which patch? NAME is missing");
	if (optind + 1 < argc)
		return usage_error("revert", "unexpected argument '%s'", argv[optind + 1]);
	name = argv[optind];
	if (shunt_patch_dir(name, dir, sizeof(dir)))
		return EXIT_FAIL;
	/* a forced patch's module must stay: tasks may still run its code */
	forced = (int)read_long(dir, "forced", 0);
	if (write_text(path_join(path, sizeof(path), dir, "enabled"), "0")) {
		print_refusal(dir, name, errno);
		return EXIT_FAIL;
	}
	/* the probes on its new functions hold the module */
	if (metrics_present(name) && !metrics_detach(name))
		printf("  metrics of %s removed\n", name);
	if (wait_dir_gone(dir, timeout)) {
		if (read_text(path_join(path, sizeof(path), dir, "blocked"), blocked,
			      sizeof(blocked)))
			blocked[0] = '\0';
		fprintf(stderr, "shunt: %s: not released after %g s (the revert goes on); blocked by:\n%s\n",
			name, timeout, blocked[0] ? blocked : "(no task named)");
		return EXIT_FAIL;
	}
	if (keep) {
		printf("shunt: reverted %s; module kept loaded\n", name);
		return EXIT_OK;
	}
	if (forced) {
		printf("shunt: reverted %s; module kept: the patch was forced\n", name);
		return EXIT_OK;
	}
	if (module_unload_wait(name)) {
		fprintf(stderr, "shunt: %s: reverted, but removing its module failed: %s\n",
			name, strerror(errno));
		return EXIT_FAIL;
	}
	printf("shunt: reverted %s; module removed\n", name);
	return EXIT_OK;
}
