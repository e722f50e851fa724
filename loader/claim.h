/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Claims: the lines the loader writes to SHUNT_CLAIM_FILE so that shunt.ko
 * serves a module's klp_enable_patch(), and the status lines it reads
 * back (see shunt_abi.h).
 */
#ifndef SHUNT_CLAIM_H
#define SHUNT_CLAIM_H

#include <stddef.h>

#include "strbuf.h"

struct claim_opts {
	const char *redirect;		/* NULL: ftrace */
	const char *consistency;	/* NULL: per-task */
	int replace;			/* -1: as the module says, else 0/1 */
	long stop_retries;		/* -1: the shim's default */
	int park_kthreads;		/* park blocking hotplug kthreads */
	const char **immediate_funcs;
	int nr_immediate_funcs;
	int no_direct;			/* 1: direct=0, keep the ftrace_ops */
};

#define CLAIM_OPTS_INIT { .replace = -1, .stop_retries = -1 }

/*
 * Append "claim NAME redirect=R consistency=C [replace=0|1]
 * [stop-retries=N] [park-kthreads=1] [immediate-func=F]... [direct=0]\n" to sb.
 * Returns 0 or -1.
 */
int claim_format(struct strbuf *sb, const char *name,
		 const struct claim_opts *o);

/*
 * Split text (whole lines) into pieces of at most max bytes, each ending
 * at a line end, and call fn on each: the claim file takes whole lines
 * in writes of at most SHUNT_CLAIM_WRITE_MAX bytes. Returns fn's first
 * non-zero value; -1 with errno E2BIG when one line is longer than max,
 * or EINVAL when text does not end with a newline.
 */
int claim_chunks(const char *text, size_t len, size_t max,
		 int (*fn)(const char *piece, size_t len, void *ctx),
		 void *ctx);

/* Write text (whole lines) to the claim file in pieces; -1 with errno. */
int claim_write(const char *text, size_t len);

/* Drop the claim for name (best effort: a missing claim is fine). */
void claim_drop(const char *name);

/* the states of a claim's status line */
#define CLAIM_PENDING	"pending"
#define CLAIM_APPLIED	"applied"
#define CLAIM_FAILED	"failed"

struct claim_status {
	char name[64];
	char state[16];		/* CLAIM_PENDING, _APPLIED or _FAILED */
	int err;		/* failed: negative errno; else 0 */
	char msg[512];		/* failed: what the shim says; else "" */
};

/* Parse one status line ("NAME failed -16 MESSAGE..."); 0 or -1. */
int claim_parse_status(const char *line, struct claim_status *st);

/* The status line for name in the claim file's text; 0, or -1 if none. */
int claim_find_status(const char *text, const char *name,
		      struct claim_status *st);

/* Read the claim file and find name's status; 0, or -1 if none. */
int claim_read_status(const char *name, struct claim_status *st);

#endif
