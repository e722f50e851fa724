/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the loader: files, strings, sysfs. */
#ifndef SHUNT_UTIL_H
#define SHUNT_UTIL_H

#include <stddef.h>

/* strlcpy-alike: always terminates, returns strlen(src). */
size_t copy_str(char *dst, size_t dstlen, const char *src);

/* Read a whole file into a malloc'd buffer (NUL-terminated beyond size). */
int read_file(const char *path, void **data, size_t *size);

/* Read a small text file (sysfs attribute) into buf, trailing newline cut. */
int read_text(const char *path, char *buf, size_t len);

/* Write s to an existing file (sysfs attribute); -1 with errno on failure. */
int write_text(const char *path, const char *s);



/* "dir/name" into buf; returns buf. */
char *path_join(char *buf, size_t len, const char *dir, const char *name);

/* Read a sysfs attribute as a long; def when it cannot be read. */
long read_long(const char *dir, const char *name, long def);

/* Is path a directory? */
int is_dir(const char *path);

/* Milliseconds on the monotonic clock. */
double now_ms(void);

/* Sleep for ms milliseconds. */
void sleep_ms(unsigned int ms);
#endif
