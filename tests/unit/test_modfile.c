// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/modfile.c: module file validation. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "modfile.h"
#include "elf_fixture.h"
#include "tap.h"

#define MI_PATCH "livepatch=Y\0name=p1\0vermagic=6.12.1-amd64 SMP preempt mod_unload\0"
#define MI_PLAIN "name=plain\0vermagic=6.12.1-amd64 SMP preempt mod_unload\0"

static int count_strings(const char *s, void *ctx)
{
	(void)s;
	(*(int *)ctx)++;
	return 0;
}

int main(void)
{
	static unsigned char buf[4096];
	struct modfile_info info;
	char err[256], rel[64];
	size_t n;
	int r;

	n = make_module(buf, sizeof(buf), MI_PATCH, sizeof(MI_PATCH), 1, ET_REL);
	r = modfile_parse(buf, n, &info, err, sizeof(err));
	tap_ok(r == 0 && !strcmp(info.name, "p1") && info.livepatch,
	       "livepatch module parses: name and livepatch flag read from .modinfo");
	tap_ok(modfile_check_patch(&info, "6.12.1-amd64", err, sizeof(err)) == 0,
	       "livepatch module for the running release passes the patch check");
	r = modfile_check_patch(&info, "6.1.0-amd64", err, sizeof(err));
	tap_ok(r == -1 && strstr(err, "built for kernel 6.12.1-amd64") &&
	       strstr(err, "running kernel is 6.1.0-amd64"),
	       "vermagic mismatch names both releases: %s", err);

	r = modfile_parse(buf, n - 10, &info, err, sizeof(err));
	tap_ok(r == -1 && strstr(err, "truncated"), "truncated ELF is refused: %s", err);
	r = modfile_parse(buf, 20, &info, err, sizeof(err));
	tap_ok(r == -1 && strstr(err, "truncated"), "ELF cut inside its header is refused: %s", err);

	r = modfile_parse("#!/bin/sh\necho hi\n", 18, &info, err, sizeof(err));
	tap_ok(r == -1 && !strcmp(err, "not an ELF file"), "a script is not an ELF file");

	n = make_module(buf, sizeof(buf), MI_PATCH, sizeof(MI_PATCH), 1, ET_DYN);
	r = modfile_parse(buf, n, &info, err, sizeof(err));
	tap_ok(r == -1 && strstr(err, "not relocatable"), "shared object is refused: %s", err);

	n = make_module(buf, sizeof(buf), MI_PATCH, sizeof(MI_PATCH), 0, ET_REL);
	r = modfile_parse(buf, n, &info, err, sizeof(err));
	tap_ok(r == -1 && strstr(err, "not a kernel module"),
	       "relocatable object without this_module is refused: %s", err);

	n = make_module(buf, sizeof(buf), MI_PLAIN, sizeof(MI_PLAIN), 1, ET_REL);
	r = modfile_parse(buf, n, &info, err, sizeof(err));
	tap_ok(r == 0 && !info.livepatch, "plain module parses without livepatch flag");
	r = modfile_check_patch(&info, "6.12.1-amd64", err, sizeof(err));
	tap_ok(r == -1 && strstr(err, "'plain' is not a livepatch module"),
	       "plain module is refused as a patch: %s", err);

	modfile_vermagic_release("6.12.117+deb12-amd64 SMP preempt", rel, sizeof(rel));
	tap_ok(!strcmp(rel, "6.12.117+deb12-amd64"), "vermagic release is its first word");

	{
		struct modfile mf = { .data = buf, .size = n };
		int count = 0;

		modfile_for_each_string(&mf, count_strings, &count);
		tap_ok(count == 2, "strings of allocated sections are visited (%d)", count);
	}
	return tap_done();
}
