// SPDX-License-Identifier: GPL-2.0
/*
 * klp-rela-convert: turn an ordinary module build into a patch module
 * with klp relocations, the shape kpatch-build and klp-build give
 * (Documentation/livepatch/module-elf-format.rst), for the selftests.
 *
 *   klp-rela-convert SPEC MODULE.ko
 *
 * SPEC has one line per undefined symbol to convert (# starts a comment):
 *
 *   UNDEF OBJECT.NAME,SYMPOS
 *
 * The undefined symbol UNDEF becomes ".klp.sym.OBJECT.NAME,SYMPOS" in
 * section SHN_LIVEPATCH, and every relocation entry that refers to it,
 * in a relocation section of an allocated section SEC, moves to
 * ".klp.rela.OBJECT.SEC" (SEC without its leading dot), flagged
 * SHF_RELA_LIVEPATCH | SHF_ALLOC | SHF_INFO_LINK. Declare UNDEF weak in
 * the source so that modpost lets it stay undefined.
 *
 * The file is rewritten in place; everything it had stays where it was,
 * the new string tables, relocation sections and section header table
 * are appended. Converting a converted module again changes nothing.
 * ELF64 little-endian x86-64 only, as the kernel modules it is for.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHN_LIVEPATCH		0xff20
#define SHF_RELA_LIVEPATCH	0x00100000

struct conv {
	const char *undef;	/* the symbol as the source names it */
	char *klpname;		/* .klp.sym.OBJECT.NAME,SYMPOS */
	char obj[64];
};

struct buf {
	unsigned char *data;
	size_t len, cap;
};

static const char *prog = "klp-rela-convert";

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 4096;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			die("out of memory");
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void buf_align(struct buf *b, size_t align)
{
	static const unsigned char zero[16];

	if (b->len % align)
		buf_add(b, zero, align - b->len % align);
}

static unsigned char *read_all(const char *path, size_t *len)
{
	struct buf b = { 0 };
	unsigned char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	*len = b.len;
	return b.data;
}

/* "UNDEF OBJECT.NAME,SYMPOS" lines; returns the count */
static size_t read_spec(const char *path, struct conv **out)
{
	FILE *f = fopen(path, "r");
	char line[1024], undef[512], target[512];
	struct conv *c = NULL;
	size_t n = 0, lineno = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *dot, *comma, *end;
		size_t objlen;

		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		if (sscanf(line, "%511s %511s", undef, target) != 2)
			continue;
		dot = strchr(target, '.');
		comma = dot ? strchr(dot, ',') : NULL;
		if (!dot || dot == target || !comma || comma == dot + 1 ||
		    !comma[1] || (strtoul(comma + 1, &end, 10), *end))
			die("%s:%zu: expected 'UNDEF OBJECT.NAME,SYMPOS'", path,
			    lineno);
		objlen = dot - target;
		if (objlen >= sizeof(c->obj))
			die("%s:%zu: object name too long", path, lineno);
		c = realloc(c, (n + 1) * sizeof(*c));
		if (!c)
			die("out of memory");
		c[n].undef = strdup(undef);
		c[n].klpname = malloc(strlen(target) + 16);
		if (!c[n].undef || !c[n].klpname)
			die("out of memory");
		sprintf(c[n].klpname, ".klp.sym.%s", target);
		memcpy(c[n].obj, target, objlen);
		c[n].obj[objlen] = '\0';
		n++;
	}
	fclose(f);
	if (!n)
		die("%s: no symbols to convert", path);
	*out = c;
	return n;
}

struct elf {
	unsigned char *data;
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	unsigned int symtab;
	Elf64_Sym *syms;
	size_t nsyms;
	const char *strtab;
	size_t strtab_size;
	const char *shstrtab;
};

static void *elf_at(struct elf *e, size_t off, size_t len, const char *what)
{
	if (off > e->size || len > e->size - off)
		die("%s past the end of the file", what);
	return e->data + off;
}

static void elf_open(struct elf *e, unsigned char *data, size_t size)
{
	Elf64_Shdr *st;

	e->data = data;
	e->size = size;
	e->eh = elf_at(e, 0, sizeof(*e->eh), "ELF header");
	if (memcmp(e->eh->e_ident, ELFMAG, SELFMAG) ||
	    e->eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    e->eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    e->eh->e_type != ET_REL || e->eh->e_machine != EM_X86_64 ||
	    e->eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    e->eh->e_shstrndx >= e->eh->e_shnum)
		die("not an x86-64 ELF64 relocatable file");
	e->sh = elf_at(e, e->eh->e_shoff,
		       (size_t)e->eh->e_shnum * sizeof(Elf64_Shdr),
		       "section headers");
	e->shstrtab = elf_at(e, e->sh[e->eh->e_shstrndx].sh_offset,
			     e->sh[e->eh->e_shstrndx].sh_size,
			     "section names");
	for (e->symtab = 1; e->symtab < e->eh->e_shnum; e->symtab++)
		if (e->sh[e->symtab].sh_type == SHT_SYMTAB)
			break;
	if (e->symtab == e->eh->e_shnum)
		die("no symbol table");
	st = &e->sh[e->symtab];
	if (st->sh_link >= e->eh->e_shnum || st->sh_link == e->eh->e_shstrndx)
		die("symbol table without a string table of its own");
	e->syms = elf_at(e, st->sh_offset, st->sh_size, "symbol table");
	e->nsyms = st->sh_size / sizeof(Elf64_Sym);
	e->strtab = elf_at(e, e->sh[st->sh_link].sh_offset,
			   e->sh[st->sh_link].sh_size, "string table");
	e->strtab_size = e->sh[st->sh_link].sh_size;
}

static const char *sym_name(struct elf *e, const Elf64_Sym *s)
{
	return s->st_name < e->strtab_size ? e->strtab + s->st_name : "";
}

/* which conversion a symbol index belongs to, or -1 */
static int conv_of(const int *symconv, size_t nsyms, Elf64_Xword info)
{
	size_t i = ELF64_R_SYM(info);

	return i < nsyms ? symconv[i] : -1;
}

/* the first conversion of its object: one klp section per object */
static int first_of_object(const struct conv *conv, size_t c)
{
	for (size_t p = 0; p < c; p++)
		if (!strcmp(conv[p].obj, conv[c].obj))
			return 0;
	return 1;
}

/*
 * Copy the entries of relocation section r whose symbols belong to the
 * object of conv[c] into a new ".klp.rela.OBJECT.SEC" at the end of out.
 */
static void move_entries(struct elf *e, unsigned int r,
			 const struct conv *conv, size_t c, const int *symconv,
			 struct buf *out, struct buf *shstr, struct buf *shdrs)
{
	const Elf64_Shdr *rs = &e->sh[r];
	const char *tname = e->shstrtab + e->sh[rs->sh_info].sh_name;
	const Elf64_Rela *relas = (const Elf64_Rela *)(out->data + rs->sh_offset);
	size_t nrel = rs->sh_size / sizeof(*relas);
	struct buf moved = { 0 };
	Elf64_Shdr ks = { 0 };
	char kname[512];

	for (size_t k = 0; k < nrel; k++) {
		int ci = conv_of(symconv, e->nsyms, relas[k].r_info);

		if (ci >= 0 && !strcmp(conv[ci].obj, conv[c].obj))
			buf_add(&moved, &relas[k], sizeof(relas[k]));
	}
	if (!moved.len)
		return;
	snprintf(kname, sizeof(kname), ".klp.rela.%s.%s", conv[c].obj,
		 tname[0] == '.' ? tname + 1 : tname);
	buf_align(out, 8);
	ks.sh_name = shstr->len;
	buf_add(shstr, kname, strlen(kname) + 1);
	ks.sh_type = SHT_RELA;
	ks.sh_flags = SHF_ALLOC | SHF_INFO_LINK | SHF_RELA_LIVEPATCH;
	ks.sh_offset = out->len;
	ks.sh_size = moved.len;
	ks.sh_link = e->symtab;
	ks.sh_info = rs->sh_info;
	ks.sh_addralign = 8;
	ks.sh_entsize = sizeof(Elf64_Rela);
	buf_add(out, moved.data, moved.len);
	buf_add(shdrs, &ks, sizeof(ks));
	free(moved.data);
}

int main(int argc, char **argv)
{
	struct buf out = { 0 }, strtab = { 0 }, shstr = { 0 }, shdrs = { 0 };
	size_t nconv, size, changed = 0;
	struct conv *conv;
	unsigned char *data;
	struct elf e;
	int *symconv;
	char tmp[4096];
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SPEC MODULE.ko\n", prog);
		return 2;
	}
	nconv = read_spec(argv[1], &conv);
	data = read_all(argv[2], &size);
	elf_open(&e, data, size);

	/* the symbols: which to convert; each conversion must find one */
	symconv = malloc(e.nsyms * sizeof(*symconv));
	if (!symconv)
		die("out of memory");
	buf_add(&strtab, e.strtab, e.strtab_size);
	for (size_t i = 0; i < e.nsyms; i++) {
		symconv[i] = -1;
		for (size_t c = 0; c < nconv; c++) {
			const char *name = sym_name(&e, &e.syms[i]);

			if (e.syms[i].st_shndx == SHN_UNDEF &&
			    !strcmp(name, conv[c].undef)) {
				symconv[i] = (int)c;
				e.syms[i].st_name = strtab.len;
				buf_add(&strtab, conv[c].klpname,
					strlen(conv[c].klpname) + 1);
				e.syms[i].st_shndx = SHN_LIVEPATCH;
				e.syms[i].st_info =
					ELF64_ST_INFO(STB_GLOBAL,
						      ELF64_ST_TYPE(e.syms[i].st_info));
				changed++;
			} else if (e.syms[i].st_shndx == SHN_LIVEPATCH &&
				   !strcmp(name, conv[c].klpname)) {
				symconv[i] = -2;	/* converted before */
			}
		}
	}
	for (size_t c = 0; c < nconv; c++) {
		size_t found = 0;

		for (size_t i = 0; i < e.nsyms; i++) {
			const char *name = sym_name(&e, &e.syms[i]);

			if (symconv[i] == (int)c ||
			    (symconv[i] == -2 && !strcmp(name, conv[c].klpname)))
				found++;
		}
		if (!found)
			die("%s: no undefined symbol '%s'", argv[2], conv[c].undef);
	}
	if (!changed)
		return 0;	/* converted already */

	/*
	 * The relocations: out of each relocation section of an allocated
	 * section, into one klp section per object. The kept entries are
	 * rewritten in place (fewer), the moved ones appended below.
	 */
	buf_add(&out, e.data, e.size);
	buf_add(&shstr, e.shstrtab, e.sh[e.eh->e_shstrndx].sh_size);
	buf_add(&shdrs, e.sh, (size_t)e.eh->e_shnum * sizeof(Elf64_Shdr));
	for (unsigned int r = 1; r < e.eh->e_shnum; r++) {
		Elf64_Shdr *rs = &e.sh[r];
		Elf64_Rela *relas;
		size_t nrel, kept = 0;

		if (rs->sh_type != SHT_RELA || rs->sh_link != e.symtab ||
		    (rs->sh_flags & SHF_RELA_LIVEPATCH) ||
		    rs->sh_info >= e.eh->e_shnum ||
		    !(e.sh[rs->sh_info].sh_flags & SHF_ALLOC))
			continue;	/* debug info is not loaded */
		nrel = rs->sh_size / sizeof(*relas);
		for (size_t c = 0; c < nconv; c++) {
			if (first_of_object(conv, c))
				move_entries(&e, r, conv, c, symconv, &out,
					     &shstr, &shdrs);
		}
		/* out.data may have moved */
		relas = (Elf64_Rela *)(out.data + rs->sh_offset);
		for (size_t k = 0; k < nrel; k++)
			if (conv_of(symconv, e.nsyms, relas[k].r_info) < 0)
				relas[kept++] = relas[k];
		memset(&relas[kept], 0, (nrel - kept) * sizeof(*relas));
		((Elf64_Shdr *)shdrs.data)[r].sh_size = kept * sizeof(*relas);
	}

	/* the new string tables, then the section headers pointing at them */
	{
		Elf64_Shdr *sh = (Elf64_Shdr *)shdrs.data;
		Elf64_Ehdr *eh;
		unsigned int strndx = e.sh[e.symtab].sh_link;

		sh[strndx].sh_offset = out.len;
		sh[strndx].sh_size = strtab.len;
		buf_add(&out, strtab.data, strtab.len);
		sh[e.eh->e_shstrndx].sh_offset = out.len;
		sh[e.eh->e_shstrndx].sh_size = shstr.len;
		buf_add(&out, shstr.data, shstr.len);
		buf_align(&out, 8);
		eh = (Elf64_Ehdr *)out.data;
		eh->e_shoff = out.len;
		eh->e_shnum = shdrs.len / sizeof(Elf64_Shdr);
		buf_add(&out, shdrs.data, shdrs.len);
	}

	snprintf(tmp, sizeof(tmp), "%s.klp-tmp", argv[2]);
	f = fopen(tmp, "wb");
	if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f))
		die("%s: %s", tmp, strerror(errno));
	if (rename(tmp, argv[2]))
		die("%s: %s", argv[2], strerror(errno));
	printf("%s: %zu symbol(s) converted\n", argv[2], changed);
	return 0;
}
