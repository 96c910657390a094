/*
 * repo.h - the repository as git hands it to a hook.
 *
 * A pre-commit hook runs with GIT_DIR set (relative, from the work tree's
 * root) and GIT_INDEX_FILE naming the index being committed, which for
 * `git commit -a`, `git commit <paths>` and `--only` is a temporary file
 * and not the repository's index.  libgit2 looks at neither by itself, so
 * this module opens the repository from GIT_DIR (or by searching up from
 * the current directory) and reads the index file GIT_INDEX_FILE names
 * when it is set (its entries, sorted as git keeps them, and its
 * cache-tree).  Everything downstream reads blobs through the object
 * database: the work tree is never read.
 */
#ifndef PG_GIT_REPO_H
#define PG_GIT_REPO_H

#include <git2.h>

#include "config.h"
#include "util.h"

/*
 * The index's cache-tree (git's TREE extension): for each directory whose
 * entries git has not touched since it last wrote a tree, the id of that
 * tree.  A directory absent from it (git invalidates a directory and its
 * parents on every change below it) may differ from any tree.
 */
#define PG_CT_NONE UINT32_MAX

typedef struct {
	const char *name; /* in the index file's bytes, not NUL-ended */
	uint32_t name_len;
	const unsigned char *id; /* the raw tree id, NULL when git invalidated it */
	uint32_t first_child, next; /* positions in nodes, PG_CT_NONE for none */
} pg_git_cache_tree_node;

typedef struct {
	pg_buf file; /* the index file's bytes, which nodes point into */
	pg_git_cache_tree_node *nodes; /* nodes[0] is the root */
	size_t len, cap;
} pg_git_cache_tree;

/*
 * Folders are asked by node, a child of its parent's, so that a walk down
 * the tree finds each in its parent's children instead of from the root.
 * The root is node 0 (PG_CT_NONE when there is no cache-tree, or ct NULL).
 */
uint32_t pg_git_cache_tree_root(const pg_git_cache_tree *ct);
/*
 * The node of subfolder `name` of folder node `parent`; PG_CT_NONE when the
 * cache-tree has none.  *hint (PG_CT_NONE at first) is where the search of
 * the parent's children starts and is left past the one found: asked in
 * the order git wrote them (a tree's order), each is found at once.
 */
uint32_t pg_git_cache_tree_child(const pg_git_cache_tree *ct, uint32_t parent, const char *name, uint32_t *hint);
/* The tree id the index has for the folder at `node`; PG_ENOTFOUND when it has none (PG_CT_NONE, invalidated). */
int pg_git_cache_tree_id(git_oid *out, const pg_git_cache_tree *ct, uint32_t node);

/*
 * The entries of the index being committed, sorted by path (bytewise) then
 * stage, as git writes them.  Lookups are binary searches over them.
 */
typedef struct {
	git_index_entry *items; /* paths point into the index file's bytes, `paths`, or libgit2's index */
	size_t len, cap;
	pg_buf paths; /* a version-4 index's paths (prefix-compressed in the file), NUL-separated */
} pg_git_entries;

/*
 * libgit2's index as entries, in our order (libgit2's differs when it folds
 * case); the paths stay libgit2's, so the index must outlive *out.
 */
void pg_git_entries_from_index(pg_git_entries *out, git_index *index);
void pg_git_entries_free(pg_git_entries *e);
/* The stage-0 entry at `path`, or NULL. */
const git_index_entry *pg_git_entries_get(const pg_git_entries *e, const char *path);
/* The first position whose path is >= `prefix` (bytewise); e->len when none. */
size_t pg_git_entries_lower(const pg_git_entries *e, const char *prefix);
/* The first position from `pos` on whose path does not start with the plen bytes of `prefix`. */
size_t pg_git_entries_prefix_end(const pg_git_entries *e, size_t pos, const char *prefix, size_t plen);

typedef struct {
	git_repository *repo;
	/*
	 * libgit2's index when its reader read the file; else a small one in
	 * memory holding the .gitattributes entries (set as the repository's,
	 * for the attribute lookups of a diff).  NULL until pg_git_load_index.
	 */
	git_index *index;
	pg_git_entries entries;       /* the index's entries, either way */
	pg_git_cache_tree cache_tree; /* the index's; no nodes when it has none */
} pg_git;

/* Opens the repository of the current directory (GIT_DIR honoured). */
int pg_git_open(pg_git *g);
/*
 * Loads the index git is committing (GIT_INDEX_FILE honoured), with its
 * cache-tree.  The file is read once and not re-hashed (as git reads it:
 * only `git fsck` checks an index's checksum); an index this reader does
 * not take (split, sparse, case-folding, damaged) goes to libgit2's own
 * reader, which checks everything and says what is wrong.
 */
int pg_git_load_index(pg_git *g);
void pg_git_close(pg_git *g);

/* HEAD's tree; *out is NULL (and 0 returned) on an unborn branch. */
int pg_git_head_tree(git_tree **out, git_repository *repo);
/* The tree of a revision's object (a commit, a tag or a tree). */
int pg_git_rev_tree(git_tree **out, const git_object *obj);

/*
 * Is `path` one that pg_git_side_each lists: a source file
 * (pg_lang_from_path) outside node_modules (pg_path_in_node_modules)?  A
 * committed dot-folder is the project's code here, unlike for `check`.
 */
int pg_git_listed(const char *path);

static inline int pg_git_is_file_mode(uint32_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* Copies the blob's bytes into *out, from an object database (each thread may have its own) or a repository's. */
int pg_git_odb_blob_read(git_odb *odb, const git_oid *id, pg_buf *out);
int pg_git_blob_read(git_repository *repo, const git_oid *id, pg_buf *out);

/* Records libgit2's last error as ours: "<what>: <libgit2 message>". */
int pg_git_error(const char *what);

#endif
