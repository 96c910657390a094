/*
 * fix.h - automatic fixes (`check --fix`, the language server's code action).
 *
 * Part of the analyser's public face, next to analyser.h: callers outside
 * analysis/ hand over a file's bytes, and a way to have a text analysed
 * (pg_fix_checker: the engine, with its cache, for the commands), and get
 * the rewritten bytes back, never a syntax tree.  One shape is fixed, the one whose meaning a rewrite keeps:
 *
 *   const c = await R.connect();        const c = await R.connect();
 *   ...statements...               ->   try {
 *   c.release();                          ...statements...
 *   ...statements without await...      } finally {
 *                                         c.release();
 *                                       }
 *
 * Anything else (see fix.c) is refused with a reason.
 */
#ifndef PG_FIX_H
#define PG_FIX_H

#include "config.h"
#include "types.h"

/* What happened to one leaking acquisition. */
typedef struct {
	uint32_t line, column; /* of the `connect` token (the same before and after the fix) */
	char *function;        /* as in pg_finding.function */
	char *reason;          /* NULL: fixed; else why there is no automatic fix */
} pg_fix_result;

typedef struct {
	pg_fix_result *items;
	size_t len, cap;
} pg_fix_results;

void pg_fix_results_free(pg_fix_results *r);

/* The same for many acquisitions of one text, parsed once (the text must outlive it). */
typedef struct pg_fix_probe pg_fix_probe;
int pg_fix_probe_new(pg_fix_probe **out, pg_lang lang, const pg_config *cfg, const char *src, size_t len);
int pg_fix_probe_possible(pg_fix_probe *c, uint32_t line, uint32_t column, char **reason);
void pg_fix_probe_free(pg_fix_probe *c);

/*
 * Fixes the leaking acquisitions of `path` whose text is src/len (all of
 * them, or only those on 1-based `only_line` when it is not 0).  Each fix is
 * kept only if the rewritten file parses as well as before and the engine
 * finds that acquisition no longer leaking.  *out receives the new text
 * (equal to src when nothing was fixed), `results` one entry per leaking
 * acquisition considered, and `left` (may be NULL) the findings of the new
 * text.  Returns 0, or a negative value on an engine error.
 */
typedef struct {
	/* Appends the findings of `path` holding data/len; 0 or a negative error. */
	int (*check)(void *ctx, const char *path, const char *data, size_t len, pg_findings *out);
	void *ctx;
} pg_fix_checker;

int pg_fix_buffer(const pg_fix_checker *chk, const pg_config *cfg, const char *path, const char *src, size_t len,
                  uint32_t only_line, pg_buf *out, pg_fix_results *results, pg_findings *left);

#endif
