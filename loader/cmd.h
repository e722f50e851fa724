/* SPDX-License-Identifier: GPL-2.0 */
/* The shunt command's verbs. Each returns an exit code (see EXIT_*). */
#ifndef SHUNT_CMD_H
#define SHUNT_CMD_H

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

struct verb {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(void);
};

/* NULL-terminated list of the verbs that exist, defined in main.c */
extern const struct verb shunt_verbs[];

#endif
