// SPDX-License-Identifier: GPL-2.0
/* stacked patch 3: loadavg and cmdline */
#define STACK_TAG "stack3"
#define STACK_CMDLINE 1
#define STACK_VERSION 0
#define STACK_LOADAVG 1
#define STACK_REPLACE false

#include "shunt_test_stack.h"
MODULE_DESCRIPTION("shunt selftest: stacked patch 3: loadavg and cmdline");
