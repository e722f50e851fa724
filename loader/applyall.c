// SPDX-License-Identifier: GPL-2.0
/* shunt apply --all: apply the installed patches (shunt.service, at boot). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applyall.h"
#include "cmd.h"
#include "shimfs.h"
#include "store.h"
#include "util.h"

int boot_disabled(void)
{
	const char *path = getenv(CMDLINE_ENV);
	char line[4096], *tok, *save;

	if (!path || !path[0])
		path = CMDLINE_PATH;
	if (read_text(path, line, sizeof(line)))
		return 0;
	for (tok = strtok_r(line, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
		if (!strcmp(tok, KILL_SWITCH))
			return 1;
	return 0;
}

int apply_installed(const char *ko, char *const *args, int nr_args, const char *shim)
{
	char shimopt[PATH_MAX + 8];
	char **argv = calloc(nr_args + 6, sizeof(*argv));
	int n = 0, i, status;
	pid_t pid;

	if (!argv) {
		fprintf(stderr, "shunt: apply --all: out of memory\n");
		return EXIT_FAIL;
	}
	argv[n++] = "shunt";
	argv[n++] = "apply";
	if (shim) {
		snprintf(shimopt, sizeof(shimopt), "--shim=%s", shim);
		argv[n++] = shimopt;
	}
	/* as installed: options, "--", module parameters; FILE after "--" */
	for (i = 0; i < nr_args && strcmp(args[i], "--"); i++)
		argv[n++] = args[i];
	argv[n++] = "--";
	argv[n++] = (char *)ko;
	for (i++; i < nr_args; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		execv("/proc/self/exe", argv);
		fprintf(stderr, "shunt: apply --all: /proc/self/exe: %s\n", strerror(errno));
		_exit(EXIT_FAIL);
	}
	free(argv);
	if (pid < 0) {
		fprintf(stderr, "shunt: apply --all: fork: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_FAIL;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_FAIL;
}

int apply_all(const char *shim)
{
	struct installed *list;
	struct utsname uts;
	int n, failed = 0, done = 0;

	uname(&uts);
	if (boot_disabled()) {
		printf("shunt: apply --all: %s on the kernel command line: no patch applied\n",
		       KILL_SWITCH);
		return EXIT_OK;
	}
	if (store_list(uts.release, &list, &n)) {
		fprintf(stderr, "shunt: apply --all: %s/%s: %s\n", store_root(), uts.release,
			strerror(errno));
		return EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		if (shimfs_patch_exists(list[i].name)) {
			printf("shunt: %s: applied already\n", list[i].name);
			continue;
		}
		if (apply_installed(list[i].ko, list[i].args, list[i].nr_args, shim))
			failed++;
		else
			done++;
	}
	printf("shunt: apply --all: %d of %d installed patch(es) for %s applied now%s\n",
	       done, n, uts.release, failed ? "; see above for the others" : "");
	store_list_free(list, n);
	if (failed) {
		fprintf(stderr, "shunt: apply --all: %d installed patch(es) not applied\n", failed);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
