/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmlinux symbols a patch module may name, from /proc/kallsyms, for
 * the shim (which cannot look them up itself: kallsyms_on_each_symbol()
 * is not exported to modules).
 */
#ifndef SHUNT_KALLSYMS_H
#define SHUNT_KALLSYMS_H

#include <stdio.h>

#include "modfile.h"
#include "strbuf.h"

struct strset;

struct strset *strset_new(void);
int strset_add(struct strset *set, const char *s, size_t len);
int strset_has(const struct strset *set, const char *s, size_t len);
size_t strset_count(const struct strset *set);
void strset_free(struct strset *set);

/*
 * Every string of the module's allocated data and every suffix of one
 * (the compiler merges a string into the tail of a longer one), as long
 * as it could be a C identifier.
 */
struct strset *modfile_names(const struct modfile *mf);

/*
 * One /proc/kallsyms line: "ADDR TYPE NAME[\t[MODULE]]". *mod is NULL for
 * vmlinux. The line is modified. Returns 0, or -1 when malformed.
 */
int kallsyms_parse_line(char *line, unsigned long *addr, char **name,
			char **mod);

/*
 * Append "sym CLAIM NAME ADDR" lines for the vmlinux symbols of f whose
 * name is in names, in file order. *nonzero counts addresses that are
 * not 0 (all 0: kptr_restrict hides them). Returns the number of lines.
 */
long kallsyms_claim_lines(FILE *f, const struct strset *names,
			  const char *claim, struct strbuf *out,
			  long *nonzero);

/*
 * Split text (whole lines) into pieces of at most max bytes, each ending
 * at a line end; call fn on each. Returns fn's first non-zero value, -1
 * when a single line is longer than max, else 0.
 */
int claim_chunks(const char *text, size_t len, size_t max,
		 int (*fn)(const char *piece, size_t len, void *ctx), void *ctx);

#endif
