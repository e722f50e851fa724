// SPDX-License-Identifier: GPL-2.0
/* Kernel module file checks: ELF shape and .modinfo. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "modfile.h"
#include "util.h"

static const Elf64_Shdr *section_headers(const unsigned char *buf, size_t size,
					 const Elf64_Ehdr *eh, char *err,
					 size_t errlen)
{
	size_t end;

	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shnum == 0) {
		snprintf(err, errlen, "ELF file has no usable section headers");
		return NULL;
	}
	end = eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr);
	if (eh->e_shoff == 0 || end > size || end < eh->e_shoff) {
		snprintf(err, errlen, "truncated ELF file (section headers end at %zu, file has %zu bytes)",
			 end, size);
		return NULL;
	}
	return (const Elf64_Shdr *)(buf + eh->e_shoff);
}

static int section_in_file(const Elf64_Shdr *sh, size_t size)
{
	if (sh->sh_type == SHT_NOBITS)
		return 1;
	return sh->sh_offset <= size && sh->sh_size <= size - sh->sh_offset;
}

/* Find modinfo key (without '=') in the .modinfo blob. */
static const char *modinfo_get(const char *mi, size_t len, const char *key)
{
	size_t klen = strlen(key);
	size_t i = 0;

	while (i < len) {
		const char *s = mi + i;
		size_t slen = strnlen(s, len - i);

		if (slen > klen && !strncmp(s, key, klen) && s[klen] == '=')
			return s + klen + 1;
		i += slen + 1;
	}
	return NULL;
}

int modfile_parse(const void *data, size_t size, struct modfile_info *info,
		  char *err, size_t errlen)
{
	const unsigned char *buf = data;
	const Elf64_Ehdr *eh = data;
	const Elf64_Shdr *sh, *shstr;
	const char *modinfo = NULL, *v;
	size_t modinfo_len = 0;
	int has_this_module = 0;

	memset(info, 0, sizeof(*info));
	if (size < SELFMAG || memcmp(buf, ELFMAG, SELFMAG)) {
		snprintf(err, errlen, "not an ELF file");
		return -1;
	}
	if (size < sizeof(Elf64_Ehdr)) {
		snprintf(err, errlen, "truncated ELF file (%zu bytes, header needs %zu)",
			 size, sizeof(Elf64_Ehdr));
		return -1;
	}
	if (buf[EI_CLASS] != ELFCLASS64 || buf[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64) {
		snprintf(err, errlen, "not an x86-64 ELF64 little-endian file");
		return -1;
	}
	if (eh->e_type != ET_REL) {
		snprintf(err, errlen, "ELF type %u is not relocatable: not a kernel module",
			 eh->e_type);
		return -1;
	}
	sh = section_headers(buf, size, eh, err, errlen);
	if (!sh)
		return -1;
	if (eh->e_shstrndx >= eh->e_shnum) {
		snprintf(err, errlen, "ELF section name table index out of range");
		return -1;
	}
	shstr = &sh[eh->e_shstrndx];
	if (!section_in_file(shstr, size)) {
		snprintf(err, errlen, "truncated ELF file (section names past end)");
		return -1;
	}
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const char *name;

		if (sh[i].sh_name >= shstr->sh_size)
			continue;
		name = (const char *)buf + shstr->sh_offset + sh[i].sh_name;
		if (!section_in_file(&sh[i], size)) {
			snprintf(err, errlen, "truncated ELF file (section %s past end)",
				 name);
			return -1;
		}
		if (!strcmp(name, ".modinfo")) {
			modinfo = (const char *)buf + sh[i].sh_offset;
			modinfo_len = sh[i].sh_size;
		} else if (!strcmp(name, ".gnu.linkonce.this_module")) {
			has_this_module = 1;
		}
	}
	if (!modinfo || !has_this_module) {
		snprintf(err, errlen, "not a kernel module (no %s section)",
			 modinfo ? ".gnu.linkonce.this_module" : ".modinfo");
		return -1;
	}
	v = modinfo_get(modinfo, modinfo_len, "name");
	if (!v || !*v) {
		snprintf(err, errlen, "kernel module without a name in .modinfo");
		return -1;
	}
	copy_str(info->name, sizeof(info->name), v);
	v = modinfo_get(modinfo, modinfo_len, "vermagic");
	if (v)
		copy_str(info->vermagic, sizeof(info->vermagic), v);
	v = modinfo_get(modinfo, modinfo_len, "livepatch");
	info->livepatch = v && !strcmp(v, "Y");
	return 0;
}

size_t modfile_vermagic_release(const char *vermagic, char *out, size_t outlen)
{
	size_t n = strcspn(vermagic, " ");

	if (outlen == 0)
		return 0;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, vermagic, n);
	out[n] = '\0';
	return n;
}

int modfile_check_patch(const struct modfile_info *info, const char *release,
			char *err, size_t errlen)
{
	char rel[256];

	if (!info->livepatch) {
		snprintf(err, errlen, "module '%s' is not a livepatch module (no MODULE_INFO(livepatch, \"Y\"))",
			 info->name);
		return -1;
	}
	if (!info->vermagic[0]) {
		snprintf(err, errlen, "module '%s' has no vermagic", info->name);
		return -1;
	}
	modfile_vermagic_release(info->vermagic, rel, sizeof(rel));
	if (strcmp(rel, release)) {
		snprintf(err, errlen, "module '%s' was built for kernel %s, running kernel is %s",
			 info->name, rel, release);
		return -1;
	}
	return 0;
}

int modfile_load(const char *path, struct modfile *mf)
{
	char err[256], *data;
	struct stat st;

	memset(mf, 0, sizeof(*mf));
	if (stat(path, &st)) {
		fprintf(stderr, "shunt: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "shunt: %s: not a regular file\n", path);
		return -1;
	}
	if (read_file(path, &data, &mf->size)) {
		fprintf(stderr, "shunt: %s: %s\n", path, strerror(errno));
		return -1;
	}
	mf->data = data;
	if (modfile_parse(mf->data, mf->size, &mf->info, err, sizeof(err))) {
		fprintf(stderr, "shunt: %s: %s\n", path, err);
		modfile_free(mf);
		return -1;
	}
	return 0;
}

void modfile_free(struct modfile *mf)
{
	free(mf->data);
	mf->data = NULL;
	mf->size = 0;
}

static int printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

int modfile_for_each_string(const struct modfile *mf,
			    int (*fn)(const char *s, void *ctx), void *ctx)
{
	const unsigned char *buf = mf->data;
	const Elf64_Ehdr *eh = mf->data;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(buf + eh->e_shoff);

	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const unsigned char *p, *end;

		if (sh[i].sh_type != SHT_PROGBITS || !(sh[i].sh_flags & SHF_ALLOC))
			continue;
		/* modfile_parse() skips sections with a bad name: check again */
		if (!section_in_file(&sh[i], mf->size))
			continue;
		p = buf + sh[i].sh_offset;
		end = p + sh[i].sh_size;
		while (p < end) {
			const unsigned char *s = p;
			int ret;

			while (p < end && printable(*p))
				p++;
			if (p < end && *p == '\0' && p - s >= 2) {
				ret = fn((const char *)s, ctx);
				if (ret)
					return ret;
			}
			p++;
		}
	}
	return 0;
}

/* SHF_RELA_LIVEPATCH, from the kernel's include/uapi/linux/elf.h */
#define MODFILE_SHF_RELA_LIVEPATCH	0x00100000

bool modfile_has_module_klp_relocs(const struct modfile *mf)
{
	static const char prefix[] = ".klp.rela.";
	const unsigned char *buf = mf->data;
	const Elf64_Ehdr *eh = mf->data;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(buf + eh->e_shoff);
	const Elf64_Shdr *shstr = &sh[eh->e_shstrndx];

	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const char *name;

		if (!(sh[i].sh_flags & MODFILE_SHF_RELA_LIVEPATCH) ||
		    sh[i].sh_name >= shstr->sh_size)
			continue;
		/* modfile_parse() checked that the name table is in the file */
		name = (const char *)buf + shstr->sh_offset + sh[i].sh_name;
		if (strnlen(name, shstr->sh_size - sh[i].sh_name) ==
		    shstr->sh_size - sh[i].sh_name)
			continue;	/* not terminated */
		if (strncmp(name, prefix, sizeof(prefix) - 1) ||
		    strncmp(name + sizeof(prefix) - 1, "vmlinux.", 8))
			return true;
	}
	return false;
}
