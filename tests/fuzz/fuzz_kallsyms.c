// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: /proc/kallsyms text as loader/kallsyms.c reads it for a
 * claim. The input's first line is the module's strings (candidate names,
 * space-separated), the rest the kallsyms text.
 */
#include "fuzz.h"
#include "kallsyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = { 0 };
	struct strset *names = strset_new();
	char *head, *text, *save = NULL;
	long n, nonzero;
	size_t len;
	FILE *f;

	if (!names)
		abort();
	fuzz_split(data, size, &head, &text, &len);
	for (char *s = strtok_r(head, " ", &save); s; s = strtok_r(NULL, " ", &save))
		if (names_add_suffixes(names, s))
			abort();
	f = fmemopen(text, len ? len : 1, "r");
	if (!f)
		abort();
	n = kallsyms_claim_lines(f, names, "p", &out, &nonzero);
	fclose(f);
	fuzz_assert(n >= 0 && nonzero >= 0);
	/* one "sym p NAME ADDR" line per symbol handed over */
	for (size_t i = 0, lines = 0; i <= out.len; i++) {
		if (i == out.len) {
			fuzz_assert(lines == (size_t)n);
			break;
		}
		lines += out.buf[i] == '\n';
	}
	strbuf_free(&out);
	strset_free(names);
	free(head);
	free(text);
	return 0;
}
