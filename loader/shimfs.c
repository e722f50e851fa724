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

/* of a function directory; root-only "KEY VALUE" lines, see shunt_abi.h */
#define SHIM_ATTR_ADDRS		"addrs"

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


void shimfs_read_func_addrs(const char *patch, const char *obj,
			    const char *func, unsigned long sympos,
			    struct shimfs_func_addrs *a)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/%s/%s/%s,%lu", SHUNT_SYSFS_ROOT, patch,
		 obj, func, sympos);
	char path[PATH_MAX], buf[256], key[16];
	unsigned long long v;
	int n;

	memset(a, 0, sizeof(*a));
	if (read_text(path_join(path, sizeof(path), dir, SHIM_ATTR_ADDRS), buf,
		      sizeof(buf)))
		return;
	for (const char *line = buf; *line; line += strcspn(line, "\n"),
	     line += *line == '\n') {
		/* kernel addresses do not fit a signed %lli */
		if (sscanf(line, "%15s %n", key, &n) != 1)
			continue;
		v = strtoull(line + n, NULL, 0);
		if (!strcmp(key, "old_addr"))
			a->old_addr = v;
		else if (!strcmp(key, "old_size"))
			a->old_size = v;
		else if (!strcmp(key, "old_body"))
			a->old_body = v;
		else if (!strcmp(key, "new_addr"))
			a->new_addr = v;
		else if (!strcmp(key, "new_size"))
			a->new_size = v;
		else if (!strcmp(key, "direct"))
			a->direct = !!v;
	}
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
	static char buf[1 << 16];
	char path[PATH_MAX];

	if (read_text(attr_path(path, sizeof(path), patch, SHIM_ATTR_CALLS),
		      buf, sizeof(buf)))
		return -1;
	return shimfs_parse_calls(buf, c, max);
}
