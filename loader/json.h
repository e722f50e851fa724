/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough JSON output for 'shunt list', 'show' and 'report' with --json. */
#ifndef SHUNT_JSON_H
#define SHUNT_JSON_H

#include <stdio.h>

/* s as a JSON string: quotes, backslashes and control characters escaped */
void json_str(FILE *f, const char *s);

/* ,"key":"value" (no comma when first) */
void json_kv_str(FILE *f, const char *key, const char *value, int first);

/* ,"key":value (no comma when first) */
void json_kv_long(FILE *f, const char *key, long value, int first);

#endif
