/*
 * analyser.h - the analysis as the layers above use it: bytes in, findings
 * out, and the facts a cache key needs.  It knows nothing of the cache or
 * of git; reuse/engine.c decides what is reused (keys, dependency lists,
 * records), diff/ what is compared.
 *
 * One analyser per run (or per side of a diff) holds the configuration, the
 * pg_source that other modules are read from, and the table of modules
 * loaded for cross-file questions.  A file is parsed once (pg_analyser_parse)
 * and then analysed unit by unit, so that a caller can skip the units whose
 * result it already has.
 */
#ifndef PG_ANALYSER_H
#define PG_ANALYSER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "types.h"

typedef struct pg_analyser pg_analyser;
typedef struct pg_module pg_module; /* one parsed file (analysis/module.h) */

/* The analyser keeps pointers to cfg and src: both must outlive it. */
int pg_analyser_new(pg_analyser **out, const pg_config *cfg, const pg_source *src);
void pg_analyser_free(pg_analyser *a);

/*
 * Can the text hold an acquisition at all?  A superset of what the parser
 * sees as a member call of an acquire method (`pool.connect(`,
 * `pool?.connect(`, `pool\n .connect /+ c +/ (`), so that a file it rejects
 * needs no parse: every path that skips files asks this, and only this.
 */
int pg_may_acquire(const pg_config *cfg, const char *data, size_t len);

/*
 * Parses a file (the bytes are copied).  PG_ELIMIT, with a message, when
 * the parser cannot get through it in its time.
 */
int pg_analyser_parse(pg_analyser *a, const char *path, pg_lang lang, const char *data, size_t len,
                      pg_module **out);
/*
 * Done with a parsed file: the analyser keeps it (until the next one, or
 * its end) so that the next parse of the same path, an editor's next
 * version of the buffer, reuses what did not change.  Or pg_module_free.
 */
void pg_analyser_done(pg_analyser *a, pg_module *m);
void pg_module_free(pg_module *m);

/* Did the file parse without an error (a function's bytes then decide its tree)? */
int pg_analyser_parsed_cleanly(const pg_module *m);
size_t pg_analyser_unit_count(const pg_module *m);
/* Does the unit hold a candidate acquisition of its own (is it worth analysing)? */
int pg_module_unit_has_sites(const pg_module *m, size_t unit);
/* Appends every unit of the file, in order. */
void pg_analyser_units(const pg_module *m, pg_units *out);

/*
 * What the findings of one unit depend on inside its file, as bytes for a
 * key: the file-wide facts (imports, exports, pools; the same for every
 * unit), and the unit's own (its name, its bytes, the bytes of the
 * same-file functions and this.methods it calls as the scope resolver binds
 * them, transitively, bounded).
 * Appended to `out`, each field length-prefixed.
 */
void pg_analyser_file_facts(const pg_module *m, pg_buf *out);
void pg_analyser_unit_facts(const pg_module *m, size_t unit, pg_buf *out);

/*
 * Appends the findings of one unit's own acquisitions (suppressions
 * applied).  Notices about functions that could not be analysed go to
 * stderr.
 */
int pg_analyser_check_unit(pg_analyser *a, pg_module *m, size_t unit, pg_findings *out);

/*
 * The other files the analysis looked at since the last reset (found or
 * not, with their content hash, 0 when absent): what a result of the file
 * depends on outside it.
 */
void pg_analyser_deps_reset(pg_analyser *a);
size_t pg_analyser_deps_count(const pg_analyser *a);
void pg_analyser_dep_at(const pg_analyser *a, size_t i, const char **path, uint64_t *hash);
/* The content hash those use: XXH3-64 of the bytes, never 0. */
uint64_t pg_content_hash(const void *data, size_t len);

/*
 * The whole file at once, without any reuse: pre-scan, parse, every unit.
 * Appends its findings (sorted as the units come) and, when `units` is not
 * NULL, its units.  For the tests, the fuzzers and the engine's uncached path.
 */
int pg_analyser_check(pg_analyser *a, const char *path, const char *data, size_t len, pg_findings *out,
                      pg_units *units);

#endif
