/* SPDX-License-Identifier: GPL-2.0 */
/* An xz-compressed module file (as DKMS installs them), decompressed. */
#ifndef SHUNT_XZ_H
#define SHUNT_XZ_H

#include <stddef.h>

/* Does path end in ".xz"? */
int xz_is_compressed(const char *path);

/*
 * The decompressed contents of xz file fd, malloc'd, in *data and *size.
 * In userspace, as kmod does: the kernel's own decompressor
 * (MODULE_INIT_COMPRESSED_FILE) takes only CRC32-checked streams, and
 * Debian's DKMS writes CRC64 ones. -1 with errno (EINVAL: not xz data).
 */
int xz_read_fd(int fd, void **data, size_t *size);

#endif
