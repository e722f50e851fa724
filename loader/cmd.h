/* SPDX-License-Identifier: GPL-2.0 */
/* The shunt command's verbs. Each returns an exit code (see EXIT_*). */
#ifndef SHUNT_CMD_H
#define SHUNT_CMD_H

#include <stdbool.h>

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

/* What a verb's option parser returns, besides EXIT_USAGE after a message */
enum {
	OPTS_OK = 0,		/* go on */
	OPTS_HELP = -1,		/* --help: print the usage, exit EXIT_OK */
};

struct verb {
	const char *name;
	const char *summary;
	/* argv[0] is the verb's name */
	int (*run)(int argc, char **argv);
	void (*usage)(void);
	/* first remove the metrics of patches that are gone (orphans.h) */
	bool collect_orphans;
	/* takes --json, and so -p/--pretty */
	bool json;
};

/* NULL-terminated list of the verbs that exist, defined in main.c */
extern const struct verb shunt_verbs[];

int apply_run(int argc, char **argv);
void apply_usage(void);
int revert_run(int argc, char **argv);
void revert_usage(void);
int force_run(int argc, char **argv);
void force_usage(void);
int list_run(int argc, char **argv);
void list_usage(void);
int show_run(int argc, char **argv);
void show_usage(void);
int report_run(int argc, char **argv);
void report_usage(void);
int info_run(int argc, char **argv);
void info_usage(void);
int install_run(int argc, char **argv);
void install_usage(void);
int uninstall_run(int argc, char **argv);
void uninstall_usage(void);
int status_run(int argc, char **argv);
void status_usage(void);

/*
 * apply's options, checked for another verb (install): OPTS_OK with
 * optind at FILE, OPTS_HELP, or EXIT_USAGE after a message.
 */
int apply_check_opts(int argc, char **argv);

/*
 * Print "shunt: VERB: MESSAGE (see 'shunt VERB --help')" on stderr and
 * return EXIT_USAGE.
 */
__attribute__((format(printf, 2, 3)))
int usage_error(const char *verb, const char *fmt, ...);

/*
 * For getopt_long() (opterr 0, optstring starting with ':') returning c,
 * '?' (unknown option) or ':' (missing value): say which option was
 * wrong; returns EXIT_USAGE.
 */
int bad_option(const char *verb, char **argv, int c);

/*
 * The options of a verb that takes only [--json] (argv[0] names it):
 * OPTS_OK with *json set and optind at the first argument, OPTS_HELP, or
 * EXIT_USAGE after a message.
 */
int parse_json_opts(int argc, char **argv, int *json);

/* Does a verb's argv (argv[0] its name) have -p or --pretty before "--"? */
bool wants_pretty(int argc, char **argv);

/*
 * Run verb v with -p/--pretty (bpftool's: it implies --json): v's JSON
 * output, one value per line, indented. Refused (EXIT_USAGE) for a verb
 * without --json.
 */
int run_pretty(const struct verb *v, int argc, char **argv);

/*
 * A NAME argument must be a module name (modname.h): it is joined into
 * paths under /sys that are written as root. 0, or EXIT_USAGE after
 * "shunt: VERB: 'NAME' is not a module name: WHY".
 */
int check_patch_name(const char *verb, const char *name);

/* Is CAP_SYS_MODULE in this process's effective capabilities? */
int have_sys_module(void);

/*
 * For the verbs that load, remove or drive modules (apply, revert,
 * force), before they do anything: 0 with CAP_SYS_MODULE, else
 * EXIT_FAIL after one line saying so.
 */
int require_sys_module(const char *verb);

#endif
