// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/cmd.c: patch name arguments, the privilege check. */
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "tap.h"

/* fn(verb) with stderr into buf; returns what fn returned */
static int with_stderr(int (*fn)(const char *, const char *), const char *verb,
		       const char *arg, char *buf, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(2), ret;
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	ret = fn(verb, arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return ret;
}

static int name_arg(const char *verb, const char *name)
{
	return check_patch_name(verb, name);
}

static int privileged(const char *verb, const char *unused)
{
	(void)unused;
	return require_sys_module(verb);
}

/* drop CAP_SYS_MODULE from the effective set: allowed to anyone */
static void drop_sys_module(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, d))
		exit(3);
	d[CAP_TO_INDEX(CAP_SYS_MODULE)].effective &= ~CAP_TO_MASK(CAP_SYS_MODULE);
	if (syscall(SYS_capset, &hdr, d))
		exit(3);
}

int main(void)
{
	char err[512];
	int r, st;
	pid_t pid;

	r = with_stderr(name_arg, "revert", "../livepatch/x", err, sizeof(err));
	tap_ok(r == EXIT_USAGE && !strcmp(err, "shunt: revert: '../livepatch/x' is not a module name: a module name is not a path (no '/', no '..')\n"),
	       "revert ../livepatch/x: refused in one line naming the verb");
	r = with_stderr(name_arg, "show", "shunt_test_stack1", err, sizeof(err));
	tap_ok(r == 0 && !err[0], "a module name passes, silently");

	/* in a child, which then has no CAP_SYS_MODULE whoever runs the test */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		drop_sys_module();
		if (have_sys_module())
			exit(4);
		r = with_stderr(privileged, "apply", NULL, err, sizeof(err));
		exit(r == EXIT_FAIL && strstr(err, "shunt: apply: needs root: CAP_SYS_MODULE") &&
		     strchr(err, '\n') == err + strlen(err) - 1 ? 0 : 5);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "without CAP_SYS_MODULE in the effective set: one line, EXIT_FAIL (child exit %d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	if (have_sys_module()) {
		r = with_stderr(privileged, "apply", NULL, err, sizeof(err));
		tap_ok(r == 0 && !err[0], "with CAP_SYS_MODULE: passes, silently");
	} else {
		TAP_DIAG("not run as root: the CAP_SYS_MODULE case is skipped");
	}
	return tap_done();
}
