/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by direct.S and redirect.c: the direct-call table's layout. */
#ifndef SHUNT_DIRECT_H
#define SHUNT_DIRECT_H

#include "calls.h"

#define SHUNT_DIRECT_BITS	13
#define SHUNT_DIRECT_GOLDEN	0x61c8864680b583eb
#define SHUNT_DIRECT_SLOW	1
#define SHUNT_CALL_SIZE		5	/* MCOUNT_INSN_SIZE */
/* an entry: {site, target, calls, unused}; offsets for direct.S */
#define SHUNT_DIRECT_ENT_SHIFT	5
#define SHUNT_DIRECT_TARGET	8
#define SHUNT_DIRECT_CALLS	16

#ifndef __ASSEMBLY__
struct shunt_direct_ent {
	unsigned long site;	/* written once, under shunt_mutex */
	unsigned long target;	/* lock-free: see direct.S */
	struct shunt_calls __percpu *calls;	/* set before site, never freed */
	unsigned long unused;	/* a power-of-two entry */
};

extern struct shunt_direct_ent shunt_direct_tab[1 << SHUNT_DIRECT_BITS];
void shunt_direct_tramp(void);
unsigned long shunt_direct_slow(unsigned long site);
#endif

#endif /* SHUNT_DIRECT_H */
