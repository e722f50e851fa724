/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Metrics whose patch is gone. A patch can end without the loader
 * (enabled written 0, a reversed transition, a replace): its programs
 * stop counting at once (bpf/events.bpf.c) and hold no module, but its
 * pin directory stays until a shunt command that touches patches runs
 * and removes it here.
 */
#ifndef SHUNT_ORPHANS_H
#define SHUNT_ORPHANS_H

#include <stdbool.h>

/*
 * Is patch name gone: no shunt patch of that name, and no apply of it
 * under way (an apply pins the metrics while its module is claimed,
 * before the patch exists)?
 */
bool orphan_patch_gone(const char *name);

/*
 * Remove the metrics of patch name, which is gone, with one line on
 * stderr; 0, or -1 when they could not be removed (said).
 */
int orphan_remove(const char *name);

/* Remove the metrics of every patch that is gone, but keep's (or NULL). */
void orphans_collect(const char *keep);

#endif
