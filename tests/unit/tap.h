/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP output for the host-side unit tests. */
#ifndef SHUNT_TAP_H
#define SHUNT_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3)))
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

/*
 * tap_ok(got equals want), and on a mismatch both as "# " diagnostics,
 * line by line, so that multi-line output does not break the TAP stream.
 */
__attribute__((format(printf, 3, 4)))
static inline int tap_str_eq(const char *got, const char *want, const char *fmt, ...)
{
	int ok = got && want && !strcmp(got, want);
	const char *what[2] = { "want", "got" }, *text[2] = { want, got };
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		return 1;
	tap_failed++;
	for (int i = 0; i < 2; i++) {
		const char *t = text[i] ? text[i] : "(null)";

		printf("# %s:\n", what[i]);
		while (*t) {
			size_t n = strcspn(t, "\n");

			printf("#   |%.*s|\n", (int)n, t);
			t += n + (t[n] == '\n');
		}
	}
	return 0;
}

#define TAP_DIAG(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
