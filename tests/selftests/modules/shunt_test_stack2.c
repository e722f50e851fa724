// SPDX-License-Identifier: GPL-2.0
/* stacked patch 2: version and loadavg */
#define STACK_TAG "stack2"
#define STACK_CMDLINE 0
#define STACK_VERSION 1
#define STACK_LOADAVG 1
#define STACK_REPLACE false
#include "shunt_test_stack.h"
MODULE_DESCRIPTION("shunt selftest: stacked patch 2: version and loadavg");
