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

/* section header i of a module built by make_module() */
static Elf64_Shdr *shdr(unsigned char *buf, int i)
{
	return (Elf64_Shdr *)(buf + ((Elf64_Ehdr *)buf)->e_shoff) + i;
}

/* a module with .modinfo mi parsed; err holds 256 bytes */
static int parse_modinfo(const char *mi, size_t len, struct modfile_info *info,
			 char *err)
{
	static unsigned char buf[4096];
	size_t n = make_module(buf, sizeof(buf), mi, len, 1, ET_REL);

	return modfile_parse(buf, n, info, err, 256);
}

/* the same, with section i made SHT_NOBITS at an offset far past the end */
static int parse_nobits(int i, struct modfile_info *info, char *err)
{
	static unsigned char buf[4096];
	size_t n = make_module(buf, sizeof(buf), MI_PATCH, sizeof(MI_PATCH), 1, ET_REL);

	shdr(buf, i)->sh_type = SHT_NOBITS;
	shdr(buf, i)->sh_offset = 0x7fff0000;
	return modfile_parse(buf, n, info, err, 256);
}

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

	/* untrusted input: each case once crashed or read past its section */
	r = parse_nobits(1, &info, err);
	tap_ok(r == -1 && strstr(err, "name table has no data") && strstr(err, "SHT_NOBITS"),
	       "a SHT_NOBITS section name table far past the end is refused, not read: %s", err);
	r = parse_nobits(2, &info, err);
	tap_ok(r == -1 && strstr(err, ".modinfo has no data"),
	       "a SHT_NOBITS .modinfo is refused, not read: %s", err);
	r = parse_nobits(3, &info, err);
	tap_ok(r == 0 && !strcmp(info.name, "p1"),
	       "another SHT_NOBITS section (.bss) past the end is fine: it has no bytes in the file");

	n = make_module(buf, sizeof(buf), MI_PATCH, sizeof(MI_PATCH), 1, ET_REL);
	shdr(buf, 1)->sh_size -= 1;	/* cut the name table's last NUL */
	r = modfile_parse(buf, n, &info, err, sizeof(err));
	tap_ok(r == -1 && strstr(err, "not NUL-terminated"),
	       "a section name table without its final NUL is refused: %s", err);

	{
		/* the last string runs to the section's end, no NUL */
		static const char cut[] = "livepatch=Y\0vermagic=6.12.1\0name=p1";
		static const char slash[] = "livepatch=Y\0name=../livepatch/x\0";
		static const char longname[] = "livepatch=Y\0name="
			"a123456789b123456789c123456789d123456789e123456789f12345\0";

		r = parse_modinfo(cut, sizeof(cut) - 1, &info, err);
		tap_ok(r == -1 && strstr(err, "without a name"),
		       "a .modinfo string cut by the section's end is not read past it: %s", err);
		r = parse_modinfo(slash, sizeof(slash), &info, err);
		tap_ok(r == -1 && strstr(err, "'../livepatch/x' is not a module name"),
		       "a .modinfo name that is a path is refused: %s", err);
		r = parse_modinfo(longname, sizeof(longname), &info, err);
		tap_ok(r == -1 && strstr(err, "55 characters"),
		       "a .modinfo name of 56 characters is refused, not cut: %s", err);
	}

	/* section headers at an odd offset: copied out, not cast in place */
	n = make_module(buf, sizeof(buf) - 1, MI_PATCH, sizeof(MI_PATCH), 1, ET_REL);
	memmove(buf + ((Elf64_Ehdr *)buf)->e_shoff + 1, buf + ((Elf64_Ehdr *)buf)->e_shoff,
		4 * sizeof(Elf64_Shdr));
	((Elf64_Ehdr *)buf)->e_shoff += 1;
	r = modfile_parse(buf, n + 1, &info, err, sizeof(err));
	tap_ok(r == 0 && !strcmp(info.name, "p1"), "misaligned section headers parse");
	return tap_done();
}
