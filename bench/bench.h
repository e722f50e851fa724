/* SPDX-License-Identifier: GPL-2.0 */
/* What the benchmark's target, patch and caller modules share. */
#ifndef SHUNT_BENCH_H
#define SHUNT_BENCH_H

/* bench_target: the function the caller calls, and the sleep of its kthread */
unsigned long bench_target_fn(unsigned long x);
void bench_target_sleep_held(void);

#endif /* SHUNT_BENCH_H */
