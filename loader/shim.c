// SPDX-License-Identifier: GPL-2.0
/* Kernel modules: loading shunt.ko when needed, finit_module, delete_module. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "shim.h"
#include "shimfs.h"
#include "util.h"
#include "xz.h"

int module_load_fd(int fd, const char *params)
{
	return syscall(SYS_finit_module, fd, params, 0) ? -1 : 0;
}

/* a compressed module: decompressed here, then init_module() */
static int module_load_xz(int fd, const char *params)
{
	size_t size;
	void *data;
	int ret, e;

	if (xz_read_fd(fd, &data, &size))
		return -1;
	ret = syscall(SYS_init_module, data, size, params) ? -1 : 0;
	e = errno;
	free(data);
	errno = e;
	return ret;
}

int module_load(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret, e;

	if (fd < 0)
		return -1;
	/* DKMS compresses what it installs as the kernel's modules are (xz) */
	if (xz_is_compressed(path))
		ret = module_load_xz(fd, params);
	else
		ret = module_load_fd(fd, params);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

int module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -1 : 0;
}

#define UNLOAD_RETRY_MS 30000

int module_unload_wait(const char *name)
{
	double start = now_ms();

	while (module_unload(name)) {
		if ((errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK) ||
		    now_ms() - start >= UNLOAD_RETRY_MS)
			return -1;
		sleep_ms(50);
	}
	return 0;
}

int module_is_loaded(const char *name)
{
	char path[PATH_MAX];

	return is_dir(path_join(path, sizeof(path), "/sys/module", name));
}

int shim_candidates(const char *explicit, const char *exe, const char *release,
		    char out[SHIM_CANDIDATES_MAX][PATH_MAX])
{
	const char *slash;
	int n = 0;

	if (explicit) {
		copy_str(out[n++], PATH_MAX, explicit);
		return n;
	}
	if (exe && (slash = strrchr(exe, '/')))
		snprintf(out[n++], PATH_MAX, "%.*s/shunt.ko",
			 (int)(slash - exe), exe);
	snprintf(out[n++], PATH_MAX, "/lib/modules/%s/updates/dkms/shunt.ko", release);
	snprintf(out[n++], PATH_MAX, "/lib/modules/%s/updates/dkms/shunt.ko.xz", release);
	snprintf(out[n++], PATH_MAX, "/lib/modules/%s/extra/shunt.ko", release);
	return n;
}

int shim_ensure_loaded(const char *explicit)
{
	char exe[PATH_MAX], cand[SHIM_CANDIDATES_MAX][PATH_MAX];
	struct utsname uts;
	ssize_t n;
	int nc;

	if (shimfs_loaded())
		return shimfs_check_version();
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	uname(&uts);
	nc = shim_candidates(explicit, exe, uts.release, cand);
	for (int i = 0; i < nc; i++) {
		if (!explicit && access(cand[i], F_OK))
			continue;
		/* EEXIST: someone else loaded it just now */
		if (module_load(cand[i], "") && errno != EEXIST) {
			fprintf(stderr, "shunt: %s: cannot load shunt.ko: %s\n",
				cand[i], strerror(errno));
			return -1;
		}
		if (!shimfs_loaded()) {
			fprintf(stderr, "shunt: %s: loaded, but %s did not appear\n",
				cand[i], SHUNT_SYSFS_ROOT);
			return -1;
		}
		return shimfs_check_version();
	}
	fprintf(stderr, "shunt: shunt.ko is not loaded and not found at %s", cand[0]);
	for (int i = 1; i < nc; i++)
		fprintf(stderr, "%s%s", i + 1 < nc ? ", " : " or ", cand[i]);
	fprintf(stderr, " (use --shim PATH)\n");
	return -1;
}
