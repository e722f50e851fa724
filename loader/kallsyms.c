// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

struct strset {
	char **slots;
	size_t cap, count;
};

static uint64_t hash_str(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

struct strset *strset_new(void)
{
	struct strset *set = calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	set->cap = 1024;
	set->slots = calloc(set->cap, sizeof(char *));
	if (!set->slots) {
		free(set);
		return NULL;
	}
	return set;
}

static char **strset_slot(char **slots, size_t cap, const char *s, size_t len)
{
	size_t i = hash_str(s, len) & (cap - 1);

	while (slots[i] && (strlen(slots[i]) != len || memcmp(slots[i], s, len)))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int strset_grow(struct strset *set)
{
	size_t cap = set->cap * 2;
	char **slots = calloc(cap, sizeof(char *));

	if (!slots)
		return -1;
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i])
			*strset_slot(slots, cap, set->slots[i],
				     strlen(set->slots[i])) = set->slots[i];
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return 0;
}

int strset_add(struct strset *set, const char *s, size_t len)
{
	char **slot;

	if (set->count * 2 >= set->cap && strset_grow(set))
		return -1;
	slot = strset_slot(set->slots, set->cap, s, len);
	if (*slot)
		return 0;
	*slot = strndup(s, len);
	if (!*slot)
		return -1;
	set->count++;
	return 0;
}

int strset_has(const struct strset *set, const char *s, size_t len)
{
	return *strset_slot(set->slots, set->cap, s, len) != NULL;
}

size_t strset_count(const struct strset *set)
{
	return set->count;
}

void strset_free(struct strset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	free(set);
}

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static int add_suffixes(const char *s, void *ctx)
{
	struct strset *set = ctx;
	size_t len = strlen(s);

	/* only the identifier-like tail can be a symbol name */
	size_t start = len;

	while (start > 0 && ident_char(s[start - 1]))
		start--;
	for (size_t i = start; i + 2 <= len; i++) {
		if (isdigit((unsigned char)s[i]))
			continue;
		if (strset_add(set, s + i, len - i))
			return -1;
	}
	return 0;
}

struct strset *modfile_names(const struct modfile *mf)
{
	struct strset *set = strset_new();

	if (set && modfile_for_each_string(mf, add_suffixes, set)) {
		strset_free(set);
		return NULL;
	}
	return set;
}

int kallsyms_parse_line(char *line, unsigned long *addr, char **name,
			char **mod)
{
	char *end, *p;

	*addr = strtoul(line, &end, 16);
	if (end == line || *end != ' ' || !end[1] || end[2] != ' ')
		return -1;
	p = end + 3;
	*name = p;
	*mod = NULL;
	p += strcspn(p, " \t\n");
	if (*p == '\t' || *p == ' ') {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			*mod = p + 1;
			p[strcspn(p, "]")] = '\0';
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
	char line[1024], *name, *mod;
	unsigned long addr;
	long n = 0;

	*nonzero = 0;
	while (fgets(line, sizeof(line), f)) {
		if (kallsyms_parse_line(line, &addr, &name, &mod))
			continue;
		if (addr)
			(*nonzero)++;
		if (mod || !strset_has(names, name, strlen(name)))
			continue;
		if (strbuf_addf(out, "sym %s %s %lx\n", claim, name, addr))
			return -1;
		n++;
	}
	return n;
}

int claim_chunks(const char *text, size_t len, size_t max,
		 int (*fn)(const char *piece, size_t len, void *ctx), void *ctx)
{
	size_t off = 0;

	while (off < len) {
		size_t n = len - off, cut;

		if (n > max) {
			cut = max;
			while (cut > 0 && text[off + cut - 1] != '\n')
				cut--;
			if (!cut)
				return -1;
			n = cut;
		}
		int ret = fn(text + off, n, ctx);

		if (ret)
			return ret;
		off += n;
	}
	return 0;
}
