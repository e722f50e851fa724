// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: a module file handed to 'shunt info' (loader/klpinfo.c:
 * the klp structures read through .rela.data, klp relocation sections,
 * the signature trailer), after modfile_parse() accepted it, as info
 * does.
 */
#include "fuzz.h"
#include "klpinfo.h"
#include "modfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modfile_info info;
	struct klpinfo ki;
	char err[512];

	if (modfile_parse(data, size, &info, err, sizeof(err)))
		return 0;
	if (klpinfo_parse(data, size, &ki, err, sizeof(err)))
		fuzz_assert(one_line(err, sizeof(err)));
	else
		fuzz_assert(ki.nr_objs > 0 && ki.nr_objs <= KLPINFO_MAX_OBJS);
	klpinfo_free(&ki);
	return 0;
}
