// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/modname.c: what may name a patch. */
#include <string.h>

#include "modname.h"
#include "tap.h"

static void refused(const char *name, const char *why)
{
	char err[256] = "";

	tap_ok(modname_check(name, err, sizeof(err)) == -1 && strstr(err, why) &&
	       !strchr(err, '\n'), "'%s' refused (%s): %s", name, why, err);
}

int main(void)
{
	static const char *const good[] = {
		"livepatch_sample", "shunt_test_stack1", "kpatch-3_1", "A9",
		"a123456789b123456789c123456789d123456789e123456789f1234",
	};
	char err[256];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		tap_ok(modname_check(good[i], err, sizeof(err)) == 0,
		       "'%s' is a module name", good[i]);
	refused("../livepatch/x", "not a path");
	refused("a/b", "not a path");
	refused("..", "not a path");
	refused("x..y", "not a path");
	refused("", "empty");
	refused("a123456789b123456789c123456789d123456789e123456789f12345",
		"55 characters");
	refused("p.ko", "only letters, digits");
	refused("p q", "only letters, digits");
	tap_ok(modname_check("p\nq", err, sizeof(err)) == -1 &&
	       strstr(err, "'p?q'"), "an unprintable character is quoted as '?': %s", err);
	return tap_done();
}
