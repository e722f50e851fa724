// SPDX-License-Identifier: GPL-2.0
/*
 * Are kprobes armed? Writing 0 to debugfs kprobes/enabled disarms every
 * kprobe, --redirect=kprobe ones too: such a patch stays "applied" while
 * the old code runs, so the loader asks before it relies on kprobes and
 * says so where it shows such a patch.
 */
#include "kprobes.h"
#include "util.h"

#define KPROBES_ENABLED "/sys/kernel/debug/kprobes/enabled"

enum kprobes_state kprobes_state(void)
{
	char buf[8];

	if (read_text(KPROBES_ENABLED, buf, sizeof(buf)))
		return KPROBES_UNKNOWN;
	return buf[0] == '0' ? KPROBES_DISARMED : KPROBES_ARMED;
}

const char *kprobes_state_problem(enum kprobes_state st)
{
	switch (st) {
	case KPROBES_DISARMED:
		return "kprobes are disarmed (" KPROBES_ENABLED " is 0)";
	case KPROBES_UNKNOWN:
		return "cannot read " KPROBES_ENABLED " (debugfs not mounted?)";
	default:
		return NULL;
	}
}
