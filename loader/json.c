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

void json_kv_bool(FILE *f, const char *key, int value, int first)
{
	if (!first)
		fputc(',', f);
	json_str(f, key);
	fputs(value ? ":true" : ":false", f);
}

static void newline(FILE *f, int depth)
{
	fputc('\n', f);
	for (int i = 0; i < depth; i++)
		fputs("    ", f);
}

void json_pretty(FILE *f, const char *s)
{
	int depth = 0, in_str = 0, esc = 0;

	for (; *s; s++) {
		char c = *s;

		if (in_str) {
			fputc(c, f);
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_str = 1;
			fputc(c, f);
			break;
		case '{':
		case '[':
			fputc(c, f);
			/* an empty one stays "{}" or "[]" */
			if (s[1] == (c == '{' ? '}' : ']')) {
				fputc(*++s, f);
				break;
			}
			newline(f, ++depth);
			break;
		case '}':
		case ']':
			newline(f, depth > 0 ? --depth : 0);
			fputc(c, f);
			break;
		case ',':
			fputc(c, f);
			newline(f, depth);
			break;
		case ':':
			fputs(": ", f);
			break;
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			break;
		default:
			fputc(c, f);
		}
	}
	fputc('\n', f);
}
