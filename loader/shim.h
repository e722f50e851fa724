/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel modules: loading shunt.ko when needed, finit_module, delete_module. */
#ifndef SHUNT_SHIM_H
#define SHUNT_SHIM_H

#include <limits.h>

#define SHIM_CANDIDATES_MAX 4

/*
 * Where to look for shunt.ko: explicit (--shim) alone when given, else
 * shunt.ko in the directory of exe (the running binary), then the
 * installed one: /lib/modules/RELEASE/updates/dkms/shunt.ko or shunt.ko.xz
 * (DKMS, the Debian package shunt-dkms; it compresses modules as the
 * kernel's are), then /lib/modules/RELEASE/extra/shunt.ko
 * (make install). Returns how many were filled in.
 */
int shim_candidates(const char *explicit, const char *exe, const char *release,
		    char out[SHIM_CANDIDATES_MAX][PATH_MAX]);

/*
 * Make sure shunt.ko is loaded (SHUNT_SYSFS_ROOT exists) and speaks our
 * version, loading it from explicit or the usual places. Prints one line
 * and returns -1 on failure.
 */
int shim_ensure_loaded(const char *explicit);

/* finit_module(path, params); -1 with errno. */
int module_load(const char *path, const char *params);
/* finit_module(fd, params), of a file already open; -1 with errno. */
int module_load_fd(int fd, const char *params);

/* delete_module(name, O_NONBLOCK); -1 with errno. */
int module_unload(const char *name);

/*
 * delete_module(), retried for a while as long as the module is still in
 * use (BPF probes on its functions let go of it only after RCU grace
 * periods); -1 with errno.
 */
int module_unload_wait(const char *name);

/* Is a module called name loaded (/sys/module/NAME)? */
int module_is_loaded(const char *name);

#endif
