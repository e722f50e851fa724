// SPDX-License-Identifier: GPL-2.0
/* stacked patch 1: cmdline and version, state 7 v1 */
#define STACK_TAG "stack1"
#define STACK_CMDLINE 1
#define STACK_VERSION 1
#define STACK_LOADAVG 0
#define STACK_REPLACE false
#define STACK_STATE_ID 7
#define STACK_STATE_VERSION 1
#include "shunt_test_stack.h"
MODULE_DESCRIPTION("shunt selftest: stacked patch 1: cmdline and version, state 7 v1");
