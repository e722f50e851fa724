// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "patchinfo.h"
#include "shunt_abi.h"
#include "util.h"

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int parse_func_dir(const char *dirname, char *name, size_t len,
		   unsigned long *sympos)
{
	const char *comma = strrchr(dirname, ',');
	char *end;

	if (!comma || comma == dirname || !comma[1])
		return -1;
	*sympos = strtoul(comma + 1, &end, 10);
	if (*end)
		return -1;
	if ((size_t)(comma - dirname) >= len)
		return -1;
	memcpy(name, dirname, comma - dirname);
	name[comma - dirname] = '\0';
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* subdirectories of dir, sorted; free with free_names() */
static char **subdirs(const char *dir, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[1024];
	int cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!is_dir(path_join(path, sizeof(path), dir, de->d_name)))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nn = realloc(names, cap * sizeof(*names));

			if (!nn)
				break;
			names = nn;
		}
		names[(*n)++] = strdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_str);
	return names;
}

static void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	char path[1024];

	if (read_text(path_join(path, sizeof(path), dir, name), buf, len))
		buf[0] = '\0';
}

static void read_object(const char *dir, const char *name, int shunt,
			struct patch_obj *po)
{
	char odir[1024], fdir[1280];
	char **funcs;
	int nf;

	copy_str(po->name, sizeof(po->name), name);
	path_join(odir, sizeof(odir), dir, name);
	po->patched = (int)read_long(odir, "patched", 0);
	funcs = subdirs(odir, &nf);
	po->funcs = calloc(nf ? nf : 1, sizeof(*po->funcs));
	for (int i = 0; po->funcs && i < nf; i++) {
		struct patch_func *pf = &po->funcs[po->nr_funcs];

		if (parse_func_dir(funcs[i], pf->name, sizeof(pf->name),
				   &pf->sympos))
			continue;
		if (shunt) {
			path_join(fdir, sizeof(fdir), odir, funcs[i]);
			read_attr(fdir, "new_func", pf->new_func,
				  sizeof(pf->new_func));
			pf->immediate = (int)read_long(fdir, "immediate", 0);
		}
		po->nr_funcs++;
	}
	free_names(funcs, nf);
}

int patch_info_read(const char *name, int shunt, struct patch_info *pi)
{
	char dir[512];
	char **objs;
	int no;

	memset(pi, 0, sizeof(*pi));
	path_join(dir, sizeof(dir), shunt ? SHUNT_SYSFS_ROOT : SHUNT_KLP_SYSFS_ROOT,
		  name);
	if (!is_dir(dir))
		return -1;
	copy_str(pi->name, sizeof(pi->name), name);
	pi->shunt = shunt;
	pi->enabled = (int)read_long(dir, "enabled", 0);
	pi->transition = (int)read_long(dir, "transition", 0);
	pi->replace = (int)read_long(dir, "replace", 0);
	if (shunt) {
		pi->seq = read_long(dir, "seq", 0);
		pi->forced = (int)read_long(dir, "forced", 0);
		read_attr(dir, "state", pi->state, sizeof(pi->state));
		read_attr(dir, "consistency", pi->consistency, sizeof(pi->consistency));
		read_attr(dir, "redirect", pi->redirect, sizeof(pi->redirect));
		read_attr(dir, "replaced_by", pi->replaced_by, sizeof(pi->replaced_by));
		read_attr(dir, "blocked", pi->blocked, sizeof(pi->blocked));
		read_attr(dir, "error", pi->error, sizeof(pi->error));
		read_attr(dir, "stats", pi->stats, sizeof(pi->stats));
	} else {
		copy_str(pi->state, sizeof(pi->state),
			 pi->transition ? "transition" : pi->enabled ? "applied" : "disabled");
	}
	objs = subdirs(dir, &no);
	pi->objs = calloc(no ? no : 1, sizeof(*pi->objs));
	for (int i = 0; pi->objs && i < no; i++)
		read_object(dir, objs[i], shunt, &pi->objs[pi->nr_objs++]);
	free_names(objs, no);
	return 0;
}

void patch_info_free(struct patch_info *pi)
{
	for (int i = 0; i < pi->nr_objs; i++)
		free(pi->objs[i].funcs);
	free(pi->objs);
	pi->objs = NULL;
	pi->nr_objs = 0;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct patch_info *x = a, *y = b;

	if (x->shunt != y->shunt)
		return y->shunt - x->shunt;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(x->name, y->name);
}

int patch_list_all(struct patch_info **list, int *n)
{
	static const char *const roots[2] = { SHUNT_KLP_SYSFS_ROOT, SHUNT_SYSFS_ROOT };
	struct patch_info *out = NULL;
	int total = 0;

	for (int shunt = 0; shunt < 2; shunt++) {
		char **names, path[1024];
		int nn;

		names = subdirs(roots[shunt], &nn);
		for (int i = 0; i < nn; i++) {
			char attr[1280];

			path_join(path, sizeof(path), roots[shunt], names[i]);
			if (access(path_join(attr, sizeof(attr), path, "enabled"), F_OK))
				continue;
			struct patch_info *no = realloc(out, (total + 1) * sizeof(*out));

			if (!no)
				break;
			out = no;
			if (!patch_info_read(names[i], shunt, &out[total]))
				total++;
		}
		free_names(names, nn);
	}
	if (total)
		qsort(out, total, sizeof(*out), cmp_seq);
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

void patch_print_line(FILE *f, const struct patch_info *pi)
{
	fprintf(f, "%-24s %-5s %-10s enabled=%d transition=%d", pi->name,
		pi->shunt ? "shunt" : "klp", pi->state, pi->enabled,
		pi->transition);
	if (pi->shunt)
		fprintf(f, " consistency=%s redirect=%s", pi->consistency,
			pi->redirect);
	if (pi->replace)
		fprintf(f, " replace");
	fprintf(f, "  functions:");
	for (int i = 0; i < pi->nr_objs; i++)
		for (int j = 0; j < pi->objs[i].nr_funcs; j++)
			fprintf(f, " %s:%s,%lu", pi->objs[i].name,
				pi->objs[i].funcs[j].name,
				pi->objs[i].funcs[j].sympos);
	fputc('\n', f);
}

void patch_print_details(FILE *f, const struct patch_info *pi)
{
	fprintf(f, "patch:       %s (%s)\n", pi->name,
		pi->shunt ? "shunt" : "kernel livepatch");
	fprintf(f, "state:       %s (enabled %d, transition %d)\n", pi->state,
		pi->enabled, pi->transition);
	if (pi->shunt) {
		fprintf(f, "consistency: %s\nredirect:    %s\napply order: %ld\n",
			pi->consistency, pi->redirect, pi->seq);
		if (pi->forced)
			fprintf(f, "forced:      yes (the module can never be removed)\n");
		if (pi->replaced_by[0])
			fprintf(f, "replaced by: %s\n", pi->replaced_by);
	}
	fprintf(f, "replace:     %s\n", pi->replace ? "yes" : "no");
	for (int i = 0; i < pi->nr_objs; i++) {
		const struct patch_obj *po = &pi->objs[i];

		fprintf(f, "object %s (%s)\n", po->name,
			po->patched ? "patched" : "not patched");
		for (int j = 0; j < po->nr_funcs; j++) {
			const struct patch_func *pf = &po->funcs[j];

			fprintf(f, "  %s,%lu", pf->name, pf->sympos);
			if (pf->new_func[0])
				fprintf(f, " -> %s", pf->new_func);
			if (pf->immediate)
				fprintf(f, " (immediate)");
			fputc('\n', f);
		}
	}
	if (pi->blocked[0])
		fprintf(f, "blocked by:\n%s\n", pi->blocked);
	if (pi->error[0])
		fprintf(f, "last error:  %s\n", pi->error);
	if (pi->stats[0])
		fprintf(f, "last transition:\n%s\n", pi->stats);
}

static void json_kv_str(FILE *f, const char *k, const char *v, int comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", k);
	json_str(f, v);
}

void patch_print_json(FILE *f, const struct patch_info *pi)
{
	fputc('{', f);
	json_kv_str(f, "name", pi->name, 0);
	json_kv_str(f, "backend", pi->shunt ? "shunt" : "klp", 1);
	json_kv_str(f, "state", pi->state, 1);
	fprintf(f, ",\"enabled\":%d,\"transition\":%d,\"replace\":%d",
		pi->enabled, pi->transition, pi->replace);
	if (pi->shunt) {
		json_kv_str(f, "consistency", pi->consistency, 1);
		json_kv_str(f, "redirect", pi->redirect, 1);
		fprintf(f, ",\"seq\":%ld,\"forced\":%d", pi->seq, pi->forced);
		json_kv_str(f, "replaced_by", pi->replaced_by, 1);
		json_kv_str(f, "blocked", pi->blocked, 1);
	}
	fprintf(f, ",\"objects\":[");
	for (int i = 0; i < pi->nr_objs; i++) {
		const struct patch_obj *po = &pi->objs[i];

		fprintf(f, "%s{", i ? "," : "");
		json_kv_str(f, "name", po->name, 0);
		fprintf(f, ",\"patched\":%d,\"functions\":[", po->patched);
		for (int j = 0; j < po->nr_funcs; j++) {
			fprintf(f, "%s{", j ? "," : "");
			json_kv_str(f, "name", po->funcs[j].name, 0);
			fprintf(f, ",\"sympos\":%lu", po->funcs[j].sympos);
			if (pi->shunt) {
				json_kv_str(f, "new_func", po->funcs[j].new_func, 1);
				fprintf(f, ",\"immediate\":%d", po->funcs[j].immediate);
			}
			fputc('}', f);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "]}");
}
