/*
 * resolve.h - which file a module path names: the one rule that the
 * analysis (analysis/module.c, loading the module an import comes from) and
 * the importer scan (diff/deps.c, finding the files that depend on a changed
 * one) share, so that the scan re-checks exactly the files whose analysis
 * reads a changed file.
 */
#ifndef PG_RESOLVE_H
#define PG_RESOLVE_H

#include <stddef.h>

/* Is there a usable JS/TS file at `path` (relative to the root)? */
typedef int (*pg_resolve_exists_fn)(void *ctx, const char *path);

/*
 * The file a module path without its extension (`base`: a relative
 * specifier joined to the importer's folder, or what a tsconfig alias maps
 * to, analysis/alias.h) names: the first candidate for which `exists` says
 * yes (the path as written, then with each JS/TS extension, then its index
 * file; a './db.js' that is './db.ts' on disk, as TypeScript writes it).
 * NULL when none exists.  The result is the caller's to free.
 */
char *pg_resolve_base(const char *base, pg_resolve_exists_fn exists, void *ctx);

/*
 * Calls `fn` with every base for which pg_resolve_base could answer `path`
 * (the path less each candidate ending it has, and './db.js' for db.ts):
 * a base that is none of a set of files' stems names none of them, so a
 * caller asking of many bases whether they name a few files can skip the
 * candidates' look-ups (diff/deps.c).
 */
void pg_resolve_stems(const char *path, void (*fn)(void *ctx, const char *base, size_t n), void *ctx);

#endif
