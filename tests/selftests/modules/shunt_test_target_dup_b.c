// SPDX-License-Identifier: GPL-2.0
/* One of two static functions named shunt_target_dup in one module. */
#include "shunt_test_target.h"

static noinline __attribute__((noipa)) const char *shunt_target_dup(void)
{
	return "dup-b";
}

const char *shunt_target_dup_b(void)
{
	return shunt_target_dup();
}
