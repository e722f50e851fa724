// SPDX-License-Identifier: GPL-2.0
/*
 * What the verbs share: usage errors, the [--json] option of list and
 * show, the check of a patch name argument, the privilege check.
 */
#include <getopt.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cmd.h"
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
