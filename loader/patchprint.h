/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a patch prints: the one line of 'shunt list', the details of 'shunt
 * show', and the JSON object both print with --json.
 */
#ifndef SHUNT_PATCHPRINT_H
#define SHUNT_PATCHPRINT_H

#include <stdio.h>

#include "patchinfo.h"

/*
 * One line: "NAME BACKEND STATE enabled=E transition=T [consistency=C
 * redirect=R] [replace] [forced]  functions: OBJ:FUNC,POS ..." with the
 * name padded to 24 columns, the backend to 5 and the state to 10.
 */
void patch_print_line(FILE *f, const struct patch_info *pi);

/* 'shunt show': every attribute, object and function, one per line. */
void patch_print_details(FILE *f, const struct patch_info *pi);

/* text, each of its lines indented by two spaces */
void print_indented(FILE *f, const char *text);

/* A JSON object; with_attrs adds "attributes": every attribute file. */
void patch_print_json(FILE *f, const struct patch_info *pi, int with_attrs);

#endif
