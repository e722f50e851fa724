// SPDX-License-Identifier: GPL-2.0
/* shunt force: complete a stuck transition, at the price of the module. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "patchinfo.h"
#include "util.h"

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
	char dir[PATH_MAX], path[PATH_MAX], msg[512];
	const char *name;

	if (argc < 2)
		return usage_error("force", "which patch? NAME is missing");
	if (argc > 2)
		return usage_error("force", "unexpected argument '%s'", argv[2]);
	if (argv[1][0] == '-')
		return usage_error("force", "unknown option '%s'", argv[1]);
	name = argv[1];
	if (shunt_patch_dir(name, dir, sizeof(dir)))
		return EXIT_FAIL;
	if (write_text(path_join(path, sizeof(path), dir, "force"), "1")) {
		int err = errno;

		if (err == EINVAL)
			fprintf(stderr, "shunt: %s: cannot force: not in transition\n", name);
		else if (!read_text(path_join(path, sizeof(path), dir, "error"), msg,
				    sizeof(msg)) && msg[0])
			fprintf(stderr, "shunt: %s: cannot force: %s\n", name, msg);
		else
			fprintf(stderr, "shunt: %s: cannot force: %s\n", name, strerror(err));
		return EXIT_FAIL;
	}
	printf("shunt: %s: transition forced; its module can never be removed\n", name);
	return EXIT_OK;
}
