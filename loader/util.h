/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the loader: strings, files, sysfs, time. */
#ifndef SHUNT_UTIL_H
#define SHUNT_UTIL_H

#include <stddef.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* strlcpy-alike: always terminates, returns strlen(src). */
size_t copy_str(char *dst, size_t dstlen, const char *src);

/* Read a whole file into a malloc'd buffer, NUL-terminated (not counted). */
int read_file(const char *path, char **data, size_t *size);
/* The same from an open file, from its current offset to its end. */
int read_fd(int fd, char **data, size_t *size);

/*
 * Read a small text file (a sysfs attribute) into buf, trailing newlines
 * cut. -1 with errno when it cannot be opened or read.
 */
int read_text(const char *path, char *buf, size_t len);

/* Write s to an existing file (a sysfs attribute); -1 with errno. */
int write_text(const char *path, const char *s);

/* "dir/name" into buf; returns buf. */
char *path_join(char *buf, size_t len, const char *dir, const char *name);

/* Read attribute dir/name as a long; def when it cannot be read. */
long read_long(const char *dir, const char *name, long def);

int is_dir(const char *path);
int is_file(const char *path);

enum dir_list_what {
	DIR_LIST_DIRS,
	DIR_LIST_FILES,
};

/*
 * The subdirectories or the regular files of dir (no dot entries),
 * sorted by name, as a malloc'd array; *n is their number. NULL with
 * *n 0 when dir cannot be read. Free with free_names().
 */
char **dir_list(const char *dir, enum dir_list_what what, int *n);
void free_names(char **names, int n);

/* 0 once directory dir is gone, -1 after timeout seconds */
int wait_dir_gone(const char *dir, double timeout);

/* Milliseconds on the monotonic clock. */
double now_ms(void);
void sleep_ms(unsigned int ms);

/*
 * A number of seconds from the command line ("2", "0.5"); -1 when s is
 * not a finite number >= 0.
 */
double parse_seconds(const char *s);

#endif
