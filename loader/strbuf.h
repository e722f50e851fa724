/* SPDX-License-Identifier: GPL-2.0 */
/* A growable text buffer. */
#ifndef SHUNT_STRBUF_H
#define SHUNT_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
int strbuf_addf(struct strbuf *sb, const char *fmt, ...);
void strbuf_free(struct strbuf *sb);

#endif
