/*
 * cache_int.h - what the files of cache/ share and nobody else sees: the
 * on-disk layout (documented in cache.c), the handle, and the helpers that
 * read and write records.
 */
#ifndef PG_CACHE_INT_H
#define PG_CACHE_INT_H

#include <pthread.h>
#include <sys/types.h>
#include <stdint.h>
#include <string.h>

#include "cache.h"

#define PG_SEG_NAME "cache.seg"
#define PG_LOG_PREFIX "log-"
#define PG_TMP_PREFIX "tmp-"
#define PG_LOCK_NAME "lock"
#define PG_STATS_NAME "stats"

#define PG_SEG_MAGIC "PGLKSEG1"
#define PG_LOG_MAGIC "PGLKLOG1"
#define PG_STATS_MAGIC "PGLKSTA1"
#define PG_REC_VALUE 0x56524750u /* "PGRV" little-endian */
#define PG_REC_TOUCH 0x54524750u /* "PGRT" */

#define PG_SEG_HDR 64
#define PG_SLOT_SIZE 16
#define PG_LOG_HDR 32
/*
 * Every open reads the whole log and every flush scans it again, while a
 * segment is looked up through mmap: a log of a first run's 12,000 records
 * cost a warm hook run 10 M instructions.  So the log is compacted once it
 * passes this many bytes (about 2,000 records), which a cold run does at
 * once and a warm hook run, adding a few records, every few hundred commits.
 */
#define PG_LOG_COMPACT_AT (128u << 10)
#define PG_REC_HDR 40
#define PG_STATS_SIZE 72 /* one of the two copies in the stats file */

/* Seeds keep our checksums apart from any other XXH3 use of the same bytes. */
#define PG_SEED_HDR 0x70676c6b68647231ull
#define PG_SEED_KEY 0x70676c6b6b657931ull

/* The largest value any reader accepts (a writer's own limit may be lower). */
#define PG_MAX_VALUE (1u << 20)

/* A read refreshes an entry's recency at most this often (minutes). */
#define PG_TOUCH_MINUTES 60u


static inline size_t pg_rec_size(uint32_t len)
{
	return PG_REC_HDR + (((size_t)len + 7) & ~(size_t)7);
}

/* A record as read back; `value` points into the bytes it was read from. */
typedef struct {
	uint32_t type;
	uint32_t len;
	pg_cache_key key;
	uint32_t stamp;
	const uint8_t *value;
} pg_rec;

/* Appends one record (header, value, zero padding) to `out`. */
void pg_rec_append(pg_buf *out, uint32_t type, const pg_cache_key *k, uint32_t stamp,
                   const void *v, uint32_t len);
/*
 * Checks the record at p (avail bytes there): 0 and *r filled, or PG_EINVALID when it
 * is truncated, its checksum fails or a field is out of range.
 */
int pg_rec_read(const uint8_t *p, size_t avail, uint32_t max_len, pg_rec *r);

/* Segment header. */
typedef struct {
	uint64_t id;
	uint64_t file_size;
	uint32_t slots;
	uint32_t entries;
	uint32_t max_probe;
} pg_seg_hdr;

void pg_seg_hdr_write(uint8_t *p, const pg_seg_hdr *h);
/* PG_EINVALID unless p holds a header of this format that is consistent with file_size. */
int pg_seg_hdr_read(const uint8_t *p, size_t file_size, pg_seg_hdr *h);

void pg_log_hdr_write(uint8_t *p, uint64_t id);
int pg_log_hdr_read(const uint8_t *p, size_t avail, uint64_t id);

typedef struct {
	uint64_t seq; /* the copy with the highest valid seq is current */
	uint64_t runs, last_hits, last_misses, total_hits, total_misses;
} pg_stats_file;

/* In-memory index of log and pending records (open addressing). */
enum { PG_SRC_LOG = 1, PG_SRC_PENDING = 2 };
enum { PG_MAP_VALUE = 1, PG_MAP_TOUCH = 2 };

typedef struct {
	pg_cache_key key;
	uint8_t used, kind, src;
	uint32_t stamp;
	uint32_t len;
	size_t off; /* of the record in its buffer */
} pg_map_ent;

typedef struct {
	pg_map_ent *ents;
	size_t cap, len; /* cap is a power of two, or 0 */
} pg_map;

pg_map_ent *pg_map_find(pg_map *m, const pg_cache_key *k);
/* Finds or inserts (zeroed but for key and used) the entry for *k. */
pg_map_ent *pg_map_upsert(pg_map *m, const pg_cache_key *k);
void pg_map_free(pg_map *m);

struct pg_cache {
	pthread_mutex_t mu;
	char *dir;
	char *warning;
	int disabled;
	unsigned flags;
	uint64_t max_bytes;
	size_t log_limit;    /* an eighth of max_bytes, at most 1 MiB: the largest value and record */
	size_t compact_at;   /* the log is compacted into the segment past this */
	uint32_t max_value;  /* largest value a put accepts */
	int lock_fd;         /* -1: none */

	/* the segment as it was when opened (immutable: replaced by rename) */
	const uint8_t *seg;
	size_t seg_size;
	pg_seg_hdr seg_hdr;
	int seg_ok;
	int seg_bad;         /* a file is there but is not a valid segment */
	int seg_damaged;     /* a lookup met a damaged slot or record: rewrite it */
	int log_torn;        /* the log ends in a torn record: cut it off */

	/* the log of that segment, read at open, and what this handle adds */
	pg_buf log;
	pg_buf pending;
	size_t pending_flushed;
	pg_map map;

	uint64_t hits, misses, hits_flushed, misses_flushed;
	int counted_run;
};

uint32_t pg_cache_now_stamp(void);

/* Locking of the directory's lock file, waiting at most `ms`. */
int pg_cache_lock(pg_cache *c, int exclusive, int ms);
void pg_cache_unlock(pg_cache *c);

/*
 * Looks *k up in a mapped segment: the verified record, or PG_ENOTFOUND.  Sets
 * *damaged when a slot for this key leads to a record that does not check out.
 */
int pg_seg_find(const uint8_t *seg, const pg_seg_hdr *h, const pg_cache_key *k,
                uint32_t max_len, pg_rec *r, uint32_t *slot_stamp, int *damaged);

/*
 * Holding the exclusive lock: writes a new segment from the current one,
 * its log (`log`, already validated) and `extra` (records not yet written),
 * keeping the most recently used entries within the size target, then
 * removes the old logs.  `seg` may be NULL (none or unusable).
 */
int pg_cache_compact(pg_cache *c, const uint8_t *seg, const pg_seg_hdr *h,
                     const pg_buf *log, const uint8_t *extra, size_t extra_len);

/*
 * Holding the exclusive lock: removes what writers killed mid-way left (temporary
 * files) and logs of segments that are gone.
 */
void pg_cache_remove_stale(pg_cache *c, uint64_t keep_id);

/* Holding the lock: scans records of buf from `from`, returning the end of the valid ones. */
size_t pg_log_scan(pg_cache *c, const pg_buf *buf, size_t from, pg_map *map);

char *pg_cache_file(const pg_cache *c, const char *name);
char *pg_cache_log_name(const pg_cache *c, uint64_t id);
/* Writes `data` to a temporary file in the cache directory and renames it to `name`. */
int pg_cache_write_replace(pg_cache *c, const char *name, const void *data, size_t len);
/* Reads a file descriptor from offset 0, at most `max` bytes. */
int pg_cache_read_fd(int fd, size_t max, pg_buf *out);
/* pwrite(2) of all of `data` at `off`, retrying short writes: 0, or PG_ERROR with errno set. */
int pg_cache_write_all(int fd, const void *data, size_t len, off_t off);


#endif
