// SPDX-License-Identifier: GPL-2.0
/* What the verbs share: usage errors, the [--json] option of list and show. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "cmd.h"

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
