/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Installed patches, kpatch-style: the patch modules 'shunt install'
 * keeps for a kernel release under STORE_ROOT/<release>/ (NAME.ko, and
 * NAME.args: the apply options and module parameters, one per line),
 * with the install order in the file 'order' (one name per line).
 * 'shunt apply --all' applies them at boot (shunt.service).
 */
#ifndef SHUNT_STORE_H
#define SHUNT_STORE_H

#include <limits.h>
#include <stddef.h>

#define STORE_ROOT_DEFAULT "/var/lib/shunt"
/* tests only: another root than /var/lib/shunt */
#define STORE_ROOT_ENV "SHUNT_STATE_DIR"

struct installed {
	char name[64];
	char ko[PATH_MAX];	/* the stored module file */
	int nr_args;
	char **args;		/* apply options, then module parameters */
};

/* STORE_ROOT_ENV when set, else STORE_ROOT_DEFAULT */
const char *store_root(void);

/* The patches installed for release, in install order; -1 with errno. */
int store_list(const char *release, struct installed **list, int *n);
void store_list_free(struct installed *list, int n);

/* Is patch name installed for release? */
int store_has(const char *release, const char *name);

/*
 * Keep module bytes data (size bytes) as patch name of release, applied
 * with args. 0, or -1 with the reason (one line) in err.
 */
int store_add(const char *release, const char *name, const void *data,
	      size_t size, char *const *args, int nr_args, char *err,
	      size_t errlen);

/* Forget patch name of release: 0, or -1 with errno (ENOENT: not installed). */
int store_remove(const char *release, const char *name);

#endif
