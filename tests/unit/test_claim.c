// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/claim.c: claim lines, write pieces, status lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "claim.h"
#include "shunt_abi.h"
#include "tap.h"

struct pieces {
	char out[16384];
	int n;
	size_t longest;
	int fail_at;		/* return an error on this piece (1-based) */
};

static int collect(const char *piece, size_t len, void *ctx)
{
	struct pieces *p = ctx;

	if (++p->n == p->fail_at)
		return 7;
	strncat(p->out, piece, len);
	strcat(p->out, "|");
	if (len > p->longest)
		p->longest = len;
	return 0;
}

static void test_format(void)
{
	struct claim_opts o = CLAIM_OPTS_INIT;
	const char *funcs[] = { "shunt_busy_sleep", "other" };
	struct strbuf sb = { 0 };

	claim_format(&sb, "p1", &o);
	tap_ok(sb.buf && !strcmp(sb.buf, "claim p1 redirect=ftrace consistency=per-task\n"),
	       "claim line: defaults spelled out");
	strbuf_free(&sb);

	o.redirect = SHUNT_REDIRECT_KPROBE;
	o.consistency = SHUNT_CONSISTENCY_STOP_MACHINE;
	o.replace = 1;
	o.stop_retries = 2;
	o.immediate_funcs = funcs;
	o.nr_immediate_funcs = 2;
	claim_format(&sb, "p2", &o);
	tap_ok(sb.buf && !strcmp(sb.buf, "claim p2 redirect=kprobe consistency=stop-machine "
				 "replace=1 stop-retries=2 immediate-func=shunt_busy_sleep "
				 "immediate-func=other\n"),
	       "claim line: every option");
	strbuf_free(&sb);

	o = (struct claim_opts)CLAIM_OPTS_INIT;
	o.replace = 0;
	o.stop_retries = 0;
	claim_format(&sb, "p3", &o);
	tap_ok(sb.buf && !strcmp(sb.buf, "claim p3 redirect=ftrace consistency=per-task "
				 "replace=0 stop-retries=0\n"),
	       "claim line: replace=0 and stop-retries=0 are said, not dropped");
	strbuf_free(&sb);
}

static void test_chunks(void)
{
	struct pieces p = { 0 };
	const char *text = "aaaa\nbbbb\ncc\n";
	char big[16384];
	size_t len = 0;
	int ret;

	tap_ok(!claim_chunks(text, strlen(text), 10, collect, &p) && p.n == 2 &&
	       !strcmp(p.out, "aaaa\nbbbb\n|cc\n|"),
	       "chunks: as many whole lines as fit");
	memset(&p, 0, sizeof(p));
	tap_ok(!claim_chunks(text, strlen(text), 5, collect, &p) && p.n == 3 &&
	       !strcmp(p.out, "aaaa\n|bbbb\n|cc\n|"),
	       "chunks: a line exactly as long as the limit fits alone");
	memset(&p, 0, sizeof(p));
	errno = 0;
	ret = claim_chunks("0123456789ab\n", 13, 8, collect, &p);
	tap_ok(ret == -1 && errno == E2BIG && p.n == 0,
	       "chunks: a line longer than the limit is E2BIG, nothing written");
	memset(&p, 0, sizeof(p));
	errno = 0;
	ret = claim_chunks("abc\nde", 6, 8, collect, &p);
	tap_ok(ret == -1 && errno == EINVAL && p.n == 0,
	       "chunks: text not ending in a newline is EINVAL");
	memset(&p, 0, sizeof(p));
	tap_ok(!claim_chunks("", 0, 8, collect, &p) && p.n == 0,
	       "chunks: nothing to write, no write");
	memset(&p, 0, sizeof(p));
	p.fail_at = 2;
	tap_ok(claim_chunks(text, strlen(text), 5, collect, &p) == 7 && p.n == 2,
	       "chunks: the writer's error stops at that piece");

	/* 300 sym lines of 44 bytes: 90 fit in 4000, so 4 writes */
	for (int i = 0; i < 300; i++)
		len += sprintf(big + len, "sym p1 function_%010d ffffffff%08x\n", i, i);
	memset(&p, 0, sizeof(p));
	claim_chunks(big, len, SHUNT_CLAIM_WRITE_MAX, collect, &p);
	{
		int whole = 1;

		/* every piece ends with a newline: each '|' follows one */
		for (const char *c = strchr(p.out, '|'); c; c = strchr(c + 1, '|'))
			whole &= c[-1] == '\n';
		tap_ok(len == 300 * 44 && p.n == 4 && p.longest == 90 * 44 && whole,
		       "chunks: 300 sym lines go in %d writes of whole lines, the longest %zu bytes",
		       p.n, p.longest);
	}
}

static void test_status(void)
{
	struct claim_status st;
	static const char file[] =
		"p0 pending\n"
		"p1 failed -16 function 'cmdline_proc_show' is already redirected by another IPMODIFY ftrace user\n"
		"p2 applied\n"
		"p10 failed -22 object 'vmlinux': function 'f' has no sympos 3\n";

	tap_ok(!claim_parse_status("p1 failed -16 function 'f' is already redirected", &st) &&
	       !strcmp(st.name, "p1") && !strcmp(st.state, "failed") && st.err == -16 &&
	       !strcmp(st.msg, "function 'f' is already redirected"),
	       "status: a failure has its errno and message");
	tap_ok(!claim_parse_status("p2 applied\n", &st) && !strcmp(st.name, "p2") &&
	       !strcmp(st.state, "applied") && st.err == 0 && !st.msg[0],
	       "status: success has no error");
	tap_ok(claim_parse_status("p3", &st) == -1 &&
	       claim_parse_status("p3 failed oops", &st) == -1,
	       "status: malformed lines refused");

	tap_ok(!claim_find_status(file, "p1", &st) && st.err == -16 &&
	       !strcmp(st.msg, "function 'cmdline_proc_show' is already redirected by another IPMODIFY ftrace user"),
	       "status file: p1's line found");
	tap_ok(!claim_find_status(file, "p10", &st) && st.err == -22 &&
	       !strcmp(st.msg, "object 'vmlinux': function 'f' has no sympos 3"),
	       "status file: the last line, not its prefix p1");
	tap_ok(!claim_find_status(file, "p0", &st) && !strcmp(st.state, "pending"),
	       "status file: pending claim");
	tap_ok(claim_find_status(file, "p", &st) == -1 && !st.name[0],
	       "status file: no line for an unknown name");
	tap_ok(claim_find_status("", "p1", &st) == -1, "status file: empty");
}

int main(void)
{
	test_format();
	test_chunks();
	test_status();
	return tap_done();
}
