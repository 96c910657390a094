/*
 * compact.c - rewriting the cache: compaction with least-recently-used
 * eviction, clearing, and the full check behind `cache verify`.
 *
 * Compaction (always under the exclusive lock) gathers every entry that
 * checks out - the current segment's, then its log's and the caller's new
 * records in the order they were written, so the newest value of a key and
 * its latest use win - sorts them by last use, keeps the most recent ones
 * that fit in 3/4 of the size limit, and writes them as a new segment with a
 * fresh id.  The rename publishes it; the old logs, named after ids that no
 * longer exist, and stale temporary files are removed afterwards.  Readers
 * that still map the old segment keep reading the old inode.
 */
#define _DEFAULT_SOURCE
#include "cache_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

typedef struct {
	pg_cache_key key;
	uint32_t stamp, len;
	const uint8_t *val;
	size_t seq; /* later writes win ties of recency */
} cent;

typedef struct {
	cent *items;
	size_t len, cap;
	pg_map index; /* key -> position in items (in pg_map_ent.off) */
} centlist;

static void cent_value(centlist *l, const pg_rec *r, size_t seq)
{
	pg_map_ent *e = pg_map_upsert(&l->index, &r->key);
	cent *c;
	if (e->kind) {
		c = &l->items[e->off];
	} else {
		PG_GROW(l->items, l->cap, l->len + 1);
		e->kind = PG_MAP_VALUE;
		e->off = l->len;
		c = &l->items[l->len++];
		c->key = r->key;
	}
	c->stamp = r->stamp;
	c->len = r->len;
	c->val = r->value;
	c->seq = seq;
}

static void cent_touch(centlist *l, const pg_rec *r)
{
	pg_map_ent *e = pg_map_find(&l->index, &r->key);
	if (e && r->stamp > l->items[e->off].stamp)
		l->items[e->off].stamp = r->stamp;
}

/* Adds the records of buf[from..len) that check out. */
static void gather_records(centlist *l, const uint8_t *p, size_t len, size_t from, size_t *seq)
{
	size_t off = from;
	pg_rec r;
	while (off < len && pg_rec_read(p + off, len - off, PG_MAX_VALUE, &r) == 0) {
		if (r.type == PG_REC_VALUE)
			cent_value(l, &r, (*seq)++);
		else
			cent_touch(l, &r);
		off += pg_rec_size(r.len);
	}
}

static int cmp_recent(const void *a, const void *b)
{
	const cent *x = a, *y = b;
	if (x->stamp != y->stamp)
		return x->stamp > y->stamp ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq > y->seq ? -1 : 1;
	return 0;
}

static uint32_t slots_for(size_t n)
{
	uint32_t s = 8;
	while (s < n + n / 3 + 1)
		s *= 2;
	return s;
}

static uint64_t new_id(uint64_t old)
{
	struct {
		struct timespec ts;
		long pid;
		uint64_t old;
		const void *where;
	} seed;
	uint64_t id;
	memset(&seed, 0, sizeof(seed));
	clock_gettime(CLOCK_REALTIME, &seed.ts);
	seed.pid = (long)getpid();
	seed.old = old;
	seed.where = &seed;
	id = XXH3_64bits(&seed, sizeof(seed));
	if (id == 0 || id == old)
		id = old + 1 ? old + 1 : 1;
	return id;
}

/* Removes logs of other segments and temporary files: only lock holders create them. */
void pg_cache_remove_stale(pg_cache *c, uint64_t keep_id)
{
	char keep[64];
	DIR *d = opendir(c->dir);
	struct dirent *de;
	snprintf(keep, sizeof(keep), PG_LOG_PREFIX "%016llx", (unsigned long long)keep_id);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		int is_log = strncmp(de->d_name, PG_LOG_PREFIX, strlen(PG_LOG_PREFIX)) == 0;
		int is_tmp = strncmp(de->d_name, PG_TMP_PREFIX, strlen(PG_TMP_PREFIX)) == 0;
		if ((is_log && strcmp(de->d_name, keep) != 0) || is_tmp) {
			char *p = pg_cache_file(c, de->d_name);
			unlink(p);
			free(p);
		}
	}
	closedir(d);
}

int pg_cache_compact(pg_cache *c, const uint8_t *seg, const pg_seg_hdr *h,
                     const pg_buf *log, const uint8_t *extra, size_t extra_len)
{
	centlist l;
	size_t seq = 0, keep, rec_bytes = 0, size = 0;
	uint64_t target = c->max_bytes / 4 * 3;
	uint32_t slots, max_probe = 0;
	pg_buf file = PG_BUF_INIT;
	pg_seg_hdr nh;
	int rc;

	memset(&l, 0, sizeof(l));
	if (seg) {
		size_t rec_start = PG_SEG_HDR + (size_t)h->slots * PG_SLOT_SIZE;
		for (uint32_t i = 0; i < h->slots; i++) {
			const uint8_t *s = seg + PG_SEG_HDR + (size_t)i * PG_SLOT_SIZE;
			uint64_t off = (uint64_t)pg_le32_get(s + 8) * 8;
			pg_rec r;
			if (off < rec_start || off >= h->file_size)
				continue;
			if (pg_rec_read(seg + off, h->file_size - off, PG_MAX_VALUE, &r) != 0 ||
			    r.type != PG_REC_VALUE || r.key.lo != pg_le64_get(s))
				continue;
			r.stamp = pg_le32_get(s + 12);
			cent_value(&l, &r, seq++);
		}
	}
	if (log && log->len > PG_LOG_HDR)
		gather_records(&l, (const uint8_t *)log->data, log->len, PG_LOG_HDR, &seq);
	if (extra_len)
		gather_records(&l, extra, extra_len, 0, &seq);
	pg_map_free(&l.index);

	if (l.len > 1)
		qsort(l.items, l.len, sizeof(l.items[0]), cmp_recent);
	for (keep = 0; keep < l.len; keep++) {
		size_t next = rec_bytes + pg_rec_size(l.items[keep].len);
		size = PG_SEG_HDR + (size_t)slots_for(keep + 1) * PG_SLOT_SIZE + next;
		if (size > target)
			break;
		rec_bytes = next;
	}
	slots = slots_for(keep);
	size = PG_SEG_HDR + (size_t)slots * PG_SLOT_SIZE;
	pg_buf_reserve(&file, size + rec_bytes + 1);
	memset(file.data, 0, size);
	file.len = size;
	for (size_t i = 0; i < keep; i++) {
		cent *e = &l.items[i];
		uint32_t mask = slots - 1, j = (uint32_t)e->key.lo & mask, probe = 0;
		uint8_t *s;
		while (pg_le32_get((uint8_t *)file.data + PG_SEG_HDR + (size_t)j * PG_SLOT_SIZE + 8) != 0) {
			j = (j + 1) & mask;
			probe++;
		}
		if (probe > max_probe)
			max_probe = probe;
		s = (uint8_t *)file.data + PG_SEG_HDR + (size_t)j * PG_SLOT_SIZE;
		pg_le64_put(s, e->key.lo);
		pg_le32_put(s + 8, (uint32_t)(file.len / 8));
		pg_le32_put(s + 12, e->stamp);
		pg_rec_append(&file, PG_REC_VALUE, &e->key, e->stamp, e->val, e->len);
	}
	nh.id = new_id(seg ? h->id : 0);
	nh.file_size = file.len;
	nh.slots = slots;
	nh.entries = (uint32_t)keep;
	nh.max_probe = max_probe;
	pg_seg_hdr_write((uint8_t *)file.data, &nh);
	rc = pg_cache_write_replace(c, PG_SEG_NAME, file.data, file.len);
	if (rc == 0)
		pg_cache_remove_stale(c, nh.id);
	pg_buf_free(&file);
	free(l.items);
	return rc;
}

int pg_cache_clear(pg_cache *c)
{
	char *stats;
	int rc;
	if (!c || !c->dir)
		return 0;
	if (c->disabled)
		return pg_error_set(PG_ERROR, "%s", c->warning ? c->warning : "cache disabled");
	if (c->flags & PG_CACHE_READONLY)
		return pg_error_set(PG_EINVALID, "cache: opened read-only");
	pthread_mutex_lock(&c->mu);
	if (pg_cache_lock(c, 1, 5000) != 0) {
		pthread_mutex_unlock(&c->mu);
		return pg_error_set(PG_ERROR, "cache: %s is busy", c->dir);
	}
	/* An empty segment with a new id retires every log at once. */
	rc = pg_cache_compact(c, NULL, NULL, NULL, NULL, 0);
	stats = pg_cache_file(c, PG_STATS_NAME);
	if (rc == 0 && unlink(stats) != 0 && errno != ENOENT)
		rc = pg_error_set(PG_ERROR, "cache: cannot remove %s: %s", stats, strerror(errno));
	free(stats);
	pg_cache_unlock(c);
	/* This handle forgets too: what it held was cleared. */
	pg_buf_clear(&c->pending);
	c->pending_flushed = 0;
	pg_map_free(&c->map);
	pg_buf_clear(&c->log);
	if (c->seg)
		munmap((void *)c->seg, c->seg_size);
	c->seg = NULL;
	c->seg_ok = 0;
	c->seg_bad = c->seg_damaged = c->log_torn = 0;
	c->hits_flushed = c->hits;
	c->misses_flushed = c->misses;
	pthread_mutex_unlock(&c->mu);
	return rc;
}

/* --- verify --------------------------------------------------------------- */

static int verify_segment(const uint8_t *seg, size_t size, pg_seg_hdr *h)
{
	size_t rec_start, off;
	uint32_t used = 0, mask;
	pg_rec r;

	if (pg_seg_hdr_read(seg, size, h) != 0)
		return pg_error_set(PG_EINVALID, "cache: " PG_SEG_NAME ": bad header");
	mask = h->slots - 1;
	rec_start = PG_SEG_HDR + (size_t)h->slots * PG_SLOT_SIZE;
	for (uint32_t i = 0; i < h->slots; i++) {
		const uint8_t *s = seg + PG_SEG_HDR + (size_t)i * PG_SLOT_SIZE;
		uint64_t off8 = (uint64_t)pg_le32_get(s + 8) * 8;
		if (off8 == 0)
			continue;
		used++;
		if (off8 < rec_start || off8 >= size ||
		    pg_rec_read(seg + off8, size - off8, PG_MAX_VALUE, &r) != 0 ||
		    r.type != PG_REC_VALUE || r.key.lo != pg_le64_get(s))
			return pg_error_set(PG_EINVALID, "cache: " PG_SEG_NAME ": slot %u is damaged", i);
		if (((i - (uint32_t)r.key.lo) & mask) > h->max_probe)
			return pg_error_set(PG_EINVALID, "cache: " PG_SEG_NAME ": slot %u out of reach", i);
	}
	if (used != h->entries)
		return pg_error_set(PG_EINVALID, "cache: " PG_SEG_NAME ": %u slots used, header says %u",
		                    used, h->entries);
	for (off = rec_start; off < size; off += pg_rec_size(r.len))
		if (pg_rec_read(seg + off, size - off, PG_MAX_VALUE, &r) != 0)
			return pg_error_set(PG_EINVALID, "cache: " PG_SEG_NAME ": bad record at byte %zu", off);
	return 0;
}

int pg_cache_verify(pg_cache *c)
{
	char *path;
	int fd, rc = 0, locked;
	struct stat st;
	pg_seg_hdr h;
	uint64_t id = 0;
	pg_buf log = PG_BUF_INIT;

	if (!c || !c->dir || c->disabled)
		return 0;
	locked = pg_cache_lock(c, 0, 5000) == 0;
	path = pg_cache_file(c, PG_SEG_NAME);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		void *m = MAP_FAILED;
		if (fstat(fd, &st) == 0 && st.st_size >= PG_SEG_HDR)
			m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			rc = pg_error_set(PG_EINVALID, "cache: %s: too short or unreadable", path);
		} else {
			rc = verify_segment(m, (size_t)st.st_size, &h);
			id = h.id;
			munmap(m, (size_t)st.st_size);
		}
		close(fd);
	}
	free(path);
	if (rc == 0) {
		path = pg_cache_log_name(c, id);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (pg_cache_read_fd(fd, SIZE_MAX, &log) != 0)
				rc = PG_EINVALID;
			else if (pg_log_hdr_read((const uint8_t *)log.data, log.len, id) != 0)
				rc = pg_error_set(PG_EINVALID, "cache: %s: bad header", path);
			else if (pg_log_scan(c, &log, PG_LOG_HDR, NULL) != log.len)
				rc = pg_error_set(PG_EINVALID, "cache: %s: bad record at byte %zu", path,
				                  pg_log_scan(c, &log, PG_LOG_HDR, NULL));
			close(fd);
		}
		free(path);
	}
	if (locked)
		pg_cache_unlock(c);
	pg_buf_free(&log);
	return rc;
}
