/*
 * deps.h - the files that depend on a changed file.
 *
 * A changed pool module or release helper can change the findings of every
 * file that imports it, though those files did not change.  A dependent is
 * a JS/TS file on the new side, not itself changed, that names a changed
 * file in a relative specifier ('./db', '../lib/db.js', './db.js' for
 * db.ts, './pool' for pool/index.js) and names an acquire method.
 */
#ifndef PG_GIT_DEPS_H
#define PG_GIT_DEPS_H

#include "staged.h"

struct pg_cache;

/*
 * Appends to *out the paths of the files on `side` that import a changed
 * file and name an acquire method (no other file can hold a finding).
 * `cache` (may be NULL) keeps what each blob's scan found, by blob id.
 */
int pg_git_deps_collect(pg_strlist *out, const pg_git_side *side, const pg_git_changes *changes,
                        const pg_config *cfg, struct pg_cache *cache);

#endif
