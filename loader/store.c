// SPDX-License-Identifier: GPL-2.0
/* Installed patches: STORE_ROOT/<release>/{order,NAME.ko,NAME.args}. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "strbuf.h"
#include "util.h"

#define ORDER_FILE "order"

const char *store_root(void)
{
	const char *r = getenv(STORE_ROOT_ENV);

	return r && r[0] ? r : STORE_ROOT_DEFAULT;
}

static char *release_dir(char *buf, size_t len, const char *release)
{
	snprintf(buf, len, "%s/%s", store_root(), release);
	return buf;
}

static char *patch_file(char *buf, size_t len, const char *release,
			const char *name, const char *ext)
{
	snprintf(buf, len, "%s/%s/%s%s", store_root(), release, name, ext);
	return buf;
}

/* the lines of a text file, malloc'd; NULL with *n 0 when it is absent */
static char **read_lines(const char *path, int *n)
{
	char *data, *p, **lines = NULL;
	size_t size;

	*n = 0;
	if (read_file(path, &data, &size))
		return NULL;
	for (p = data; *p;) {
		size_t len = strcspn(p, "\n");
		char **nlines = realloc(lines, (*n + 1) * sizeof(*lines));

		if (!nlines || !(nlines[*n] = strndup(p, len))) {
			free_names(nlines ? nlines : lines, *n);
			free(data);
			*n = 0;
			errno = ENOMEM;
			return NULL;
		}
		lines = nlines;
		(*n)++;
		p += len;
		if (*p == '\n')
			p++;
	}
	free(data);
	if (!lines)
		lines = calloc(1, sizeof(*lines));	/* empty, not absent */
	return lines;
}

static char *order_file(char *buf, size_t len, const char *release)
{
	snprintf(buf, len, "%s/%s/%s", store_root(), release, ORDER_FILE);
	return buf;
}

/* write text to path through a temporary file and rename() */
static int write_atomic(const char *path, const void *data, size_t size, mode_t mode)
{
	char tmp[PATH_MAX];
	const char *p = data;
	int fd, e;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		p += n;
		size -= n;
	}
	if (fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	if (!rename(tmp, path))
		return 0;
	fd = -1;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

static int write_order(const char *release, char **names, int n, const char *skip,
		       const char *add)
{
	struct strbuf sb = { 0 };
	char path[PATH_MAX];
	int ret;

	strbuf_addf(&sb, "%s", "");
	for (int i = 0; i < n; i++)
		if (!skip || strcmp(names[i], skip))
			strbuf_addf(&sb, "%s\n", names[i]);
	if (add)
		strbuf_addf(&sb, "%s\n", add);
	if (!sb.buf) {
		errno = ENOMEM;
		return -1;
	}
	ret = write_atomic(order_file(path, sizeof(path), release), sb.buf, sb.len, 0644);
	strbuf_free(&sb);
	return ret;
}

int store_list(const char *release, struct installed **list, int *n)
{
	char path[PATH_MAX], **names;
	int nr;

	*list = NULL;
	*n = 0;
	names = read_lines(order_file(path, sizeof(path), release), &nr);
	if (!names && errno != ENOENT)
		return -1;
	if (!names)
		return 0;
	*list = calloc(nr ? nr : 1, sizeof(**list));
	if (!*list) {
		free_names(names, nr);
		errno = ENOMEM;
		return -1;
	}
	for (int i = 0; i < nr; i++) {
		struct installed *in = &(*list)[*n];

		/* a name without its module (removed by hand) is not installed */
		patch_file(in->ko, sizeof(in->ko), release, names[i], ".ko");
		if (!names[i][0] || !is_file(in->ko))
			continue;
		copy_str(in->name, sizeof(in->name), names[i]);
		in->args = read_lines(patch_file(path, sizeof(path), release, names[i], ".args"),
				      &in->nr_args);
		(*n)++;
	}
	free_names(names, nr);
	return 0;
}

void store_list_free(struct installed *list, int n)
{
	for (int i = 0; i < n; i++)
		free_names(list[i].args, list[i].nr_args);
	free(list);
}

int store_has(const char *release, const char *name)
{
	struct installed *list;
	int n, found = 0;

	if (store_list(release, &list, &n))
		return 0;
	for (int i = 0; i < n && !found; i++)
		found = !strcmp(list[i].name, name);
	store_list_free(list, n);
	return found;
}

/* mkdir -p of the root and the release directory */
static int make_dirs(const char *release)
{
	char path[PATH_MAX];

	if (copy_str(path, sizeof(path), store_root()) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = path + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(store_root(), 0755) && errno != EEXIST)
		return -1;
	if (mkdir(release_dir(path, sizeof(path), release), 0755) && errno != EEXIST)
		return -1;
	return 0;
}

int store_add(const char *release, const char *name, const void *data,
	      size_t size, char *const *args, int nr_args, char *err,
	      size_t errlen)
{
	char path[PATH_MAX], dir[PATH_MAX], **names;
	struct strbuf sb = { 0 };
	int nr;

	release_dir(dir, sizeof(dir), release);
	if (store_has(release, name)) {
		snprintf(err, errlen, "%s is already installed for %s (shunt uninstall %s first)",
			 name, release, name);
		return -1;
	}
	if (make_dirs(release)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	strbuf_addf(&sb, "%s", "");
	for (int i = 0; i < nr_args; i++)
		strbuf_addf(&sb, "%s\n", args[i]);
	if (!sb.buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (write_atomic(patch_file(path, sizeof(path), release, name, ".args"),
			 sb.buf, sb.len, 0644) ||
	    write_atomic(patch_file(path, sizeof(path), release, name, ".ko"),
			 data, size, 0644)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		strbuf_free(&sb);
		return -1;
	}
	strbuf_free(&sb);
	names = read_lines(order_file(path, sizeof(path), release), &nr);
	/* the order file last: a patch is installed once it is named there */
	if (write_order(release, names, nr, name, name)) {
		snprintf(err, errlen, "%s/%s: %s", dir, ORDER_FILE, strerror(errno));
		free_names(names, nr);
		return -1;
	}
	free_names(names, nr);
	return 0;
}

int store_remove(const char *release, const char *name)
{
	char path[PATH_MAX], **names;
	int nr, ret;

	if (!store_has(release, name)) {
		errno = ENOENT;
		return -1;
	}
	names = read_lines(order_file(path, sizeof(path), release), &nr);
	ret = write_order(release, names, nr, name, NULL);
	free_names(names, nr);
	if (ret)
		return -1;
	unlink(patch_file(path, sizeof(path), release, name, ".ko"));
	unlink(patch_file(path, sizeof(path), release, name, ".args"));
	return 0;
}
