/* SPDX-License-Identifier: GPL-2.0 */
/* Reading and validating a kernel module file before it goes near the kernel. */
#ifndef SHUNT_MODFILE_H
#define SHUNT_MODFILE_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>

#define MODFILE_NAME_MAX 64

struct modfile_info {
	char name[MODFILE_NAME_MAX];	/* modinfo name=, as the kernel names it */
	char vermagic[256];		/* modinfo vermagic= */
	bool livepatch;			/* modinfo livepatch=Y */
};

struct modfile {
	int fd;			/* the file, open: finit_module() loads this */
	void *data;		/* whole file, malloc'd */
	size_t size;
	struct modfile_info info;
};

/*
 * Check that buf holds an ELF64 x86-64 relocatable kernel module and
 * fill info from its .modinfo, whose name must be a module name
 * (modname.h). buf is untrusted: no read leaves it. On failure return -1
 * and put the reason (one line, without the file name) in err.
 */
int modfile_parse(const void *buf, size_t size, struct modfile_info *info,
		  char *err, size_t errlen);

/*
 * Bounded access to the sections of a buffer that passed modfile_parse()
 * (its ELF header, section headers and section name table are in it):
 * the number of sections; header i copied out (-1 when out of range);
 * a section's bytes, NULL when they are not all in the buffer or it is
 * SHT_NOBITS; a section's name, "" when out of the table.
 */
unsigned int modfile_nr_sections(const void *buf);
int modfile_shdr(const void *buf, unsigned int i, Elf64_Shdr *sh);
const unsigned char *modfile_section_data(const void *buf, size_t size,
					  const Elf64_Shdr *sh);
const char *modfile_section_name(const void *buf, size_t size,
				 const Elf64_Shdr *sh);

/* Release of a vermagic string: its first word. */
size_t modfile_vermagic_release(const char *vermagic, char *out, size_t outlen);

/*
 * Open path once, read and parse it; on failure print "shunt: PATH:
 * reason" and return -1. mf->fd stays open for finit_module() until
 * modfile_free(). Does not check livepatch-ness or vermagic: see
 * modfile_check_patch().
 */
int modfile_load(const char *path, struct modfile *mf);

/*
 * A patch module for this kernel: livepatch=Y and vermagic release equal
 * to release. Returns 0 or -1 with the reason in err.
 */
int modfile_check_patch(const struct modfile_info *info, const char *release,
			char *err, size_t errlen);

/* Free the data and close the file of a loaded modfile. */
void modfile_free(struct modfile *mf);

/*
 * Whether the module has klp relocation sections for module objects
 * (SHF_RELA_LIVEPATCH, named .klp.rela.<object>.* with <object> not
 * vmlinux): the shim then needs the kernel functions that write them.
 */
bool modfile_has_module_klp_relocs(const struct modfile *mf);

/*
 * Visit each NUL-terminated printable string of length >= 2 in the
 * module's allocated data sections. Used to find the symbol names a
 * patch may refer to without interpreting its relocations.
 */
int modfile_for_each_string(const struct modfile *mf,
			    int (*fn)(const char *s, void *ctx), void *ctx);

#endif
