// SPDX-License-Identifier: GPL-2.0
/*
 * What the verbs share: usage errors, the [--json] option of list and
 * show, the check of a patch name argument, the privilege check.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"
#include "modname.h"

int usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "shunt: %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'shunt %s --help')\n", verb);
	return EXIT_USAGE;
}

int bad_option(const char *verb, char **argv, int c)
{
	/* getopt_long() has stepped past the option it did not like */
	const char *opt = argv[optind - 1];

	if (c == ':')
		return usage_error(verb, "option '%s' needs a value", opt);
	return usage_error(verb, "unknown option '%s'", opt);
}

int parse_json_opts(int argc, char **argv, int *json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'j')
			*json = 1;
		else if (c == 'h')
			return OPTS_HELP;
		else
			return bad_option(argv[0], argv, c);
	}
	return OPTS_OK;
}

int check_patch_name(const char *verb, const char *name)
{
	char err[256];

	if (!modname_check(name, err, sizeof(err)))
		return 0;
	fprintf(stderr, "shunt: %s: %s\n", verb, err);
	return EXIT_USAGE;
}

int have_sys_module(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	/* the effective set: what the kernel checks, not the uid */
	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return !!(data[CAP_TO_INDEX(CAP_SYS_MODULE)].effective &
		  CAP_TO_MASK(CAP_SYS_MODULE));
}

int require_sys_module(const char *verb)
{
	if (have_sys_module())
		return 0;
	fprintf(stderr, "shunt: %s: needs root: CAP_SYS_MODULE is not in this process's effective capabilities\n",
		verb);
	return EXIT_FAIL;
}

static bool is_pretty(const char *a)
{
	return !strcmp(a, "-p") || !strcmp(a, "--pretty");
}

bool wants_pretty(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (is_pretty(argv[i]))
			return true;
	return false;
}

/* The formatter: each line of JSON from fd in, indented, to stdout. */
static void pretty_filter(int fd)
{
	FILE *in = fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!in)
		_exit(EXIT_FAIL);
	while (getline(&line, &cap, in) > 0) {
		if (line[0] == '{' || line[0] == '[')
			json_pretty(stdout, line);
		else
			fputs(line, stdout);
		fflush(stdout);
	}
	free(line);
	_exit(EXIT_OK);
}

int run_pretty(const struct verb *v, int argc, char **argv)
{
	char **args;
	int fds[2], n = 0, ret, status;
	pid_t pid;

	if (!v->json)
		return usage_error(v->name, "-p/--pretty is for verbs with --json");
	args = calloc(argc + 2, sizeof(*args));
	if (!args) {
		fprintf(stderr, "shunt: %s: out of memory\n", v->name);
		return EXIT_FAIL;
	}
	/* -p means --json, as in bpftool */
	args[n++] = argv[0];
	args[n++] = "--json";
	for (int i = 1, opts = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			opts = 0;
		if (!opts || !is_pretty(argv[i]))
			args[n++] = argv[i];
	}
	fflush(stdout);
	if (pipe(fds)) {
		fprintf(stderr, "shunt: %s: pipe: %s\n", v->name, strerror(errno));
		free(args);
		return EXIT_FAIL;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "shunt: %s: fork: %s\n", v->name, strerror(errno));
		free(args);
		return EXIT_FAIL;
	}
	if (pid == 0) {
		close(fds[1]);
		pretty_filter(fds[0]);
	}
	close(fds[0]);
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	ret = v->run(n, args);
	fflush(stdout);
	close(STDOUT_FILENO);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(args);
	return ret;
}
