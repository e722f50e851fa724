// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/store.c (installed patches) and the kill switch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applyall.h"
#include "store.h"
#include "tap.h"
#include "util.h"

int main(void)
{
	char root[] = "/tmp/shunt-store-XXXXXX", path[PATH_MAX], err[256], *data;
	char *args1[] = { "--consistency=stop-machine", "--", "p=1" };
	struct installed *list;
	size_t size;
	FILE *f;
	int n;

	if (!mkdtemp(root))
		return 1;
	snprintf(path, sizeof(path), "%s/state/sub", root);
	setenv(STORE_ROOT_ENV, path, 1);
	tap_ok(!strcmp(store_root(), path), "store_root: %s from the environment", STORE_ROOT_ENV);
	tap_ok(!store_list("r1", &list, &n) && n == 0, "nothing installed: an empty list");
	store_list_free(list, n);
	tap_ok(!store_add("r1", "p_one", "ELF1", 4, args1, 3, err, sizeof(err)),
	       "store_add p_one (the root made as needed)");
	tap_ok(!store_add("r1", "p_two", "ELF2", 4, NULL, 0, err, sizeof(err)), "store_add p_two");
	tap_ok(store_add("r1", "p_one", "x", 1, NULL, 0, err, sizeof(err)) && strstr(err, "already installed"),
	       "p_one again: %s", err);
	tap_ok(!store_list("r1", &list, &n) && n == 2 && !strcmp(list[0].name, "p_one") &&
	       !strcmp(list[1].name, "p_two") && list[0].nr_args == 3 &&
	       !strcmp(list[0].args[2], "p=1") && list[1].nr_args == 0,
	       "store_list: install order, options kept");
	tap_ok(n == 2 && !read_file(list[0].ko, &data, &size) && size == 4 && !memcmp(data, "ELF1", 4),
	       "the module's bytes kept");
	free(data);
	store_list_free(list, n);
	tap_ok(store_has("r1", "p_two") && !store_has("r2", "p_two"), "store_has: per release");
	tap_ok(!store_remove("r1", "p_one") && !store_has("r1", "p_one") && store_has("r1", "p_two"),
	       "store_remove p_one, p_two stays");
	tap_ok(store_remove("r1", "p_one") && errno == ENOENT, "store_remove twice: ENOENT");
	snprintf(path, sizeof(path), "%s/state/sub/r1/p_two.ko", root);
	unlink(path);
	tap_ok(!store_list("r1", &list, &n) && n == 0, "a name whose module is gone is not installed");
	store_list_free(list, n);

	snprintf(path, sizeof(path), "%s/cmdline", root);
	setenv(CMDLINE_ENV, path, 1);
	f = fopen(path, "w");
	fputs("BOOT_IMAGE=/vmlinuz root=/dev/sda1 shunt.enable=0 quiet\n", f);
	fclose(f);
	tap_ok(boot_disabled(), "kill switch: shunt.enable=0 among the words");
	f = fopen(path, "w");
	fputs("xshunt.enable=0 shunt.enable=01 shunt.enable=1\n", f);
	fclose(f);
	tap_ok(!boot_disabled(), "kill switch: only the word shunt.enable=0");
	unlink(path);
	tap_ok(!boot_disabled(), "kill switch: an unreadable command line is no kill switch");
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path))
		return 1;
	return tap_done();
}
