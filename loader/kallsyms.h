/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmlinux symbols a patch module may name, from /proc/kallsyms, for
 * the shim: it cannot look them up itself, kallsyms_on_each_symbol() is
 * not exported to modules.
 */
#ifndef SHUNT_KALLSYMS_H
#define SHUNT_KALLSYMS_H

#include <stdio.h>

#include "modfile.h"
#include "strbuf.h"
#include "strset.h"

/*
 * Add s and every suffix of it that could be a symbol name: the compiler
 * merges a string into the tail of a longer one ("proc_show" may live
 * inside "cmdline_proc_show"), so any tail may be a name the module
 * uses. Only the tail made of symbol characters counts, and no suffix
 * that starts with a digit or is shorter than 2. Returns 0 or -1.
 */
int names_add_suffixes(struct strset *set, const char *s);

/* The candidate names of a module: its strings and their suffixes. */
struct strset *modfile_names(const struct modfile *mf);

/*
 * One /proc/kallsyms line, "ADDR TYPE NAME[\t[MODULE]]", split in place.
 * *mod is NULL for vmlinux. Returns 0, or -1 when malformed.
 */
int kallsyms_parse_line(char *line, unsigned long *addr, char **name,
			char **mod);

/*
 * Append "sym CLAIM NAME ADDR" to out for each vmlinux symbol of f (in
 * /proc/kallsyms format) whose name is in names, in file order.
 * *nonzero counts the lines whose address is not 0: none means that
 * kernel.kptr_restrict hides the addresses. Returns the number of sym
 * lines, or -1 when out of memory.
 */
long kallsyms_claim_lines(FILE *f, const struct strset *names,
			  const char *claim, struct strbuf *out,
			  long *nonzero);

#endif
