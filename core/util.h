/*
 * util.h - the small pieces every module uses: error reporting, growable
 * byte buffers, string lists and allocation that cannot fail.
 *
 * Errors: like libgit2, a failing function returns a negative code and
 * leaves a message in a per-thread "last error" (pg_error_set); the caller
 * that reports it reads pg_error_last().  Out of memory is not an error we
 * recover from: pg_xmalloc and friends print a message and exit with 2, the
 * documented code for an internal error, so callers need no NULL checks.
 */
#ifndef PG_UTIL_H
#define PG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum {
	PG_OK = 0,
	PG_ERROR = -1,     /* generic failure, message in pg_error_last() */
	PG_ENOTFOUND = -3, /* no such file, object or entry */
	PG_EINVALID = -4,  /* bad input: malformed config, bad argument */
	PG_ELIMIT = -5     /* a documented limit was hit (size, nesting, time) */
};

#if defined(__GNUC__)
#define PG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PG_PRINTF(a, b)
#endif

/* Sets the last error message; returns `code` so `return pg_error_set(...)` reads well. */
int pg_error_set(int code, const char *fmt, ...) PG_PRINTF(2, 3);
/* The value of a hexadecimal digit, or -1 for any other character. */
int pg_hex_digit(char c);
const char *pg_error_last(void);
void pg_error_clear(void);

void *pg_xmalloc(size_t n);
void *pg_xcalloc(size_t n, size_t size);
void *pg_xrealloc(void *p, size_t n);
char *pg_xstrdup(const char *s);
char *pg_xstrndup(const char *s, size_t n);
char *pg_xasprintf(const char *fmt, ...) PG_PRINTF(1, 2);

/* Grows *items (of elem bytes each) so that it holds at least need elements. */
void pg_grow(void **items, size_t *cap, size_t need, size_t elem);
#define PG_GROW(ptr, cap, need) pg_grow((void **)&(ptr), &(cap), (need), sizeof(*(ptr)))

/*
 * A growable byte buffer, always NUL-terminated.  `data` is never NULL once
 * the buffer was made with PG_BUF_INIT or went through any pg_buf_*
 * function: an empty buffer points at a shared empty string (cap 0, never
 * written), so readers pass b.data as a string without a guard.
 */
typedef struct {
	char *data;
	size_t len, cap; /* cap 0: data is pg_buf_empty (or NULL in a zeroed struct never used) */
} pg_buf;

extern char pg_buf_empty[1];
#define PG_BUF_INIT {pg_buf_empty, 0, 0}
void pg_buf_free(pg_buf *b);
/* Room for at least `need` bytes in data (for a caller that writes into it directly). */
void pg_buf_reserve(pg_buf *b, size_t need);
void pg_buf_clear(pg_buf *b);
void pg_buf_put(pg_buf *b, const void *data, size_t len);
void pg_buf_puts(pg_buf *b, const char *s);
void pg_buf_putc(pg_buf *b, char c);
void pg_buf_printf(pg_buf *b, const char *fmt, ...) PG_PRINTF(2, 3);
/* Takes the bytes out of the buffer (never NULL); the buffer is left empty. */
char *pg_buf_detach(pg_buf *b);

/* Little-endian fixed-width integers, as every on-disk format here stores them. */
static inline void pg_le32_put(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void pg_le64_put(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t pg_le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t pg_le64_get(const uint8_t *p)
{
	return (uint64_t)pg_le32_get(p) | (uint64_t)pg_le32_get(p + 4) << 32;
}

/* Reads a whole file.  PG_ENOTFOUND when it does not exist. */
int pg_read_file(const char *path, pg_buf *out);

typedef struct {
	char **items;
	size_t len, cap;
} pg_strlist;

void pg_strlist_push(pg_strlist *l, const char *s);
int pg_strlist_has(const pg_strlist *l, const char *s);
int pg_strlist_has_n(const pg_strlist *l, const char *s, size_t n);
void pg_strlist_free(pg_strlist *l);

/* Path helpers: "a/b/../c" -> "a/c"; dirname of "a/b.js" is "a" ("" at top). */
char *pg_path_join(const char *dir, const char *rel);
char *pg_path_normalize(const char *path);
char *pg_path_dirname(const char *path);

/*
 * A CR not followed by LF ends a line too (JavaScript says so, and old Mac
 * files use nothing else), while tree-sitter and git count only LF.  These
 * find such a CR, and turn each into LF in place (same length: byte offsets
 * stay), so that line numbers are the ones an editor shows.
 */
int pg_has_lone_cr(const char *s, size_t len);
void pg_lone_cr_to_lf(char *s, size_t len);

/*
 * How many threads `tasks` independent tasks get: PGLEAK_JOBS when set,
 * else one per online processor; never more than the tasks, nor than
 * PG_MAX_JOBS, and at least 1.
 */
#define PG_MAX_JOBS 64
size_t pg_jobs_wanted(size_t tasks);

/* Edit distance for "did you mean" (case-insensitive); (size_t)-1 past 64 bytes. */
size_t pg_edit_distance(const char *a, const char *b);

/*
 * A string -> size_t hash map (open addressing, linear probing), for the
 * lookups that would otherwise be quadratic on large files.  Keys are copied.
 */
typedef struct {
	char **keys;
	size_t *vals;
	size_t len, cap; /* cap is 0 or a power of two */
} pg_strmap;

/* The value stored under key (n bytes), or NULL. */
size_t *pg_strmap_get(const pg_strmap *m, const char *key, size_t n);
/* Stores (or replaces) a value. */
void pg_strmap_put(pg_strmap *m, const char *key, size_t n, size_t val);
void pg_strmap_free(pg_strmap *m);

#endif
