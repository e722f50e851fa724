/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pin directory of a patch, SHUNT_BPF_ROOT/<patch>/: what events.c,
 * metrics.c and blockers.c pin there and snapshot.c reads, so that the
 * programs outlive 'shunt apply'. Removing the directory detaches them.
 */
#ifndef SHUNT_BPFPIN_H
#define SHUNT_BPFPIN_H

#include <limits.h>
#include <stddef.h>

struct bpf_link;
struct bpf_map;

/* What snapshot.c opens: the names the maps have in bpf/NAME.bpf.c. */
#define PIN_EVENTS	"events"	/* events.bpf.c */
#define PIN_CALLS	"calls"		/* metrics.bpf.c */
#define PIN_FUNCS	"funcs"
#define PIN_VIOLATIONS	"violations"
#define PIN_OLDTASKS	"oldtasks"
#define PIN_BLOCKERS	"blockers"	/* blockers.bpf.c's iterator link */

struct pin_dir {
	char path[PATH_MAX];
	int nr_links;		/* links pinned through this pin_dir */
};

/* SHUNT_BPF_ROOT/name/file, or the directory when file is NULL */
char *pin_path(char *buf, size_t len, const char *name, const char *file);

/* Is there a pin directory for patch name? */
int pin_dir_exists(const char *name);

/* pd for the pin directory of name, which need not exist yet */
void pin_dir_init(struct pin_dir *pd, const char *name);

/* Create the pin directory of name (and SHUNT_BPF_ROOT); -1 with errno. */
int pin_dir_create(struct pin_dir *pd, const char *name);

/*
 * Pin link as pd/what and let go of it: from then on only the pin holds
 * it. Destroys link either way; -1 (message printed) when it cannot be
 * pinned.
 */
int pin_link(struct pin_dir *pd, struct bpf_link *link, const char *what);

/* Pin map as pd/<its name>; -1, message printed, when it cannot be. */
int pin_map(struct pin_dir *pd, struct bpf_map *map);

/* An fd of what is pinned as name/file; -1 with errno. */
int pin_open(const char *name, const char *file);

/* Unpin everything of name and remove its directory; 0 also when none. */
int pin_dir_remove(const char *name);

/* The patches with a pin directory; free with free_names(). */
char **pin_dir_names(int *n);

#endif
