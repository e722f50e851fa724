// SPDX-License-Identifier: GPL-2.0
/*
 * klp relocations of module objects. A patch module reaches symbols it
 * cannot link against (static ones, those of a module that may load
 * later) through sections named .klp.rela.<object>.<section>, flagged
 * SHF_RELA_LIVEPATCH, whose entries point at symbols named
 * .klp.sym.<object>.<name>,<sympos> in section SHN_LIVEPATCH
 * (Documentation/livepatch/module-elf-format.rst). The module loader
 * writes the vmlinux ones while the patch module loads, whoever serves
 * its klp_enable_patch(). Those of a module object are written by the
 * kernel's livepatch when the object is resolved and cleared when its
 * target goes; for a shunt patch, here, with the same rules:
 *
 *  - written when the object's target is there: at enable for a target
 *    already loaded (core.c), when it comes otherwise (module.c), in
 *    both cases before any callback of the object runs;
 *  - every symbol resolved in its own object with sympos as the kernel
 *    means it (0: must be unique), every entry checked, before anything
 *    is written: a relocation that cannot be written is a one-line error
 *    naming the section, the symbol and the object, and nothing is
 *    written;
 *  - cleared when the target goes (module.c), so that it can load again,
 *    and when an apply fails (core.c).
 *
 * The ELF information comes from what the kernel keeps for livepatch
 * modules (mod->klp_info, its symbol table being the module's
 * core_kallsyms); the writing from the kernel's own apply_relocate_add()
 * and clear_relocate_add() (compat.c). Everything here runs under
 * shunt_mutex; those take text_mutex inside it, the order ftrace's
 * updates (register_ftrace_function() under shunt_mutex) already use.
 * x86-64 only, as the shim is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "shunt.h"

#define RELOCS_SEC_PREFIX	".klp.rela."
#define RELOCS_SYM_PREFIX	".klp.sym."

/* what one symbol name says, and scratch for the messages */
struct relocs_sym {
	char obj[MODULE_NAME_LEN];
	char name[KSYM_NAME_LEN];
	unsigned long pos;
	char why[160];
};

static Elf_Sym *relocs_symtab(struct module *pmod, unsigned int *nsyms)
{
	struct klp_modinfo *info = pmod->klp_info;

	*nsyms = pmod->core_kallsyms.num_symtab;
	return (Elf_Sym *)info->sechdrs[info->symndx].sh_addr;
}

static const char *relocs_sec_name(struct klp_modinfo *info, unsigned int i)
{
	return info->secstrings + info->sechdrs[i].sh_name;
}

/*
 * The object of a klp relocation section, ".klp.rela.<object>.<section>":
 * its name and length in *obj, *len. False when the name is malformed.
 */
static bool relocs_sec_object(const char *secname, const char **obj,
			      size_t *len)
{
	const char *p, *dot;

	if (!str_has_prefix(secname, RELOCS_SEC_PREFIX))
		return false;
	p = secname + strlen(RELOCS_SEC_PREFIX);
	dot = strchr(p, '.');
	if (!dot || dot == p || dot - p >= MODULE_NAME_LEN)
		return false;
	*obj = p;
	*len = dot - p;
	return true;
}

static bool relocs_sec_is(struct klp_modinfo *info, unsigned int i,
			  const char *objname)
{
	const char *obj;
	size_t len;

	if (!(info->sechdrs[i].sh_flags & SHF_RELA_LIVEPATCH))
		return false;
	if (!relocs_sec_object(relocs_sec_name(info, i), &obj, &len))
		return false;
	return len == strlen(objname) && !strncmp(obj, objname, len);
}

/* the index of objname's next klp relocation section after i; 0: none */
static unsigned int relocs_next_sec(struct klp_modinfo *info,
				    const char *objname, unsigned int i)
{
	while (++i < info->hdr.e_shnum)
		if (relocs_sec_is(info, i, objname))
			return i;
	return 0;
}

#define relocs_for_each_sec(info, objname, i)				\
	for (i = relocs_next_sec(info, objname, 0); i;			\
	     i = relocs_next_sec(info, objname, i))

/*
 * At enable: a patch with klp relocation sections for module objects
 * needs the kernel's functions that write them; and a malformed section
 * is refused before anything happens (the kernel's livepatch refuses it
 * too, when it writes the first object).
 */
int shunt_relocs_prepare(struct shunt_patch *patch, char *err, size_t errlen)
{
	struct klp_modinfo *info = patch->mod->klp_info;
	bool needed = false;
	const char *secname, *obj;
	unsigned int i;
	size_t len;

	lockdep_assert_held(&shunt_mutex);
	if (!info)
		return 0;
	for (i = 1; i < info->hdr.e_shnum; i++) {
		Elf_Shdr *sec = &info->sechdrs[i];

		if (!(sec->sh_flags & SHF_RELA_LIVEPATCH))
			continue;
		secname = relocs_sec_name(info, i);
		if (!relocs_sec_object(secname, &obj, &len)) {
			snprintf(err, errlen,
				 "klp relocation section %s: the name is not .klp.rela.<object>.<section>",
				 secname);
			return -EINVAL;
		}
		if (len == strlen("vmlinux") && !strncmp(obj, "vmlinux", len))
			continue;	/* written by the module loader */
		/* without SHF_ALLOC its entries were freed after the load */
		if (sec->sh_type != SHT_RELA || !(sec->sh_flags & SHF_ALLOC) ||
		    sec->sh_info >= info->hdr.e_shnum ||
		    !(info->sechdrs[sec->sh_info].sh_flags & SHF_ALLOC)) {
			snprintf(err, errlen,
				 "klp relocation section %s: not an allocated SHT_RELA section of an allocated section",
				 secname);
			return -EINVAL;
		}
		needed = true;
	}
	return needed ? shunt_relocate_init(patch->mod->name, err, errlen) : 0;
}

/* ".klp.sym.<object>.<name>,<sympos>" into rs; false when malformed */
static bool relocs_parse_sym(const char *symname, struct relocs_sym *rs)
{
	const char *p, *dot, *comma;

	if (!str_has_prefix(symname, RELOCS_SYM_PREFIX))
		return false;
	p = symname + strlen(RELOCS_SYM_PREFIX);
	dot = strchr(p, '.');
	if (!dot || dot == p || dot - p >= sizeof(rs->obj))
		return false;
	comma = strchr(dot + 1, ',');
	if (!comma || comma == dot + 1 || comma - dot - 1 >= sizeof(rs->name))
		return false;
	memcpy(rs->obj, p, dot - p);
	rs->obj[dot - p] = '\0';
	memcpy(rs->name, dot + 1, comma - dot - 1);
	rs->name[comma - dot - 1] = '\0';
	return !kstrtoul(comma + 1, 10, &rs->pos);
}

/*
 * Where the symbol of a module object's relocation is. Like the kernel,
 * only in a module (the target or one it depends on): a vmlinux symbol
 * a module object needs is reached through the vmlinux sections.
 */
static int relocs_resolve_sym(const char *symname, struct relocs_sym *rs,
			      unsigned long *addr)
{
	struct module *mod;

	if (!relocs_parse_sym(symname, rs)) {
		snprintf(rs->why, sizeof(rs->why),
			 "the name is not .klp.sym.<object>.<name>,<sympos>");
		return -EINVAL;
	}
	if (!strcmp(rs->obj, "vmlinux")) {
		snprintf(rs->why, sizeof(rs->why),
			 "a vmlinux symbol in a module object's section (only .klp.rela.vmlinux.* may name vmlinux)");
		return -EINVAL;
	}
	mod = shunt_find_module(rs->obj);
	if (!mod) {
		snprintf(rs->why, sizeof(rs->why), "module '%s' is not loaded",
			 rs->obj);
		return -EINVAL;
	}
	return shunt_module_symbol(mod, rs->name, rs->pos, addr, rs->why,
				   sizeof(rs->why));
}

/*
 * Whether apply_relocate_add() will write this entry: a type it knows,
 * a value that fits, a place inside its section that still reads 0.
 * Checked first so that a bad entry writes nothing at all.
 */
static int relocs_check_entry(const Elf_Rela *rela, const Elf_Shdr *target,
			      unsigned long addr, char *why, size_t whylen)
{
	unsigned int type = ELF64_R_TYPE(rela->r_info);
	u64 val = addr + rela->r_addend;
	void *loc = (void *)target->sh_addr + rela->r_offset;
	size_t size;

	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
	case R_X86_64_PC64:
		size = 8;
		break;
	case R_X86_64_32:
		size = 4;
		if (val != (u32)val)
			goto overflow;
		break;
	case R_X86_64_32S:
		size = 4;
		if ((s64)val != (s32)val)
			goto overflow;
		break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		size = 4;
		break;
	default:
		snprintf(why, whylen, "unknown relocation type %u", type);
		return -ENOEXEC;
	}
	if (rela->r_offset > target->sh_size ||
	    target->sh_size - rela->r_offset < size) {
		snprintf(why, whylen, "offset 0x%llx is outside its section",
			 (unsigned long long)rela->r_offset);
		return -ENOEXEC;
	}
	if (memchr_inv(loc, 0, size)) {
		snprintf(why, whylen, "the place at offset 0x%llx is already written",
			 (unsigned long long)rela->r_offset);
		return -ENOEXEC;
	}
	return 0;

overflow:
	snprintf(why, whylen, "value 0x%llx does not fit relocation type %u",
		 (unsigned long long)val, type);
	return -ENOEXEC;
}

/* Resolve and check every entry of section i; addresses go to *addrs. */
static int relocs_check_sec(struct shunt_object *obj, unsigned int i,
			    struct relocs_sym *rs, unsigned long **addrs,
			    char *err, size_t errlen)
{
	struct module *pmod = obj->patch->mod;
	struct klp_modinfo *info = pmod->klp_info;
	const Elf_Shdr *sec = &info->sechdrs[i];
	const Elf_Rela *relas = (const Elf_Rela *)sec->sh_addr;
	const char *strtab = pmod->core_kallsyms.strtab;
	unsigned int n, nsyms, symi;
	Elf_Sym *syms = relocs_symtab(pmod, &nsyms);
	const char *symname;
	int ret;

	for (n = 0; n < sec->sh_size / sizeof(*relas); n++) {
		symi = ELF64_R_SYM(relas[n].r_info);
		if (!symi || symi >= nsyms) {
			snprintf(err, errlen,
				 "klp relocation section %s (object '%s'): entry %u has no valid symbol",
				 relocs_sec_name(info, i), obj->name, n);
			return -EINVAL;
		}
		symname = strtab + syms[symi].st_name;
		if (syms[symi].st_shndx != SHN_LIVEPATCH) {
			snprintf(rs->why, sizeof(rs->why),
				 "not a livepatch symbol (st_shndx is not SHN_LIVEPATCH)");
			ret = -EINVAL;
		} else {
			ret = relocs_resolve_sym(symname, rs, *addrs);
		}
		if (!ret)
			ret = relocs_check_entry(&relas[n],
						 &info->sechdrs[sec->sh_info],
						 **addrs, rs->why,
						 sizeof(rs->why));
		if (ret) {
			snprintf(err, errlen,
				 "klp relocation section %s, symbol %s, object '%s': %s",
				 relocs_sec_name(info, i), symname, obj->name,
				 rs->why);
			return ret;
		}
		(*addrs)++;
	}
	return 0;
}

static void relocs_clear_until(struct shunt_object *obj, unsigned int last)
{
	struct module *pmod = obj->patch->mod;
	struct klp_modinfo *info = pmod->klp_info;
	unsigned int i;

	relocs_for_each_sec(info, obj->name, i) {
		if (i >= last)
			break;
		shunt_clear_relocate_add(info->sechdrs,
					 pmod->core_kallsyms.strtab,
					 info->symndx, i, pmod);
	}
}

/* Point each entry's symbol at what was resolved, then write the section. */
static int relocs_write_sec(struct shunt_object *obj, unsigned int i,
			    unsigned long **addrs)
{
	struct module *pmod = obj->patch->mod;
	struct klp_modinfo *info = pmod->klp_info;
	const Elf_Shdr *sec = &info->sechdrs[i];
	const Elf_Rela *relas = (const Elf_Rela *)sec->sh_addr;
	unsigned int n, nsyms;
	Elf_Sym *syms = relocs_symtab(pmod, &nsyms);

	for (n = 0; n < sec->sh_size / sizeof(*relas); n++)
		syms[ELF64_R_SYM(relas[n].r_info)].st_value = *(*addrs)++;
	return shunt_apply_relocate_add(info->sechdrs,
					pmod->core_kallsyms.strtab,
					info->symndx, i, pmod);
}

/*
 * Write the klp relocation sections of a module object whose target is
 * loaded (and resolved: obj->mod is set). All or nothing.
 */
int shunt_object_write_relocs(struct shunt_object *obj, char *err,
			      size_t errlen)
{
	struct klp_modinfo *info = obj->patch->mod->klp_info;
	unsigned long *addrs = NULL, *cur;
	struct relocs_sym *rs = NULL;
	unsigned int i;
	size_t nr = 0;
	int ret = 0;

	lockdep_assert_held(&shunt_mutex);
	/* a dynamic object stands for older patches' nops: no sections */
	if (shunt_object_is_vmlinux(obj) || obj->dynamic || obj->relocs ||
	    !info)
		return 0;
	if (obj->relocs_stale) {
		snprintf(err, errlen,
			 "the klp relocations for the last '%s' are still written, and this kernel has no clear_relocate_add() to clear them: revert the patch before loading '%s' again",
			 obj->name, obj->name);
		return -EBUSY;
	}
	relocs_for_each_sec(info, obj->name, i)
		nr += info->sechdrs[i].sh_size / sizeof(Elf_Rela);
	if (!nr)
		return 0;

	rs = kmalloc(sizeof(*rs), GFP_KERNEL);
	addrs = kvcalloc(nr, sizeof(*addrs), GFP_KERNEL);
	if (!rs || !addrs) {
		snprintf(err, errlen, "out of memory for klp relocations of '%s'",
			 obj->name);
		ret = -ENOMEM;
		goto out;
	}
	cur = addrs;
	relocs_for_each_sec(info, obj->name, i) {
		ret = relocs_check_sec(obj, i, rs, &cur, err, errlen);
		if (ret)
			goto out;
	}
	cur = addrs;
	relocs_for_each_sec(info, obj->name, i) {
		ret = relocs_write_sec(obj, i, &cur);
		if (ret) {
			relocs_clear_until(obj, i);
			obj->relocs_stale = !shunt_can_clear_relocs();
			snprintf(err, errlen,
				 "klp relocation section %s (object '%s'): the kernel could not write it: %d",
				 relocs_sec_name(info, i), obj->name, ret);
			goto out;
		}
	}
	obj->relocs = true;
out:
	kvfree(addrs);
	kfree(rs);
	return ret;
}

/* Before the target goes (or after a failed apply): back to zeroes. */
void shunt_object_clear_relocs(struct shunt_object *obj)
{
	lockdep_assert_held(&shunt_mutex);
	if (!obj->relocs)
		return;
	relocs_clear_until(obj, U32_MAX);
	obj->relocs = false;
	obj->relocs_stale = !shunt_can_clear_relocs();
}
