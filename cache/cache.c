/*
 * cache.c - the result cache: opening, lookups, stores, flushing.
 *
 * Files in the cache directory:
 *
 *   cache.seg   the segment: an immutable file, only ever replaced whole by
 *               rename(2).  A 64-byte checksummed header (format, a random
 *               id, its own size, slot count), then an open-addressing hash
 *               table of 16-byte slots (key.lo, record offset / 8, last-use
 *               stamp in minutes), then the records.  Lookups read it through
 *               mmap without building anything in memory, so opening costs
 *               the same at 200,000 entries as at 10 (the table has a power
 *               of two of slots, at least 4/3 of the entries: 8 MiB at
 *               200,000 entries, beside about 26 MiB of records).
 *   log-<id>    the append-only log of what was stored since the segment
 *               <id> was written: a 32-byte checksummed header naming that
 *               id, then records.  Read whole at open (it stays small: past
 *               128 KiB, or an eighth of the size limit if less, it is
 *               merged into a new segment; see PG_LOG_COMPACT_AT).
 *   lock        the flock(2) lock: shared while a process reads the segment
 *               and log at open, exclusive while one appends, compacts or
 *               clears.  Never deleted (a new file would be a new lock).
 *   stats       hits and misses of the last run and in all: two checksummed
 *               copies, the older one overwritten in place under the lock.
 *   tmp-*       files being written; renamed into place or removed.
 *
 * A record (in the log and the segment alike) is a 40-byte header - type
 * (value or touch), value length, the 128-bit key, a stamp, and XXH3-64
 * over those fields and the value - then the value, zero-padded to 8 bytes.
 *
 * Why this is safe:
 * - A run that meets damage (a torn log tail, a record that fails its
 *   checksum, a bad segment) rewrites what it saw when it closes, even if
 *   it stored nothing.
 * - A reader never sees a torn segment: segments are complete before the
 *   rename, and a process that mapped the old one keeps the old inode.
 * - Appends happen under the exclusive lock, after the writer has checked
 *   the log's tail: a record torn by a writer that died (SIGKILL, full disk)
 *   fails its checksum and is cut off by the next writer; until then readers
 *   stop at it.  The kernel drops flock locks of dead processes.
 * - Nothing read is trusted: headers, slots, lengths and every record's
 *   checksum are checked before use, and a key is only answered by a record
 *   that carries that key.  A garbage, truncated or foreign file gives
 *   misses; the next writer replaces a bad segment or log.
 * - Writers re-read the current segment id under the lock, so a put is
 *   never appended to a log that a concurrent compaction or clear retired.
 * - No fsync: a process crash loses nothing the kernel had; a power loss may
 *   lose recent records, which the checksums then reject.
 *
 * Size: compaction keeps the most recently used entries (stamps refreshed
 * by a touch record at most every PG_TOUCH_MINUTES) within 3/4 of the
 * limit, so segment + log stay below about 7/8 of it.
 */
#define _DEFAULT_SOURCE /* flock */
#include "cache_int.h"

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

/* The longest log a reader reads; anything past it is treated as torn. */
#define PG_LOG_READ_MAX (16u << 20)

static void disable(pg_cache *c, const char *why)
{
	if (!c->warning)
		c->warning = pg_xasprintf("cache: cannot use %s: %s; running without the cache",
		                          c->dir, why);
	c->disabled = 1;
}

/* Maps cache.seg if it is a valid segment: 0, or -1 (and *exists says whether a file was there). */
static int map_segment(pg_cache *c, const uint8_t **seg, size_t *size, pg_seg_hdr *h, int *exists)
{
	char *path = pg_cache_file(c, PG_SEG_NAME);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *m;

	free(path);
	*exists = fd >= 0;
	*seg = NULL;
	*size = 0;
	if (fd < 0)
		return PG_ERROR;
	if (fstat(fd, &st) != 0 || st.st_size < PG_SEG_HDR || (uint64_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return PG_ERROR;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return PG_ERROR;
	if (pg_seg_hdr_read(m, (size_t)st.st_size, h) != 0) {
		munmap(m, (size_t)st.st_size);
		return PG_ERROR;
	}
	*seg = m;
	*size = (size_t)st.st_size;
	return 0;
}

/* Reads the log of segment `id` into c->log and indexes it. */
static void load_log(pg_cache *c, uint64_t id)
{
	char *path = pg_cache_log_name(c, id);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	pg_buf_clear(&c->log);
	if (fd < 0)
		return;
	if (pg_cache_read_fd(fd, PG_LOG_READ_MAX, &c->log) == 0 &&
	    pg_log_hdr_read((const uint8_t *)c->log.data, c->log.len, id) == 0) {
		size_t end = pg_log_scan(c, &c->log, PG_LOG_HDR, &c->map);
		c->log_torn = end < c->log.len;
		c->log.len = end;
	} else {
		c->log_torn = c->log.len > 0;
		pg_buf_clear(&c->log);
	}
	close(fd);
}

static int mkdir_p(const char *dir)
{
	char *p = pg_xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char save = *s;
			*s = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = save;
			if (!save)
				break;
		}
	}
	free(p);
	if (rc == 0) {
		struct stat st;
		if (stat(dir, &st) != 0)
			return PG_ERROR;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return PG_ERROR;
		}
	}
	return rc;
}

int pg_cache_open(pg_cache **out, const char *dir, uint64_t max_bytes)
{
	return pg_cache_open_ext(out, dir, max_bytes, 0);
}

int pg_cache_open_ext(pg_cache **out, const char *dir, uint64_t max_bytes, unsigned flags)
{
	pg_cache *c = pg_xcalloc(1, sizeof(*c));
	int exists, locked;

	pthread_mutex_init(&c->mu, NULL);
	c->lock_fd = -1;
	c->flags = flags;
	*out = c;
	if (!dir || !*dir) {
		c->disabled = 1;
		return 0;
	}
	c->dir = pg_xstrdup(dir);

	if (!max_bytes && pg_cache_max_bytes_from_env(&max_bytes) != 0) {
		c->warning = pg_xasprintf("%s; using the default", pg_error_last());
		max_bytes = PG_CACHE_DEFAULT_MAX_BYTES;
	}
	if (max_bytes < PG_CACHE_MIN_MAX_BYTES)
		max_bytes = PG_CACHE_MIN_MAX_BYTES;
	if (max_bytes > PG_CACHE_MAX_MAX_BYTES)
		max_bytes = PG_CACHE_MAX_MAX_BYTES;
	c->max_bytes = max_bytes;
	c->log_limit = (size_t)(max_bytes / 8);
	if (c->log_limit > (1u << 20))
		c->log_limit = 1u << 20;
	c->max_value = (uint32_t)(c->log_limit - PG_LOG_HDR - PG_REC_HDR);
	c->compact_at = c->log_limit < PG_LOG_COMPACT_AT ? c->log_limit : PG_LOG_COMPACT_AT;

	if (flags & PG_CACHE_READONLY) {
		struct stat st;
		char *lock;
		if (stat(dir, &st) != 0) {
			if (errno == ENOENT)
				return 0; /* nothing stored yet */
			disable(c, strerror(errno));
			return 0;
		}
		if (!S_ISDIR(st.st_mode)) {
			disable(c, strerror(ENOTDIR));
			return 0;
		}
		lock = pg_cache_file(c, PG_LOCK_NAME);
		c->lock_fd = open(lock, O_RDONLY | O_CLOEXEC);
		free(lock);
	} else {
		char *lock;
		if (mkdir_p(dir) != 0) {
			disable(c, strerror(errno));
			return 0;
		}
		lock = pg_cache_file(c, PG_LOCK_NAME);
		c->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		free(lock);
		if (c->lock_fd < 0) {
			disable(c, strerror(errno));
			return 0;
		}
	}

	/* Unlocked reading is still safe (everything is verified); waiting forever is not. */
	locked = pg_cache_lock(c, 0, 2000) == 0;
	c->seg_ok = map_segment(c, &c->seg, &c->seg_size, &c->seg_hdr, &exists) == 0;
	c->seg_bad = exists && !c->seg_ok;
	load_log(c, c->seg_ok ? c->seg_hdr.id : 0);
	if (locked)
		pg_cache_unlock(c);
	return 0;
}

const char *pg_cache_warning(const pg_cache *c)
{
	return c ? c->warning : NULL;
}

int pg_cache_enabled(const pg_cache *c)
{
	return c && !c->disabled;
}

const char *pg_cache_dir(const pg_cache *c)
{
	return c ? c->dir : NULL;
}

static const uint8_t *ent_record(const pg_cache *c, const pg_map_ent *e)
{
	const pg_buf *b = e->src == PG_SRC_LOG ? &c->log : &c->pending;
	return (const uint8_t *)b->data + e->off;
}

/* Records that *k was used now, unless it was recently. */
static void touch(pg_cache *c, const pg_cache_key *k, pg_map_ent *e, uint32_t stamp)
{
	uint32_t now = pg_cache_now_stamp();
	if (e && e->kind == PG_MAP_TOUCH && e->src == PG_SRC_PENDING)
		return;
	if (now - stamp < PG_TOUCH_MINUTES)
		return;
	if (c->flags & PG_CACHE_READONLY)
		return;
	pg_rec_append(&c->pending, PG_REC_TOUCH, k, now, NULL, 0);
	if (!e) {
		e = pg_map_upsert(&c->map, k);
		e->kind = PG_MAP_TOUCH;
		e->src = PG_SRC_PENDING;
	}
	e->stamp = now;
}

/* Finds *k without counting: the value's bytes, or NULL. */
static const uint8_t *lookup(pg_cache *c, const pg_cache_key *k, uint32_t *len, int do_touch)
{
	pg_map_ent *e = pg_map_find(&c->map, k);
	pg_rec r;
	uint32_t stamp;

	if (e && e->kind == PG_MAP_VALUE) {
		*len = e->len;
		if (do_touch)
			touch(c, k, e, e->stamp);
		/* touch may have grown `pending`: take the pointer after it */
		return ent_record(c, e) + PG_REC_HDR;
	}
	if (c->seg_ok && pg_seg_find(c->seg, &c->seg_hdr, k, PG_MAX_VALUE, &r, &stamp,
	                             &c->seg_damaged) == 0) {
		*len = r.len;
		if (do_touch)
			touch(c, k, e, e ? e->stamp : stamp);
		return r.value;
	}
	return NULL;
}

int pg_cache_get(pg_cache *c, const pg_cache_key *k, pg_buf *value)
{
	const uint8_t *v;
	uint32_t len;
	int rc = PG_ENOTFOUND;

	if (!c || c->disabled)
		return PG_ENOTFOUND;
	pthread_mutex_lock(&c->mu);
	v = lookup(c, k, &len, 1);
	if (v) {
		pg_buf_clear(value);
		pg_buf_put(value, v, len);
		c->hits++;
		rc = 0;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}

int pg_cache_put(pg_cache *c, const pg_cache_key *k, const void *v, size_t n)
{
	const uint8_t *old;
	uint32_t old_len;
	pg_map_ent *e;
	size_t off;

	if (!c || c->disabled || (c->flags & PG_CACHE_READONLY))
		return 0;
	if (n > c->max_value)
		return pg_error_set(PG_ELIMIT, "cache: a value of %zu bytes exceeds the limit of %u",
		                    n, c->max_value);
	pthread_mutex_lock(&c->mu);
	old = lookup(c, k, &old_len, 0);
	if (old && old_len == n && (n == 0 || memcmp(old, v, n) == 0)) {
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	off = c->pending.len;
	pg_rec_append(&c->pending, PG_REC_VALUE, k, pg_cache_now_stamp(), v, (uint32_t)n);
	e = pg_map_upsert(&c->map, k);
	e->kind = PG_MAP_VALUE;
	e->src = PG_SRC_PENDING;
	e->off = off;
	e->len = (uint32_t)n;
	e->stamp = pg_cache_now_stamp();
	pthread_mutex_unlock(&c->mu);
	return 0;
}

/* --- stats file ----------------------------------------------------------- */

/*
 * The stats file holds two 72-byte copies (magic, format u32, zero u32,
 * six u64: runs, last hits and misses, total hits and misses, sequence;
 * XXH3-64 of bytes 0..63).  A writer overwrites the older copy in place,
 * so a torn write leaves the other one intact, and no rename is needed
 * (replacing a file by rename makes ext4 flush it: about a millisecond).
 */
static int stats_copy_read(const uint8_t *p, pg_stats_file *s)
{
	if (memcmp(p, PG_STATS_MAGIC, 8) != 0 || pg_le32_get(p + 8) != PG_CACHE_FORMAT ||
	    pg_le64_get(p + 64) != XXH3_64bits_withSeed(p, 64, PG_SEED_HDR))
		return PG_ERROR;
	s->runs = pg_le64_get(p + 16);
	s->last_hits = pg_le64_get(p + 24);
	s->last_misses = pg_le64_get(p + 32);
	s->total_hits = pg_le64_get(p + 40);
	s->total_misses = pg_le64_get(p + 48);
	s->seq = pg_le64_get(p + 56);
	return 0;
}

static int stats_file_read(pg_cache *c, pg_stats_file *s)
{
	char *path = pg_cache_file(c, PG_STATS_NAME);
	pg_buf b = PG_BUF_INIT;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

	free(path);
	memset(s, 0, sizeof(*s));
	if (fd < 0)
		return PG_ERROR;
	if (pg_cache_read_fd(fd, 2 * PG_STATS_SIZE, &b) == 0) {
		for (size_t off = 0; off + PG_STATS_SIZE <= b.len; off += PG_STATS_SIZE) {
			pg_stats_file t;
			if (stats_copy_read((const uint8_t *)b.data + off, &t) == 0 && (rc != 0 || t.seq > s->seq)) {
				*s = t;
				rc = 0;
			}
		}
	}
	pg_buf_free(&b);
	close(fd);
	return rc;
}

/* Holding the exclusive lock; s->seq is the current copy's, and is advanced. */
static int stats_file_write(pg_cache *c, pg_stats_file *s)
{
	uint8_t p[PG_STATS_SIZE];
	char *path = pg_cache_file(c, PG_STATS_NAME);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666), rc = 0;

	s->seq++;
	memset(p, 0, sizeof(p));
	memcpy(p, PG_STATS_MAGIC, 8);
	pg_le32_put(p + 8, PG_CACHE_FORMAT);
	pg_le64_put(p + 16, s->runs);
	pg_le64_put(p + 24, s->last_hits);
	pg_le64_put(p + 32, s->last_misses);
	pg_le64_put(p + 40, s->total_hits);
	pg_le64_put(p + 48, s->total_misses);
	pg_le64_put(p + 56, s->seq);
	pg_le64_put(p + 64, XXH3_64bits_withSeed(p, 64, PG_SEED_HDR));
	if (fd < 0 || pg_cache_write_all(fd, p, sizeof(p), (off_t)(s->seq % 2) * PG_STATS_SIZE) != 0)
		rc = pg_error_set(PG_ERROR, "cache: cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

/* --- flushing ------------------------------------------------------------- */

/*
 * Holding the exclusive lock: opens the current segment's log, cuts off a
 * torn tail, and either appends `extra` or compacts everything.
 */
static int write_locked(pg_cache *c, const uint8_t *extra, size_t extra_len)
{
	const uint8_t *seg;
	size_t seg_size, end;
	pg_seg_hdr h;
	int seg_exists, seg_ok, fd, rc = 0;
	pg_buf log = PG_BUF_INIT;
	char *path;

	seg_ok = map_segment(c, &seg, &seg_size, &h, &seg_exists) == 0;
	path = pg_cache_log_name(c, seg_ok ? h.id : 0);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		rc = pg_error_set(PG_ERROR, "cache: cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (pg_cache_read_fd(fd, PG_LOG_READ_MAX, &log) != 0) {
		rc = PG_ERROR;
		goto out;
	}
	if (pg_log_hdr_read((const uint8_t *)log.data, log.len, seg_ok ? h.id : 0) != 0) {
		uint8_t hdr[PG_LOG_HDR];
		pg_log_hdr_write(hdr, seg_ok ? h.id : 0);
		pg_buf_clear(&log);
		pg_buf_put(&log, hdr, sizeof(hdr));
		if (ftruncate(fd, 0) != 0 || pg_cache_write_all(fd, hdr, sizeof(hdr), 0) != 0) {
			rc = pg_error_set(PG_ERROR, "cache: cannot write %s: %s", path, strerror(errno));
			goto out;
		}
	}
	end = pg_log_scan(c, &log, PG_LOG_HDR, NULL);
	if (end < log.len) {
		/* a writer died mid-record, or the bytes were damaged: cut them off */
		log.len = end;
		if (ftruncate(fd, (off_t)end) != 0) {
			rc = pg_error_set(PG_ERROR, "cache: cannot repair %s: %s", path, strerror(errno));
			goto out;
		}
	}
	if ((seg_exists && !seg_ok) || (seg_ok && c->seg_ok && c->seg_damaged && h.id == c->seg_hdr.id) ||
	    end + extra_len > c->compact_at ||
	    (seg_ok ? seg_size : 0) + end + extra_len > c->max_bytes) {
		rc = pg_cache_compact(c, seg_ok ? seg : NULL, &h, &log, extra, extra_len);
	} else {
		if (extra_len && pg_cache_write_all(fd, extra, extra_len, (off_t)end) != 0) {
			rc = pg_error_set(PG_ERROR, "cache: cannot write %s: %s", path, strerror(errno));
			if (ftruncate(fd, (off_t)end) != 0) {
				/* the torn tail is cut by the next writer */
			}
		}
		/* a compaction killed mid-way may have left a large temporary file */
		pg_cache_remove_stale(c, seg_ok ? h.id : 0);
	}
out:
	if (fd >= 0)
		close(fd);
	free(path);
	pg_buf_free(&log);
	if (seg)
		munmap((void *)seg, seg_size);
	return rc;
}

int pg_cache_flush(pg_cache *c)
{
	int rc = 0;
	size_t extra_len;
	uint64_t dh, dm;

	if (!c || c->disabled || (c->flags & PG_CACHE_READONLY))
		return 0;
	pthread_mutex_lock(&c->mu);
	extra_len = c->pending.len - c->pending_flushed;
	dh = c->hits - c->hits_flushed;
	dm = c->misses - c->misses_flushed;
	if (!extra_len && !dh && !dm && !c->seg_bad && !c->seg_damaged && !c->log_torn) {
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	if (pg_cache_lock(c, 1, 5000) != 0) {
		pthread_mutex_unlock(&c->mu);
		return pg_error_set(PG_ERROR, "cache: %s is busy; results not stored", c->dir);
	}
	/*
	 * Even with nothing new to add: damage this run met is repaired, and
	 * what a killed writer left behind is removed.
	 */
	rc = write_locked(c, extra_len ? (const uint8_t *)c->pending.data + c->pending_flushed : NULL,
	                  extra_len);
	if (rc == 0) {
		c->pending_flushed = c->pending.len;
		c->seg_bad = c->seg_damaged = c->log_torn = 0;
	}
	if (dh || dm) {
		pg_stats_file s;
		stats_file_read(c, &s);
		if (!c->counted_run)
			s.runs++;
		c->counted_run = 1;
		s.last_hits = c->hits;
		s.last_misses = c->misses;
		s.total_hits += dh;
		s.total_misses += dm;
		if (stats_file_write(c, &s) == 0) {
			c->hits_flushed = c->hits;
			c->misses_flushed = c->misses;
		}
	}
	pg_cache_unlock(c);
	pthread_mutex_unlock(&c->mu);
	return rc;
}

int pg_cache_close(pg_cache *c)
{
	int rc;
	if (!c)
		return 0;
	rc = pg_cache_flush(c);
	if (c->seg)
		munmap((void *)c->seg, c->seg_size);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	pg_buf_free(&c->log);
	pg_buf_free(&c->pending);
	pg_map_free(&c->map);
	free(c->dir);
	free(c->warning);
	pthread_mutex_destroy(&c->mu);
	free(c);
	return rc;
}

/* --- stats ---------------------------------------------------------------- */

static uint64_t file_size(pg_cache *c, char *path)
{
	struct stat st;
	uint64_t n = 0;
	(void)c;
	if (stat(path, &st) == 0)
		n = (uint64_t)st.st_size;
	free(path);
	return n;
}

int pg_cache_stats_get(pg_cache *c, pg_cache_stats *out)
{
	pg_stats_file s;
	memset(out, 0, sizeof(*out));
	if (!c)
		return 0;
	pthread_mutex_lock(&c->mu);
	out->max_bytes = c->max_bytes;
	out->hits = c->hits;
	out->misses = c->misses;
	if (c->disabled || !c->dir) {
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	if (c->seg_ok)
		out->entries = c->seg_hdr.entries;
	for (size_t i = 0; i < c->map.cap; i++) {
		pg_map_ent *e = &c->map.ents[i];
		pg_rec r;
		uint32_t stamp;
		int damaged = 0;
		if (!e->used || e->kind != PG_MAP_VALUE || e->src != PG_SRC_LOG)
			continue;
		if (!c->seg_ok ||
		    pg_seg_find(c->seg, &c->seg_hdr, &e->key, PG_MAX_VALUE, &r, &stamp, &damaged) != 0)
			out->entries++;
	}
	out->bytes = file_size(c, pg_cache_file(c, PG_SEG_NAME)) +
	             file_size(c, pg_cache_log_name(c, c->seg_ok ? c->seg_hdr.id : 0));
	stats_file_read(c, &s);
	out->runs = s.runs;
	out->last_hits = s.last_hits;
	out->last_misses = s.last_misses;
	out->total_hits = s.total_hits;
	out->total_misses = s.total_misses;
	pthread_mutex_unlock(&c->mu);
	return 0;
}
