/*
 * record.h - what the reuse layer stores under a cache key: a file's or a
 * function's findings and units, and an opaque blob (its dependency list),
 * as bytes.  The layout is described at the top of record.c.
 */
#ifndef PG_RECORD_H
#define PG_RECORD_H

#include "types.h"

/*
 * Serialises findings and units (either may be NULL) and an opaque blob
 * (e.g. a helper's summary) into `out` (appended).
 */
void pg_record_encode(pg_buf *out, const pg_findings *f, const pg_units *u,
                            const void *extra, size_t extra_len);

/*
 * How a stored result is placed in the file it is used for: a function
 * keyed by its own bytes may have moved.  `path` (when not NULL) replaces
 * every finding's path; line_delta is added to every line, byte_delta to
 * every byte offset.
 */
typedef struct {
	const char *path;
	int64_t line_delta;
	int64_t byte_delta;
} pg_record_shift;

/*
 * Appends the decoded findings to f and units to u (either may be NULL to
 * skip them) and the blob to `extra` (replacing its content; may be NULL).
 * PG_EINVALID on anything truncated, malformed or out of range, leaving
 * f, u and extra as they were.
 */
int pg_record_decode(const void *data, size_t len, const pg_record_shift *shift,
                           pg_findings *f, pg_units *u, pg_buf *extra);

#endif
