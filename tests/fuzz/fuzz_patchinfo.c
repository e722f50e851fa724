// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: a patch directory as loader/patchinfo.c reads it (shunt's
 * or the kernel livepatch's) and as list and show print it. The input is
 * a little file tree: records split by NUL bytes, each "PATH\nCONTENT",
 * PATH relative to the patch directory (at most 3 levels; directories
 * are made on the way). Input starting with 'k' is read as a kernel
 * livepatch. The tree lives in a fresh directory under /dev/shm (else
 * /tmp), emptied after each input.
 */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "patchinfo.h"
#include "patchprint.h"

static char root[PATH_MAX];

static void make_root(void)
{
	snprintf(root, sizeof(root), "%s/shunt-fuzz-XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(root))
		abort();
}

/* root/p/REL with CONTENT; REL's parts must not leave the patch dir */
static void put(const char *rel, size_t rlen, const uint8_t *content, size_t clen)
{
	char path[PATH_MAX];
	int depth = 0, fd;
	size_t n = (size_t)snprintf(path, sizeof(path), "%s/p", root);

	for (size_t i = 0; i < rlen && n + 2 < sizeof(path); ) {
		size_t c = i;

		while (c < rlen && rel[c] != '/')
			c++;
		if (c - i == 0 || (c - i <= 2 && !strncmp(rel + i, "..", c - i)) ||
		    ++depth > 3 || n + 1 + (c - i) >= sizeof(path))
			return;
		mkdir(path, 0755);
		path[n++] = '/';
		memcpy(path + n, rel + i, c - i);
		n += c - i;
		path[n] = '\0';
		i = c + 1;
	}
	if (depth == 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	if (write(fd, content, clen) < 0)
		abort();
	close(fd);
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct patch_info pi;
	char dir[PATH_MAX + 4];
	int shunt = !(size && data[0] == 'k');
	FILE *out;

	if (!root[0])
		make_root();
	snprintf(dir, sizeof(dir), "%s/p", root);
	mkdir(dir, 0755);
	for (size_t i = 0; i < size; ) {
		const uint8_t *end = memchr(data + i, '\0', size - i);
		size_t len = end ? (size_t)(end - data - i) : size - i;
		const uint8_t *nl = memchr(data + i, '\n', len);
		size_t rlen = nl ? (size_t)(nl - data - i) : len;

		put((const char *)data + i, rlen, nl ? nl + 1 : data + i + len,
		    nl ? len - rlen - 1 : 0);
		i += len + 1;
	}
	out = fopen("/dev/null", "w");
	if (!out)
		abort();
	if (!patch_info_read(root, "p", shunt, &pi)) {
		patch_print_line(out, &pi);
		patch_print_details(out, &pi);
		patch_print_json(out, &pi, 1);
		patch_info_free(&pi);
	}
	fclose(out);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
