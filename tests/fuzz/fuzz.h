/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer targets share. Each target feeds one parser of
 * untrusted input in loader/ the bytes libFuzzer makes up; AddressSanitizer
 * and UBSan turn any read out of bounds or undefined behaviour into a
 * crash, and fuzz_assert() the parser's promises (one-line errors, ...).
 */
#ifndef SHUNT_FUZZ_H
#define SHUNT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash, so that libFuzzer keeps the input. */
#define fuzz_assert(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: fuzz_assert(%s) failed\n", \
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* The input as a C string, as the loader holds a file it read (malloc'd). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Split the input at its first newline: *head is the first line (a name
 * the target looks up, say), the rest is what the parser reads. Both
 * malloc'd C strings; *rest_len counts the rest's bytes.
 */
static inline void fuzz_split(const uint8_t *data, size_t size, char **head,
			      char **rest, size_t *rest_len)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t n = nl ? (size_t)(nl - data) : size;

	*head = fuzz_cstr(data, n);
	*rest_len = nl ? size - n - 1 : 0;
	*rest = fuzz_cstr(nl ? nl + 1 : data + size, *rest_len);
}

/* An error message is one line, NUL-terminated in its buffer. */
static inline int one_line(const char *err, size_t len)
{
	return memchr(err, '\0', len) && !strchr(err, '\n');
}

#endif
