// SPDX-License-Identifier: GPL-2.0
/*
 * The klp structures of an unloaded livepatch module. struct klp_patch,
 * klp_object, klp_func and klp_state are static data (.data) whose
 * pointers the module loader has yet to write: in the file they are
 * RELA relocations (.rela.data) naming a symbol (a string in
 * .rodata.str*, a function, another array) plus an addend. So every
 * pointer is read through its relocation; integers (old_sympos, replace,
 * state ids) are read from the section bytes.
 *
 * The file is untrusted: every read is bounded by the section it is in
 * and by the file, every count by the KLPINFO_MAX_* caps.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klpinfo.h"
#include "modfile.h"
#include "util.h"

/*
 * The x86-64 layouts of <linux/livepatch.h> on 6.12 (pahole of a module
 * built against linux-headers-6.12.117+deb12; tests/host/check-layout
 * compares these with pahole at every test run).
 */
#define KLP_PATCH_MOD		0
#define KLP_PATCH_OBJS		8
#define KLP_PATCH_STATES	16
#define KLP_PATCH_REPLACE	24
#define KLP_PATCH_SIZE		200
#define KLP_OBJECT_NAME		0
#define KLP_OBJECT_FUNCS	8
#define KLP_OBJECT_CALLBACKS	16	/* pre_patch, post_patch, pre_unpatch, post_unpatch */
#define KLP_OBJECT_SIZE		168
#define KLP_FUNC_OLD_NAME	0
#define KLP_FUNC_NEW_FUNC	8
#define KLP_FUNC_OLD_SYMPOS	16
#define KLP_FUNC_SIZE		152
#define KLP_STATE_ID		0
#define KLP_STATE_VERSION	8
#define KLP_STATE_SIZE		24

/* SHF_RELA_LIVEPATCH, from the kernel's include/uapi/linux/elf.h */
#define KLPINFO_SHF_RELA_LIVEPATCH	0x00100000

#define SIG_MAGIC "~Module signature appended~\n"

/* the relocations that write one section's pointers, sorted by offset */
struct relocs {
	unsigned int shndx;	/* the section they write */
	size_t n;
	Elf64_Rela *r;
};

struct elf {
	const unsigned char *buf;
	size_t size;
	unsigned int shnum;
	unsigned int symtab;	/* its index; 0: none */
	const unsigned char *syms;
	size_t nsyms;
	const char *strtab;
	size_t strsz;
	size_t nr_relocs;
	struct relocs *relocs;	/* one per written section */
	char *err;
	size_t errlen;
};

/* A pointer field, as its relocation says. */
struct ptr {
	int null;		/* no relocation and zero bytes */
	int undef;		/* against an undefined symbol (sym names it) */
	unsigned int shndx;	/* else: section and offset it points at */
	uint64_t off;
	const char *sym;	/* the relocation's symbol's name, maybe "" */
	unsigned char symtype;
	int at_sym;		/* addend 0: it points at that symbol */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct elf *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, e->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int sym_get(const struct elf *e, size_t i, Elf64_Sym *sym)
{
	if (i >= e->nsyms)
		return -1;
	memcpy(sym, e->syms + i * sizeof(*sym), sizeof(*sym));
	return 0;
}

/* A string table entry: "" unless it is NUL-terminated inside the table */
static const char *strtab_at(const struct elf *e, size_t off)
{
	if (!e->strtab || off >= e->strsz ||
	    !memchr(e->strtab + off, '\0', e->strsz - off))
		return "";
	return e->strtab + off;
}

static int cmp_rela(const void *a, const void *b)
{
	const Elf64_Rela *x = a, *y = b;

	return x->r_offset < y->r_offset ? -1 : x->r_offset > y->r_offset;
}

static struct relocs *relocs_of(const struct elf *e, unsigned int shndx)
{
	for (size_t i = 0; i < e->nr_relocs; i++)
		if (e->relocs[i].shndx == shndx)
			return &e->relocs[i];
	return NULL;
}

/* The symbol table, its strings, and the ordinary RELA sections. */
static int elf_open(struct elf *e)
{
	Elf64_Shdr sh, st;

	e->shnum = modfile_nr_sections(e->buf);
	for (unsigned int i = 1; i < e->shnum; i++) {
		modfile_shdr(e->buf, i, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		e->syms = modfile_section_data(e->buf, e->size, &sh);
		if (!e->syms || sh.sh_entsize != sizeof(Elf64_Sym))
			return fail(e, "symbol table (section %u) is not in the file or has entries of %lu bytes",
				    i, (unsigned long)sh.sh_entsize);
		e->symtab = i;
		e->nsyms = sh.sh_size / sizeof(Elf64_Sym);
		if (modfile_shdr(e->buf, sh.sh_link, &st) || st.sh_type != SHT_STRTAB ||
		    !(e->strtab = (const char *)modfile_section_data(e->buf, e->size, &st)))
			return fail(e, "symbol table (section %u) has no string table in the file", i);
		e->strsz = st.sh_size;
		break;
	}
	if (!e->symtab)
		return fail(e, "no symbol table");
	for (unsigned int i = 1; i < e->shnum; i++) {
		const unsigned char *d;
		struct relocs *rs;

		modfile_shdr(e->buf, i, &sh);
		if (sh.sh_type != SHT_RELA || (sh.sh_flags & KLPINFO_SHF_RELA_LIVEPATCH) ||
		    sh.sh_link != e->symtab || sh.sh_info == 0 || sh.sh_info >= e->shnum)
			continue;
		d = modfile_section_data(e->buf, e->size, &sh);
		if (!d || sh.sh_entsize != sizeof(Elf64_Rela))
			return fail(e, "relocation section %u is not in the file or has entries of %lu bytes",
				    i, (unsigned long)sh.sh_entsize);
		rs = relocs_of(e, sh.sh_info);
		if (!rs) {
			rs = realloc(e->relocs, (e->nr_relocs + 1) * sizeof(*rs));
			if (!rs)
				return fail(e, "out of memory");
			e->relocs = rs;
			rs = &e->relocs[e->nr_relocs++];
			*rs = (struct relocs){ .shndx = sh.sh_info };
		}
		{
			size_t n = sh.sh_size / sizeof(Elf64_Rela);
			Elf64_Rela *r = realloc(rs->r, (rs->n + n + 1) * sizeof(*r));

			if (!r)
				return fail(e, "out of memory");
			memcpy(r + rs->n, d, n * sizeof(*r));
			rs->r = r;
			rs->n += n;
		}
	}
	for (size_t i = 0; i < e->nr_relocs; i++)
		qsort(e->relocs[i].r, e->relocs[i].n, sizeof(Elf64_Rela), cmp_rela);
	return 0;
}

static void elf_close(struct elf *e)
{
	for (size_t i = 0; i < e->nr_relocs; i++)
		free(e->relocs[i].r);
	free(e->relocs);
}

static const Elf64_Rela *reloc_at(const struct elf *e, unsigned int shndx, uint64_t off)
{
	const struct relocs *rs = relocs_of(e, shndx);
	size_t lo = 0, hi;

	if (!rs)
		return NULL;
	hi = rs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->r[mid].r_offset < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rs->n && rs->r[lo].r_offset == off ? &rs->r[lo] : NULL;
}

/* len bytes at off in section shndx; NULL when not all of them are there */
static const unsigned char *bytes_at(const struct elf *e, unsigned int shndx,
				     uint64_t off, size_t len, int *nobits)
{
	Elf64_Shdr sh;

	*nobits = 0;
	if (shndx == 0 || modfile_shdr(e->buf, shndx, &sh) ||
	    off > sh.sh_size || len > sh.sh_size - off)
		return NULL;
	if (sh.sh_type == SHT_NOBITS) {
		*nobits = 1;	/* .bss: zeros */
		return NULL;
	}
	{
		const unsigned char *d = modfile_section_data(e->buf, e->size, &sh);

		return d ? d + off : NULL;
	}
}

/* An integer field; -1 when it is not inside its section */
static int read_uint(const struct elf *e, unsigned int shndx, uint64_t off,
		     size_t len, uint64_t *v)
{
	int nobits;
	const unsigned char *p = bytes_at(e, shndx, off, len, &nobits);

	*v = 0;
	if (nobits)
		return 0;
	if (!p)
		return -1;
	memcpy(v, p, len);	/* little-endian, as modfile_parse() checked */
	return 0;
}

static int read_ptr(const struct elf *e, unsigned int shndx, uint64_t off, struct ptr *p)
{
	const Elf64_Rela *r = reloc_at(e, shndx, off);
	Elf64_Sym sym;
	uint64_t raw;

	memset(p, 0, sizeof(*p));
	p->sym = "";
	if (read_uint(e, shndx, off, 8, &raw))
		return -1;
	if (!r) {
		/* in a relocatable file only a relocation makes a pointer */
		p->null = 1;
		return 0;
	}
	if (ELF64_R_TYPE(r->r_info) != R_X86_64_64 ||
	    sym_get(e, ELF64_R_SYM(r->r_info), &sym))
		return -1;
	p->sym = strtab_at(e, sym.st_name);
	p->symtype = ELF64_ST_TYPE(sym.st_info);
	p->at_sym = r->r_addend == 0;
	if (sym.st_shndx == SHN_UNDEF) {
		p->undef = 1;
		return 0;
	}
	if (sym.st_shndx >= e->shnum)
		return -1;
	p->shndx = sym.st_shndx;
	p->off = sym.st_value + (uint64_t)r->r_addend;
	return 0;
}

/* The string a pointer points at, copied; -1 when it is not a string */
static int read_string(const struct elf *e, const struct ptr *p, char *out, size_t len)
{
	Elf64_Shdr sh;
	const unsigned char *d;
	size_t n;

	if (p->null || p->undef || modfile_shdr(e->buf, p->shndx, &sh) ||
	    !(d = modfile_section_data(e->buf, e->size, &sh)) || p->off >= sh.sh_size)
		return -1;
	n = strnlen((const char *)d + p->off, sh.sh_size - p->off);
	if (n == sh.sh_size - p->off || n == 0 || n >= len)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (d[p->off + i] < 0x20 || d[p->off + i] >= 0x7f)
			return -1;
	memcpy(out, d + p->off, n + 1);
	return 0;
}

/* The name of the function a pointer points at: its symbol's */
static void func_name(const struct elf *e, const struct ptr *p, char *out, size_t len)
{
	Elf64_Sym sym;

	/* the relocation names it, unless its addend points elsewhere */
	if ((p->symtype == STT_FUNC && p->sym[0] && p->at_sym) || p->undef) {
		copy_str(out, len, p->sym[0] ? p->sym : "?");
		return;
	}
	for (size_t i = 0; i < e->nsyms; i++) {
		if (sym_get(e, i, &sym) || ELF64_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx != p->shndx || sym.st_value != p->off)
			continue;
		if (strtab_at(e, sym.st_name)[0]) {
			copy_str(out, len, strtab_at(e, sym.st_name));
			return;
		}
	}
	snprintf(out, len, "section%u+0x%llx", p->shndx, (unsigned long long)p->off);
}

static int read_funcs(struct elf *e, struct klpinfo *ki, struct klpinfo_obj *o,
		      const struct ptr *funcs, int *total)
{
	for (uint64_t i = 0;; i++) {
		uint64_t base = funcs->off + i * KLP_FUNC_SIZE, sympos;
		struct ptr oldp, newp;
		struct klpinfo_func *f;

		if (read_ptr(e, funcs->shndx, base + KLP_FUNC_OLD_NAME, &oldp) ||
		    read_ptr(e, funcs->shndx, base + KLP_FUNC_NEW_FUNC, &newp) ||
		    read_uint(e, funcs->shndx, base + KLP_FUNC_OLD_SYMPOS, 8, &sympos))
			return fail(e, "object %s: klp_func array runs past its section", o->name);
		/* the kernel's klp_for_each_func_static() end */
		if (oldp.null && newp.null && !sympos)
			return 0;
		if (++*total > KLPINFO_MAX_FUNCS)
			return fail(e, "more than %d functions", KLPINFO_MAX_FUNCS);
		f = realloc(o->funcs, (o->nr_funcs + 1) * sizeof(*f));
		if (!f)
			return fail(e, "out of memory");
		o->funcs = f;
		f = &o->funcs[o->nr_funcs++];
		memset(f, 0, sizeof(*f));
		if (read_string(e, &oldp, f->name, sizeof(f->name)))
			return fail(e, "object %s: function %d: old_name is not a string", o->name,
				    o->nr_funcs);
		if (newp.null)
			return fail(e, "object %s: function %s: no new_func", o->name, f->name);
		func_name(e, &newp, f->new_func, sizeof(f->new_func));
		f->sympos = sympos;
	}
	(void)ki;
}

static int callback(const struct elf *e, unsigned int shndx, uint64_t off, bool *present)
{
	struct ptr p;

	if (read_ptr(e, shndx, off, &p))
		return -1;
	*present = !p.null;
	return 0;
}

static int read_objs(struct elf *e, struct klpinfo *ki, const struct ptr *objs)
{
	int total = 0;

	if (objs->null || objs->undef)
		return fail(e, "klp_patch has no objects");
	for (uint64_t i = 0;; i++) {
		uint64_t base = objs->off + i * KLP_OBJECT_SIZE, cb = base + KLP_OBJECT_CALLBACKS;
		struct ptr namep, funcsp;
		struct klpinfo_obj *o;

		if (read_ptr(e, objs->shndx, base + KLP_OBJECT_NAME, &namep) ||
		    read_ptr(e, objs->shndx, base + KLP_OBJECT_FUNCS, &funcsp))
			return fail(e, "klp_object array runs past its section");
		/* klp_for_each_object_static()'s end */
		if (namep.null && funcsp.null)
			break;
		if (ki->nr_objs >= KLPINFO_MAX_OBJS)
			return fail(e, "more than %d objects", KLPINFO_MAX_OBJS);
		o = realloc(ki->objs, (ki->nr_objs + 1) * sizeof(*o));
		if (!o)
			return fail(e, "out of memory");
		ki->objs = o;
		o = &ki->objs[ki->nr_objs++];
		memset(o, 0, sizeof(*o));
		if (namep.null)
			copy_str(o->name, sizeof(o->name), "vmlinux");
		else if (read_string(e, &namep, o->name, sizeof(o->name)))
			return fail(e, "object %d: name is not a string", ki->nr_objs);
		if (callback(e, objs->shndx, cb, &o->pre_patch) ||
		    callback(e, objs->shndx, cb + 8, &o->post_patch) ||
		    callback(e, objs->shndx, cb + 16, &o->pre_unpatch) ||
		    callback(e, objs->shndx, cb + 24, &o->post_unpatch))
			return fail(e, "object %s: callbacks run past its section", o->name);
		if (funcsp.null || funcsp.undef)
			return fail(e, "object %s: no functions", o->name);
		if (read_funcs(e, ki, o, &funcsp, &total))
			return -1;
	}
	if (!ki->nr_objs)
		return fail(e, "klp_patch has no objects");
	return 0;
}

static int read_states(struct elf *e, struct klpinfo *ki, const struct ptr *states)
{
	if (states->null)
		return 0;
	if (states->undef)
		return fail(e, "klp_patch states point at undefined symbol %s", states->sym);
	for (uint64_t i = 0;; i++) {
		uint64_t base = states->off + i * KLP_STATE_SIZE, id, version;
		struct klpinfo_state *s;

		if (read_uint(e, states->shndx, base + KLP_STATE_ID, 8, &id) ||
		    read_uint(e, states->shndx, base + KLP_STATE_VERSION, 4, &version))
			return fail(e, "klp_state array runs past its section");
		if (!id)	/* klp_for_each_state()'s end */
			return 0;
		if (ki->nr_states >= KLPINFO_MAX_STATES)
			return fail(e, "more than %d states", KLPINFO_MAX_STATES);
		s = realloc(ki->states, (ki->nr_states + 1) * sizeof(*s));
		if (!s)
			return fail(e, "out of memory");
		ki->states = s;
		ki->states[ki->nr_states++] = (struct klpinfo_state){ id, (unsigned int)version };
	}
}

/* The name of an object symbol of size bytes at off in section shndx, or NULL */
static const char *object_at(const struct elf *e, unsigned int shndx, uint64_t off,
			     uint64_t size)
{
	Elf64_Sym sym;

	for (size_t i = 0; i < e->nsyms; i++)
		if (!sym_get(e, i, &sym) && ELF64_ST_TYPE(sym.st_info) == STT_OBJECT &&
		    sym.st_shndx == shndx && sym.st_value == off && sym.st_size == size)
			return strtab_at(e, sym.st_name);
	return NULL;
}

/*
 * The klp_patch: the data whose first field (mod) is a relocation against
 * __this_module (THIS_MODULE) and whose objects read as klp_objects.
 */
static int read_patch(struct elf *e, struct klpinfo *ki)
{
	char first_err[256] = "";
	int candidates = 0;

	for (size_t i = 0; i < e->nr_relocs; i++) {
		const struct relocs *rs = &e->relocs[i];

		for (size_t j = 0; j < rs->n; j++) {
			struct ptr objs, states;
			Elf64_Sym sym;
			uint64_t replace;

			if (ELF64_R_TYPE(rs->r[j].r_info) != R_X86_64_64 ||
			    sym_get(e, ELF64_R_SYM(rs->r[j].r_info), &sym) ||
			    strcmp(strtab_at(e, sym.st_name), "__this_module"))
				continue;
			candidates++;
			klpinfo_free(ki);
			if (read_ptr(e, rs->shndx, rs->r[j].r_offset + KLP_PATCH_OBJS, &objs) ||
			    read_ptr(e, rs->shndx, rs->r[j].r_offset + KLP_PATCH_STATES, &states) ||
			    read_uint(e, rs->shndx, rs->r[j].r_offset + KLP_PATCH_REPLACE, 1, &replace))
				continue;
			if (objs.null || objs.undef) {
				const char *sname = object_at(e, rs->shndx, rs->r[j].r_offset,
							      KLP_PATCH_SIZE);

				/* a klp_patch by its size, or a file_operations, say */
				if (sname && !first_err[0])
					snprintf(first_err, sizeof(first_err),
						 "'%.64s': objs is not set in the file (set when the module runs?)",
						 sname[0] ? sname : "?");
				continue;
			}
			if (!read_objs(e, ki, &objs) && !read_states(e, ki, &states)) {
				ki->replace = replace != 0;
				return 0;
			}
			if (!first_err[0])
				copy_str(first_err, sizeof(first_err), e->err);
		}
	}
	klpinfo_free(ki);
	if (first_err[0])
		return fail(e, "struct klp_patch: %.200s", first_err);
	return fail(e, "no struct klp_patch found (%d structure(s) with THIS_MODULE, none of them a klp_patch)",
		    candidates);
}

/* ".klp.rela.<object>.<section>" sections and the symbols they need */
static int read_relsecs(struct elf *e, struct klpinfo *ki)
{
	static const char prefix[] = ".klp.rela.";
	int total = 0;

	for (unsigned int i = 1; i < e->shnum; i++) {
		struct klpinfo_relsec *rs;
		const unsigned char *d;
		const char *name, *dot;
		Elf64_Shdr sh;
		size_t n;

		modfile_shdr(e->buf, i, &sh);
		if (!(sh.sh_flags & KLPINFO_SHF_RELA_LIVEPATCH))
			continue;
		name = modfile_section_name(e->buf, e->size, &sh);
		if (strncmp(name, prefix, sizeof(prefix) - 1) ||
		    !(dot = strchr(name + sizeof(prefix) - 1, '.')) ||
		    dot == name + sizeof(prefix) - 1 ||
		    (size_t)(dot - name) - (sizeof(prefix) - 1) >= sizeof(rs->object) ||
		    strlen(name) >= sizeof(rs->section))
			return fail(e, "section %u: SHF_RELA_LIVEPATCH but not named .klp.rela.<object>.<section>", i);
		d = modfile_section_data(e->buf, e->size, &sh);
		if (sh.sh_type != SHT_RELA || !d || sh.sh_entsize != sizeof(Elf64_Rela))
			return fail(e, "section %s: not RELA entries in the file", name);
		if (ki->nr_relsecs >= KLPINFO_MAX_RELSECS)
			return fail(e, "more than %d klp relocation sections", KLPINFO_MAX_RELSECS);
		rs = realloc(ki->relsecs, (ki->nr_relsecs + 1) * sizeof(*rs));
		if (!rs)
			return fail(e, "out of memory");
		ki->relsecs = rs;
		rs = &ki->relsecs[ki->nr_relsecs++];
		memset(rs, 0, sizeof(*rs));
		copy_str(rs->section, sizeof(rs->section), name);
		snprintf(rs->object, sizeof(rs->object), "%.*s",
			 (int)(dot - name - (sizeof(prefix) - 1)), name + sizeof(prefix) - 1);
		n = sh.sh_size / sizeof(Elf64_Rela);
		rs->nr_relocs = (int)(n > INT32_MAX ? INT32_MAX : n);
		for (size_t k = 0; k < n; k++) {
			Elf64_Rela r;
			Elf64_Sym sym;
			const char *s;
			int seen = 0;

			memcpy(&r, d + k * sizeof(r), sizeof(r));
			if (sym_get(e, ELF64_R_SYM(r.r_info), &sym))
				return fail(e, "section %s: relocation %zu names symbol %llu, past the symbol table",
					    name, k, (unsigned long long)ELF64_R_SYM(r.r_info));
			s = strtab_at(e, sym.st_name);
			for (int m = 0; m < rs->nr_syms && !seen; m++)
				seen = !strcmp(rs->syms[m], s);
			if (seen)
				continue;
			if (++total > KLPINFO_MAX_SYMS)
				return fail(e, "more than %d klp relocation symbols", KLPINFO_MAX_SYMS);
			{
				char (*syms)[KLPINFO_NAME_MAX] =
					realloc(rs->syms, (rs->nr_syms + 1) * sizeof(*syms));

				if (!syms)
					return fail(e, "out of memory");
				rs->syms = syms;
			}
			snprintf(rs->syms[rs->nr_syms++], KLPINFO_NAME_MAX, "%s", s);
		}
	}
	return 0;
}

void klpinfo_signature(const void *data, size_t size, struct klpinfo *ki)
{
	const unsigned char *buf = data;
	size_t mlen = sizeof(SIG_MAGIC) - 1;
	/* struct module_signature: algo, hash, id_type, signer_len, key_id_len, pad[3], be32 sig_len */
	unsigned char ms[12];
	uint32_t sig_len;

	ki->is_signed = false;
	ki->sig_len = ki->sig_id_type = 0;
	if (size < mlen + sizeof(ms) || memcmp(buf + size - mlen, SIG_MAGIC, mlen))
		return;
	memcpy(ms, buf + size - mlen - sizeof(ms), sizeof(ms));
	sig_len = (uint32_t)ms[8] << 24 | (uint32_t)ms[9] << 16 | (uint32_t)ms[10] << 8 | ms[11];
	if (sig_len > size - mlen - sizeof(ms))
		return;
	ki->is_signed = true;
	ki->sig_len = sig_len;
	ki->sig_id_type = ms[2];
}

int klpinfo_parse(const void *buf, size_t size, struct klpinfo *ki,
		  char *err, size_t errlen)
{
	struct elf e = { .buf = buf, .size = size, .err = err, .errlen = errlen };
	int ret;

	memset(ki, 0, sizeof(*ki));
	klpinfo_signature(buf, size, ki);
	ret = elf_open(&e);
	if (!ret)
		ret = read_patch(&e, ki);
	if (!ret)
		ret = read_relsecs(&e, ki);
	elf_close(&e);
	return ret;
}

void klpinfo_free(struct klpinfo *ki)
{
	bool is_signed = ki->is_signed;
	unsigned int len = ki->sig_len, type = ki->sig_id_type;

	for (int i = 0; i < ki->nr_objs; i++)
		free(ki->objs[i].funcs);
	free(ki->objs);
	free(ki->states);
	for (int i = 0; i < ki->nr_relsecs; i++)
		free(ki->relsecs[i].syms);
	free(ki->relsecs);
	memset(ki, 0, sizeof(*ki));
	/* what the file's end says stays */
	ki->is_signed = is_signed;
	ki->sig_len = len;
	ki->sig_id_type = type;
}
