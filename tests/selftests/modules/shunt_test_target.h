/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shunt_test_target: what its source files share. The two static
 * functions named shunt_target_dup (one in each dup_*.c) are reached
 * through these wrappers, so that both stay in the module.
 */
#ifndef SHUNT_TEST_TARGET_H
#define SHUNT_TEST_TARGET_H
const char *shunt_target_value(void);
const char *shunt_target_dup_a(void);
const char *shunt_target_dup_b(void);
#endif
