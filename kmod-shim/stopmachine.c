// SPDX-License-Identifier: GPL-2.0
/*
 * Stop-machine consistency (kpatch's model): stop every CPU, check every
 * task's stack, and flip all functions at once while the CPUs still
 * stand still; retry with backoff, then give up naming the blockers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/string.h>

#include "shunt.h"
#include "stackcheck.h"
#include "trace.h"
#include "transition.h"

/* the CPUs are stopped and no stack holds the code: everybody switches */
static void stopmachine_flip(void *arg)
{
	struct shunt_trans *t = arg;

	WRITE_ONCE(t->all_at_target, true);
}

/* 0 once flipped; -EBUSY with err naming the blockers after the retries */
int shunt_stopmachine_run(struct shunt_trans *t, char *err, size_t errlen)
{
	struct shunt_patch *patch = t->patch;
	unsigned int try, retries = patch->opts.stop_retries;
	struct shunt_stack_check_all sc = {
		.idle = true,
		.all_clear = stopmachine_flip,
		.arg = t,
		.blockers = { .buf = t->blocked, .len = sizeof(t->blocked) },
	};
	int ret;

	lockdep_assert_held(&shunt_mutex);
	sc.nr_ranges = shunt_transition_ranges(t, !t->target, &sc.ranges);
	for (try = 0; try <= retries; try++) {
		ret = shunt_stack_check_all(&sc);
		if (ret && ret != -EBUSY)
			return ret;
		trace_shunt_stop_machine(patch->mod->name, sc.duration_ns,
					 sc.tasks, ret);
		t->stats.stop_ns = max(t->stats.stop_ns, sc.duration_ns);
		t->stats.stop_tries = try + 1;
		if (!ret)
			return 0;
		if (try < retries)
			msleep(min(20U << try, 1000U));
	}
	snprintf(err, errlen,
		 "stop-machine: %u task(s) in the functions after %u tries: %s",
		 sc.blockers.nr, retries + 1, t->blocked);
	strreplace(err, '\n', ';');
	return -EBUSY;
}
