// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/strset.c: the candidate-name hash set. */
#include <stdio.h>
#include <string.h>

#include "strset.h"
#include "tap.h"

int main(void)
{
	struct strset *set = strset_new();
	char name[32];
	int all = 1;

	tap_ok(set && strset_count(set) == 0, "a new set is empty");
	strset_add(set, "cmdline_proc_show", 17);
	strset_add(set, "cmdline_proc_show", 17);
	tap_ok(strset_count(set) == 1, "adding a string twice keeps one");
	tap_ok(strset_has(set, "cmdline_proc_show", 17), "the string is found");
	tap_ok(!strset_has(set, "cmdline_proc_sho", 16) &&
	       !strset_has(set, "cmdline_proc_showx", 18),
	       "a prefix or a longer string is not");
	/* the length counts, not a NUL: "proc_show" inside a longer buffer */
	tap_ok(strset_has(set, "cmdline_proc_show_and_more", 17),
	       "lookup by length: the first 17 bytes of a longer buffer match");

	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "sym_%d", i);
		strset_add(set, name, strlen(name));
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "sym_%d", i);
		all &= strset_has(set, name, strlen(name));
	}
	tap_ok(all && strset_count(set) == 5001,
	       "5000 more strings (the table grows from 1024 slots): all found, count %zu",
	       strset_count(set));
	tap_ok(!strset_has(set, "sym_5000", 8), "a string never added is not found");
	tap_ok(strset_has(set, "cmdline_proc_show", 17), "the first string survives growing");
	strset_free(set);
	strset_free(NULL);
	return tap_done();
}
