// SPDX-License-Identifier: GPL-2.0
/*
 * Call counters: what the shim routed, per patched function, cheaply
 * enough to be on by default. A function's counters (struct
 * shunt_calls, one pair per CPU) are incremented by whoever routes its
 * call: one "incq %gs:" in the direct-call trampoline, this_cpu_inc()
 * in the ftrace_ops and kprobe handlers. No BPF program, no second
 * ftrace user on the function, no atomic operation.
 *
 * The counters belong to the function, not to a patch: the trampoline
 * cannot tell which entry of the function's stack it serves, and it
 * reads its counters' address from the direct-call table, whose slots
 * are never freed, so neither are their counters (a task preempted in
 * the trampoline may increment them at any later time). A patch's entry
 * gets the calls made while it is the newest entry of its function: when
 * the newest entry changes (redirect.c, under shunt_mutex), the calls so
 * far go to the entry that leaves the top and the one that takes it
 * starts from the current sums (the base, kept in the function's
 * shunt_ops). A call racing with such a change may be counted for the
 * entry that follows.
 */
#include <linux/percpu.h>

#include "calls.h"
#include "shunt.h"

struct shunt_calls __percpu *shunt_calls_alloc(void)
{
	return alloc_percpu(struct shunt_calls);
}

void shunt_calls_free(struct shunt_calls __percpu *c)
{
	free_percpu(c);
}

static void shunt_calls_sum_now(struct shunt_calls __percpu *c,
				struct shunt_calls_sum *sum)
{
	int cpu;

	sum->new = 0;
	sum->old = 0;
	for_each_possible_cpu(cpu) {
		struct shunt_calls *p = per_cpu_ptr(c, cpu);

		sum->new += READ_ONCE(p->new);
		sum->old += READ_ONCE(p->old);
	}
}

/*
 * The newest entry of c's function changes: @from (NULL for none) keeps
 * what it counted since @base, which becomes now for the next one.
 * Under shunt_mutex.
 */
void shunt_calls_handover(struct shunt_calls __percpu *c,
			  struct shunt_calls_sum *base, struct shunt_func *from)
{
	struct shunt_calls_sum now;

	lockdep_assert_held(&shunt_mutex);
	shunt_calls_sum_now(c, &now);
	if (from) {
		from->calls.new += now.new - base->new;
		from->calls.old += now.old - base->old;
	}
	*base = now;
}

/* The calls counted for func so far. Under shunt_mutex. */
void shunt_calls_read(struct shunt_func *func, struct shunt_calls_sum *sum)
{
	struct shunt_calls_sum *base, now;
	struct shunt_calls __percpu *c;

	lockdep_assert_held(&shunt_mutex);
	*sum = func->calls;
	c = shunt_redirect_calls(func, &base);
	if (!c)
		return;
	shunt_calls_sum_now(c, &now);
	sum->new += now.new - base->new;
	sum->old += now.old - base->old;
}
