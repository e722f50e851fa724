// SPDX-License-Identifier: GPL-2.0
/*
 * A patch directory read whole, shunt's or the kernel livepatch's, with
 * the file names of shimfs.h: for list, show, and what apply prints.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patchinfo.h"
#include "shimfs.h"
#include "util.h"

const char *klp_state(int enabled, int transition)
{
	if (transition)
		return enabled ? "applying" : "reverting";
	return enabled ? "applied" : "disabled";
}

const char *patch_attr_value(const struct patch_info *pi, const char *attr)
{
	for (int i = 0; i < pi->nr_attrs; i++)
		if (!strcmp(pi->attrs[i].name, attr))
			return pi->attrs[i].value;
	return NULL;
}

static long attr_long(const struct patch_info *pi, const char *attr, long def)
{
	const char *v = patch_attr_value(pi, attr);
	char *end;
	long n;

	if (!v)
		return def;
	n = strtol(v, &end, 10);
	return end == v ? def : n;
}

static void attr_str(const struct patch_info *pi, const char *attr, char *buf,
		     size_t len)
{
	const char *v = patch_attr_value(pi, attr);

	copy_str(buf, len, v ? v : "");
}

/* every file of dir with its contents; write-only ones get NULL */
static int read_attrs(const char *dir, struct patch_info *pi)
{
	char path[PATH_MAX], **names;
	int n;

	names = dir_list(dir, DIR_LIST_FILES, &n);
	pi->attrs = calloc(n ? n : 1, sizeof(*pi->attrs));
	if (!pi->attrs) {
		free_names(names, n);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct patch_attr *a = &pi->attrs[pi->nr_attrs++];
		char *shrunk;
		size_t size;

		a->name = names[i];
		if (read_file(path_join(path, sizeof(path), dir, names[i]),
			      &a->value, &size))
			continue;
		while (size > 0 && a->value[size - 1] == '\n')
			a->value[--size] = '\0';
		/* read_file() leaves room for big files; most are small */
		shrunk = realloc(a->value, size + 1);
		if (shrunk)
			a->value = shrunk;
	}
	free(names);	/* the strings now belong to attrs */
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct patch_func *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->sympos < y->sympos ? -1 : x->sympos > y->sympos;
}

/*
 * A shunt object's functions: the lines of the patch's funcs file (its
 * function directories have no files), with their addrs lines when root
 * could read that file. Both list functions in the same order, so each
 * addrs line is found where the last one ended. By name, as directories.
 */
static int read_shunt_funcs(const struct patch_info *pi, struct patch_obj *po,
			    const char *funcs)
{
	const char *addrs = patch_attr_value(pi, SHIM_ATTR_ADDRS);
	const char *cursor = NULL, *rest;
	size_t olen = strlen(po->name);
	struct shimfs_func f;
	char label[600];
	int nf = 0;

	for (const char *p = funcs; *p; p += strcspn(p, "\n"), p += *p == '\n')
		nf += !strncmp(p, po->name, olen) && p[olen] == ':';
	po->funcs = calloc(nf ? nf : 1, sizeof(*po->funcs));
	if (!po->funcs)
		return -1;
	for (const char *p = funcs; *p && po->nr_funcs < nf;
	     p += strcspn(p, "\n"), p += *p == '\n') {
		struct patch_func *pf = &po->funcs[po->nr_funcs];

		if (shimfs_parse_funcs_line(p, &f) || strcmp(f.obj, po->name))
			continue;
		copy_str(pf->name, sizeof(pf->name), f.name);
		pf->sympos = f.sympos;
		copy_str(pf->new_func, sizeof(pf->new_func), f.new_func);
		pf->immediate = f.immediate;
		snprintf(label, sizeof(label), "%s:%s,%lu", f.obj, f.name, f.sympos);
		rest = addrs ? shimfs_find_line(addrs, label, &cursor) : NULL;
		pf->have_addrs = rest && !shimfs_parse_addrs(rest, &pf->addrs);
		po->nr_funcs++;
	}
	qsort(po->funcs, po->nr_funcs, sizeof(*po->funcs), cmp_func);
	return 0;
}

/* the kernel livepatch's functions: its function directories */
static int read_func_dirs(const char *odir, struct patch_obj *po)
{
	char **funcs;
	int nf;

	funcs = dir_list(odir, DIR_LIST_DIRS, &nf);
	po->funcs = calloc(nf ? nf : 1, sizeof(*po->funcs));
	if (!po->funcs) {
		free_names(funcs, nf);
		return -1;
	}
	for (int i = 0; i < nf; i++) {
		struct patch_func *pf = &po->funcs[po->nr_funcs];

		if (parse_func_dir(funcs[i], pf->name, sizeof(pf->name),
				   &pf->sympos))
			continue;
		pf->immediate = -1;
		po->nr_funcs++;
	}
	free_names(funcs, nf);
	return 0;
}

static int read_object(const struct patch_info *pi, const char *dir,
		       const char *name, struct patch_obj *po)
{
	const char *funcs = pi->shunt ? patch_attr_value(pi, SHIM_ATTR_FUNCS) : NULL;
	char odir[PATH_MAX];

	copy_str(po->name, sizeof(po->name), name);
	path_join(odir, sizeof(odir), dir, name);
	po->patched = (int)read_long(odir, SHIM_ATTR_PATCHED, -1);
	if (funcs)
		return read_shunt_funcs(pi, po, funcs);
	return read_func_dirs(odir, po);
}

int patch_info_read(const char *root, const char *name, int shunt,
		    struct patch_info *pi)
{
	char dir[PATH_MAX], path[PATH_MAX], **objs;
	int no, ret = 0;

	memset(pi, 0, sizeof(*pi));
	path_join(dir, sizeof(dir), root, name);
	if (!is_file(path_join(path, sizeof(path), dir, SHIM_ATTR_ENABLED)))
		return -1;
	copy_str(pi->name, sizeof(pi->name), name);
	pi->shunt = shunt;
	if (read_attrs(dir, pi))
		return -1;
	pi->enabled = (int)attr_long(pi, SHIM_ATTR_ENABLED, 0);
	pi->transition = (int)attr_long(pi, SHIM_ATTR_TRANSITION, 0);
	pi->replace = (int)attr_long(pi, SHIM_ATTR_REPLACE, -1);
	if (shunt) {
		pi->seq = attr_long(pi, SHIM_ATTR_SEQ, 0);
		pi->forced = (int)attr_long(pi, SHIM_ATTR_FORCED, 0);
		attr_str(pi, SHIM_ATTR_STATE, pi->state, sizeof(pi->state));
		attr_str(pi, SHIM_ATTR_CONSISTENCY, pi->consistency,
			 sizeof(pi->consistency));
		attr_str(pi, SHIM_ATTR_REDIRECT, pi->redirect, sizeof(pi->redirect));
		attr_str(pi, SHIM_ATTR_REPLACED_BY, pi->replaced_by,
			 sizeof(pi->replaced_by));
	} else {
		pi->seq = attr_long(pi, KLP_ATTR_STACK_ORDER, 0);
		copy_str(pi->state, sizeof(pi->state),
			 klp_state(pi->enabled, pi->transition));
	}
	objs = dir_list(dir, DIR_LIST_DIRS, &no);
	pi->objs = calloc(no ? no : 1, sizeof(*pi->objs));
	for (int i = 0; pi->objs && !ret && i < no; i++)
		ret = read_object(pi, dir, objs[i], &pi->objs[pi->nr_objs++]);
	free_names(objs, no);
	if (!pi->objs || ret) {
		patch_info_free(pi);
		return -1;
	}
	return 0;
}

int shunt_patch_read(const char *name, struct patch_info *pi)
{
	return patch_info_read(SHUNT_SYSFS_ROOT, name, 1, pi);
}

int klp_patch_read(const char *name, struct patch_info *pi)
{
	return patch_info_read(SHUNT_KLP_SYSFS_ROOT, name, 0, pi);
}

void patch_info_free(struct patch_info *pi)
{
	for (int i = 0; i < pi->nr_attrs; i++) {
		free(pi->attrs[i].name);
		free(pi->attrs[i].value);
	}
	free(pi->attrs);
	for (int i = 0; i < pi->nr_objs; i++)
		free(pi->objs[i].funcs);
	free(pi->objs);
	memset(pi, 0, sizeof(*pi));
}

static int cmp_order(const void *a, const void *b)
{
	const struct patch_info *x = a, *y = b;

	if (x->shunt != y->shunt)
		return x->shunt ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(x->name, y->name);
}

int patch_list_read(const char *shunt_root, const char *klp_root,
		    struct patch_info **list, int *n)
{
	const char *roots[] = { shunt_root, klp_root };
	struct patch_info *out = NULL;
	int total = 0, cap = 0;

	for (size_t r = 0; r < ARRAY_SIZE(roots); r++) {
		char **names;
		int nn;

		names = dir_list(roots[r], DIR_LIST_DIRS, &nn);
		for (int i = 0; i < nn; i++) {
			if (total == cap) {
				struct patch_info *grown;

				cap = cap ? cap * 2 : 8;
				grown = realloc(out, cap * sizeof(*out));
				if (!grown) {
					free_names(names, nn);
					patch_list_free(out, total);
					return -1;
				}
				out = grown;
			}
			/* not a patch (no 'enabled'), or gone meanwhile */
			if (!patch_info_read(roots[r], names[i], r == 0, &out[total]))
				total++;
		}
		free_names(names, nn);
	}
	if (total)
		qsort(out, total, sizeof(*out), cmp_order);
	*list = out;
	*n = total;
	return 0;
}

void patch_list_free(struct patch_info *list, int n)
{
	for (int i = 0; i < n; i++)
		patch_info_free(&list[i]);
	free(list);
}

int patch_list_read_sysfs(struct patch_info **list, int *n)
{
	return patch_list_read(SHUNT_SYSFS_ROOT, SHUNT_KLP_SYSFS_ROOT, list, n);
}
