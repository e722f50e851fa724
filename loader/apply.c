// SPDX-License-Identifier: GPL-2.0
/* shunt apply: claim a patch module, load it, follow its transition. */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd.h"
#include "kallsyms.h"
#include "modfile.h"
#include "patchinfo.h"
#include "shim.h"
#include "shunt_abi.h"
#include "strbuf.h"
#include "util.h"

struct apply_opts {
	const char *redirect, *consistency, *shim;
	struct strbuf extra;	/* more claim options */
	double timeout;
	int no_wait;
};

void apply_usage(void)
{
	printf("usage: shunt apply [OPTIONS] FILE.ko [PARAM=VALUE...]\n"
	       "\n"
	       "Apply an ordinary livepatch module through shunt.ko. PARAMs are\n"
	       "module parameters, as insmod takes them.\n"
	       "\n"
	       "  --consistency=MODEL   per-task (default), stop-machine or immediate\n"
	       "  --immediate-func=F    switch function F for every task at once\n"
	       "                        (repeatable; per-task and stop-machine)\n"
	       "  --redirect=HOW        ftrace (default) or kprobe\n"
	       "  --replace             replace every shunt patch applied before\n"
	       "  --stop-retries=N      stop-machine attempts after the first (5)\n"
	       "  --timeout=S           give the transition S seconds (60), then name\n"
	       "                        the blocking tasks and reverse it\n"
	       "  --no-wait             return once the transition has started\n"
	       "  --shim=PATH           shunt.ko to load if it is not loaded\n");
}

/* First line of path containing needle, into line; 0 when found. */
static int grep_first(const char *path, const char *needle, char *line,
		      size_t len)
{
	FILE *f = fopen(path, "r");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, len, f)) {
		if (strstr(line, needle)) {
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Who else redirects function fn? For an EBUSY from the shim. */
static void describe_holder(const char *fn, char *out, size_t len)
{
	char pattern[300], needle[160], line[512], *arrow;
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/*/*/%s,*", SHUNT_KLP_SYSFS_ROOT, fn);
	if (!glob(pattern, 0, NULL, &g) && g.gl_pathc) {
		/* /sys/kernel/livepatch/PATCH/OBJECT/FUNC,POS */
		char patch[128] = "";

		sscanf(g.gl_pathv[0] + strlen(SHUNT_KLP_SYSFS_ROOT) + 1,
		       "%127[^/]", patch);
		globfree(&g);
		snprintf(out, len, "held by kernel livepatch '%s'", patch);
		return;
	}
	globfree(&g);
	snprintf(needle, sizeof(needle), " %s+", fn);
	if (!grep_first("/sys/kernel/debug/kprobes/list", needle, line,
			sizeof(line))) {
		snprintf(out, len, "held by a kprobe with a post_handler");
		return;
	}
	snprintf(needle, sizeof(needle), "%s ", fn);
	if (!grep_first("/sys/kernel/tracing/enabled_functions", needle, line,
			sizeof(line)) && (arrow = strstr(line, "->"))) {
		arrow[2 + strcspn(arrow + 2, "+ \n")] = '\0';
		snprintf(out, len, "held by ftrace handler %.100s", arrow + 2);
		return;
	}
	snprintf(out, len, "held by another IPMODIFY ftrace user");
}

static void explain_failure(const char *file, const char *name, int err)
{
	char msg[512] = "", holder[256], fn[128];
	const char *q;
	int kerr = 0;

	if (!claim_result(name, &kerr, msg, sizeof(msg)) && kerr && msg[0]) {
		q = strstr(msg, "function '");
		if (kerr == -EBUSY && q && sscanf(q, "function '%127[^']'", fn) == 1) {
			describe_holder(fn, holder, sizeof(holder));
			fprintf(stderr, "shunt: %s: %s (%s)\n", file, msg, holder);
		} else {
			fprintf(stderr, "shunt: %s: %s\n", file, msg);
		}
		return;
	}
	fprintf(stderr, "shunt: %s: loading the module failed: %s\n", file,
		strerror(err));
}

static void print_stats(const char *dir)
{
	char path[512], *text, *line, *save = NULL;
	unsigned long long dur = 0, stop = 0;
	struct strbuf how = { 0 };
	size_t size;

	if (read_file(path_join(path, sizeof(path), dir, "stats"),
		      (void **)&text, &size))
		return;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char key[64];
		unsigned long long v;

		if (sscanf(line, "%63s %llu", key, &v) != 2)
			continue;
		if (!strcmp(key, "duration_ns"))
			dur = v;
		else if (!strcmp(key, "stop_machine_ns"))
			stop = v;
		else if (!strncmp(key, "switched_", 9) && v)
			strbuf_addf(&how, "%s%s %llu", how.len ? ", " : "",
				    key + 9, v);
	}
	printf("  transition: %.3f ms; tasks switched by %s\n", dur / 1e6,
	       how.len ? how.buf : "(none)");
	if (stop)
		printf("  stop_machine: CPUs stopped for %.3f ms\n", stop / 1e6);
	strbuf_free(&how);
	free(text);
}

static void print_applied(const char *name)
{
	struct patch_info pi;
	char dir[512];

	if (patch_info_read(name, 1, &pi))
		return;
	printf("shunt: applied %s (consistency %s, redirect %s)\n", name,
	       pi.consistency, pi.redirect);
	for (int i = 0; i < pi.nr_objs; i++) {
		for (int j = 0; j < pi.objs[i].nr_funcs; j++) {
			const struct patch_func *pf = &pi.objs[i].funcs[j];

			printf("  %s: %s,%lu -> %s%s\n", pi.objs[i].name,
			       pf->name, pf->sympos, pf->new_func,
			       pf->immediate ? " (immediate)" : "");
		}
		if (!pi.objs[i].patched)
			printf("  %s: not loaded; patched when it loads\n",
			       pi.objs[i].name);
	}
	print_stats(path_join(dir, sizeof(dir), SHUNT_SYSFS_ROOT, name));
	patch_info_free(&pi);
}

/* Wait while the patch is in transition; 0 done, -1 timed out. */
static int wait_transition(const char *name, double timeout)
{
	char dir[512], blocked[1024], last[1024] = "";
	double start = now_ms();
	int tty = isatty(STDOUT_FILENO);

	path_join(dir, sizeof(dir), SHUNT_SYSFS_ROOT, name);
	while (is_dir(dir) && read_long(dir, "transition", 0)) {
		double el = (now_ms() - start) / 1000;

		if (el > timeout)
			return -1;
		if (el > 0.5) {
			char path[600];

			if (read_text(path_join(path, sizeof(path), dir, "blocked"),
				      blocked, sizeof(blocked)))
				blocked[0] = '\0';
			if (tty) {
				printf("\rshunt: %s: waiting for the transition, %.1f s; blocked by: %.60s",
				       name, el, blocked[0] ? strtok(blocked, "\n") : "-");
				fflush(stdout);
			} else if (strcmp(blocked, last)) {
				printf("shunt: %s: waiting for the transition; blocked by:\n%s\n",
				       name, blocked);
				copy_str(last, sizeof(last), blocked);
			}
		}
		sleep_ms(20);
	}
	if (tty && (now_ms() - start) > 500)
		printf("\n");
	return 0;
}

/* The transition took too long: name who blocks it, turn it around. */
static void give_up(const char *name, double timeout)
{
	char dir[512], path[600], blocked[1024];

	path_join(dir, sizeof(dir), SHUNT_SYSFS_ROOT, name);
	if (read_text(path_join(path, sizeof(path), dir, "blocked"), blocked,
		      sizeof(blocked)))
		blocked[0] = '\0';
	fprintf(stderr, "shunt: %s: transition not done after %.0f s; blocked by:\n%s\n",
		name, timeout, blocked[0] ? blocked : "(unknown)");
	if (write_text(path_join(path, sizeof(path), dir, "enabled"), "0")) {
		fprintf(stderr, "shunt: %s: cannot reverse the transition: %s\n",
			name, strerror(errno));
		return;
	}
	for (int i = 0; i < 3000 && is_dir(dir); i++)
		sleep_ms(10);
	if (is_dir(dir)) {
		fprintf(stderr, "shunt: %s: the reversed transition is still running; see 'shunt show %s'\n",
			name, name);
		return;
	}
	for (int i = 0; i < 100 && module_unload(name); i++)
		sleep_ms(50);
	fprintf(stderr, "shunt: %s: transition reversed, nothing applied\n", name);
}

static int parse_opts(int argc, char **argv, struct apply_opts *o)
{
	static const struct option longopts[] = {
		{ "redirect", required_argument, NULL, 'r' },
		{ "consistency", required_argument, NULL, 'c' },
		{ "immediate-func", required_argument, NULL, 'i' },
		{ "replace", no_argument, NULL, 'R' },
		{ "stop-retries", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "no-wait", no_argument, NULL, 'n' },
		{ "shim", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->timeout = 60;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (strcmp(optarg, SHUNT_REDIRECT_FTRACE) &&
			    strcmp(optarg, SHUNT_REDIRECT_KPROBE))
				goto bad;
			o->redirect = optarg;
			break;
		case 'c':
			if (strcmp(optarg, SHUNT_CONSISTENCY_PER_TASK) &&
			    strcmp(optarg, SHUNT_CONSISTENCY_STOP_MACHINE) &&
			    strcmp(optarg, SHUNT_CONSISTENCY_IMMEDIATE))
				goto bad;
			o->consistency = optarg;
			break;
		case 'i':
			strbuf_addf(&o->extra, " immediate-func=%s", optarg);
			break;
		case 'R':
			strbuf_addf(&o->extra, " replace=1");
			break;
		case 's':
			strbuf_addf(&o->extra, " stop-retries=%u",
				    (unsigned int)strtoul(optarg, NULL, 10));
			break;
		case 't':
			o->timeout = strtod(optarg, NULL);
			break;
		case 'n':
			o->no_wait = 1;
			break;
		case 'S':
			o->shim = optarg;
			break;
		case 'h':
			apply_usage();
			exit(EXIT_OK);
		default:
			return -1;
		}
	}
	return optind < argc ? 0 : -1;
bad:
	fprintf(stderr, "shunt: apply: bad value '%s' (see 'shunt apply --help')\n",
		optarg);
	return -1;
}

int apply_run(int argc, char **argv)
{
	struct apply_opts o = { 0 };
	struct strbuf claim = { 0 }, params = { 0 };
	char err[256], modpath[300], unclaim[128];
	struct strset *names = NULL;
	struct modfile mf;
	struct utsname uts;
	const char *file, *name;
	long nsyms, nonzero;
	int ret = EXIT_FAIL;
	FILE *ks;

	if (parse_opts(argc, argv, &o)) {
		apply_usage();
		return EXIT_USAGE;
	}
	file = argv[optind];
	for (int i = optind + 1; i < argc; i++)
		strbuf_addf(&params, "%s%s", params.len ? " " : "", argv[i]);

	if (modfile_load(file, &mf))
		goto out;
	uname(&uts);
	if (modfile_check_patch(&mf.info, uts.release, err, sizeof(err))) {
		fprintf(stderr, "shunt: %s: %s\n", file, err);
		goto out_mf;
	}
	name = mf.info.name;
	if (shim_ensure_loaded(o.shim))
		goto out_mf;
	snprintf(modpath, sizeof(modpath), "/sys/module/%s", name);
	if (is_dir(modpath)) {
		fprintf(stderr, "shunt: %s: module %s is already loaded\n", file, name);
		goto out_mf;
	}

	names = modfile_names(&mf);
	ks = fopen("/proc/kallsyms", "r");
	if (!names || !ks) {
		fprintf(stderr, "shunt: /proc/kallsyms: %s\n", strerror(errno));
		goto out_mf;
	}
	strbuf_addf(&claim, "claim %s redirect=%s consistency=%s%s\n", name,
		    o.redirect ? o.redirect : SHUNT_REDIRECT_FTRACE,
		    o.consistency ? o.consistency : SHUNT_CONSISTENCY_PER_TASK,
		    o.extra.len ? o.extra.buf : "");
	nsyms = kallsyms_claim_lines(ks, names, name, &claim, &nonzero);
	fclose(ks);
	if (nsyms < 0 || !nonzero) {
		fprintf(stderr, "shunt: /proc/kallsyms: cannot read kernel symbol addresses (kernel.kptr_restrict? run as root)\n");
		goto out_mf;
	}
	if (claim_write(claim.buf, claim.len)) {
		fprintf(stderr, "shunt: %s: claiming %s failed: %s\n",
			SHUNT_CLAIM_FILE, name, strerror(errno));
		goto out_mf;
	}

	if (module_load(file, params.len ? params.buf : "")) {
		explain_failure(file, name, errno);
		snprintf(unclaim, sizeof(unclaim), "unclaim %s\n", name);
		claim_write(unclaim, strlen(unclaim));
		goto out_mf;
	}
	snprintf(unclaim, sizeof(unclaim), "unclaim %s\n", name);
	claim_write(unclaim, strlen(unclaim));

	if (o.no_wait) {
		printf("shunt: %s: transition started; 'shunt show %s' follows it\n",
		       name, name);
		ret = EXIT_OK;
		goto out_mf;
	}
	if (wait_transition(name, o.timeout)) {
		give_up(name, o.timeout);
		goto out_mf;
	}
	print_applied(name);
	ret = EXIT_OK;
out_mf:
	modfile_free(&mf);
out:
	strset_free(names);
	strbuf_free(&claim);
	strbuf_free(&params);
	strbuf_free(&o.extra);
	return ret;
}
