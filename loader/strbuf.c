// SPDX-License-Identifier: GPL-2.0
/* A growable text buffer, appended to printf-style. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "strbuf.h"

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = sb->cap - sb->len;

		va_start(ap, fmt);
		n = vsnprintf(sb->buf ? sb->buf + sb->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if ((size_t)n < room) {
			sb->len += n;
			return 0;
		}
		size_t cap = sb->cap ? sb->cap * 2 : 4096;

		while (cap - sb->len <= (size_t)n)
			cap *= 2;
		char *nb = realloc(sb->buf, cap);

		if (!nb)
			return -1;
		sb->buf = nb;
		sb->cap = cap;
	}
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}
