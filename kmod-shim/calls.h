/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Call counters (calls.c): per patched function, per CPU, how many calls
 * the shim sent to the newest entry's replacement (new) and how many it
 * let go to the code below it (old: the original, or an older patch's
 * replacement). Counted where a call is routed: the direct-call
 * trampoline (direct.S), the ftrace_ops handler and the kprobe handler
 * (redirect.c). Each entry gets the calls made while it was the newest.
 */
#ifndef SHUNT_CALLS_H
#define SHUNT_CALLS_H

#ifndef __ASSEMBLY__
#include <linux/percpu.h>
#include <linux/types.h>
#endif

#define SHUNT_CALLS_NEW		0	/* offsets in struct shunt_calls */
#define SHUNT_CALLS_OLD		8

#ifndef __ASSEMBLY__
struct shunt_func;

struct shunt_calls {
	u64 new;	/* sent to the newest entry's replacement */
	u64 old;	/* let go to the code below it */
};

/* calls counted for an entry: a shunt_func's, under shunt_mutex */
struct shunt_calls_sum {
	u64 new;
	u64 old;
};

/* lock-free, any context: one per-CPU increment, no atomic */
static __always_inline void shunt_calls_hit(struct shunt_calls __percpu *c,
					    bool new)
{
	if (new)
		this_cpu_inc(c->new);
	else
		this_cpu_inc(c->old);
}

struct shunt_calls __percpu *shunt_calls_alloc(void);
void shunt_calls_free(struct shunt_calls __percpu *c);
void shunt_calls_handover(struct shunt_calls __percpu *c,
			  struct shunt_calls_sum *base, struct shunt_func *from);
void shunt_calls_read(struct shunt_func *func, struct shunt_calls_sum *sum);
#endif

#endif /* SHUNT_CALLS_H */
