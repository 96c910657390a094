/*
 * fixfile.h - `check --fix` on one file: rewrite (fix.h), then write the
 * file atomically or, with --dry-run, print the unified diff.
 */
#ifndef PG_FIXFILE_H
#define PG_FIXFILE_H

#include "config.h"
#include "engine.h"

/*
 * Fixes what can be fixed in `path` (from disk).  Says on stderr, per
 * leaking acquisition, "fixed" or "no automatic fix: <reason>"; writes the
 * file (temporary file and rename, mode kept), or with `dry_run` prints the
 * unified diff on stdout and writes nothing.  The findings that remain in
 * the (would-be) fixed text are appended to `left`, and what checking that
 * text counted to `counted` (not the tries on the way).  0, or negative
 * (message set) when the file cannot be read, analysed or written.
 */
int pg_fixfile(pg_engine *e, const pg_config *cfg, const char *path, int dry_run, pg_findings *left,
               pg_stats *counted);

#endif
