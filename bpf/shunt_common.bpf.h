/* SPDX-License-Identifier: GPL-2.0 */
/* What every shunt BPF object shares: the transition state, histograms. */
#ifndef SHUNT_COMMON_BPF_H
#define SHUNT_COMMON_BPF_H

#include "shunt_metrics.h"

/* one per patch; the loader passes the same map to every object */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct shunt_events);
} events SEC(".maps");

static __always_inline struct shunt_events *shunt_events(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&events, &zero);
}

/* the patch ended: a program of it does nothing more (see enum shunt_end) */
static __always_inline int shunt_ended(const struct shunt_events *ev)
{
	return !ev || ev->ended != SHUNT_LIVE;
}

/* floor(log2(v)), 0 for v <= 1 */
static __always_inline __u32 shunt_log2(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline void shunt_hist_add(struct shunt_hist *h, __u64 ns)
{
	__u64 slot = shunt_log2(ns);

	/*
	 * One register for the bound check and the index: else clang checks
	 * a zero-extended copy, and 6.1's verifier does not carry that
	 * bound over to the register that indexes slots[].
	 */
	asm volatile("" : "+r"(slot));
	if (slot >= SHUNT_HIST_SLOTS)
		slot = SHUNT_HIST_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->total_ns, ns);
}

#endif
