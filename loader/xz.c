// SPDX-License-Identifier: GPL-2.0
/* xz-compressed modules, decompressed with liblzma. */
#include <errno.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xz.h"

/* a module is a few MB at most; a bigger output is not one */
#define XZ_MAX_OUT (256u << 20)

int xz_is_compressed(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".xz");
}

int xz_read_fd(int fd, void **data, size_t *size)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = 1 << 20, inlen;
	unsigned char *out = NULL;
	char *in;
	lzma_ret r;

	if (read_fd(fd, &in, &inlen))
		return -1;
	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
		free(in);
		errno = ENOMEM;
		return -1;
	}
	s.next_in = (const uint8_t *)in;
	s.avail_in = inlen;
	do {
		if (!out || s.avail_out == 0) {
			size_t done = out ? cap : 0;
			unsigned char *n;

			if (out)
				cap *= 2;
			if (cap > XZ_MAX_OUT || !(n = realloc(out, cap))) {
				r = LZMA_MEM_ERROR;
				break;
			}
			out = n;
			s.next_out = out + done;
			s.avail_out = cap - done;
		}
		r = lzma_code(&s, LZMA_FINISH);
	} while (r == LZMA_OK);
	*size = s.total_out;
	lzma_end(&s);
	free(in);
	if (r != LZMA_STREAM_END) {
		free(out);
		errno = r == LZMA_MEM_ERROR ? ENOMEM : EINVAL;
		return -1;
	}
	*data = out;
	return 0;
}
