/*
 * alias.h - which repository paths an import specifier may name: the one
 * rule shared by the analysis (module.c, a pool or helper one module away)
 * and the hook's importer scan (diff/deps.c).
 *
 * A relative specifier ('./db', '../lib/db.js') names the path joined to
 * the importer's folder.  Any other is mapped through the nearest
 * tsconfig.json or jsconfig.json above the importer (semantics v2 §9):
 * `compilerOptions.paths` ("@/{star}" mapped to "src/{star}") and then `baseUrl`, with
 * `extends` followed.  The results are paths without extension handling:
 * the caller tries extensions and index files (module.c) or compares
 * module keys (deps.c).
 */
#ifndef PG_ALIAS_H
#define PG_ALIAS_H

#include "types.h"

typedef struct pg_alias pg_alias;

/*
 * `read` reads a config file (PG_ENOTFOUND when absent); `note`, which may
 * be NULL, is told every config path a mapping depended on, present or
 * absent, each time a mapping uses it (the engine logs it as a dependency
 * of the result being computed).
 */
typedef void (*pg_alias_note_fn)(void *ctx, const char *path);
pg_alias *pg_alias_new(pg_read_fn read, pg_alias_note_fn note, void *ctx);
void pg_alias_free(pg_alias *al);

/* Appends the paths `spec` (imported from the file at from_path) may name; returns how many. */
size_t pg_alias_bases(pg_alias *al, const char *from_path, const char *spec, pg_strlist *out);

/*
 * The last name of a relative specifier ('./lib/db/' gives "db"): every
 * path pg_alias_bases gives for it ends in that name, so a caller that
 * only wants some paths can compare names before joining.  0 for a
 * specifier that is not relative, or that ends in '.' or '..'.
 */
int pg_alias_relative_tail(const char *spec, const char **tail, size_t *len);

/* Is the path one the alias rule reads (a .json config)? */
int pg_alias_is_config_path(const char *path);

/*
 * JSONC (what tsconfig.json is: comments and trailing commas) to strict
 * JSON of the same length: comments and trailing commas become spaces, so
 * the strict reader's line and column numbers stay right.  In place.
 */
void pg_alias_jsonc_to_json(char *text, size_t len);

#endif
