// SPDX-License-Identifier: GPL-2.0
/*
 * The transition programs of a patch (bpf/events.bpf.c): loaded for one
 * patch name, attached to the shim's shunt:* tracepoints, pinned.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "events.h"
#include "events.skel.h"
#include "util.h"

static int attach_all(struct pin_dir *pd, struct events_bpf *ev)
{
	struct bpf_link *link;
	struct bpf_program *p;

	bpf_object__for_each_program(p, ev->obj) {
		link = bpf_program__attach(p);
		if (!link) {
			fprintf(stderr, "shunt: metrics: cannot attach %s to the shunt:* tracepoints: %s\n",
				bpf_program__name(p), strerror(errno));
			return -1;
		}
		if (pin_link(pd, link, bpf_program__name(p)))
			return -1;
	}
	return pin_map(pd, ev->maps.events);
}

int events_attach(struct pin_dir *pd, const char *name)
{
	struct events_bpf *ev;
	int err, ret = -1;

	ev = events_bpf__open();
	if (!ev)
		return -1;
	copy_str((char *)ev->rodata->patch_name, sizeof(ev->rodata->patch_name),
		 name);
	err = events_bpf__load(ev);
	if (err)
		fprintf(stderr, "shunt: metrics: cannot load the transition programs: %s\n",
			strerror(-err));
	else
		ret = attach_all(pd, ev);
	events_bpf__destroy(ev);
	return ret;
}
