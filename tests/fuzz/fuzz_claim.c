// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the claim file's status text as loader/claim.c reads it
 * back. The first line is the name looked up, the rest the file.
 */
#include "claim.h"
#include "fuzz.h"

static int count_piece(const char *piece, size_t len, void *ctx)
{
	fuzz_assert(len > 0 && piece[len - 1] == '\n');
	*(size_t *)ctx += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct claim_status st;
	char *name, *text;
	size_t len, seen = 0;

	fuzz_split(data, size, &name, &text, &len);
	if (!claim_find_status(text, name, &st)) {
		fuzz_assert(!strcmp(st.name, name));
		fuzz_assert(memchr(st.msg, '\0', sizeof(st.msg)) && !strchr(st.msg, '\n'));
	}
	/* the writer's splitter, over the same text */
	if (!claim_chunks(text, len, 64, count_piece, &seen))
		fuzz_assert(seen == len);
	free(name);
	free(text);
	return 0;
}
