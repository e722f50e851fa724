// SPDX-License-Identifier: GPL-2.0
/* shunt uninstall: forget an installed patch (an applied one stays applied). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd.h"
#include "store.h"

void uninstall_usage(void)
{
	printf("usage: shunt uninstall NAME\n"
	       "\n"
	       "Remove patch NAME from the patches installed for the running kernel\n"
	       "release (%s/RELEASE/): it is no longer applied at boot. If it is\n"
	       "applied now, it stays applied ('shunt revert NAME' reverts it).\n",
	       STORE_ROOT_DEFAULT);
}

int uninstall_run(int argc, char **argv)
{
	struct utsname uts;
	const char *name;
	int json, ret = parse_json_opts(argc, argv, &json);

	if (ret == OPTS_HELP) {
		uninstall_usage();
		return EXIT_OK;
	}
	if (ret)
		return ret;
	if (json)
		return usage_error("uninstall", "unknown option '--json'");
	if (optind >= argc)
		return usage_error("uninstall", "which patch? NAME is missing");
	if (optind + 1 < argc)
		return usage_error("uninstall", "unexpected argument '%s'", argv[optind + 1]);
	name = argv[optind];
	if (check_patch_name("uninstall", name))
		return EXIT_USAGE;
	uname(&uts);
	if (store_remove(uts.release, name)) {
		if (errno == ENOENT)
			fprintf(stderr, "shunt: %s: not installed for %s (see 'shunt list')\n",
				name, uts.release);
		else
			fprintf(stderr, "shunt: %s: cannot uninstall from %s/%s: %s\n", name,
				store_root(), uts.release, strerror(errno));
		return EXIT_FAIL;
	}
	printf("shunt: uninstalled %s for %s\n", name, uts.release);
	return EXIT_OK;
}
