/*
 * source.h - a pg_source (engine.h) that reads files from a git tree or an
 * index, so that the engine's cross-file resolution (`import pool from
 * './db.js'`) sees the version being committed, or HEAD's, never the work
 * tree.
 */
#ifndef PG_GIT_SOURCE_H
#define PG_GIT_SOURCE_H

#include <git2.h>

#include "engine.h"
#include "repo.h"

struct pg_git_listing;

/*
 * One side of a comparison: exactly one of tree and index is set, or
 * neither (the empty tree).  An index side is its entries and, when the
 * index has one, its cache-tree (both from pg_git_load_index).  Where
 * libgit2 cannot read the repository, `listing` is set instead (and repo,
 * tree, index are NULL): the side is read through git itself (gitcli.h).
 */
typedef struct {
	git_repository *repo;
	git_tree *tree;
	const pg_git_entries *index;
	const pg_git_cache_tree *cache_tree;
	struct pg_git_listing *listing;
} pg_git_side;

/* The engine's reader over `side` (which must outlive the source). */
pg_source pg_git_source(pg_git_side *side);

/* The blob id at `path` on that side; PG_ENOTFOUND when there is none (or it is not a file). */
int pg_git_side_lookup(git_oid *out, const pg_git_side *side, const char *path);

/* Reads `path` on that side into *out. */
int pg_git_side_read(const pg_git_side *side, const char *path, pg_buf *out);

/* The repository's common git directory and work tree root (NULL when bare), absolute. */
const char *pg_git_side_commondir(const pg_git_side *side);
const char *pg_git_side_workdir(const pg_git_side *side);

/* Reads the blob `id` of that side's repository into *out. */
int pg_git_side_blob(const pg_git_side *side, const git_oid *id, pg_buf *out);

/*
 * Calls fn for every JS/TS file on that side (paths relative to the root,
 * nothing under node_modules), with its blob id.  `stable` says that the path
 * outlives the call (an index entry's); otherwise it is valid during the call only.
 */
typedef void (*pg_git_file_fn)(const char *path, const git_oid *id, int stable, void *payload);
int pg_git_side_each(const pg_git_side *side, pg_git_file_fn fn, void *payload);

#endif
