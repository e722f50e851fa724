// SPDX-License-Identifier: GPL-2.0
/* What the verbs share: usage errors. */
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
