/*
 * confdiff.h - a commit that changes .pgleak.json (semantics v2, item 10):
 * every function whose result the change affects counts as changed.
 */
#ifndef PG_GIT_CONFDIFF_H
#define PG_GIT_CONFDIFF_H

#include "staged.h"

/*
 * Loads `.pgleak.json` from the blob at `id` of that side (NULL: none, the
 * defaults kept).  The configuration that is being committed is the one
 * that applies.
 */
int pg_git_config_blob(pg_config *cfg, const pg_git_side *side, const git_oid *id);

/* Loads .pgleak.json of `side` into cfg (the defaults when there is none); *id its blob, zero if none. */
int pg_git_side_config(pg_config *cfg, const pg_git_side *side, git_oid *id);

/*
 * After pg_git_changes_collect under the new configuration `cfg`, when the
 * old side's configuration `old_cfg` (blob old_id) differs from it (new_id):
 * every JS/TS file of the new side that `cfg` checks joins *changes (with
 * no changed lines: only what the configuration changes can be new there),
 * and a file that old_cfg did not check has no old version.  Returns 1 when
 * the configurations differ, 0 when they are the same, <0 on error.
 */
int pg_git_config_changes(pg_git_changes *changes, const pg_git_side *old_side, const pg_git_side *new_side,
                          const pg_config *cfg, const git_oid *new_id, const pg_config *old_cfg,
                          const git_oid *old_id);

#endif
