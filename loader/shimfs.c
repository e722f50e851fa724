// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's sysfs ABI as the loader uses it: paths under SHUNT_SYSFS_ROOT,
 * reads and writes of its files, the stats parser, the claim file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shimfs.h"
#include "util.h"

#define SHIM_ATTR_VERSION	"version"	/* of SHUNT_SYSFS_ROOT itself */

char *shimfs_patch_dir(char *buf, size_t len, const char *patch)
{
	return path_join(buf, len, SHUNT_SYSFS_ROOT, patch);
}

static char *attr_path(char *buf, size_t len, const char *patch,
		       const char *attr)
{
	snprintf(buf, len, "%s/%s/%s", SHUNT_SYSFS_ROOT, patch, attr);
	return buf;
}

int shimfs_loaded(void)
{
	return is_dir(SHUNT_SYSFS_ROOT);
}

int shimfs_check_version(void)
{
	char path[PATH_MAX], version[64];

	path_join(path, sizeof(path), SHUNT_SYSFS_ROOT, SHIM_ATTR_VERSION);
	if (read_text(path, version, sizeof(version))) {
		fprintf(stderr, "shunt: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (strcmp(version, SHUNT_VERSION)) {
		fprintf(stderr, "shunt: %s: shunt.ko is version %s, this shunt command is %s\n",
			path, version, SHUNT_VERSION);
		return -1;
	}
	return 0;
}

int shimfs_patch_exists(const char *patch)
{
	char dir[PATH_MAX];

	return is_dir(shimfs_patch_dir(dir, sizeof(dir), patch));
}

int shimfs_klp_patch_exists(const char *patch)
{
	char dir[PATH_MAX];

	return is_dir(path_join(dir, sizeof(dir), SHUNT_KLP_SYSFS_ROOT, patch));
}

int shimfs_find_patch(const char *name)
{
	if (shimfs_patch_exists(name))
		return 0;
	if (shimfs_klp_patch_exists(name))
		fprintf(stderr, "shunt: %s: a kernel livepatch, not shunt's: use the kernel's sysfs (echo 0 > %s/%s/%s)\n",
			name, SHUNT_KLP_SYSFS_ROOT, name, SHIM_ATTR_ENABLED);
	else
		fprintf(stderr, "shunt: no shunt patch %s\n", name);
	return -1;
}

int shimfs_read(const char *patch, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	return read_text(attr_path(path, sizeof(path), patch, attr), buf, len);
}

long shimfs_read_long(const char *patch, const char *attr, long def)
{
	char dir[PATH_MAX];

	return read_long(shimfs_patch_dir(dir, sizeof(dir), patch), attr, def);
}

int shimfs_write(const char *patch, const char *attr, const char *value)
{
	char path[PATH_MAX];

	return write_text(attr_path(path, sizeof(path), patch, attr), value);
}

const char *shimfs_refusal(const char *patch, int err, char *buf, size_t len)
{
	if (!shimfs_read(patch, SHIM_ATTR_ERROR, buf, len) && buf[0])
		return buf;
	return strerror(err);
}

void shimfs_read_blocked(const char *patch, char *buf, size_t len)
{
	if (shimfs_read(patch, SHIM_ATTR_BLOCKED, buf, len))
		buf[0] = '\0';
}

int shimfs_wait_patch_gone(const char *patch, double timeout)
{
	char dir[PATH_MAX];

	return wait_dir_gone(shimfs_patch_dir(dir, sizeof(dir), patch), timeout);
}

int parse_func_dir(const char *dirname, char *name, size_t len,
		   unsigned long *sympos)
{
	const char *comma = strrchr(dirname, ',');
	size_t n;
	char *end;

	if (!comma || comma == dirname || comma[1] < '0' || comma[1] > '9')
		return -1;
	errno = 0;
	*sympos = strtoul(comma + 1, &end, 10);
	n = comma - dirname;
	if (*end || errno || n >= len)
		return -1;
	memcpy(name, dirname, n);
	name[n] = '\0';
	return 0;
}


/* the label of a line, "OBJECT:FUNCTION,SYMPOS", up to the first blank */
static int parse_label(const char *line, char *obj, size_t obj_len,
		       char *name, size_t name_len, unsigned long *sympos,
		       const char **rest)
{
	size_t len = strcspn(line, " \n"), on = strcspn(line, ":");
	char dir[512];

	if (on == 0 || on >= len || on >= obj_len || len - on - 1 >= sizeof(dir))
		return -1;
	memcpy(obj, line, on);
	obj[on] = '\0';
	memcpy(dir, line + on + 1, len - on - 1);
	dir[len - on - 1] = '\0';
	if (parse_func_dir(dir, name, name_len, sympos))
		return -1;
	*rest = line + len;
	return 0;
}

int shimfs_parse_funcs_line(const char *line, struct shimfs_func *f)
{
	const char *rest;
	char *end;
	size_t n;
	long imm;

	memset(f, 0, sizeof(*f));
	if (parse_label(line, f->obj, sizeof(f->obj), f->name, sizeof(f->name),
			&f->sympos, &rest) || *rest != ' ')
		return -1;
	imm = strtol(rest + 1, &end, 10);
	if (end == rest + 1 || (imm != 0 && imm != 1) || *end != ' ')
		return -1;
	f->immediate = (int)imm;
	n = strcspn(end + 1, "\n");
	if (n == 0 || n >= sizeof(f->new_func))
		return -1;
	memcpy(f->new_func, end + 1, n);
	f->new_func[n] = '\0';
	return 0;
}

/* the line of text starting with label and a blank, from p on; or NULL */
static const char *line_from(const char *p, const char *end, const char *label,
			     size_t len)
{
	for (; p < end && *p; p += strcspn(p, "\n"), p += *p == '\n')
		if (!strncmp(p, label, len) && p[len] == ' ')
			return p;
	return NULL;
}

const char *shimfs_find_line(const char *text, const char *label,
			     const char **cursor)
{
	const char *start = *cursor ? *cursor : text, *p;
	size_t len = strlen(label);

	p = line_from(start, start + strlen(start), label, len);
	if (!p)
		p = line_from(text, start, label, len);
	if (!p)
		return NULL;
	*cursor = p + strcspn(p, "\n");
	*cursor += **cursor == '\n';
	return p + len;
}

int shimfs_parse_addrs(const char *rest, struct shimfs_func_addrs *a)
{
	char line[256], end;
	size_t n = strcspn(rest, "\n");
	int direct;

	memset(a, 0, sizeof(*a));
	if (n >= sizeof(line))
		return -1;
	memcpy(line, rest, n);
	line[n] = '\0';
	/* exactly six fields: kernel addresses do not fit a signed %lli */
	if (sscanf(line, "%llx %llu %llx %llx %llu %d %c",
		   &a->old_addr,
		   &a->old_size,
		   &a->old_body,
		   &a->new_addr,
		   &a->new_size, &direct, &end) != 6 ||
	    (direct != 0 && direct != 1)) {
		memset(a, 0, sizeof(*a));
		return -1;
	}
	a->direct = direct;
	return 0;
}

/* the keys of a stats file, "KEY N" a line */
#define STATS_DURATION		"duration_ns"
#define STATS_STOP_MACHINE	"stop_machine_ns"
#define STATS_PENDING		"pending"
#define STATS_SWITCHED		"switched_"	/* + one of SHUNT_HOW_NAMES */

void shimfs_parse_stats(const char *text, struct shimfs_stats *st)
{
	static const char *const how[SHUNT_NR_HOW] = SHUNT_HOW_NAMES;
	const size_t sw = strlen(STATS_SWITCHED);
	unsigned long long v;
	char key[64];

	memset(st, 0, sizeof(*st));
	for (const char *line = text; *line; line += strcspn(line, "\n"),
	     line += *line == '\n') {
		if (sscanf(line, "%63s %llu", key, &v) != 2)
			continue;
		if (!strcmp(key, STATS_DURATION))
			st->duration_ns = v;
		else if (!strcmp(key, STATS_STOP_MACHINE))
			st->stop_ns = v;
		else if (!strcmp(key, STATS_PENDING))
			st->pending = v;
		else if (!strncmp(key, STATS_SWITCHED, sw))
			for (int i = 0; i < SHUNT_NR_HOW; i++)
				if (!strcmp(key + sw, how[i]))
					st->switched[i] = v;
	}
}

int shimfs_read_stats(const char *patch, struct shimfs_stats *st)
{
	char text[1024];

	if (shimfs_read(patch, SHIM_ATTR_STATS, text, sizeof(text))) {
		memset(st, 0, sizeof(*st));
		return -1;
	}
	shimfs_parse_stats(text, st);
	return 0;
}

unsigned long long shimfs_stats_switched(const struct shimfs_stats *st)
{
	unsigned long long n = 0;

	for (int i = 0; i < SHUNT_NR_HOW; i++)
		n += st->switched[i];
	return n;
}

int shimfs_open_claim(int flags)
{
	return open(SHUNT_CLAIM_FILE, flags | O_CLOEXEC);
}

int shimfs_read_claims(char **text, size_t *size)
{
	return read_file(SHUNT_CLAIM_FILE, text, size);
}

int shimfs_parse_calls(const char *text, struct shimfs_calls *c, int max)
{
	char line[512], end;
	int n = 0;
	size_t len;

	for (const char *p = text; *p && n < max; p += len, p += *p == '\n') {
		len = strcspn(p, "\n");
		if (len >= sizeof(line))
			continue;
		memcpy(line, p, len);
		line[len] = '\0';
		/* exactly three fields: nothing after the old count */
		if (sscanf(line, "%319s %llu %llu %c", c[n].label, &c[n].new_calls,
			   &c[n].old_calls, &end) == 3)
			n++;
	}
	return n;
}

int shimfs_read_calls(const char *patch, struct shimfs_calls *c, int max)
{
	char path[PATH_MAX], *text;
	size_t size;
	int n;

	/* a line per function of the patch: as long as it takes */
	if (read_file(attr_path(path, sizeof(path), patch, SHIM_ATTR_CALLS),
		      &text, &size))
		return -1;
	n = shimfs_parse_calls(text, c, max);
	free(text);
	return n;
}
