/*
 * config.h - the user's configuration (`.pgleak.json` at the repository root).
 *
 * {
 *   "pools":    ["db", "this.pg"],     receivers proven to be pg pools (rule 4)
 *   "acquire":  ["connect", "checkout"] methods that check a client out
 *   "release":  ["release"],           methods of the client that give it back
 *   "releaseHelpers": ["returnClient"], functions that release their client argument
 *   "ignore":   ["dist", "legacy/old.js"], paths not checked (globs, / separated;
 *                                        two stars match across folders)
 *   "maxFileBytes": 2097152             larger files are skipped with a notice
 * }
 *
 * Every key is optional; unknown keys and wrong types are errors, because a
 * typo that silently changes nothing is worse than a message.
 */
#ifndef PG_CONFIG_H
#define PG_CONFIG_H

#include <stdint.h>

#include "util.h"

#define PG_DEFAULT_MAX_FILE_BYTES (2u * 1024u * 1024u)

typedef struct {
	pg_strlist pools;
	pg_strlist acquire;         /* always contains "connect" */
	pg_strlist release;         /* always contains "release" */
	pg_strlist release_helpers;
	pg_strlist ignore;
	uint64_t max_file_bytes;
} pg_config;

void pg_config_init(pg_config *cfg);
void pg_config_free(pg_config *cfg);

/* Parses JSON text; `origin` names it in messages.  PG_EINVALID with a message saying where. */
int pg_config_parse(pg_config *cfg, const char *json, size_t len, const char *origin);

/* Loads `path` if it exists: PG_ENOTFOUND (and cfg untouched) when it does not. */
int pg_config_load(pg_config *cfg, const char *path);

/* A stable 64-bit digest of everything that changes results (for the cache). */
uint64_t pg_config_digest(const pg_config *cfg);

/* Non-zero when `path` (relative, / separated) matches an "ignore" pattern. */
int pg_config_ignores(const pg_config *cfg, const char *path);

#endif
