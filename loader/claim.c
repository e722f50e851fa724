// SPDX-License-Identifier: GPL-2.0
/* Claims: writing claim lines to shunt.ko and reading their status back. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claim.h"
#include "shimfs.h"
#include "util.h"

int claim_format(struct strbuf *sb, const char *name,
		 const struct claim_opts *o)
{
	int ret;

	ret = strbuf_addf(sb, "claim %s redirect=%s consistency=%s", name,
			  o->redirect ? o->redirect : SHUNT_REDIRECT_FTRACE,
			  o->consistency ? o->consistency :
					   SHUNT_CONSISTENCY_PER_TASK);
	if (!ret && o->replace >= 0)
		ret = strbuf_addf(sb, " replace=%d", o->replace ? 1 : 0);
	if (!ret && o->stop_retries >= 0)
		ret = strbuf_addf(sb, " stop-retries=%ld", o->stop_retries);
	if (!ret && o->park_kthreads)
		ret = strbuf_addf(sb, " park-kthreads=1");
	for (int i = 0; !ret && i < o->nr_immediate_funcs; i++)
		ret = strbuf_addf(sb, " immediate-func=%s", o->immediate_funcs[i]);
	if (!ret && o->no_direct)
		ret = strbuf_addf(sb, " direct=0");
	return ret ? ret : strbuf_addf(sb, "\n");
}

int claim_chunks(const char *text, size_t len, size_t max,
		 int (*fn)(const char *piece, size_t len, void *ctx),
		 void *ctx)
{
	size_t off = 0;
	int ret;

	if (len && text[len - 1] != '\n') {
		errno = EINVAL;
		return -1;
	}
	while (off < len) {
		size_t n = len - off;

		if (n > max) {
			/* the last line end within max bytes */
			n = max;
			while (n > 0 && text[off + n - 1] != '\n')
				n--;
			if (!n) {
				errno = E2BIG;
				return -1;
			}
		}
		ret = fn(text + off, n, ctx);
		if (ret)
			return ret;
		off += n;
	}
	return 0;
}

static int write_piece(const char *piece, size_t len, void *ctx)
{
	int fd = *(int *)ctx;
	ssize_t n = write(fd, piece, len);

	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		/* a short write would cut a line: never expected from sysfs */
		errno = EIO;
		return -1;
	}
	return 0;
}

int claim_write(const char *text, size_t len)
{
	int fd = shimfs_open_claim(O_WRONLY);
	int ret, e;

	if (fd < 0)
		return -1;
	ret = claim_chunks(text, len, SHUNT_CLAIM_WRITE_MAX, write_piece, &fd);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

void claim_drop(const char *name)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "unclaim %s\n", name);

	if (n > 0 && (size_t)n < sizeof(line))
		claim_write(line, n);
}

int claim_parse_status(const char *line, struct claim_status *st)
{
	char name[64], state[16], *end;
	int consumed = 0;
	long err;

	memset(st, 0, sizeof(*st));
	if (sscanf(line, "%63s %15s%n", name, state, &consumed) != 2)
		return -1;
	copy_str(st->name, sizeof(st->name), name);
	copy_str(st->state, sizeof(st->state), state);
	if (strcmp(state, CLAIM_FAILED))
		return 0;
	err = strtol(line + consumed, &end, 10);
	if (end == line + consumed)
		return -1;
	st->err = (int)err;
	end += strspn(end, " ");
	copy_str(st->msg, sizeof(st->msg), end);
	st->msg[strcspn(st->msg, "\n")] = '\0';
	return 0;
}

int claim_find_status(const char *text, const char *name,
		      struct claim_status *st)
{
	const char *line = text;

	while (*line) {
		const char *next = strchr(line, '\n');
		size_t len = next ? (size_t)(next - line) : strlen(line);
		char buf[1024];
		size_t n = len < sizeof(buf) ? len : sizeof(buf) - 1;

		/* this line only: copy_str() would strlen() the whole rest */
		memcpy(buf, line, n);
		buf[n] = '\0';
		if (!claim_parse_status(buf, st) && !strcmp(st->name, name))
			return 0;
		if (!next)
			break;
		line = next + 1;
	}
	memset(st, 0, sizeof(*st));
	return -1;
}

int claim_read_status(const char *name, struct claim_status *st)
{
	size_t size;
	char *text;
	int ret;

	if (shimfs_read_claims(&text, &size))
		return -1;
	ret = claim_find_status(text, name, st);
	free(text);
	return ret;
}
