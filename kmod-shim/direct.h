/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by direct.S and redirect.c: the direct-call table's layout. */
#ifndef SHUNT_DIRECT_H
#define SHUNT_DIRECT_H

#include "calls.h"

#define SHUNT_DIRECT_BITS	13
#define SHUNT_DIRECT_GOLDEN	0x61c8864680b583eb
#define SHUNT_CALL_SIZE		5	/* MCOUNT_INSN_SIZE */
/* an entry: {site, patched, calls, unpatched}; offsets for direct.S */
#define SHUNT_DIRECT_ENT_SHIFT	5
#define SHUNT_DIRECT_PATCHED	8
#define SHUNT_DIRECT_CALLS	16
#define SHUNT_DIRECT_UNPATCHED	24

/*
 * shunt_task_sel (pertask.c), per CPU: the task running there with its
 * state in the low bit (SHUNT_UNPATCHED 0, SHUNT_PATCHED 1), or 0 when
 * unknown. XORed with current it gives the state, or more than 1 when it
 * is not current's.
 */
#define SHUNT_SEL_PATCHED	1

#ifndef __ASSEMBLY__
/*
 * Where a call goes (0: the original) for a task at each state of the
 * patch in transition: the same outside a transition, the top entry's
 * replacement and the code below it while the top entry is in one.
 */
struct shunt_direct_ent {
	unsigned long site;	/* written once, under shunt_mutex */
	unsigned long patched;	/* lock-free: see direct.S */
	struct shunt_calls __percpu *calls;	/* set before site, never freed */
	unsigned long unpatched;	/* lock-free */
};

extern struct shunt_direct_ent shunt_direct_tab[1 << SHUNT_DIRECT_BITS];
void shunt_direct_tramp(void);
unsigned long shunt_direct_slow(unsigned long site);
#endif

#endif /* SHUNT_DIRECT_H */
