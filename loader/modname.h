/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module names. A patch is named after its module (in /sys/kernel/shunt
 * and /sys/kernel/livepatch alike), and the loader joins a name into
 * paths it writes to as root: a name must be a module name, never a path.
 */
#ifndef SHUNT_MODNAME_H
#define SHUNT_MODNAME_H

#include <stddef.h>

/*
 * The kernel's MODULE_NAME_LEN (64 - sizeof(unsigned long) on 64-bit),
 * the terminating NUL included: the longest name has 55 characters.
 */
#define MODNAME_LEN 56

/*
 * 0 when name is a module name: 1 to MODNAME_LEN - 1 characters, each a
 * letter, a digit, '_' or '-' (kbuild's names; modprobe treats '-' as
 * '_'). Else -1 with the reason in err, quoting the name with anything
 * unprintable shown as '?', so that the reason stays one line.
 */
int modname_check(const char *name, char *err, size_t errlen);

#endif
