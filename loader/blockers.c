// SPDX-License-Identifier: GPL-2.0
/*
 * The blockers iterator of a patch (bpf/blockers.bpf.c): its sorted
 * address ranges, loading and pinning it, and running the pinned one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "blockers.h"
#include "blockers.skel.h"

static int by_start(const void *a, const void *b)
{
	const struct shunt_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* the iterator's ranges, sorted by start; count in entry 0 */
static void fill_ranges(struct blockers_bpf *bl,
			const struct shunt_func_info *funcs, int n)
{
	struct shunt_range r[SHUNT_MAX_RANGES] = { 0 };
	int nr = 0;

	for (int i = 0; i < n && nr < SHUNT_MAX_RANGES; i++) {
		if (!funcs[i].old_size)
			continue;
		r[nr].start = funcs[i].old_addr;
		r[nr].end = funcs[i].old_addr + funcs[i].old_size;
		r[nr].func = i;
		nr++;
	}
	qsort(r, nr, sizeof(r[0]), by_start);
	r[0].count = nr;
	for (__u32 i = 0; i < (__u32)nr; i++)
		bpf_map_update_elem(bpf_map__fd(bl->maps.ranges), &i, &r[i],
				    BPF_ANY);
}

static int attach_iter(struct pin_dir *pd, struct blockers_bpf *bl)
{
	struct bpf_link *link;

	link = bpf_program__attach_iter(bl->progs.shunt_blockers, NULL);
	if (!link) {
		fprintf(stderr, "shunt: metrics: cannot attach the blockers iterator: %s\n",
			strerror(errno));
		return -1;
	}
	if (pin_link(pd, link, PIN_BLOCKERS))
		return -1;
	return pin_map(pd, bl->maps.ranges);
}

int blockers_attach(struct pin_dir *pd, const struct shunt_func_info *funcs,
		    int n)
{
	struct blockers_bpf *bl;
	int ret;

	bl = blockers_bpf__open_and_load();
	if (!bl) {
		fprintf(stderr, "shunt: metrics: cannot load the blockers iterator: %s\n",
			strerror(errno));
		return -1;
	}
	fill_ranges(bl, funcs, n);
	ret = attach_iter(pd, bl);
	blockers_bpf__destroy(bl);
	return ret;
}

int blockers_read(const char *name, const struct shunt_func_info *funcs,
		  int nr_funcs, char *out, size_t len)
{
	char path[PATH_MAX], buf[8192], comm[32];
	unsigned long long off;
	int fd, pid, n = 0;
	unsigned int func;
	size_t used = 0;
	ssize_t got, total = 0;

	fd = open(pin_path(path, sizeof(path), name, PIN_BLOCKERS), O_RDONLY);
	if (fd < 0)
		return -1;
	while (total < (ssize_t)sizeof(buf) - 1 &&
	       (got = read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += got;
	close(fd);
	buf[total > 0 ? total : 0] = '\0';
	out[0] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "%d %31s %u %llu", &pid, comm, &func, &off) != 4)
			continue;
		used += snprintf(out + used, used < len ? len - used : 0,
				 "%d %s %s+0x%llx\n", pid, comm,
				 (int)func < nr_funcs ? funcs[func].name : "?",
				 off);
		n++;
	}
	return n;
}
