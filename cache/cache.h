/*
 * cache.h - the on-disk result cache: bytes stored under 128-bit keys,
 * shared by every run (and every linked worktree) of one repository.
 *
 * The reuse layer (reuse/engine.c) computes a key (pg_cache_hasher:
 * XXH3-128 over everything a result depends on), asks pg_cache_get, and on
 * a miss has the file analysed and calls pg_cache_put.  What it stores is
 * opaque here (reuse/record.h turns findings and units into such bytes):
 * this is a store of bytes, which knows nothing of the analysis or of git.
 *
 * The cache is an accelerator, never a source of truth: every failure
 * (unusable directory, corrupt file, lock held too long, full disk) turns
 * into "miss" or "not stored", never into an error the user sees, except
 * the one message pg_cache_warning() hands out when the cache cannot be
 * used at all.  How the files are laid out and why they stay consistent
 * under crashes and concurrency is described at the top of cache/cache.c.
 *
 * One pg_cache may be shared by threads (calls are serialised inside), and
 * any number of handles, in one process or many, may use one directory.
 * Files must not be changed by anything but this code while a handle maps
 * them (a truncated mapping would fault); damage done while nobody has the
 * cache open is detected.
 */
#ifndef PG_CACHE_H
#define PG_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Bumped whenever the files or the record encoding change; part of every key. */
#define PG_CACHE_FORMAT 1

/* Default size limit, overridden by PGLEAK_CACHE_MAX_BYTES (bytes, or K/M/G). */
#define PG_CACHE_DEFAULT_MAX_BYTES (64ull * 1024 * 1024)
/* Limits accepted for PGLEAK_CACHE_MAX_BYTES / pg_cache_open's max_bytes. */
#define PG_CACHE_MIN_MAX_BYTES (64ull * 1024)
#define PG_CACHE_MAX_MAX_BYTES (16ull * 1024 * 1024 * 1024)

typedef struct {
	uint64_t hi, lo;
} pg_cache_key;

typedef struct pg_cache pg_cache;

enum {
	PG_CACHE_READONLY = 1 /* create nothing, write nothing (for `cache stats`) */
};

/*
 * Opens (creating when needed) the cache in `dir`, limited to max_bytes
 * (0: PGLEAK_CACHE_MAX_BYTES or the default).  Always returns 0 and a
 * usable handle: when `dir` is NULL or cannot be used the handle is
 * disabled (every get misses, every put is dropped) and, unless dir was
 * NULL, pg_cache_warning() says why.
 */
int pg_cache_open(pg_cache **out, const char *dir, uint64_t max_bytes);
int pg_cache_open_ext(pg_cache **out, const char *dir, uint64_t max_bytes, unsigned flags);

/* NULL, or the one sentence to show the user ("running without the cache"). */
const char *pg_cache_warning(const pg_cache *c);
/* Non-zero when the cache is in use (not disabled). */
int pg_cache_enabled(const pg_cache *c);
const char *pg_cache_dir(const pg_cache *c);

/* Copies the value stored under *k into `value` (replacing its content): 0, or PG_ENOTFOUND. */
int pg_cache_get(pg_cache *c, const pg_cache_key *k, pg_buf *value);

/*
 * Stores a value; visible to this handle's gets at once and to other
 * processes after pg_cache_flush/pg_cache_close.  PG_ELIMIT when the value
 * is too large for this cache (larger than an eighth of max_bytes, or 1 MiB).
 */
int pg_cache_put(pg_cache *c, const pg_cache_key *k, const void *v, size_t n);

/* Writes what was put, the recency of what was read and the run's figures. */
int pg_cache_flush(pg_cache *c);
/* Flushes (compacting when over the limits) and frees.  NULL is allowed. */
int pg_cache_close(pg_cache *c);

/* Empties the cache (other processes using it keep working). */
int pg_cache_clear(pg_cache *c);

typedef struct {
	uint64_t entries;      /* distinct keys stored */
	uint64_t bytes;        /* bytes on disk */
	uint64_t max_bytes;    /* the limit in force */
	uint64_t last_hits, last_misses;   /* of the last run that looked anything up */
	uint64_t total_hits, total_misses; /* since the cache was created or cleared */
	uint64_t runs;         /* runs that looked anything up */
	uint64_t hits, misses; /* of this handle so far */
} pg_cache_stats;

int pg_cache_stats_get(pg_cache *c, pg_cache_stats *out);

/*
 * Reads every record of the files on disk.  0 when everything checks out;
 * PG_EINVALID with a message naming the first problem otherwise.
 */
int pg_cache_verify(pg_cache *c);

/* --- where the cache lives ------------------------------------------------ */

/*
 * The cache's folder: PGLEAK_CACHE_DIR (a relative value taken from
 * `workroot`, the work tree's root, when there is one); else
 * `commondir`/pgleak (the repository's common git directory, shared by
 * linked worktrees); else $XDG_CACHE_HOME/pgleak; else ~/.cache/pgleak.
 * Either argument may be NULL (no repository, a bare one).  Never NULL;
 * owned by the caller.
 */
char *pg_cache_dir_choose(const char *commondir, const char *workroot);

/* PGLEAK_CACHE_MAX_BYTES parsed, or the default; PG_EINVALID on a bad value. */
int pg_cache_max_bytes_from_env(uint64_t *out);

/* --- keys ---------------------------------------------------------------- */

/*
 * XXH3-128 over a sequence of fields.  Every hasher starts from the cache
 * format and the program's version, so a new binary never reads an old
 * result.  Strings and byte ranges are length-prefixed, so ("ab","c") and
 * ("a","bc") give different keys.
 */
typedef struct pg_cache_hasher pg_cache_hasher;

pg_cache_hasher *pg_cache_hasher_new(void);
void pg_cache_hasher_bytes(pg_cache_hasher *h, const void *data, size_t len);
void pg_cache_hasher_str(pg_cache_hasher *h, const char *s); /* NULL allowed */
void pg_cache_hasher_u64(pg_cache_hasher *h, uint64_t v);
void pg_cache_hasher_key(pg_cache_hasher *h, const pg_cache_key *k); /* a dependency's key */
/* Returns the key and frees the hasher. */
pg_cache_key pg_cache_hasher_finish(pg_cache_hasher *h);

/*
 * The key of `data` under `prefix` (a key made by a hasher, so it carries
 * the format and version), in one step without a hasher: for look-ups made
 * once per file of a repository, such as the importer scan's per-blob
 * records.
 */
pg_cache_key pg_cache_key_under(const pg_cache_key *prefix, const void *data, size_t len);

#endif
