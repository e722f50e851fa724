// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/kallsyms.c: candidate names and /proc/kallsyms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_fixture.h"
#include "kallsyms.h"
#include "tap.h"

static void test_parse_line(void)
{
	char l1[] = "ffffffff81234560 T cmdline_proc_show\n";
	char l2[] = "ffffffffc0a01000 t shunt_target_dup\t[shunt_test_target]\n";
	char l3[] = "garbage\n";
	char l4[] = "0000000000000000 t foo.constprop.0\n";
	char l5[] = "ffffffff81000000 T  \n";
	char l6[] = "ffffffff81000000 T last_line_without_newline";
	unsigned long addr;
	char *name, *mod;

	tap_ok(!kallsyms_parse_line(l1, &addr, &name, &mod) &&
	       addr == 0xffffffff81234560UL && !strcmp(name, "cmdline_proc_show") && !mod,
	       "kallsyms line: vmlinux symbol, no module");
	tap_ok(!kallsyms_parse_line(l2, &addr, &name, &mod) &&
	       addr == 0xffffffffc0a01000UL && !strcmp(name, "shunt_target_dup") &&
	       mod && !strcmp(mod, "shunt_test_target"),
	       "kallsyms line: module symbol with its module");
	tap_ok(kallsyms_parse_line(l3, &addr, &name, &mod) == -1,
	       "kallsyms line: garbage refused");
	tap_ok(!kallsyms_parse_line(l4, &addr, &name, &mod) && addr == 0 &&
	       !strcmp(name, "foo.constprop.0"),
	       "kallsyms line: hidden address 0 and a dotted name");
	tap_ok(kallsyms_parse_line(l5, &addr, &name, &mod) == -1,
	       "kallsyms line: no name refused");
	tap_ok(!kallsyms_parse_line(l6, &addr, &name, &mod) &&
	       !strcmp(name, "last_line_without_newline"),
	       "kallsyms line: the last line may lack its newline");
}

static void test_suffixes(void)
{
	struct strset *set = strset_new();

	names_add_suffixes(set, "cmdline_proc_show");
	tap_ok(strset_count(set) == 17 - 1 &&
	       strset_has(set, "cmdline_proc_show", 17) &&
	       strset_has(set, "proc_show", 9) && strset_has(set, "_show", 5) &&
	       strset_has(set, "ow", 2) && !strset_has(set, "w", 1),
	       "suffixes: every tail of 2 or more characters (%zu)", strset_count(set));
	strset_free(set);

	set = strset_new();
	names_add_suffixes(set, "patched: %s x.y2z");
	/* only the symbol-like tail "x.y2z" counts; "2z" starts with a digit */
	tap_ok(strset_count(set) == 3 && strset_has(set, "x.y2z", 5) &&
	       strset_has(set, ".y2z", 4) && strset_has(set, "y2z", 3) &&
	       !strset_has(set, "2z", 2) && !strset_has(set, "patched", 7),
	       "suffixes: only the symbol characters at the end, none starting with a digit (%zu)",
	       strset_count(set));
	strset_free(set);
}

static void test_modfile_names(void)
{
	/* strings of an allocated section; "xcmdline_proc_show" ends in a merged one */
	static const char blob[] = "name=p\0xcmdline_proc_show\09abc\0x";
	static unsigned char buf[4096];
	struct modfile mf = { .data = buf };
	struct strset *set;

	mf.size = make_module(buf, sizeof(buf), blob, sizeof(blob), 1, ET_REL);
	set = modfile_names(&mf);
	tap_ok(set && strset_has(set, "xcmdline_proc_show", 18),
	       "module names: a whole string");
	tap_ok(set && strset_has(set, "cmdline_proc_show", 17) &&
	       strset_has(set, "proc_show", 9),
	       "module names: its suffixes (tail-merged strings)");
	tap_ok(set && strset_has(set, "abc", 3) && !strset_has(set, "9abc", 4) &&
	       !strset_has(set, "x", 1),
	       "module names: nothing starting with a digit or shorter than 2");
	tap_ok(set && !strset_has(set, "name=p", 6) && !strset_has(set, "name", 4),
	       "module names: only the tail after a non-symbol character ('=') counts");
	strset_free(set);
}

/* the claim lines of text (len bytes) must be exactly want */
static void only_sym(const struct strset *names, const char *text, size_t len,
		     const char *want, const char *what)
{
	struct strbuf out = { 0 };
	FILE *f = fmemopen((void *)text, len, "r");
	long n, nonzero;

	n = kallsyms_claim_lines(f, names, "p", &out, &nonzero);
	fclose(f);
	tap_ok(n == 1 && out.buf && !strcmp(out.buf, want), "claim sym lines: %s", what);
	strbuf_free(&out);
}

/* name section 3 of the fixture and flag it SHF_RELA_LIVEPATCH */
static void klp_rela_section(unsigned char *buf, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh->e_shoff);

	/* over ".gnu.linkonce.this_module", which is longer */
	strcpy((char *)buf + sh[1].sh_offset + sh[3].sh_name, name);
	sh[3].sh_flags |= 0x00100000;
}

static void test_modfile_names_relocs(void)
{
	static const char blob[] = "name=p\0cmdline_proc_show";
	static unsigned char buf[4096];
	struct modfile mf = { .data = buf };
	struct strset *set;

	mf.size = make_module(buf, sizeof(buf), blob, sizeof(blob), 1, ET_REL);
	set = modfile_names(&mf);
	tap_ok(set && !strset_has(set, "apply_relocate_add", 18),
	       "module names: no relocation functions without klp relocations");
	strset_free(set);
	klp_rela_section(buf, ".klp.rela.vmlinux.text");
	set = modfile_names(&mf);
	tap_ok(set && !strset_has(set, "apply_relocate_add", 18) &&
	       !modfile_has_module_klp_relocs(&mf),
	       "module names: none for vmlinux klp relocations (the module loader writes those)");
	strset_free(set);
	klp_rela_section(buf, ".klp.rela.tgt.text");
	set = modfile_names(&mf);
	tap_ok(set && modfile_has_module_klp_relocs(&mf) &&
	       strset_has(set, "apply_relocate_add", 18) &&
	       strset_has(set, "clear_relocate_add", 18) &&
	       strset_has(set, "cmdline_proc_show", 17),
	       "module names: apply/clear_relocate_add for a module object's klp relocations");
	strset_free(set);
}

static void test_claim_lines(void)
{
	static const char text[] =
		"ffffffff81000010 T cmdline_proc_show\n"
		"ffffffff81000020 t other_function\n"
		"ffffffff81000030 t cmdline_proc_show\n"
		"ffffffffc0000000 t cmdline_proc_show\t[some_module]\n"
		"not a kallsyms line\n"
		"ffffffff81000040 T version_proc_show";
	static const char hidden[] =
		"0000000000000000 T cmdline_proc_show\n"
		"0000000000000000 T other_function\n";
	struct strset *names = strset_new();
	struct strbuf out = { 0 };
	long n, nonzero;
	FILE *f;

	strset_add(names, "cmdline_proc_show", 17);
	strset_add(names, "version_proc_show", 17);
	f = fmemopen((void *)text, strlen(text), "r");
	n = kallsyms_claim_lines(f, names, "p1", &out, &nonzero);
	fclose(f);
	tap_ok(n == 3 && nonzero == 5 && out.buf &&
	       !strcmp(out.buf, "sym p1 cmdline_proc_show ffffffff81000010\n"
				"sym p1 cmdline_proc_show ffffffff81000030\n"
				"sym p1 version_proc_show ffffffff81000040\n"),
	       "claim sym lines: every vmlinux match in kallsyms order, no module symbol");
	strbuf_free(&out);

	f = fmemopen((void *)hidden, strlen(hidden), "r");
	n = kallsyms_claim_lines(f, names, "p1", &out, &nonzero);
	fclose(f);
	tap_ok(n == 1 && nonzero == 0,
	       "claim sym lines: all-zero addresses are seen (kptr_restrict)");
	strbuf_free(&out);

	{
		/* a line longer than the line buffer is skipped as a whole */
		size_t len = 6000;
		char *big = malloc(len + 64);

		memset(big, 'a', len);
		strcpy(big + len, "\nffffffff81000050 T cmdline_proc_show\n");
		only_sym(names, big, strlen(big), "sym p cmdline_proc_show ffffffff81000050\n",
			 "an overlong line does not spill into the next");
		free(big);
	}
	{
		static const char nul[] = "ffffffff81000000 T cmdline\0_proc_show\n"
					  "ffffffff81000060 T cmdline_proc_show\n";

		only_sym(names, nul, sizeof(nul) - 1, "sym p cmdline_proc_show ffffffff81000060\n",
			 "a line with a NUL byte does not swallow the next one");
	}
	strset_free(names);
}

int main(void)
{
	test_parse_line();
	test_suffixes();
	test_modfile_names();
	test_modfile_names_relocs();
	test_claim_lines();
	return tap_done();
}
