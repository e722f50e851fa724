// SPDX-License-Identifier: GPL-2.0
/*
 * shunt install: keep a patch module for the running kernel release, with
 * the options it is applied with, for 'shunt apply --all' at boot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd.h"
#include "modfile.h"
#include "store.h"

void install_usage(void)
{
	printf("usage: shunt install [APPLY OPTIONS] FILE.ko [PARAM=VALUE...]\n"
	       "\n"
	       "Keep a patch module for the running kernel release in %s/RELEASE/,\n"
	       "with the apply options and module parameters given here; 'shunt apply\n"
	       "--all' (shunt.service, at boot) applies the installed patches in\n"
	       "install order. Nothing is applied now. The options are apply's (see\n"
	       "'shunt apply --help'), but not --all.\n",
	       STORE_ROOT_DEFAULT);
}

int install_run(int argc, char **argv)
{
	struct utsname uts;
	struct modfile mf;
	const char *file;
	char err[512];
	int ret = apply_check_opts(argc, argv);

	if (ret == OPTS_HELP) {
		install_usage();
		return EXIT_OK;
	}
	if (ret)
		return ret;
	file = argv[optind];
	if (modfile_load(file, &mf))
		return EXIT_FAIL;
	uname(&uts);
	if (modfile_check_patch(&mf.info, uts.release, err, sizeof(err))) {
		fprintf(stderr, "shunt: %s: %s\n", file, err);
		ret = EXIT_FAIL;
		goto out;
	}
	{
		/* the options before FILE, "--", the parameters after it */
		char **args = calloc(argc + 1, sizeof(*args));
		int k = 0;

		if (!args) {
			fprintf(stderr, "shunt: install: out of memory\n");
			ret = EXIT_FAIL;
			goto out;
		}
		for (int i = 1; i < optind; i++)
			if (strcmp(argv[i], "--"))
				args[k++] = argv[i];
		args[k++] = "--";
		for (int i = optind + 1; i < argc; i++)
			args[k++] = argv[i];
		ret = store_add(uts.release, mf.info.name, mf.data, mf.size, args, k,
				err, sizeof(err));
		free(args);
	}
	if (ret) {
		fprintf(stderr, "shunt: %s: %s\n", file, err);
		ret = EXIT_FAIL;
		goto out;
	}
	printf("shunt: installed %s for %s; 'shunt apply --all' applies it at boot\n",
	       mf.info.name, uts.release);
	ret = EXIT_OK;
out:
	modfile_free(&mf);
	return ret;
}
