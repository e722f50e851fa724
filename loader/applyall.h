/* SPDX-License-Identifier: GPL-2.0 */
/* shunt apply --all: the installed patches at boot, and the kill switch. */
#ifndef SHUNT_APPLYALL_H
#define SHUNT_APPLYALL_H

#define KILL_SWITCH "shunt.enable=0"
#define CMDLINE_PATH "/proc/cmdline"
/* tests only: read this file instead of /proc/cmdline */
#define CMDLINE_ENV "SHUNT_CMDLINE"

/* Does the kernel command line have shunt.enable=0? */
int boot_disabled(void);

/*
 * Apply every patch installed for the running kernel (store.h) in install
 * order, each by running 'shunt apply ARGS FILE' (this very binary), with
 * --shim=shim when given; patches applied already are left as they are.
 * EXIT_OK when all are applied (or the kill switch is set), else EXIT_FAIL.
 */
int apply_all(const char *shim);

/* 'shunt apply' with the options and parameters a patch was installed with */
int apply_installed(const char *ko, char *const *args, int nr_args, const char *shim);

#endif
