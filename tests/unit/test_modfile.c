// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/modfile.c: module file validation. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "modfile.h"
#include "tap.h"

/* Build a minimal relocatable ELF with the given .modinfo blob. */
static size_t make_module(unsigned char *buf, size_t cap, const char *modinfo,
			  size_t modinfo_len, int with_this_module,
			  unsigned short type)
{
	static const char shstr[] =
		"\0.shstrtab\0.modinfo\0.gnu.linkonce.this_module";
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh;
	size_t off = sizeof(*eh);
	size_t shstr_off, mi_off, tm_off;

	memset(buf, 0, cap);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = type;
	eh->e_machine = EM_X86_64;
	eh->e_shentsize = sizeof(Elf64_Shdr);

	shstr_off = off;
	memcpy(buf + off, shstr, sizeof(shstr));
	off += sizeof(shstr);
	mi_off = off;
	memcpy(buf + off, modinfo, modinfo_len);
	off += modinfo_len;
	tm_off = off;
	off += 64;
	off = (off + 7) & ~7UL;

	eh->e_shoff = off;
	eh->e_shnum = with_this_module ? 4 : 3;
	eh->e_shstrndx = 1;
	sh = (Elf64_Shdr *)(buf + off);
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB,
			      .sh_offset = shstr_off, .sh_size = sizeof(shstr) };
	sh[2] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_PROGBITS,
			      .sh_flags = SHF_ALLOC, .sh_offset = mi_off,
			      .sh_size = modinfo_len };
	if (with_this_module)
		sh[3] = (Elf64_Shdr){ .sh_name = 20, .sh_type = SHT_PROGBITS,
				      .sh_flags = SHF_ALLOC | SHF_WRITE,
				      .sh_offset = tm_off, .sh_size = 64 };
	return off + eh->e_shnum * sizeof(Elf64_Shdr);
}

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
