// SPDX-License-Identifier: GPL-2.0
/* cumulative patch: cmdline only, replaces all, state 7 v2 */
#define STACK_TAG "replace"
#define STACK_CMDLINE 1
#define STACK_VERSION 0
#define STACK_LOADAVG 0
#define STACK_REPLACE true
#define STACK_STATE_ID 7
#define STACK_STATE_VERSION 2
#include "shunt_test_stack.h"
MODULE_DESCRIPTION("shunt selftest: cumulative patch: cmdline only, replaces all, state 7 v2");
