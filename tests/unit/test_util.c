// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/util.c and loader/shim.c's pure parts. */
#include <string.h>

#include "shim.h"
#include "tap.h"
#include "tree_fixture.h"
#include "util.h"

int main(void)
{
	char root[64], path[PATH_MAX], buf[16], **names, cand[SHIM_CANDIDATES_MAX][PATH_MAX];
	int n;

	tap_ok(parse_seconds("2") == 2 && parse_seconds("0.5") == 0.5 &&
	       parse_seconds("0") == 0, "seconds: 2, 0.5, 0");
	tap_ok(parse_seconds("-1") < 0 && parse_seconds("x") < 0 && parse_seconds("2s") < 0 &&
	       parse_seconds("") < 0 && parse_seconds("inf") < 0 && parse_seconds("nan") < 0,
	       "seconds: negative, words, units, empty, inf and nan refused");

	tap_ok(copy_str(buf, 4, "abcdef") == 6 && !strcmp(buf, "abc"),
	       "copy_str truncates, terminates, returns the full length");

	tree_new(root, sizeof(root));
	tree_put(root, "d/b/", NULL);
	tree_put(root, "d/a/", NULL);
	tree_put(root, "d/z", "1\n\n");
	tree_put(root, "d/y", "two\nlines\n");
	tree_put(root, "d/.hidden", "x");
	names = dir_list(path_join(path, sizeof(path), root, "d"), DIR_LIST_DIRS, &n);
	tap_ok(n == 2 && !strcmp(names[0], "a") && !strcmp(names[1], "b"),
	       "dir_list: subdirectories, sorted");
	free_names(names, n);
	names = dir_list(path, DIR_LIST_FILES, &n);
	tap_ok(n == 2 && !strcmp(names[0], "y") && !strcmp(names[1], "z"),
	       "dir_list: regular files, sorted, no dot files");
	free_names(names, n);
	tap_ok(!dir_list("/nonexistent", DIR_LIST_DIRS, &n) && n == 0,
	       "dir_list: no such directory");
	tap_ok(read_long(path, "z", -5) == 1 && read_long(path, "y", -5) == -5 &&
	       read_long(path, "none", -5) == -5,
	       "read_long: a number, else the default");
	{
		char text[64], p2[PATH_MAX];

		tap_ok(!read_text(path_join(p2, sizeof(p2), path, "y"), text, sizeof(text)) &&
		       !strcmp(text, "two\nlines"),
		       "read_text: trailing newline cut, inner kept");
		tap_ok(!read_text(p2, text, 4) && !strcmp(text, "two"),
		       "read_text: truncated to the buffer");
	}
	tree_free(root);

	n = shim_candidates(NULL, "/shunt/bin/shunt", "6.12.1-amd64", cand);
	tap_ok(n == 4 && !strcmp(cand[0], "/shunt/bin/shunt.ko") &&
	       !strcmp(cand[1], "/lib/modules/6.12.1-amd64/updates/dkms/shunt.ko") &&
	       !strcmp(cand[2], "/lib/modules/6.12.1-amd64/updates/dkms/shunt.ko.xz") &&
	       !strcmp(cand[3], "/lib/modules/6.12.1-amd64/extra/shunt.ko"),
	       "shim: beside the binary, then DKMS's, then make install's");
	n = shim_candidates("/tmp/x/shunt.ko", "/shunt/bin/shunt", "6.12.1-amd64", cand);
	tap_ok(n == 1 && !strcmp(cand[0], "/tmp/x/shunt.ko"), "shim: --shim alone");
	n = shim_candidates(NULL, "", "r", cand);
	tap_ok(n == 3 && !strcmp(cand[0], "/lib/modules/r/updates/dkms/shunt.ko") &&
	       !strcmp(cand[2], "/lib/modules/r/extra/shunt.ko"),
	       "shim: unknown binary path, the installed ones only");
	return tap_done();
}
