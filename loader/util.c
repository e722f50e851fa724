// SPDX-License-Identifier: GPL-2.0
/* Small helpers shared by the loader: strings, files, sysfs, time. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

size_t copy_str(char *dst, size_t dstlen, const char *src)
{
	size_t n = strlen(src);

	if (dstlen) {
		size_t c = n < dstlen - 1 ? n : dstlen - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

/* close() that keeps the errno of what failed before it */
static void close_keep_errno(int fd)
{
	int e = errno;

	close(fd);
	errno = e;
}

int read_fd(int fd, char **data, size_t *size)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap + 1);

	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				free(buf);
				errno = ENOMEM;
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	*data = buf;
	*size = len;
	return 0;
}

int read_file(const char *path, char **data, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = read_fd(fd, data, size);
	close_keep_errno(fd);
	return ret;
}

int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -1;
	/* sysfs hands out an attribute in one read, but a file may not */
	while (got < len - 1) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close_keep_errno(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += n;
	}
	close(fd);
	while (got > 0 && buf[got - 1] == '\n')
		got--;
	buf[got] = '\0';
	return 0;
}

int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, len);
	if (n < 0) {
		close_keep_errno(fd);
		return -1;
	}
	if (close(fd))
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

char *path_join(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

long read_long(const char *dir, const char *name, long def)
{
	char path[1024], text[64], *end;
	long v;

	if (read_text(path_join(path, sizeof(path), dir, name), text, sizeof(text)))
		return def;
	v = strtol(text, &end, 10);
	return end == text ? def : v;
}

int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **dir_list(const char *dir, enum dir_list_what what, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[1024];
	int cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char **grown;

		if (de->d_name[0] == '.')
			continue;
		path_join(path, sizeof(path), dir, de->d_name);
		if (what == DIR_LIST_DIRS ? !is_dir(path) : !is_file(path))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown)
				break;
			names = grown;
		}
		names[*n] = strdup(de->d_name);
		if (!names[*n])
			break;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

void free_names(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

double parse_seconds(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < 0)
		return -1;
	return v;
}

int wait_dir_gone(const char *dir, double timeout)
{
	double start = now_ms();

	while (is_dir(dir)) {
		if ((now_ms() - start) / 1000 >= timeout)
			return -1;
		sleep_ms(10);
	}
	return 0;
}
