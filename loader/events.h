/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transition programs of a patch (bpf/events.bpf.c): the shim's
 * shunt:* tracepoints counted into the "events" map.
 */
#ifndef SHUNT_EVENTS_H
#define SHUNT_EVENTS_H

#include "bpfpin.h"

/*
 * Load them for patch name, attach them to the tracepoints and pin the
 * links and the events map in pd. Returns 0, or -1 (message printed)
 * with what was pinned left for the caller to remove.
 */
int events_attach(struct pin_dir *pd, const char *name);

#endif
