// SPDX-License-Identifier: GPL-2.0
/*
 * shunt revert, and the one routine that takes a shunt patch back and
 * removes its module: the verb's and apply's undo.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "metrics.h"
#include "revert.h"
#include "shim.h"
#include "shimfs.h"
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

enum revert_result revert_patch(const char *name, double timeout,
				bool keep_module)
{
	bool forced = shimfs_read_long(name, SHIM_ATTR_FORCED, 0) != 0;

	if (shimfs_write(name, SHIM_ATTR_ENABLED, "0"))
		return REVERT_REFUSED;
	/* its metrics end with it (they do not hold its module) */
	if (metrics_present(name) && !metrics_detach(name))
		printf("  metrics of %s removed\n", name);
	if (shimfs_wait_patch_gone(name, timeout))
		return REVERT_NOT_RELEASED;
	if (keep_module)
		return REVERT_KEPT;
	if (forced)
		return REVERT_KEPT_FORCED;
	if (module_unload_wait(name))
		return REVERT_UNLOAD_FAILED;
	return REVERT_REMOVED;
}

int revert_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keep-module", no_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char blocked[4096], msg[512];
	double timeout = REVERT_TIMEOUT_S;
	bool keep = false;
	const char *name;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keep = true;
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
	if (check_patch_name("revert", name))
		return EXIT_USAGE;
	if (require_sys_module("revert"))
		return EXIT_FAIL;
	if (shimfs_find_patch(name))
		return EXIT_FAIL;
	switch (revert_patch(name, timeout, keep)) {
	case REVERT_REFUSED:
		fprintf(stderr, "shunt: %s: cannot revert: %s\n", name,
			shimfs_refusal(name, errno, msg, sizeof(msg)));
		return EXIT_FAIL;
	case REVERT_NOT_RELEASED:
		shimfs_read_blocked(name, blocked, sizeof(blocked));
		fprintf(stderr, "shunt: %s: not released after %g s (the revert goes on); blocked by:\n%s\n",
			name, timeout, blocked[0] ? blocked : "(no task named)");
		return EXIT_FAIL;
	case REVERT_UNLOAD_FAILED:
		fprintf(stderr, "shunt: %s: reverted, but removing its module failed: %s\n",
			name, strerror(errno));
		return EXIT_FAIL;
	case REVERT_KEPT:
		printf("shunt: reverted %s; module kept loaded\n", name);
		return EXIT_OK;
	case REVERT_KEPT_FORCED:
		printf("shunt: reverted %s; module kept: the patch was forced\n", name);
		return EXIT_OK;
	case REVERT_REMOVED:
		break;
	}
	printf("shunt: reverted %s; module removed\n", name);
	return EXIT_OK;
}
