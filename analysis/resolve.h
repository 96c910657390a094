/*
 * resolve.h - which file a module specifier names: the one rule that the
 * analysis (analysis/module.c, loading the module an import comes from) and
 * the importer scan (diff/deps.c, finding the files that depend on a changed
 * one) share, so that the scan re-checks exactly the files whose analysis
 * reads a changed file.
 */
#ifndef PG_RESOLVE_H
#define PG_RESOLVE_H

/* Is there a usable JS/TS file at `path` (relative to the root)? */
typedef int (*pg_resolve_exists_fn)(void *ctx, const char *path);

/*
 * The path that `spec`, written in the file at `from_path`, names: the first
 * candidate for which `exists` says yes (the path as written, then with each
 * JS/TS extension, then its index file; a './db.js' that is './db.ts' on disk,
 * as TypeScript writes it).  NULL when none exists or the specifier is not
 * relative (a package).  The result is the caller's to free.
 */
char *pg_resolve_spec(const char *from_path, const char *spec, pg_resolve_exists_fn exists, void *ctx);

#endif
