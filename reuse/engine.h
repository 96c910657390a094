/*
 * engine.h - the public face of the analysis as the commands use it: one
 * engine per run (or per side of a diff) reads files through a pg_source,
 * analyses them (analysis/analyser.h) and, when a result cache is attached,
 * reuses and stores results (the reuse policy: reuse/engine.c).
 *
 * Everything above the analysis (the command line, the git diff) talks to
 * it through this header.  It answers, for one file, the list of its
 * functions and the findings in them.
 *
 * Errors follow libgit2's style: functions return 0 on success and a
 * negative value on failure, and pg_error_last() holds the message.
 */
#ifndef PG_ENGINE_H
#define PG_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "config.h"
#include "types.h"

/* Counters of one engine's lifetime; summed into the report's "stats". */
typedef struct {
	size_t files;      /* files looked at */
	size_t parsed;     /* files actually parsed */
	size_t functions;  /* functions (units) in the files parsed or reused */
	size_t analyzed;   /* functions holding an acquisition whose paths were analysed this run */
	size_t cached;     /* functions whose result came from the cache (a reused file: all of them) */
	size_t skipped;    /* files skipped (too large, not text) */
	uint64_t bytes;    /* bytes of the files looked at */
} pg_stats;

typedef struct pg_engine pg_engine;

/* The engine keeps pointers to cfg and src: both must outlive it. */
int pg_engine_new(pg_engine **out, const pg_config *cfg, const pg_source *src);
void pg_engine_free(pg_engine *e);

/*
 * Analyses one file.  Appends its findings (suppressions already applied)
 * to `out`, and, when `units` is not NULL, appends the file's functions.
 * A file that does not parse cleanly is still analysed where it can be.
 * Returns 0, PG_ENOTFOUND, or another negative value on an internal error.
 */
int pg_engine_check_file(pg_engine *e, const char *path, pg_findings *out, pg_units *units);

/* Like pg_engine_check_file, on bytes the caller already has. */
int pg_engine_check_buffer(pg_engine *e, const char *path, const char *data, size_t len,
                           pg_findings *out, pg_units *units);

const pg_stats *pg_engine_stats(const pg_engine *e);

/* sum += after - before: the counts of a span of work (before NULL: from nothing). */
void pg_stats_add(pg_stats *sum, const pg_stats *after, const pg_stats *before);

/* pg_engine_check_buffer without units, shaped as pg_fix_checker's check (ctx: the engine). */
int pg_engine_check_text(void *engine, const char *path, const char *data, size_t len, pg_findings *out);

/*
 * Lets the engine reuse and store results in an on-disk cache (cache/cache.h).
 * The engine does not own it: the caller opens it before and closes it
 * after.  Without one, everything is analysed.
 */
void pg_engine_set_cache(pg_engine *e, pg_cache *c);

#endif
