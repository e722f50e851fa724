// SPDX-License-Identifier: GPL-2.0
/* Kernel module file checks: ELF shape and .modinfo. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modfile.h"
#include "modname.h"
#include "util.h"

/*
 * The file is untrusted: every read below is bounded by its size, and
 * headers are copied out, as nothing makes the file keep them aligned.
 */

static int section_headers_in_file(size_t size, const Elf64_Ehdr *eh,
				   char *err, size_t errlen)
{
	size_t end;

	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shnum == 0) {
		snprintf(err, errlen, "ELF file has no usable section headers");
		return -1;
	}
	end = eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr);
	if (eh->e_shoff == 0 || end > size || end < eh->e_shoff) {
		snprintf(err, errlen, "truncated ELF file (section headers end at %zu, file has %zu bytes)",
			 end, size);
		return -1;
	}
	return 0;
}

/* Section header i; the headers are known to lie inside the file. */
static void section_header(const unsigned char *buf, const Elf64_Ehdr *eh,
			   unsigned int i, Elf64_Shdr *sh)
{
	memcpy(sh, buf + eh->e_shoff + (size_t)i * sizeof(*sh), sizeof(*sh));
}

unsigned int modfile_nr_sections(const void *buf)
{
	Elf64_Ehdr eh;

	memcpy(&eh, buf, sizeof(eh));
	return eh.e_shnum;
}

int modfile_shdr(const void *buf, unsigned int i, Elf64_Shdr *sh)
{
	Elf64_Ehdr eh;

	memcpy(&eh, buf, sizeof(eh));
	if (i >= eh.e_shnum)
		return -1;
	section_header(buf, &eh, i, sh);
	return 0;
}

/*
 * A section's bytes in the file. SHT_NOBITS sections (.bss) have none:
 * their offset and size say nothing about the file, so they have no data
 * here (NULL), whatever their header claims.
 */
const unsigned char *modfile_section_data(const void *data, size_t size,
					  const Elf64_Shdr *sh)
{
	const unsigned char *buf = data;

	if (sh->sh_type == SHT_NOBITS)
		return NULL;
	if (sh->sh_offset > size || sh->sh_size > size - sh->sh_offset)
		return NULL;
	return buf + sh->sh_offset;
}

const char *modfile_section_name(const void *data, size_t size,
				 const Elf64_Shdr *sh)
{
	Elf64_Shdr shstr;
	Elf64_Ehdr eh;

	memcpy(&eh, data, sizeof(eh));
	section_header(data, &eh, eh.e_shstrndx, &shstr);
	/* modfile_parse() checked: in the file, NUL-terminated */
	(void)size;
	if (sh->sh_name >= shstr.sh_size)
		return "";
	return (const char *)data + shstr.sh_offset + sh->sh_name;
}

/* A section name for an error message: one line, so only a printable one */
static const char *shown_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64)
		return "?";
	for (size_t i = 0; i < n; i++)
		if (name[i] < 0x20 || name[i] >= 0x7f)
			return "?";
	return name;
}

/*
 * The value of key (without '=') in the .modinfo blob, a run of
 * "key=value" strings. A string the section's end cuts off is not
 * there: what this returns is NUL-terminated inside the section.
 */
static const char *modinfo_get(const char *mi, size_t len, const char *key)
{
	size_t klen = strlen(key);
	size_t i = 0;

	while (i < len) {
		const char *s = mi + i;
		size_t slen = strnlen(s, len - i);

		if (slen == len - i)
			break;
		if (slen > klen && !strncmp(s, key, klen) && s[klen] == '=')
			return s + klen + 1;
		i += slen + 1;
	}
	return NULL;
}

int modfile_parse(const void *data, size_t size, struct modfile_info *info,
		  char *err, size_t errlen)
{
	const unsigned char *buf = data, *names;
	Elf64_Ehdr eh;
	Elf64_Shdr sh, shstr;
	const char *modinfo = NULL, *v;
	size_t modinfo_len = 0;
	int has_this_module = 0;
	char why[128];

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
	memcpy(&eh, buf, sizeof(eh));
	if (buf[EI_CLASS] != ELFCLASS64 || buf[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_X86_64) {
		snprintf(err, errlen, "not an x86-64 ELF64 little-endian file");
		return -1;
	}
	if (eh.e_type != ET_REL) {
		snprintf(err, errlen, "ELF type %u is not relocatable: not a kernel module",
			 eh.e_type);
		return -1;
	}
	if (section_headers_in_file(size, &eh, err, errlen))
		return -1;
	if (eh.e_shstrndx >= eh.e_shnum) {
		snprintf(err, errlen, "ELF section name table index out of range");
		return -1;
	}
	section_header(buf, &eh, eh.e_shstrndx, &shstr);
	names = modfile_section_data(buf, size, &shstr);
	if (!names) {
		snprintf(err, errlen, shstr.sh_type == SHT_NOBITS ?
			 "ELF section name table has no data in the file (SHT_NOBITS)" :
			 "truncated ELF file (section names past end)");
		return -1;
	}
	/* then every name below is a string inside the table */
	if (shstr.sh_size == 0 || names[shstr.sh_size - 1] != '\0') {
		snprintf(err, errlen, "ELF section name table is not NUL-terminated");
		return -1;
	}
	for (unsigned int i = 0; i < eh.e_shnum; i++) {
		const unsigned char *d;
		const char *name;

		section_header(buf, &eh, i, &sh);
		name = sh.sh_name < shstr.sh_size ? (const char *)names + sh.sh_name : "";
		d = modfile_section_data(buf, size, &sh);
		if (!d && sh.sh_type != SHT_NOBITS) {
			snprintf(err, errlen, "truncated ELF file (section %u %s past end)",
				 i, shown_name(name));
			return -1;
		}
		if (!strcmp(name, ".modinfo")) {
			if (!d) {
				snprintf(err, errlen, "section .modinfo has no data in the file (SHT_NOBITS)");
				return -1;
			}
			modinfo = (const char *)d;
			modinfo_len = sh.sh_size;
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
	/* the name becomes a path under /sys: a module name, or nothing */
	if (modname_check(v, why, sizeof(why))) {
		snprintf(err, errlen, "name in .modinfo: %s", why);
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
	/*
	 * Opened once: what is checked here is what finit_module() loads
	 * (modfile_fd()), not whatever the path names by then. O_NONBLOCK:
	 * a FIFO must not hang the open before fstat() refuses it.
	 */
	mf->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (mf->fd < 0) {
		fprintf(stderr, "shunt: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(mf->fd, &st)) {
		fprintf(stderr, "shunt: %s: %s\n", path, strerror(errno));
		modfile_free(mf);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "shunt: %s: not a regular file\n", path);
		modfile_free(mf);
		return -1;
	}
	if (read_fd(mf->fd, &data, &mf->size)) {
		fprintf(stderr, "shunt: %s: %s\n", path, strerror(errno));
		modfile_free(mf);
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
	if (mf->fd >= 0)
		close(mf->fd);
	mf->data = NULL;
	mf->size = 0;
	mf->fd = -1;
}

static int printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

int modfile_for_each_string(const struct modfile *mf,
			    int (*fn)(const char *s, void *ctx), void *ctx)
{
	const unsigned char *buf = mf->data;
	Elf64_Ehdr eh;
	Elf64_Shdr sh;

	/* mf passed modfile_parse(): the header and section headers are in it */
	memcpy(&eh, buf, sizeof(eh));
	for (unsigned int i = 0; i < eh.e_shnum; i++) {
		const unsigned char *p, *end;
		int ret;

		section_header(buf, &eh, i, &sh);
		if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC))
			continue;
		p = modfile_section_data(buf, mf->size, &sh);
		if (!p)
			continue;
		end = p + sh.sh_size;
		while (p < end) {
			const unsigned char *s = p;

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
