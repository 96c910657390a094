/*
 * format.c - encoding and checking of the cache's on-disk pieces (records,
 * segment and log headers) and the small hash map that indexes records
 * held in memory.  The layout itself is described at the top of cache.c.
 *
 * Everything read from disk is checked here before anything else sees it:
 * lengths are compared with what is really there before a checksum is
 * computed over them, and a record's checksum covers its header fields as
 * well as its value, so a flipped length or key is caught like a flipped
 * value byte.
 */
#include "cache_int.h"

#include <stdlib.h>
#include <time.h>
#include <xxhash.h>

uint32_t pg_cache_now_stamp(void)
{
	return (uint32_t)((uint64_t)time(NULL) / 60u);
}

static uint64_t rec_checksum(const uint8_t *hdr32, const void *v, size_t len)
{
	return XXH3_64bits_withSeed(v, len, XXH3_64bits_withSeed(hdr32, 32, PG_SEED_HDR));
}

void pg_rec_append(pg_buf *out, uint32_t type, const pg_cache_key *k, uint32_t stamp,
                   const void *v, uint32_t len)
{
	uint8_t hdr[PG_REC_HDR];
	static const uint8_t zeros[8];
	size_t pad = pg_rec_size(len) - PG_REC_HDR - len;

	pg_le32_put(hdr, type);
	pg_le32_put(hdr + 4, len);
	pg_le64_put(hdr + 8, k->hi);
	pg_le64_put(hdr + 16, k->lo);
	pg_le32_put(hdr + 24, stamp);
	pg_le32_put(hdr + 28, 0);
	pg_le64_put(hdr + 32, rec_checksum(hdr, len ? v : zeros, len));
	pg_buf_put(out, hdr, sizeof(hdr));
	if (len)
		pg_buf_put(out, v, len);
	pg_buf_put(out, zeros, pad);
}

int pg_rec_read(const uint8_t *p, size_t avail, uint32_t max_len, pg_rec *r)
{
	uint32_t type, len;
	static const uint8_t zeros[8];

	if (avail < PG_REC_HDR)
		return PG_EINVALID;
	type = pg_le32_get(p);
	len = pg_le32_get(p + 4);
	if ((type != PG_REC_VALUE && type != PG_REC_TOUCH) || pg_le32_get(p + 28) != 0)
		return PG_EINVALID;
	if (len > max_len || (type == PG_REC_TOUCH && len != 0))
		return PG_EINVALID;
	if (pg_rec_size(len) > avail)
		return PG_EINVALID;
	for (size_t i = PG_REC_HDR + len; i < pg_rec_size(len); i++)
		if (p[i] != 0)
			return PG_EINVALID;
	if (rec_checksum(p, len ? p + PG_REC_HDR : zeros, len) != pg_le64_get(p + 32))
		return PG_EINVALID;
	r->type = type;
	r->len = len;
	r->key.hi = pg_le64_get(p + 8);
	r->key.lo = pg_le64_get(p + 16);
	r->stamp = pg_le32_get(p + 24);
	r->value = p + PG_REC_HDR;
	return 0;
}

/*
 * Segment header, 64 bytes:
 *   0 magic "PGLKSEG1"  8 format u32  12 header size u32  16 id u64
 *  24 file size u64    32 slots u32  36 entries u32      40 max probe u32
 *  44 zero u32         48 zero u64   56 XXH3-64 of bytes 0..55
 */
void pg_seg_hdr_write(uint8_t *p, const pg_seg_hdr *h)
{
	memset(p, 0, PG_SEG_HDR);
	memcpy(p, PG_SEG_MAGIC, 8);
	pg_le32_put(p + 8, PG_CACHE_FORMAT);
	pg_le32_put(p + 12, PG_SEG_HDR);
	pg_le64_put(p + 16, h->id);
	pg_le64_put(p + 24, h->file_size);
	pg_le32_put(p + 32, h->slots);
	pg_le32_put(p + 36, h->entries);
	pg_le32_put(p + 40, h->max_probe);
	pg_le64_put(p + 56, XXH3_64bits_withSeed(p, 56, PG_SEED_HDR));
}

int pg_seg_hdr_read(const uint8_t *p, size_t file_size, pg_seg_hdr *h)
{
	if (file_size < PG_SEG_HDR || memcmp(p, PG_SEG_MAGIC, 8) != 0)
		return PG_EINVALID;
	if (pg_le64_get(p + 56) != XXH3_64bits_withSeed(p, 56, PG_SEED_HDR))
		return PG_EINVALID;
	if (pg_le32_get(p + 8) != PG_CACHE_FORMAT || pg_le32_get(p + 12) != PG_SEG_HDR)
		return PG_EINVALID;
	h->id = pg_le64_get(p + 16);
	h->file_size = pg_le64_get(p + 24);
	h->slots = pg_le32_get(p + 32);
	h->entries = pg_le32_get(p + 36);
	h->max_probe = pg_le32_get(p + 40);
	if (h->file_size != file_size || h->id == 0)
		return PG_EINVALID;
	if (h->slots < 8 || (h->slots & (h->slots - 1)) != 0 || h->entries >= h->slots ||
	    h->max_probe > h->slots)
		return PG_EINVALID;
	if ((uint64_t)PG_SEG_HDR + (uint64_t)h->slots * PG_SLOT_SIZE > file_size)
		return PG_EINVALID;
	return 0;
}

/* Log header, 32 bytes: magic "PGLKLOG1", format u32, zero u32, id u64, XXH3-64 of 0..23. */
void pg_log_hdr_write(uint8_t *p, uint64_t id)
{
	memset(p, 0, PG_LOG_HDR);
	memcpy(p, PG_LOG_MAGIC, 8);
	pg_le32_put(p + 8, PG_CACHE_FORMAT);
	pg_le64_put(p + 16, id);
	pg_le64_put(p + 24, XXH3_64bits_withSeed(p, 24, PG_SEED_HDR));
}

int pg_log_hdr_read(const uint8_t *p, size_t avail, uint64_t id)
{
	if (avail < PG_LOG_HDR || memcmp(p, PG_LOG_MAGIC, 8) != 0)
		return PG_EINVALID;
	if (pg_le64_get(p + 24) != XXH3_64bits_withSeed(p, 24, PG_SEED_HDR))
		return PG_EINVALID;
	if (pg_le32_get(p + 8) != PG_CACHE_FORMAT || pg_le32_get(p + 12) != 0 ||
	    pg_le64_get(p + 16) != id)
		return PG_EINVALID;
	return 0;
}

int pg_seg_find(const uint8_t *seg, const pg_seg_hdr *h, const pg_cache_key *k,
                uint32_t max_len, pg_rec *r, uint32_t *slot_stamp, int *damaged)
{
	uint32_t mask = h->slots - 1;
	uint32_t i = (uint32_t)k->lo & mask;
	size_t rec_start = PG_SEG_HDR + (size_t)h->slots * PG_SLOT_SIZE;

	for (uint32_t probe = 0; probe <= h->max_probe; probe++, i = (i + 1) & mask) {
		const uint8_t *s = seg + PG_SEG_HDR + (size_t)i * PG_SLOT_SIZE;
		uint64_t off = (uint64_t)pg_le32_get(s + 8) * 8;
		if (off == 0)
			return PG_ENOTFOUND;
		if (pg_le64_get(s) != k->lo)
			continue;
		/* A slot is only a hint: the record itself must check out and carry the key. */
		if (off < rec_start || off >= h->file_size ||
		    pg_rec_read(seg + off, h->file_size - off, max_len, r) != 0 ||
		    r->type != PG_REC_VALUE || r->key.lo != k->lo) {
			*damaged = 1;
			continue;
		}
		if (r->key.hi != k->hi)
			continue;
		*slot_stamp = pg_le32_get(s + 12);
		return 0;
	}
	return PG_ENOTFOUND;
}

/* --- the map ------------------------------------------------------------- */

static pg_map_ent *map_slot(pg_map_ent *ents, size_t cap, const pg_cache_key *k)
{
	size_t mask = cap - 1, i = (size_t)k->lo & mask;
	while (ents[i].used && (ents[i].key.hi != k->hi || ents[i].key.lo != k->lo))
		i = (i + 1) & mask;
	return &ents[i];
}

pg_map_ent *pg_map_find(pg_map *m, const pg_cache_key *k)
{
	pg_map_ent *e;
	if (!m->cap)
		return NULL;
	e = map_slot(m->ents, m->cap, k);
	return e->used ? e : NULL;
}

pg_map_ent *pg_map_upsert(pg_map *m, const pg_cache_key *k)
{
	pg_map_ent *e;
	if ((m->len + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		pg_map_ent *ents = pg_xcalloc(cap, sizeof(*ents));
		for (size_t i = 0; i < m->cap; i++)
			if (m->ents[i].used)
				*map_slot(ents, cap, &m->ents[i].key) = m->ents[i];
		free(m->ents);
		m->ents = ents;
		m->cap = cap;
	}
	e = map_slot(m->ents, m->cap, k);
	if (!e->used) {
		memset(e, 0, sizeof(*e));
		e->used = 1;
		e->key = *k;
		m->len++;
	}
	return e;
}

void pg_map_free(pg_map *m)
{
	free(m->ents);
	m->ents = NULL;
	m->cap = m->len = 0;
}
