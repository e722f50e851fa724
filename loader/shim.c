// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "shim.h"
#include "shunt_abi.h"
#include "kallsyms.h"
#include "util.h"

int module_load(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret, e;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, params, 0);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

int module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK);
}

int shim_ensure_loaded(const char *path)
{
	char self[PATH_MAX], cand[3][PATH_MAX];
	struct utsname uts;
	ssize_t n;
	int nc = 0;

	if (is_dir(SHUNT_SYSFS_ROOT))
		return 0;
	if (path) {
		copy_str(cand[nc++], PATH_MAX, path);
	} else {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			self[n] = '\0';
			snprintf(cand[nc++], PATH_MAX, "%s/shunt.ko", dirname(self));
		}
		uname(&uts);
		snprintf(cand[nc++], PATH_MAX, "/lib/modules/%s/extra/shunt.ko",
			 uts.release);
	}
	for (int i = 0; i < nc; i++) {
		if (access(cand[i], R_OK))
			continue;
		if (module_load(cand[i], "") && errno != EEXIST) {
			fprintf(stderr, "shunt: %s: cannot load the shim: %s\n",
				cand[i], strerror(errno));
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "shunt: shunt.ko is not loaded and not found (%s%s%s); use --shim PATH\n",
		cand[0], nc > 1 ? ", " : "", nc > 1 ? cand[1] : "");
	return -1;
}

static int claim_write_piece(const char *piece, size_t len, void *ctx)
{
	int *fd = ctx;

	return write(*fd, piece, len) == (ssize_t)len ? 0 : -1;
}

int claim_write(const char *text, size_t len)
{
	int fd = open(SHUNT_CLAIM_FILE, O_WRONLY | O_CLOEXEC);
	int ret, e;

	if (fd < 0)
		return -1;
	ret = claim_chunks(text, len, SHUNT_CLAIM_WRITE_MAX, claim_write_piece, &fd);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

int claim_parse_status(const char *line, char *name, size_t namelen,
		       char *state, size_t statelen, int *err, char *msg,
		       size_t msglen)
{
	char n[128], st[32];
	int consumed = 0;

	*err = 0;
	msg[0] = '\0';
	if (sscanf(line, "%127s %31s%n", n, st, &consumed) != 2)
		return -1;
	copy_str(name, namelen, n);
	copy_str(state, statelen, st);
	if (!strcmp(st, "failed")) {
		const char *p = line + consumed;
		char *end;

		*err = (int)strtol(p, &end, 10);
		while (*end == ' ')
			end++;
		copy_str(msg, msglen, end);
		msg[strcspn(msg, "\n")] = '\0';
	}
	return 0;
}

int claim_result(const char *name, int *err, char *msg, size_t msglen)
{
	char *text, *line, *save = NULL, n[128], st[32];
	size_t size;
	int ret = -1;

	if (read_file(SHUNT_CLAIM_FILE, (void **)&text, &size))
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (claim_parse_status(line, n, sizeof(n), st, sizeof(st), err,
				       msg, msglen))
			continue;
		if (!strcmp(n, name)) {
			ret = 0;
			break;
		}
	}
	free(text);
	return ret;
}
