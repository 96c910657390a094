/*
 * repo.h - the repository as git hands it to a hook.
 *
 * A pre-commit hook runs with GIT_DIR set (relative, from the work tree's
 * root) and GIT_INDEX_FILE naming the index being committed, which for
 * `git commit -a`, `git commit <paths>` and `--only` is a temporary file
 * and not the repository's index.  libgit2 looks at neither by itself, so
 * this module opens the repository from GIT_DIR (or by searching up from
 * the current directory) and loads the index with git_index_open on
 * GIT_INDEX_FILE when it is set.  Everything downstream reads blobs
 * through the object database: the work tree is never read.
 */
#ifndef PG_GIT_REPO_H
#define PG_GIT_REPO_H

#include <git2.h>

#include "config.h"
#include "util.h"

typedef struct {
	git_repository *repo;
	git_index *index; /* the index being committed; NULL until pg_git_load_index */
} pg_git;

/* Opens the repository of the current directory (GIT_DIR honoured). */
int pg_git_open(pg_git *g);
/* Loads the index git is committing (GIT_INDEX_FILE honoured). */
int pg_git_load_index(pg_git *g);
void pg_git_close(pg_git *g);

/*
 * The index's cache-tree (git's TREE extension): for each directory whose
 * entries git has not touched since it last wrote a tree, the id of that
 * tree.  A directory absent from it (git invalidates a directory and its
 * parents on every change below it) may differ from any tree.
 */
typedef struct {
	const char *name; /* in the index file's bytes, not NUL-ended */
	uint32_t name_len;
	const unsigned char *id; /* the raw tree id, NULL when git invalidated it */
	uint32_t first_child, next; /* positions in nodes, UINT32_MAX for none */
} pg_git_cache_tree_node;

typedef struct {
	pg_buf file; /* the index file's bytes, which nodes point into */
	pg_git_cache_tree_node *nodes; /* nodes[0] is the root */
	size_t len, cap;
} pg_git_cache_tree;

/*
 * Reads the cache-tree of the index file libgit2 loaded `index` from.
 * PG_ENOTFOUND when there is none that can be trusted to describe `index`
 * (no extension, a split or sparse index, an index in memory, anything
 * unexpected): the caller then compares every entry.
 */
int pg_git_cache_tree_read(pg_git_cache_tree *out, git_index *index);
/* The tree id the index has for directory `dir` ("" the root); PG_ENOTFOUND when it has none. */
int pg_git_cache_tree_get(git_oid *out, const pg_git_cache_tree *ct, const char *dir);
void pg_git_cache_tree_free(pg_git_cache_tree *ct);

/* HEAD's tree; *out is NULL (and 0 returned) on an unborn branch. */
int pg_git_head_tree(git_tree **out, git_repository *repo);
/* The tree of a revision's object (a commit, a tag or a tree). */
int pg_git_rev_tree(git_tree **out, const git_object *obj);

/* A regular or executable file (not a submodule, symlink or tree). */
static inline int pg_git_is_file_mode(uint32_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* Copies the blob's bytes into *out. */
int pg_git_blob_read(git_repository *repo, const git_oid *id, pg_buf *out);

/* Records libgit2's last error as ours: "<what>: <libgit2 message>". */
int pg_git_error(const char *what);

/*
 * Loads `.pgleak.json` from the blob at `id` (NULL: none, defaults kept).
 * The configuration that is being committed is the one that applies.
 */
int pg_git_config_load(pg_config *cfg, git_repository *repo, const git_oid *id);

#endif
