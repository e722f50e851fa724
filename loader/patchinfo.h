/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A patch directory read whole: shunt's (SHUNT_SYSFS_ROOT) or the kernel
 * livepatch's, every attribute, object and function.
 */
#ifndef SHUNT_PATCHINFO_H
#define SHUNT_PATCHINFO_H

#include <stddef.h>

#include "shimfs.h"

/* one attribute file of a patch directory */
struct patch_attr {
	char *name;
	char *value;		/* trailing newlines cut; NULL: not readable */
};

struct patch_func {
	char name[256];
	unsigned long sympos;
	char new_func[256];	/* shunt: "" when absent */
	int immediate;		/* shunt: -1 when absent */
	int have_addrs;		/* shunt, read by root: addrs is set */
	struct shimfs_func_addrs addrs;
};

struct patch_obj {
	char name[64];
	int patched;		/* -1 when absent */
	int nr_funcs;
	struct patch_func *funcs;
};

struct patch_info {
	char name[64];
	int shunt;		/* 1: a shunt patch, 0: a kernel livepatch */
	int enabled, transition;
	int replace;		/* -1 when absent (older kernels' livepatch) */
	/* shunt's own attributes; for klp, state is derived */
	char state[16], consistency[16], redirect[16], replaced_by[64];
	long seq;		/* klp: stack_order when the kernel has it */
	int forced;
	int nr_attrs;
	struct patch_attr *attrs;	/* every file of the patch dir, by name */
	int nr_objs;
	struct patch_obj *objs;		/* by name */
};

/*
 * Read patch name from root/name (root: SHUNT_SYSFS_ROOT or
 * SHUNT_KLP_SYSFS_ROOT; shunt says which). -1 when it is not a patch
 * directory (no 'enabled' file).
 */
int patch_info_read(const char *root, const char *name, int shunt,
		    struct patch_info *pi);
void patch_info_free(struct patch_info *pi);

/* patch_info_read() of shunt patch name, or of kernel livepatch name */
int shunt_patch_read(const char *name, struct patch_info *pi);
int klp_patch_read(const char *name, struct patch_info *pi);

/* The value of attribute file attr; NULL when absent or unreadable. */
const char *patch_attr_value(const struct patch_info *pi, const char *attr);

/*
 * Every patch: shunt's (directories of shunt_root with an 'enabled' file)
 * in apply order (seq), then the kernel's in theirs. A root that does not
 * exist has no patches. Returns 0, or -1 when out of memory.
 */
int patch_list_read(const char *shunt_root, const char *klp_root,
		    struct patch_info **list, int *n);
void patch_list_free(struct patch_info *list, int n);

/* patch_list_read() of SHUNT_SYSFS_ROOT and SHUNT_KLP_SYSFS_ROOT */
int patch_list_read_sysfs(struct patch_info **list, int *n);

/*
 * The state of a kernel livepatch, named as shunt's are: applying,
 * reverting, applied or disabled.
 */
const char *klp_state(int enabled, int transition);

#endif
