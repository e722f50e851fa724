/* SPDX-License-Identifier: GPL-2.0 */
/* Patches as sysfs shows them: shunt's and the kernel livepatch's. */
#ifndef SHUNT_PATCHINFO_H
#define SHUNT_PATCHINFO_H

#include <stdio.h>

struct patch_func {
	char name[128];
	unsigned long sympos;
	char new_func[128];	/* shunt only */
	int immediate;		/* shunt only */
};

struct patch_obj {
	char name[64];
	int patched;
	int nr_funcs;
	struct patch_func *funcs;
};

struct patch_info {
	char name[64];
	int shunt;		/* 1: shunt patch, 0: kernel livepatch */
	int enabled, transition, replace, forced;
	long seq;		/* shunt only */
	char state[16], consistency[16], redirect[16], replaced_by[64];
	char blocked[1024], error[256], stats[512];
	int nr_objs;
	struct patch_obj *objs;
};

/* Read one patch from /sys/kernel/{shunt,livepatch}/NAME. */
int patch_info_read(const char *name, int shunt, struct patch_info *pi);
void patch_info_free(struct patch_info *pi);

/* Every patch: shunt's by apply order, then the kernel's. */
int patch_list_all(struct patch_info **list, int *n);
void patch_list_free(struct patch_info *list, int n);

/* One line per patch, and the JSON object of a patch. */
void patch_print_line(FILE *f, const struct patch_info *pi);
void patch_print_json(FILE *f, const struct patch_info *pi);
void patch_print_details(FILE *f, const struct patch_info *pi);

/* "name,sympos" into its parts; -1 when it is not of that form. */
int parse_func_dir(const char *dirname, char *name, size_t len,
		   unsigned long *sympos);

/* Print s as a JSON string. */
void json_str(FILE *f, const char *s);

#endif
