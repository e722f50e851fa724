/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a livepatch module file would patch, read from the file alone:
 * its struct klp_patch, objects, functions, states and callbacks (static
 * data whose pointers are relocations), its klp relocation sections and
 * its signature. For 'shunt info'.
 */
#ifndef SHUNT_KLPINFO_H
#define SHUNT_KLPINFO_H

#include <stdbool.h>
#include <stddef.h>

/* Caps: a file saying more is refused (they bound the work, too). */
#define KLPINFO_MAX_OBJS	256
#define KLPINFO_MAX_FUNCS	8192	/* all objects together */
#define KLPINFO_MAX_STATES	256
#define KLPINFO_MAX_RELSECS	256
#define KLPINFO_MAX_SYMS	8192	/* all klp relocation sections together */
#define KLPINFO_NAME_MAX	256

struct klpinfo_func {
	char name[KLPINFO_NAME_MAX];	/* old_name */
	char new_func[KLPINFO_NAME_MAX];	/* symbol new_func points at */
	unsigned long sympos;		/* old_sympos as the module has it */
};

struct klpinfo_obj {
	char name[64];			/* "vmlinux" for a NULL name */
	bool pre_patch, post_patch, pre_unpatch, post_unpatch;
	int nr_funcs;
	struct klpinfo_func *funcs;
};

struct klpinfo_state {
	unsigned long id;
	unsigned int version;
};

/* one .klp.rela.<object>.<section> section */
struct klpinfo_relsec {
	char section[KLPINFO_NAME_MAX];
	char object[64];
	int nr_relocs;
	int nr_syms;
	char (*syms)[KLPINFO_NAME_MAX];	/* .klp.sym.<object>.<name>,<pos>, each once */
};

struct klpinfo {
	bool replace;
	int nr_objs;
	struct klpinfo_obj *objs;
	int nr_states;
	struct klpinfo_state *states;
	int nr_relsecs;
	struct klpinfo_relsec *relsecs;
	bool is_signed;			/* "~Module signature appended~\n" */
	unsigned int sig_len;		/* of the signature, when signed */
	unsigned int sig_id_type;	/* 2: PKCS#7 */
};

/*
 * Read the klp structures of buf, a module that passed modfile_parse().
 * buf is untrusted: every read is bounded by size. 0, or -1 with the
 * reason (one line) in err. Free ki with klpinfo_free() either way.
 */
int klpinfo_parse(const void *buf, size_t size, struct klpinfo *ki,
		  char *err, size_t errlen);
void klpinfo_free(struct klpinfo *ki);

/* Only the signature trailer: whether it is there, sig_len, id_type. */
void klpinfo_signature(const void *buf, size_t size, struct klpinfo *ki);

#endif
