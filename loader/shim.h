/* SPDX-License-Identifier: GPL-2.0 */
/* Talking to shunt.ko: loading it, claims, module syscalls. */
#ifndef SHUNT_SHIM_H
#define SHUNT_SHIM_H

#include <stddef.h>

/* Load shunt.ko unless loaded: from path, else beside us, else installed. */
int shim_ensure_loaded(const char *path);

/* Write whole lines to the claim file, in pieces it accepts. */
int claim_write(const char *text, size_t len);

/*
 * The claim file's line for name: *err the errno of a failed attempt
 * (0 otherwise), msg its message. Returns -1 when there is none.
 */
int claim_result(const char *name, int *err, char *msg, size_t msglen);

/* Parse one claim status line ("NAME failed -16 message"). */
int claim_parse_status(const char *line, char *name, size_t namelen,
		       char *state, size_t statelen, int *err, char *msg,
		       size_t msglen);

int module_load(const char *path, const char *params);
int module_unload(const char *name);

#endif
