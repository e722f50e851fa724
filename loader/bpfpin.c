// SPDX-License-Identifier: GPL-2.0
/*
 * The pin directory of a patch, SHUNT_BPF_ROOT/<patch>/: creating it,
 * pinning links and maps into it, opening what is pinned, removing it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfpin.h"
#include "shunt_metrics.h"
#include "util.h"

char *pin_path(char *buf, size_t len, const char *name, const char *file)
{
	snprintf(buf, len, "%s/%s%s%s", SHUNT_BPF_ROOT, name, file ? "/" : "",
		 file ? file : "");
	return buf;
}

int pin_dir_exists(const char *name)
{
	char path[PATH_MAX];

	return is_dir(pin_path(path, sizeof(path), name, NULL));
}

void pin_dir_init(struct pin_dir *pd, const char *name)
{
	pin_path(pd->path, sizeof(pd->path), name, NULL);
	pd->nr_links = 0;
}

int pin_dir_create(struct pin_dir *pd, const char *name)
{
	pin_dir_init(pd, name);
	if (mkdir(SHUNT_BPF_ROOT, 0700) && errno != EEXIST)
		return -1;
	if (mkdir(pd->path, 0700) && errno != EEXIST)
		return -1;
	return 0;
}

int pin_link(struct pin_dir *pd, struct bpf_link *link, const char *what)
{
	char path[PATH_MAX + 64];
	int err;

	snprintf(path, sizeof(path), "%s/%s", pd->path, what);
	err = bpf_link__pin(link, path);
	/*
	 * From now on only the pin holds it: our fd would keep it (and the
	 * module of a probed function) alive until we exit, and an apply
	 * that is undone must be able to remove that module.
	 */
	bpf_link__disconnect(link);
	close(bpf_link__fd(link));
	bpf_link__destroy(link);
	if (err) {
		fprintf(stderr, "shunt: metrics: cannot pin %s: %s\n", path,
			strerror(-err));
		return -1;
	}
	pd->nr_links++;
	return 0;
}

int pin_map(struct pin_dir *pd, struct bpf_map *map)
{
	char path[PATH_MAX + 64];
	int err;

	snprintf(path, sizeof(path), "%s/%s", pd->path, bpf_map__name(map));
	err = bpf_map__pin(map, path);
	if (err)
		fprintf(stderr, "shunt: metrics: cannot pin %s: %s\n", path,
			strerror(-err));
	return err ? -1 : 0;
}

int pin_open(const char *name, const char *file)
{
	char path[PATH_MAX];

	return bpf_obj_get(pin_path(path, sizeof(path), name, file));
}

int pin_dir_remove(const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX], **files;
	int n, ret = 0;

	pin_path(dir, sizeof(dir), name, NULL);
	if (!is_dir(dir))
		return 0;
	files = dir_list(dir, DIR_LIST_FILES, &n);
	for (int i = 0; i < n; i++)
		if (unlink(path_join(path, sizeof(path), dir, files[i])))
			ret = -1;
	free_names(files, n);
	if (rmdir(dir)) {
		fprintf(stderr, "shunt: metrics: cannot remove %s: %s\n", dir,
			strerror(errno));
		ret = -1;
	}
	return ret;
}

char **pin_dir_names(int *n)
{
	return dir_list(SHUNT_BPF_ROOT, DIR_LIST_DIRS, n);
}
