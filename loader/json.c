// SPDX-License-Identifier: GPL-2.0
/* Just enough JSON output for list, show and report. */
#include "json.h"

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			/* other bytes pass as they are: sysfs text is UTF-8 */
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

void json_kv_str(FILE *f, const char *key, const char *value, int first)
{
	if (!first)
		fputc(',', f);
	json_str(f, key);
	fputc(':', f);
	json_str(f, value);
}

void json_kv_long(FILE *f, const char *key, long value, int first)
{
	if (!first)
		fputc(',', f);
	json_str(f, key);
	fprintf(f, ":%ld", value);
}
