/*
 * key.c - building cache keys: XXH3-128 over length-prefixed fields.
 *
 * Each field is framed (a tag and a length) so that no two different
 * sequences of fields hash the same bytes, and every key starts with the
 * cache format and the program's version: a new binary never answers from
 * an old one's results.
 */
#include "cache_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#ifndef PG_VERSION
#define PG_VERSION "0.0.0"
#endif

struct pg_cache_hasher {
	XXH3_state_t *st;
};

static void put_frame(pg_cache_hasher *h, uint8_t tag, uint64_t n)
{
	uint8_t b[9];
	b[0] = tag;
	pg_le64_put(b + 1, n);
	XXH3_128bits_update(h->st, b, sizeof(b));
}

pg_cache_hasher *pg_cache_hasher_new(void)
{
	pg_cache_hasher *h = pg_xmalloc(sizeof(*h));
	h->st = XXH3_createState();
	if (!h->st) {
		fprintf(stderr, "pgleak-hook: out of memory\n");
		exit(2);
	}
	XXH3_128bits_reset_withSeed(h->st, PG_SEED_KEY);
	pg_cache_hasher_u64(h, PG_CACHE_FORMAT);
	pg_cache_hasher_str(h, PG_VERSION);
	return h;
}

void pg_cache_hasher_bytes(pg_cache_hasher *h, const void *data, size_t len)
{
	put_frame(h, 'b', len);
	if (len)
		XXH3_128bits_update(h->st, data, len);
}

void pg_cache_hasher_str(pg_cache_hasher *h, const char *s)
{
	if (!s) {
		put_frame(h, 'n', 0);
		return;
	}
	put_frame(h, 's', strlen(s));
	XXH3_128bits_update(h->st, s, strlen(s));
}

void pg_cache_hasher_u64(pg_cache_hasher *h, uint64_t v)
{
	put_frame(h, 'u', v);
}

void pg_cache_hasher_key(pg_cache_hasher *h, const pg_cache_key *k)
{
	put_frame(h, 'k', k->hi);
	put_frame(h, 'k', k->lo);
}

pg_cache_key pg_cache_hasher_finish(pg_cache_hasher *h)
{
	XXH128_hash_t d = XXH3_128bits_digest(h->st);
	pg_cache_key k = {d.high64, d.low64};
	XXH3_freeState(h->st);
	free(h);
	return k;
}

pg_cache_key pg_cache_key_under(const pg_cache_key *prefix, const void *data, size_t len)
{
	uint8_t b[1 + 16 + 64];
	XXH128_hash_t d;
	if (len > sizeof(b) - 17) { /* longer than any blob id: the hasher, framed as ever */
		pg_cache_hasher *h = pg_cache_hasher_new();
		pg_cache_hasher_key(h, prefix);
		pg_cache_hasher_bytes(h, data, len);
		return pg_cache_hasher_finish(h);
	}
	/* a hasher's bytes start with the format's frame, tag 'u': 'o' keeps the two apart */
	b[0] = 'o';
	pg_le64_put(b + 1, prefix->hi);
	pg_le64_put(b + 9, prefix->lo);
	memcpy(b + 17, data, len);
	d = XXH3_128bits_withSeed(b, 17 + len, PG_SEED_KEY);
	return (pg_cache_key){d.high64, d.low64};
}
