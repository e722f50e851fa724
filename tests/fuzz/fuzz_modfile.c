// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: a module file handed to 'shunt apply' (loader/modfile.c:
 * ELF header, section headers, .modinfo; and the strings kallsyms.c takes
 * from its sections as candidate symbol names).
 */
#include "fuzz.h"
#include "kallsyms.h"
#include "modfile.h"
#include "modname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modfile mf = { .fd = -1, .data = (void *)data, .size = size };
	char err[256], why[256];
	struct strset *names;

	if (modfile_parse(data, size, &mf.info, err, sizeof(err))) {
		fuzz_assert(one_line(err, sizeof(err)));
		return 0;
	}
	/* what apply then joins into /sys paths */
	fuzz_assert(modname_check(mf.info.name, why, sizeof(why)) == 0);
	if (modfile_check_patch(&mf.info, "6.12.117+deb12-amd64", err, sizeof(err)))
		fuzz_assert(one_line(err, sizeof(err)));
	names = modfile_names(&mf);
	strset_free(names);
	return 0;
}
