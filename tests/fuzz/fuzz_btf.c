// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: loader/btf.c's lookup of which kernel BTF has a function.
 * The kernel's BTF is verified by the kernel and parsed by libbpf; what
 * the loader brings is the names: the first line is the function looked
 * up, each further line "OWNER FUNC..." one BTF object (vmlinux's first,
 * then modules' split on it), built with libbpf's writer.
 */
#include <bpf/btf.h>

#include "btf.h"
#include "fuzz.h"

#define MAX_MODS 8

/* the FUNCs named on line into btf, each with an int(void) prototype */
static void add_funcs(struct btf *btf, char *line, int proto)
{
	char *save = NULL;

	for (char *s = strtok_r(line, " ", &save); s; s = strtok_r(NULL, " ", &save))
		btf__add_func(btf, s, BTF_FUNC_GLOBAL, proto);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct btf_named mods[MAX_MODS];
	struct btf *vmlinux = btf__new_empty();
	char *name, *text, *save = NULL, owner[64], *line;
	int nr = 0, proto, n;
	size_t len;

	if (!vmlinux)
		abort();
	proto = btf__add_func_proto(vmlinux, btf__add_int(vmlinux, "int", 4, BTF_INT_SIGNED));
	fuzz_split(data, size, &name, &text, &len);
	line = strtok_r(text, "\n", &save);
	if (line)
		add_funcs(vmlinux, line, proto);
	while (nr < MAX_MODS && (line = strtok_r(NULL, "\n", &save))) {
		char *sp = strchr(line, ' ');

		mods[nr].btf = btf__new_empty_split(vmlinux);
		if (!mods[nr].btf)
			abort();
		if (sp)
			*sp = '\0';
		snprintf(mods[nr].name, sizeof(mods[nr].name), "%s", line);
		if (sp)
			add_funcs(mods[nr].btf, sp + 1, proto);
		nr++;
	}
	n = btf_func_owners_in(vmlinux, mods, nr, name, owner, sizeof(owner));
	fuzz_assert(n >= 0 && n <= nr + 1 && memchr(owner, '\0', sizeof(owner)));
	fuzz_assert(n > 0 || !owner[0]);
	for (int i = 0; i < nr; i++)
		btf__free(mods[i].btf);
	btf__free(vmlinux);
	free(name);
	free(text);
	return 0;
}
