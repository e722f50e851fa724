// SPDX-License-Identifier: GPL-2.0
/* cumulative patch without state 7: incompatible */
#define STACK_TAG "replace_bad"
#define STACK_CMDLINE 1
#define STACK_VERSION 0
#define STACK_LOADAVG 0
#define STACK_REPLACE true

#include "shunt_test_stack.h"
MODULE_DESCRIPTION("shunt selftest: cumulative patch without state 7: incompatible");
