/*
 * compare.h - which findings a change introduces (semantics §6).
 *
 * Each changed file, and each file that imports one, is analysed on both
 * sides, each side with its own engine reading its own version of the
 * repository (so './db.js' resolves to the db.js of that side).  Findings
 * are matched by file (old path of a rename), qualified function name and
 * acquisition order, never by line: an unmatched finding of the new side is
 * introduced; a matched one in a function the change touches is a warning.
 */
#ifndef PG_GIT_COMPARE_H
#define PG_GIT_COMPARE_H

#include "engine.h"
#include "staged.h"

typedef struct {
	pg_findings shown;   /* introduced (introduced=1), then warnings (0) when asked */
	size_t introduced, warnings;
	pg_stats stats;      /* the new side's: what was checked */
} pg_git_verdict;

void pg_git_verdict_free(pg_git_verdict *v);

/*
 * Compares `old_side` and `new_side` over `changes` and `dependents`, the
 * new side analysed under `cfg`, the old one under `old_cfg` (NULL: cfg).
 * With `want_warnings` 0 only introduced findings are kept.  Both sides
 * share `cache` (may be NULL): HEAD's side is usually what the previous
 * commit's staged side stored.
 */
int pg_git_compare(pg_git_verdict *v, pg_git_side *old_side, pg_git_side *new_side,
                   const pg_git_changes *changes, const pg_strlist *dependents,
                   const pg_config *cfg, const pg_config *old_cfg, int want_warnings,
                   struct pg_cache *cache);

#endif
