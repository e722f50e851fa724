// SPDX-License-Identifier: GPL-2.0
/* shunt revert and shunt force. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "shim.h"
#include "shunt_abi.h"
#include "util.h"

void revert_usage(void)
{
	printf("usage: shunt revert [--keep-module] [--timeout=S] NAME\n"
	       "\n"
	       "Revert shunt patch NAME (a transition back, in its consistency\n"
	       "model), wait until its module is released (S seconds, 60), then\n"
	       "remove the module unless --keep-module. A patch that a later patch\n"
	       "also redirects a function of must wait for that one to go first.\n");
}

void force_usage(void)
{
	printf("usage: shunt force NAME\n"
	       "\n"
	       "Complete NAME's transition now, counting every task as switched.\n"
	       "Tasks still in the old code may then run a mix of versions, and\n"
	       "the patch module can never be removed (as with the kernel's force).\n");
}

static int patch_dir(const char *name, char *dir, size_t len)
{
	char klp[512];

	path_join(dir, len, SHUNT_SYSFS_ROOT, name);
	if (is_dir(dir))
		return 0;
	path_join(klp, sizeof(klp), SHUNT_KLP_SYSFS_ROOT, name);
	if (is_dir(klp))
		fprintf(stderr, "shunt: %s is a kernel livepatch, not shunt's: echo 0 > %s/enabled\n",
			name, klp);
	else
		fprintf(stderr, "shunt: no shunt patch %s\n", name);
	return -1;
}

static void print_refusal(const char *dir, const char *name, const char *what)
{
	char path[600], msg[256];
	int e = errno;

	if (!read_text(path_join(path, sizeof(path), dir, "error"), msg,
		       sizeof(msg)) && msg[0])
		fprintf(stderr, "shunt: %s: cannot %s: %s\n", name, what, msg);
	else
		fprintf(stderr, "shunt: %s: cannot %s: %s\n", name, what,
			strerror(e));
}

int revert_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keep-module", no_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[512], path[600], blocked[1024];
	double timeout = 60, start;
	int keep = 0, forced, c;
	const char *name;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'k') {
			keep = 1;
		} else if (c == 't') {
			timeout = strtod(optarg, NULL);
		} else {
			revert_usage();
			return c == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		revert_usage();
		return EXIT_USAGE;
	}
	name = argv[optind];
	if (patch_dir(name, dir, sizeof(dir)))
		return EXIT_FAIL;
	forced = (int)read_long(dir, "forced", 0);
	if (write_text(path_join(path, sizeof(path), dir, "enabled"), "0")) {
		print_refusal(dir, name, "revert");
		return EXIT_FAIL;
	}
	start = now_ms();
	while (is_dir(dir)) {
		if ((now_ms() - start) / 1000 > timeout) {
			if (read_text(path_join(path, sizeof(path), dir, "blocked"),
				      blocked, sizeof(blocked)))
				blocked[0] = '\0';
			fprintf(stderr, "shunt: %s: not released after %.0f s (the revert goes on); blocked by:\n%s\n",
				name, timeout, blocked[0] ? blocked : "(unknown)");
			return EXIT_FAIL;
		}
		sleep_ms(10);
	}
	if (keep) {
		printf("shunt: reverted %s; module kept loaded\n", name);
		return EXIT_OK;
	}
	if (forced) {
		printf("shunt: reverted %s; module kept: the patch was forced\n",
		       name);
		return EXIT_OK;
	}
	for (int i = 0; module_unload(name); i++) {
		if (i == 100 || (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)) {
			fprintf(stderr, "shunt: reverted %s, but removing its module failed: %s\n",
				name, strerror(errno));
			return EXIT_FAIL;
		}
		sleep_ms(50);
	}
	printf("shunt: reverted %s; module removed\n", name);
	return EXIT_OK;
}

int force_run(int argc, char **argv)
{
	char dir[512], path[600];

	if (argc != 2 || argv[1][0] == '-') {
		force_usage();
		return EXIT_USAGE;
	}
	if (patch_dir(argv[1], dir, sizeof(dir)))
		return EXIT_FAIL;
	if (write_text(path_join(path, sizeof(path), dir, "force"), "1")) {
		if (errno == EINVAL)
			fprintf(stderr, "shunt: %s: cannot force: not in transition\n",
				argv[1]);
		else
			print_refusal(dir, argv[1], "force");
		return EXIT_FAIL;
	}
	printf("shunt: %s: transition forced; its module can never be removed\n",
	       argv[1]);
	return EXIT_OK;
}
