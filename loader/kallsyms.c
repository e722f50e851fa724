// SPDX-License-Identifier: GPL-2.0
/* Candidate symbol names of a module, matched against /proc/kallsyms. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"
#include "shunt_abi.h"

/* characters of kernel symbol names ("foo.constprop.0", "foo.cold") */
static int symbol_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

int names_add_suffixes(struct strset *set, const char *s)
{
	size_t len = strlen(s), start = len;

	while (start > 0 && symbol_char(s[start - 1]))
		start--;
	for (size_t i = start; i + 2 <= len; i++) {
		if (isdigit((unsigned char)s[i]))
			continue;
		if (strset_add(set, s + i, len - i))
			return -1;
	}
	return 0;
}

static int add_string(const char *s, void *ctx)
{
	return names_add_suffixes(ctx, s);
}

/*
 * Klp relocations of module objects are written by the shim with the
 * kernel's own functions, which are not exported: hand them over too.
 */
struct strset *modfile_names(const struct modfile *mf)
{
	static const char *const reloc_funcs[] = {
		SHUNT_SYM_APPLY_RELOCATE_ADD, SHUNT_SYM_CLEAR_RELOCATE_ADD,
	};
	struct strset *set = strset_new();
	size_t n = sizeof(reloc_funcs) / sizeof(reloc_funcs[0]);

	if (!set)
		return NULL;
	if (modfile_for_each_string(mf, add_string, set))
		goto fail;
	if (!modfile_has_module_klp_relocs(mf))
		n = 0;
	for (size_t i = 0; i < n; i++)
		if (strset_add(set, reloc_funcs[i], strlen(reloc_funcs[i])))
			goto fail;
	return set;
fail:
	strset_free(set);
	return NULL;
}

int kallsyms_parse_line(char *line, unsigned long *addr, char **name,
			char **mod)
{
	char *end, *p;

	if (!isxdigit((unsigned char)line[0]))
		return -1;
	*addr = strtoul(line, &end, 16);
	/* "ADDR T NAME": one space, a type letter, one space */
	if (*end != ' ' || !end[1] || end[1] == ' ' || end[2] != ' ')
		return -1;
	p = end + 3;
	*name = p;
	*mod = NULL;
	p += strcspn(p, " \t\n");
	if (*p == ' ' || *p == '\t') {
		*p++ = '\0';
		p += strspn(p, " \t");
		if (*p == '[') {
			*mod = p + 1;
			p[1 + strcspn(p + 1, "]\n")] = '\0';
		}
	} else {
		*p = '\0';
	}
	return **name ? 0 : -1;
}

long kallsyms_claim_lines(FILE *f, const struct strset *names,
			  const char *claim, struct strbuf *out,
			  long *nonzero)
{
	char *line = NULL, *name, *mod;
	unsigned long addr;
	size_t cap = 0;
	ssize_t len;
	long n = 0;

	*nonzero = 0;
	/* getline(): a line of any length is one line, NUL bytes and all */
	while ((len = getline(&line, &cap, f)) >= 0) {
		/* a NUL inside is no symbol line: only this one is skipped */
		if (memchr(line, '\0', len))
			continue;
		if (kallsyms_parse_line(line, &addr, &name, &mod))
			continue;
		if (addr)
			(*nonzero)++;
		if (mod || !strset_has(names, name, strlen(name)))
			continue;
		if (strbuf_addf(out, "sym %s %s %lx\n", claim, name, addr)) {
			n = -1;
			break;
		}
		n++;
	}
	free(line);
	return n;
}
