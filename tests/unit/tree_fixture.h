/* SPDX-License-Identifier: GPL-2.0 */
/* Fake sysfs trees for the unit tests: directories and small files in /tmp. */
#ifndef SHUNT_TREE_FIXTURE_H
#define SHUNT_TREE_FIXTURE_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory; its path is static storage of the caller. */
static inline const char *tree_new(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/shunt-unit-XXXXXX");
	return mkdtemp(buf);
}

/* root/rel, creating the directories on the way ("a/b/" makes a dir) */
static inline void tree_put(const char *root, const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	if (!content)
		return;
	f = fopen(path, "w");
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

/* rm -rf root (it is ours, under /tmp) */
static inline void tree_free(const char *root)
{
	char cmd[PATH_MAX + 16];

	if (strncmp(root, "/tmp/shunt-unit-", 16))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "# could not remove %s\n", root);
}

/* Run fn(ctx) with its output to a string (malloc'd). */
static inline char *capture(void (*fn)(FILE *f, const void *ctx), const void *ctx)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	fn(f, ctx);
	fclose(f);
	return out;
}

#endif
