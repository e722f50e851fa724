// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the shim's sysfs text as loader/shimfs.c parses it: a
 * patch's stats file, and function directory names ("name,sympos"), one
 * a line.
 */
#include "fuzz.h"
#include "shimfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), *save = NULL;
	struct shimfs_stats st;
	unsigned long sympos;
	char name[256];

	shimfs_parse_stats(text, &st);
	for (char *s = strtok_r(text, "\n", &save); s; s = strtok_r(NULL, "\n", &save))
		if (!parse_func_dir(s, name, sizeof(name), &sympos))
			fuzz_assert(strlen(name) < sizeof(name));
	free(text);
	return 0;
}
