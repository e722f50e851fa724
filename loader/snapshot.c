// SPDX-License-Identifier: GPL-2.0
/* Reading the maps a patch's metrics pinned into one snapshot. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpfpin.h"
#include "shimfs.h"
#include "snapshot.h"
#include "util.h"

/* the entries of a funcs map in use */
static int read_funcs(int fd, struct shunt_func_info *funcs)
{
	int n = 0;

	for (__u32 k = 0; k < SHUNT_MAX_FUNCS; k++, n++)
		if (bpf_map_lookup_elem(fd, &k, &funcs[k]) || !funcs[k].name[0])
			break;
	return n;
}

int snapshot_funcs(const char *name, struct shunt_func_info *funcs)
{
	int fd = pin_open(name, PIN_FUNCS), n;

	if (fd < 0)
		return 0;
	n = read_funcs(fd, funcs);
	close(fd);
	return n;
}

static void read_old_tasks(int fd, struct metrics_snapshot *s)
{
	__u32 key, next, *prev = NULL;

	while (s->nr_old_tasks < SNAPSHOT_MAX_OLD_TASKS &&
	       !bpf_map_get_next_key(fd, prev, &next)) {
		s->old_tasks[s->nr_old_tasks].pid = next;
		if (!bpf_map_lookup_elem(fd, &next, &s->old_tasks[s->nr_old_tasks].t))
			s->nr_old_tasks++;
		key = next;
		prev = &key;
	}
}

/* Does label (the shim's) name the function BPF calls name? */
static int same_func(const char *label, const char *name)
{
	size_t n = strlen(name);

	/* funcs names are cut to SHUNT_FUNC_NAME_LEN - 1 */
	if (n < SHUNT_FUNC_NAME_LEN - 1)
		return !strcmp(label, name);
	return !strncmp(label, name, n);
}

/*
 * The shim's counters of each function in s; with no BPF maps, the
 * functions themselves come from the shim. 0 when the shim has them.
 */
static int read_shim_counts(const char *name, struct metrics_snapshot *s)
{
	static struct shimfs_calls c[SHUNT_MAX_FUNCS * 4];
	int n = shimfs_read_calls(name, c, ARRAY_SIZE(c));

	if (n < 0)
		return -1;
	if (!s->bpf) {
		s->nr_funcs = n < SHUNT_MAX_FUNCS ? n : SHUNT_MAX_FUNCS;
		for (int i = 0; i < s->nr_funcs; i++)
			copy_str(s->funcs[i].name, sizeof(s->funcs[i].name),
				 c[i].label);
	}
	for (int i = 0; i < s->nr_funcs; i++)
		for (int k = 0; k < n; k++) {
			if (!same_func(c[k].label, s->funcs[i].name))
				continue;
			s->shim[i].known = 1;
			s->shim[i].new_calls = c[k].new_calls;
			s->shim[i].old_calls = c[k].old_calls;
			break;
		}
	return 0;
}

/* Is there a pinned link pd/f<i>_<what>? */
static int link_pinned(const char *name, int i, const char *what)
{
	char file[64], path[PATH_MAX];

	snprintf(file, sizeof(file), "f%d_%s", i, what);
	return access(pin_path(path, sizeof(path), name, file), F_OK) == 0;
}

int snapshot_read(const char *name, struct metrics_snapshot *s)
{
	enum { EVENTS, CALLS, FUNCS, VIOLATIONS, OLDTASKS, NR_MAPS };
	static const char *const maps[NR_MAPS] = {
		[EVENTS] = PIN_EVENTS, [CALLS] = PIN_CALLS, [FUNCS] = PIN_FUNCS,
		[VIOLATIONS] = PIN_VIOLATIONS, [OLDTASKS] = PIN_OLDTASKS,
	};
	int fd[NR_MAPS], ret = -1, missing = 0;
	char dir[PATH_MAX];
	struct timespec ts;
	__u64 stored;
	__u32 key;

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < NR_MAPS; i++) {
		fd[i] = pin_open(name, maps[i]);
		missing |= fd[i] < 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->time_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (missing) {
		if (!read_shim_counts(name, s)) {
			ret = 0;
			goto out;
		}
		fprintf(stderr, "shunt: %s: no metrics pinned in %s and no shunt patch of that name\n",
			name, pin_path(dir, sizeof(dir), name, NULL));
		goto out;
	}
	s->bpf = 1;
	key = 0;
	bpf_map_lookup_elem(fd[EVENTS], &key, &s->events);
	s->nr_funcs = read_funcs(fd[FUNCS], s->funcs);
	for (key = 0; key < (__u32)s->nr_funcs * SHUNT_NR_VERSIONS * SHUNT_NR_PHASES; key++)
		bpf_map_lookup_elem(fd[CALLS], &key, &s->calls[key]);
	stored = s->events.violations < SHUNT_MAX_VIOLATIONS ?
		 s->events.violations : SHUNT_MAX_VIOLATIONS;
	for (key = 0; key < stored; key++)
		bpf_map_lookup_elem(fd[VIOLATIONS], &key, &s->violations[key]);
	s->nr_violations = stored;
	read_old_tasks(fd[OLDTASKS], s);
	for (int i = 0; i < s->nr_funcs; i++)
		s->new_probed[i] = link_pinned(name, i, "knew_in");
	/* none when the patch is gone: its counters went with it */
	read_shim_counts(name, s);
	ret = 0;
out:
	for (int i = 0; i < NR_MAPS; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return ret;
}
