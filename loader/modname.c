// SPDX-License-Identifier: GPL-2.0
/* Module names: what may name a patch (see modname.h). */
#include <stdio.h>
#include <string.h>

#include "modname.h"

static int name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* name as it may be shown in one line: at most 64 bytes, unprintables '?' */
static void quote(char *out, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < len && name[i]; i++)
		out[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
	out[i] = '\0';
}

int modname_check(const char *name, char *err, size_t errlen)
{
	size_t n = strnlen(name, MODNAME_LEN);
	const char *why = NULL;
	char shown[65];

	if (n == 0)
		why = "it is empty";
	else if (n >= MODNAME_LEN)
		why = "longer than the kernel's 55 characters";
	else if (strchr(name, '/') || strstr(name, ".."))
		why = "a module name is not a path (no '/', no '..')";
	for (size_t i = 0; !why && i < n; i++)
		if (!name_char(name[i]))
			why = "only letters, digits, '_' and '-' may name a module";
	if (!why)
		return 0;
	quote(shown, sizeof(shown), name);
	snprintf(err, errlen, "'%s%s' is not a module name: %s", shown,
		 strlen(name) >= sizeof(shown) ? "..." : "", why);
	return -1;
}
