/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough JSON output for the verbs' --json (and -p/--pretty). */
#ifndef SHUNT_JSON_H
#define SHUNT_JSON_H

#include <stdio.h>

/* s as a JSON string: quotes, backslashes and control characters escaped */
void json_str(FILE *f, const char *s);

/* ,"key":"value" (no comma when first) */
void json_kv_str(FILE *f, const char *key, const char *value, int first);

/* ,"key":value (no comma when first) */
void json_kv_long(FILE *f, const char *key, long value, int first);

/* ,"key":true|false (no comma when first) */
void json_kv_bool(FILE *f, const char *key, int value, int first);

/*
 * One JSON value (a line of compact JSON: what the verbs print) again,
 * indented by four spaces per level like bpftool -p, and a newline.
 */
void json_pretty(FILE *f, const char *json);

#endif
