/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What shunt.ko and the shunt command agree on: the sysfs layout, the
 * version string and the names of consistency models and redirection
 * mechanisms. Included by kernel and userspace code alike, so it holds
 * only macros.
 */
#ifndef SHUNT_ABI_H
#define SHUNT_ABI_H

#define SHUNT_VERSION		"0.1.0"

/* sysfs root of the shim, mirroring /sys/kernel/livepatch */
#define SHUNT_SYSFS_ROOT	"/sys/kernel/shunt"
#define SHUNT_KLP_SYSFS_ROOT	"/sys/kernel/livepatch"

/* module name of the shim itself */
#define SHUNT_MODULE_NAME	"shunt"

#endif /* SHUNT_ABI_H */
