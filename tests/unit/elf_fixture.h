/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal kernel-module-shaped ELF for the unit tests, built in memory. */
#ifndef SHUNT_ELF_FIXTURE_H
#define SHUNT_ELF_FIXTURE_H

#include <elf.h>
#include <string.h>

/* Build a minimal relocatable ELF with the given .modinfo blob. */
static inline size_t make_module(unsigned char *buf, size_t cap, const char *modinfo,
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

#endif
