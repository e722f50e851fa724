// SPDX-License-Identifier: GPL-2.0
/*
 * Which kernel BTF describes a function: vmlinux's and the modules',
 * loaded once and searched in the order libbpf's fentry-by-name uses.
 */
#include "btf.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "util.h"

#define MAX_BTFS 512

static struct btf *vmlinux_btf;
static struct btf_named mod_btfs[MAX_BTFS];
static int nr_mod_btfs = -1;

static int load_module_btfs(void)
{
	__u32 id = 0;

	nr_mod_btfs = 0;
	while (!bpf_btf_get_next_id(id, &id) && nr_mod_btfs < MAX_BTFS) {
		struct bpf_btf_info info = { 0 };
		__u32 len = sizeof(info);
		char name[64] = "";
		int fd;

		fd = bpf_btf_get_fd_by_id(id);
		if (fd < 0)
			continue;
		info.name = (__u64)(unsigned long)name;
		info.name_len = sizeof(name);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.kernel_btf &&
		    strcmp(name, "vmlinux")) {
			struct btf *b = btf__load_from_kernel_by_id_split(id, vmlinux_btf);

			if (b) {
				mod_btfs[nr_mod_btfs].btf = b;
				copy_str(mod_btfs[nr_mod_btfs].name,
					 sizeof(mod_btfs[0].name), name);
				nr_mod_btfs++;
			}
		}
		close(fd);
	}
	return 0;
}

int btf_func_owners_in(const struct btf *vmlinux, const struct btf_named *mods,
		       int nr_mods, const char *name, char *owner, size_t len)
{
	int n = 0;

	owner[0] = '\0';
	if (btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) >= 0) {
		copy_str(owner, len, "vmlinux");
		n++;
	}
	for (int i = 0; i < nr_mods; i++) {
		if (btf__find_by_name_kind(mods[i].btf, name, BTF_KIND_FUNC) < 0)
			continue;
		if (!n++)
			copy_str(owner, len, mods[i].name);
	}
	return n;
}

int btf_func_owners(const char *name, char *owner, size_t len)
{
	owner[0] = '\0';
	if (!vmlinux_btf) {
		vmlinux_btf = btf__load_vmlinux_btf();
		if (!vmlinux_btf)
			return -1;
	}
	if (nr_mod_btfs < 0)
		load_module_btfs();
	return btf_func_owners_in(vmlinux_btf, mod_btfs, nr_mod_btfs, name,
				  owner, len);
}

void btf_cache_free(void)
{
	for (int i = 0; i < nr_mod_btfs; i++)
		btf__free(mod_btfs[i].btf);
	nr_mod_btfs = -1;
	btf__free(vmlinux_btf);
	vmlinux_btf = NULL;
}
