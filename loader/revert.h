/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Taking a shunt patch back: the one revert routine, used by the revert
 * verb and by apply when it undoes an apply.
 */
#ifndef SHUNT_REVERT_H
#define SHUNT_REVERT_H

#include <stdbool.h>

/* How far revert_patch() got; errno says why for _REFUSED and _UNLOAD_FAILED. */
enum revert_result {
	REVERT_REMOVED,		/* reverted, its module removed */
	REVERT_KEPT,		/* reverted, the module kept as asked */
	REVERT_KEPT_FORCED,	/* reverted, the module kept: it was forced */
	REVERT_REFUSED,		/* the shim would not revert it */
	REVERT_NOT_RELEASED,	/* still reverting or releasing after the timeout */
	REVERT_UNLOAD_FAILED,	/* reverted, but its module would not go */
};

/*
 * Revert shunt patch name (a transition back, or the reversal of the one
 * in flight), remove its BPF metrics (saying so on stdout), wait up to
 * timeout seconds until the shim has released the module, then remove
 * the module unless keep_module or the patch was forced: tasks may still
 * run a forced patch's code.
 */
enum revert_result revert_patch(const char *name, double timeout,
				bool keep_module);

#endif
