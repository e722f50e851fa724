// SPDX-License-Identifier: GPL-2.0
/* The metrics of patches that are gone: found and removed. */
#include <stdio.h>
#include <string.h>

#include "bpfpin.h"
#include "claim.h"
#include "metrics.h"
#include "orphans.h"
#include "shimfs.h"
#include "util.h"

bool orphan_patch_gone(const char *name)
{
	struct claim_status st;

	return !shimfs_patch_exists(name) && claim_read_status(name, &st);
}

int orphan_remove(const char *name)
{
	if (metrics_detach(name))
		return -1;
	fprintf(stderr, "shunt: removed the metrics of %s: the patch is gone\n",
		name);
	return 0;
}

void orphans_collect(const char *keep)
{
	char **names;
	int n;

	names = pin_dir_names(&n);
	for (int i = 0; i < n; i++)
		if ((!keep || strcmp(names[i], keep)) &&
		    orphan_patch_gone(names[i]))
			orphan_remove(names[i]);
	free_names(names, n);
}
