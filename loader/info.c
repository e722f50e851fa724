// SPDX-License-Identifier: GPL-2.0
/*
 * shunt info: what a livepatch module file would patch, read from the
 * file alone (nothing is loaded, no privilege needed).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd.h"
#include "json.h"
#include "klpinfo.h"
#include "modfile.h"

void info_usage(void)
{
	printf("usage: shunt info [--json] FILE.ko\n"
	       "\n"
	       "What a livepatch module would do, without loading it: its name, objects\n"
	       "and functions (OBJECT: FUNCTION,SYMPOS -> NEW), whether it replaces\n"
	       "other patches, its klp_state ids and versions, the callbacks present,\n"
	       "its klp relocation sections and the symbols they need, its vermagic\n"
	       "and whether it matches the running kernel, and whether it is signed.\n"
	       "Reads the file only: no root needed.\n");
}

static const char *const callback_names[] = {
	"pre_patch", "post_patch", "pre_unpatch", "post_unpatch",
};

static void callbacks_of(const struct klpinfo_obj *o, bool out[4])
{
	out[0] = o->pre_patch;
	out[1] = o->post_patch;
	out[2] = o->pre_unpatch;
	out[3] = o->post_unpatch;
}

static void print_text(const char *file, const struct modfile_info *mi,
		       const struct klpinfo *ki, const char *running, int matches)
{
	char rel[256];

	modfile_vermagic_release(mi->vermagic, rel, sizeof(rel));
	printf("file:      %s\n", file);
	printf("name:      %s\n", mi->name);
	printf("replace:   %s\n", ki->replace ? "yes (atomic replace of every earlier patch)" : "no");
	printf("vermagic:  %s\n", mi->vermagic[0] ? mi->vermagic : "(none)");
	if (matches)
		printf("kernel:    %s, the running kernel\n", rel);
	else
		printf("kernel:    %s, NOT the running kernel (%s)\n", rel[0] ? rel : "(none)", running);
	if (ki->is_signed)
		printf("signed:    yes (%s, %u bytes)\n",
		       ki->sig_id_type == 2 ? "PKCS#7" : "unknown type", ki->sig_len);
	else
		printf("signed:    no\n");
	printf("states:   ");
	if (!ki->nr_states)
		printf(" none");
	for (int i = 0; i < ki->nr_states; i++)
		printf(" id %lu version %u%s", ki->states[i].id, ki->states[i].version,
		       i + 1 < ki->nr_states ? "," : "");
	printf("\nobjects:   %d\n", ki->nr_objs);
	for (int i = 0; i < ki->nr_objs; i++) {
		const struct klpinfo_obj *o = &ki->objs[i];
		bool cb[4];
		int any = 0;

		callbacks_of(o, cb);
		printf("  %s: callbacks:", o->name);
		for (int k = 0; k < 4; k++)
			if (cb[k]) {
				printf(" %s", callback_names[k]);
				any = 1;
			}
		printf("%s\n", any ? "" : " none");
		for (int j = 0; j < o->nr_funcs; j++)
			printf("    %s,%lu -> %s\n", o->funcs[j].name, o->funcs[j].sympos,
			       o->funcs[j].new_func);
	}
	printf("klp relocations: %s\n", ki->nr_relsecs ? "" : "none");
	for (int i = 0; i < ki->nr_relsecs; i++) {
		const struct klpinfo_relsec *rs = &ki->relsecs[i];

		printf("  %s (object %s, %d relocation(s)):\n", rs->section, rs->object,
		       rs->nr_relocs);
		for (int j = 0; j < rs->nr_syms; j++)
			printf("    %s\n", rs->syms[j]);
	}
}

static void print_json(const char *file, const struct modfile_info *mi,
		       const struct klpinfo *ki, const char *running, int matches)
{
	char rel[256];

	modfile_vermagic_release(mi->vermagic, rel, sizeof(rel));
	printf("{");
	json_kv_str(stdout, "file", file, 1);
	json_kv_str(stdout, "name", mi->name, 0);
	json_kv_bool(stdout, "livepatch", mi->livepatch, 0);
	json_kv_bool(stdout, "replace", ki->replace, 0);
	json_kv_str(stdout, "vermagic", mi->vermagic, 0);
	json_kv_str(stdout, "release", rel, 0);
	json_kv_str(stdout, "running_release", running, 0);
	json_kv_bool(stdout, "vermagic_matches", matches, 0);
	json_kv_bool(stdout, "signed", ki->is_signed, 0);
	if (ki->is_signed) {
		printf(",\"signature\":{");
		json_kv_long(stdout, "id_type", ki->sig_id_type, 1);
		json_kv_long(stdout, "sig_len", ki->sig_len, 0);
		printf("}");
	}
	printf(",\"states\":[");
	for (int i = 0; i < ki->nr_states; i++) {
		printf("%s{", i ? "," : "");
		json_kv_long(stdout, "id", (long)ki->states[i].id, 1);
		json_kv_long(stdout, "version", ki->states[i].version, 0);
		printf("}");
	}
	printf("],\"objects\":[");
	for (int i = 0; i < ki->nr_objs; i++) {
		const struct klpinfo_obj *o = &ki->objs[i];
		bool cb[4];

		callbacks_of(o, cb);
		printf("%s{", i ? "," : "");
		json_kv_str(stdout, "name", o->name, 1);
		printf(",\"callbacks\":{");
		for (int k = 0; k < 4; k++)
			json_kv_bool(stdout, callback_names[k], cb[k], k == 0);
		printf("},\"functions\":[");
		for (int j = 0; j < o->nr_funcs; j++) {
			printf("%s{", j ? "," : "");
			json_kv_str(stdout, "name", o->funcs[j].name, 1);
			json_kv_long(stdout, "sympos", (long)o->funcs[j].sympos, 0);
			json_kv_str(stdout, "new_func", o->funcs[j].new_func, 0);
			printf("}");
		}
		printf("]}");
	}
	printf("],\"klp_relocations\":[");
	for (int i = 0; i < ki->nr_relsecs; i++) {
		const struct klpinfo_relsec *rs = &ki->relsecs[i];

		printf("%s{", i ? "," : "");
		json_kv_str(stdout, "section", rs->section, 1);
		json_kv_str(stdout, "object", rs->object, 0);
		json_kv_long(stdout, "relocations", rs->nr_relocs, 0);
		printf(",\"symbols\":[");
		for (int j = 0; j < rs->nr_syms; j++) {
			if (j)
				printf(",");
			json_str(stdout, rs->syms[j]);
		}
		printf("]}");
	}
	printf("]}\n");
}

int info_run(int argc, char **argv)
{
	struct klpinfo ki = { 0 };
	struct utsname uts;
	struct modfile mf;
	const char *file;
	char err[512], rel[256];
	int json, matches, ret = parse_json_opts(argc, argv, &json);

	if (ret == OPTS_HELP) {
		info_usage();
		return EXIT_OK;
	}
	if (ret)
		return ret;
	if (optind >= argc)
		return usage_error("info", "which module? FILE.ko is missing");
	if (optind + 1 < argc)
		return usage_error("info", "unexpected argument '%s'", argv[optind + 1]);
	file = argv[optind];
	if (modfile_load(file, &mf))
		return EXIT_FAIL;
	if (!mf.info.livepatch) {
		fprintf(stderr, "shunt: %s: module '%s' is not a livepatch module (no MODULE_INFO(livepatch, \"Y\"))\n",
			file, mf.info.name);
		modfile_free(&mf);
		return EXIT_FAIL;
	}
	if (klpinfo_parse(mf.data, mf.size, &ki, err, sizeof(err))) {
		fprintf(stderr, "shunt: %s: %s\n", file, err);
		ret = EXIT_FAIL;
		goto out;
	}
	uname(&uts);
	modfile_vermagic_release(mf.info.vermagic, rel, sizeof(rel));
	matches = !strcmp(rel, uts.release);
	if (json)
		print_json(file, &mf.info, &ki, uts.release, matches);
	else
		print_text(file, &mf.info, &ki, uts.release, matches);
	ret = EXIT_OK;
out:
	klpinfo_free(&ki);
	modfile_free(&mf);
	return ret;
}
