// SPDX-License-Identifier: GPL-2.0
/*
 * A patch's per-function files, /sys/kernel/shunt/<patch>/{funcs,addrs,calls}:
 * one line per patched function, "OBJECT:FUNCTION,SYMPOS ...", for every
 * function of the patch in one read. They replace files in each function
 * directory: a kernfs node and a copy of its name per file per function
 * were most of the slab a patched function cost (the kernel's livepatch
 * has none there), and a reader wants all functions anyway.
 *
 * A sysfs attribute holds one page; these are binary attributes of no
 * fixed size, served a slice at a time (a read() gets at most a page),
 * with no per-open state to keep a snapshot in. So that slices fit
 * together while values change, every line keeps its length for the
 * patch's life (the functions, their names and new_func are fixed; the
 * numbers that change are printed at a fixed width) and a read returns
 * whole lines, unless the reader's buffer is smaller than one: each line
 * is one function's values at one moment.
 */
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "calls.h"
#include "shunt.h"

/* room for "OBJECT:FUNCTION,SYMPOS " and two symbol names */
#define SHUNT_LINE_MAX	(MODULE_NAME_LEN + 2 * KSYM_NAME_LEN + 128)

typedef int (*shunt_line_fn)(struct shunt_object *obj, struct shunt_func *func,
			     char *line, size_t size);

/* "OBJECT:FUNCTION,SYMPOS": the label every line starts with */
static int label(struct shunt_object *obj, struct shunt_func *func, char *line,
		 size_t size)
{
	return scnprintf(line, size, "%s:%s,%lu", obj->name,
			 func->desc->old_name, func->sympos);
}

/* "LABEL IMMEDIATE NEW_FUNC": new_func as %ps prints it, to the end */
static int funcs_line(struct shunt_object *obj, struct shunt_func *func,
		      char *line, size_t size)
{
	int n = label(obj, func, line, size);

	if (func->nop)
		return n + scnprintf(line + n, size - n, " %d (nop)\n",
				     func->immediate);
	return n + scnprintf(line + n, size - n, " %d %ps\n", func->immediate,
			     func->desc->new_func);
}

/*
 * "LABEL OLD_ADDR OLD_SIZE OLD_BODY NEW_ADDR NEW_SIZE DIRECT", root's:
 * old_addr and old_size are 0 while the object's module is not loaded,
 * new_addr 0 for a nop, old_body is where probes see the original body
 * run (past the ftrace call); direct 1 while the function's ftrace call
 * is a direct call (no BPF trampoline fits). Sizes are below 2^32, so
 * %10lu keeps the width.
 */
static int addrs_line(struct shunt_object *obj, struct shunt_func *func,
		      char *line, size_t size)
{
	unsigned long addr = READ_ONCE(func->old_addr);
	int n = label(obj, func, line, size);

	return n + scnprintf(line + n, size - n,
			     " 0x%016lx %10lu 0x%016lx 0x%016lx %10lu %d\n",
			     addr, READ_ONCE(func->old_size),
			     addr ? shunt_redirect_body(addr) : 0,
			     func->nop ? 0 : (unsigned long)func->desc->new_func,
			     func->new_size, READ_ONCE(func->direct));
}

/*
 * "LABEL NEW OLD": the call counters (calls.c), the calls the shim sent
 * to this patch's replacement and those it let go to the code below
 * while this patch's entry was the function's newest. Under shunt_mutex.
 */
static int calls_line(struct shunt_object *obj, struct shunt_func *func,
		      char *line, size_t size)
{
	struct shunt_calls_sum sum;
	int n = label(obj, func, line, size);

	shunt_calls_read(func, &sum);
	return n + scnprintf(line + n, size - n, " %20llu %20llu\n", sum.new,
			     sum.old);
}

/* bytes [pos, pos + count) of the file fn's lines make, whole lines */
static ssize_t shunt_lines_read(struct kobject *kobj, shunt_line_fn fn,
				char *buf, loff_t pos, size_t count)
{
	struct shunt_patch *patch = container_of(kobj, struct shunt_patch, kobj);
	struct shunt_object *obj;
	struct shunt_func *func;
	size_t len = 0, skip, take;
	loff_t off = 0;
	char *line;
	int n;

	line = kmalloc(SHUNT_LINE_MAX, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	mutex_lock(&shunt_mutex);
	shunt_for_each_object(patch, obj) {
		shunt_for_each_func(obj, func) {
			n = fn(obj, func, line, SHUNT_LINE_MAX);
			if (off + n <= pos) {
				off += n;
				continue;
			}
			skip = pos > off ? pos - off : 0;
			take = n - skip;
			if (take > count - len) {
				if (len)	/* the rest in the next read */
					goto out;
				take = count;	/* a buffer smaller than a line */
			}
			memcpy(buf + len, line + skip, take);
			len += take;
			off += n;
			if (len == count)
				goto out;
		}
	}
out:
	mutex_unlock(&shunt_mutex);
	kfree(line);
	return len;
}

#define SHUNT_LINES_ATTR(_name, _mode)					\
static ssize_t _name##_read(struct file *file, struct kobject *kobj,	\
			    struct bin_attribute *attr, char *buf,	\
			    loff_t pos, size_t count)			\
{									\
	return shunt_lines_read(kobj, _name##_line, buf, pos, count);	\
}									\
static struct bin_attribute _name##_attr = __BIN_ATTR(_name, _mode,	\
						      _name##_read, NULL, 0)

SHUNT_LINES_ATTR(funcs, 0444);
SHUNT_LINES_ATTR(addrs, 0400);
SHUNT_LINES_ATTR(calls, 0444);

struct bin_attribute *shunt_patch_bin_attrs[] = {
	&funcs_attr,
	&addrs_attr,
	&calls_attr,
	NULL,
};
