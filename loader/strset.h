/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A set of strings (open addressing, FNV-1a): the candidate symbol names
 * of a patch module, looked up once per /proc/kallsyms line.
 */
#ifndef SHUNT_STRSET_H
#define SHUNT_STRSET_H

#include <stddef.h>

struct strset;

struct strset *strset_new(void);
/* Add the len bytes at s (no NUL needed); 0, or -1 when out of memory. */
int strset_add(struct strset *set, const char *s, size_t len);
int strset_has(const struct strset *set, const char *s, size_t len);
size_t strset_count(const struct strset *set);
void strset_free(struct strset *set);

#endif
