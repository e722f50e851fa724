// SPDX-License-Identifier: GPL-2.0
/* A set of strings: open addressing with linear probing, FNV-1a hashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"

struct strset_slot {
	char *s;		/* NULL: empty */
	size_t len;
	uint64_t hash;
};

struct strset {
	struct strset_slot *slots;
	size_t cap;		/* a power of two, kept at least twice count */
	size_t count;
};

static uint64_t hash_str(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

struct strset *strset_new(void)
{
	struct strset *set = calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	set->cap = 1024;
	set->slots = calloc(set->cap, sizeof(*set->slots));
	if (!set->slots) {
		free(set);
		return NULL;
	}
	return set;
}

static struct strset_slot *find_slot(struct strset_slot *slots, size_t cap,
				     const char *s, size_t len, uint64_t hash)
{
	size_t i = hash & (cap - 1);

	while (slots[i].s && (slots[i].hash != hash || slots[i].len != len ||
			      memcmp(slots[i].s, s, len)))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct strset *set)
{
	size_t cap = set->cap * 2;
	struct strset_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < set->cap; i++) {
		struct strset_slot *old = &set->slots[i];

		if (old->s)
			*find_slot(slots, cap, old->s, old->len, old->hash) = *old;
	}
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return 0;
}

int strset_add(struct strset *set, const char *s, size_t len)
{
	uint64_t hash = hash_str(s, len);
	struct strset_slot *slot;

	if ((set->count + 1) * 2 > set->cap && grow(set))
		return -1;
	slot = find_slot(set->slots, set->cap, s, len, hash);
	if (slot->s)
		return 0;
	slot->s = malloc(len + 1);
	if (!slot->s)
		return -1;
	memcpy(slot->s, s, len);
	slot->s[len] = '\0';
	slot->len = len;
	slot->hash = hash;
	set->count++;
	return 0;
}

int strset_has(const struct strset *set, const char *s, size_t len)
{
	return find_slot(set->slots, set->cap, s, len, hash_str(s, len))->s != NULL;
}

size_t strset_count(const struct strset *set)
{
	return set->count;
}

void strset_free(struct strset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i].s);
	free(set->slots);
	free(set);
}
