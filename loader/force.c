// SPDX-License-Identifier: GPL-2.0
/* shunt force: complete a stuck transition, at the price of the module. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "shimfs.h"

void force_usage(void)
{
	printf("usage: shunt force NAME\n"
	       "\n"
	       "Complete NAME's transition now, counting every task as switched.\n"
	       "Tasks still in the old code may then run a mix of versions, and\n"
	       "the patch module can never be removed (as with the kernel's force).\n");
}

int force_run(int argc, char **argv)
{
	char msg[512];
	const char *name;

	if (argc < 2)
		return usage_error("force", "which patch? NAME is missing");
	if (argc > 2)
		return usage_error("force", "unexpected argument '%s'", argv[2]);
	if (argv[1][0] == '-')
		return usage_error("force", "unknown option '%s'", argv[1]);
	name = argv[1];
	if (check_patch_name("force", name))
		return EXIT_USAGE;
	if (require_sys_module("force"))
		return EXIT_FAIL;
	if (shimfs_find_patch(name))
		return EXIT_FAIL;
	if (shimfs_write(name, SHIM_ATTR_FORCE, "1")) {
		if (errno == EINVAL)
			fprintf(stderr, "shunt: %s: cannot force: not in transition\n", name);
		else
			fprintf(stderr, "shunt: %s: cannot force: %s\n", name,
				shimfs_refusal(name, errno, msg, sizeof(msg)));
		return EXIT_FAIL;
	}
	printf("shunt: %s: transition forced; its module can never be removed\n", name);
	return EXIT_OK;
}
