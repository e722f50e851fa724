/* SPDX-License-Identifier: GPL-2.0 */
/* Whether kprobes are armed, for the kprobe redirection. */
#ifndef SHUNT_KPROBES_H
#define SHUNT_KPROBES_H

enum kprobes_state {
	KPROBES_ARMED,
	KPROBES_DISARMED,
	KPROBES_UNKNOWN,
};

enum kprobes_state kprobes_state(void);

/* why a kprobe redirection would not take effect, or NULL */
const char *kprobes_state_problem(enum kprobes_state st);

#endif
