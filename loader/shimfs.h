/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shim's sysfs ABI as the loader uses it (shunt_abi.h says what each
 * file holds): the file names, the paths under SHUNT_SYSFS_ROOT, reading
 * and writing them, and the one parser of a patch's "stats".
 */
#ifndef SHUNT_SHIMFS_H
#define SHUNT_SHIMFS_H

#include <stddef.h>
#include <linux/types.h>

#include "shunt_abi.h"

/*
 * The files of a patch directory, SHUNT_SYSFS_ROOT/<patch>/. Where the
 * kernel's livepatch has a file of the same name (enabled, transition,
 * replace, an object's patched) it means the same in
 * SHUNT_KLP_SYSFS_ROOT/<patch>/, so patchinfo.c reads both trees with
 * these names.
 */
#define SHIM_ATTR_ENABLED	"enabled"
#define SHIM_ATTR_TRANSITION	"transition"
#define SHIM_ATTR_FORCE		"force"
#define SHIM_ATTR_FORCED	"forced"
#define SHIM_ATTR_STATS		"stats"
#define SHIM_ATTR_STATE		"state"
#define SHIM_ATTR_SEQ		"seq"
#define SHIM_ATTR_REPLACE	"replace"
#define SHIM_ATTR_CONSISTENCY	"consistency"
#define SHIM_ATTR_REDIRECT	"redirect"
#define SHIM_ATTR_BLOCKED	"blocked"
#define SHIM_ATTR_PARKED	"parked"	/* kthreads --park-kthreads parked */
#define SHIM_ATTR_ERROR		"error"		/* why the last write was refused */
#define SHIM_ATTR_REPLACED_BY	"replaced_by"
/* a line per function, "OBJECT:FUNCTION,SYMPOS ..." (shunt_abi.h) */
#define SHIM_ATTR_FUNCS		"funcs"		/* immediate, new_func */
#define SHIM_ATTR_ADDRS		"addrs"		/* root's: kernel addresses */
#define SHIM_ATTR_CALLS		"calls"		/* the shim's call counters */
/* the kernel's livepatch only: its apply order */
#define KLP_ATTR_STACK_ORDER	"stack_order"
/* An object directory: SHIM_OBJ_VMLINUX or the target module's name. */
#define SHIM_OBJ_VMLINUX	"vmlinux"
/* of an object directory, <patch>/<object>/ */
#define SHIM_ATTR_PATCHED	"patched"
/* function directories, <patch>/<object>/<function>,<sympos>/, have no files */

/* SHUNT_SYSFS_ROOT/patch into buf; returns buf. */
char *shimfs_patch_dir(char *buf, size_t len, const char *patch);

/* Is shunt.ko loaded, i.e. does SHUNT_SYSFS_ROOT exist? */
int shimfs_loaded(void);

/*
 * The loaded shim must speak our sysfs ABI: its version file says
 * SHUNT_VERSION. Prints one line and returns -1 when it does not.
 */
int shimfs_check_version(void);

/* Is there a shunt patch (or a kernel livepatch) called patch? */
int shimfs_patch_exists(const char *patch);
int shimfs_klp_patch_exists(const char *patch);

/*
 * For a verb's NAME argument: 0 when shunt patch name exists. Else print
 * why ("no shunt patch NAME", or that it is a kernel livepatch and how to
 * revert that one) and return -1.
 */
int shimfs_find_patch(const char *name);

/* Attribute attr of patch into buf, trailing newlines cut; -1 with errno. */
int shimfs_read(const char *patch, const char *attr, char *buf, size_t len);

/* Attribute attr of patch as a number; def when it cannot be read. */
long shimfs_read_long(const char *patch, const char *attr, long def);

/* Write value to attribute attr of patch; -1 with errno. */
int shimfs_write(const char *patch, const char *attr, const char *value);

/*
 * Why the shim refused a write to patch that failed with err: its "error"
 * file when that says something, else strerror(err). Returns buf or a
 * static string.
 */
const char *shimfs_refusal(const char *patch, int err, char *buf, size_t len);

/*
 * The tasks holding patch up, one a line; "" when there are none or the
 * file cannot be read.
 */
void shimfs_read_blocked(const char *patch, char *buf, size_t len);

/* 0 once the directory of patch is gone, -1 after timeout seconds. */
int shimfs_wait_patch_gone(const char *patch, double timeout);

/* A function directory "name,sympos" into its parts; -1 when it is not one. */
int parse_func_dir(const char *dirname, char *name, size_t len,
		   unsigned long *sympos);

/* One line of a patch's "funcs" file: "LABEL IMMEDIATE NEW_FUNC". */
struct shimfs_func {
	char obj[64];
	char name[256];
	unsigned long sympos;
	int immediate;
	char new_func[256];	/* as %ps prints it: "name [module]", "(nop)" */
};

/* Parse a funcs line (up to its newline); -1 when it is not one. */
int shimfs_parse_funcs_line(const char *line, struct shimfs_func *f);

/*
 * The addresses of one patched function, a line of the root-only
 * "addrs" file. old_addr and old_size are 0 while the object's module
 * is not loaded, new_addr 0 for a no-op.
 */
struct shimfs_func_addrs {
	__u64 old_addr, old_size, old_body, new_addr, new_size;
	int direct;	/* a direct call: no BPF trampoline on the original */
};

/* Parse what follows the label of an addrs line; -1 (a all 0) if malformed. */
int shimfs_parse_addrs(const char *rest, struct shimfs_func_addrs *a);

/*
 * In the text of a per-function file, the line of label
 * ("OBJECT:FUNCTION,SYMPOS"): what follows the label, or NULL. The
 * search starts at *cursor (NULL: the start), wraps around, and leaves
 * *cursor past the line found: looking up functions in the file's order
 * reads the file once.
 */
const char *shimfs_find_line(const char *text, const char *label,
			     const char **cursor);

/*
 * One line of a patch's "calls" file: the shim's call counters of a
 * function, "OBJECT:FUNCTION,SYMPOS NEW OLD".
 */
struct shimfs_calls {
	char label[320];
	unsigned long long new_calls, old_calls;
};

/*
 * Read patch's "calls" file into c (at most max lines); the number of
 * lines, -1 with errno when it cannot be read (no such patch, an older
 * shim).
 */
int shimfs_read_calls(const char *patch, struct shimfs_calls *c, int max);

/* Parse the text of a calls file: its well-formed lines, at most max. */
int shimfs_parse_calls(const char *text, struct shimfs_calls *c, int max);

/* A patch's "stats" file: the last transition, or the running one so far. */
struct shimfs_stats {
	unsigned long long duration_ns, stop_ns, pending;
	unsigned long long switched[SHUNT_NR_HOW];	/* SHUNT_HOW_NAMES order */
};

/* Parse the text of a stats file; what it lacks stays 0. */
void shimfs_parse_stats(const char *text, struct shimfs_stats *st);

/* Read and parse patch's stats file; -1 with errno (st all 0). */
int shimfs_read_stats(const char *patch, struct shimfs_stats *st);

/* Every task the stats count as switched, however it switched. */
unsigned long long shimfs_stats_switched(const struct shimfs_stats *st);

/* The claim file, opened with flags (O_RDONLY, O_WRONLY); -1 with errno. */
int shimfs_open_claim(int flags);

/* The claim file's whole text, malloc'd; -1 with errno. */
int shimfs_read_claims(char **text, size_t *size);

#endif
