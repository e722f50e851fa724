// SPDX-License-Identifier: GPL-2.0
/*
 * kill-at-syscall SYSCALL COMMAND [ARG...]: run COMMAND under ptrace and
 * SIGKILL it when it enters SYSCALL (finit_module, init_module, openat),
 * before the kernel runs the call; for a test that needs a real program
 * killed at an exact point (the loader after its claim, before the
 * load). Exits 0 when the kill happened at that point, 1 when COMMAND
 * ended without making the call, 2 on a usage or ptrace error.
 * x86_64 only.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct { const char *name; long nr; } calls[] = {
	{ "finit_module", SYS_finit_module },
	{ "init_module", SYS_init_module },
	{ "openat", SYS_openat },
};

static long syscall_nr(const char *name)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(name, calls[i].name))
			return calls[i].nr;
	return -1;
}

int main(int argc, char **argv)
{
	struct user_regs_struct regs;
	int status, entering = 1;
	long nr;
	pid_t pid;

	if (argc < 3 || (nr = syscall_nr(argv[1])) < 0) {
		fprintf(stderr, "usage: kill-at-syscall finit_module|init_module|openat COMMAND [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0)
		return 2;
	if (!pid) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "kill-at-syscall: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return 2;
	ptrace(PTRACE_SETOPTIONS, pid, NULL,
	       (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
	for (int sig = 0;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig))
			return 2;
		sig = 0;
		if (waitpid(pid, &status, 0) != pid)
			return 2;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			fprintf(stderr, "kill-at-syscall: %s ended without calling %s\n",
				argv[2], argv[1]);
			return 1;
		}
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			/* a signal for the tracee: deliver it (not exec's SIGTRAP) */
			sig = WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status);
			continue;
		}
		if (entering) {
			if (ptrace(PTRACE_GETREGS, pid, NULL, &regs))
				return 2;
			if ((long)regs.orig_rax == nr) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				printf("kill-at-syscall: killed %s at %s\n", argv[2],
				       argv[1]);
				return 0;
			}
		}
		entering = !entering;
	}
}
