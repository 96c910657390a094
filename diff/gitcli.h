/*
 * gitcli.h - reading the repository through git itself, where libgit2
 * cannot: a split index (core.splitIndex), a sparse index
 * (sparse-checkout --sparse-index), a SHA-256 repository
 * (init --object-format=sha256).
 *
 * A side read this way is a pg_git_side whose `listing` is set (source.h):
 * its files and blob ids come from `git ls-files -s -z` (the index being
 * committed; GIT_INDEX_FILE and GIT_DIR are honoured, git reads them
 * itself) or `git ls-tree -r -z` (a revision), blobs from one
 * `git cat-file --batch`, and the change from `git diff-index --cached -z
 * -M` (or `git diff-tree -r -z -M` between two revisions, for `diff`),
 * each file's hunks computed by libgit2 from the two
 * blobs with the options the libgit2 reader uses (staged.h), so that both
 * readers give the same changes.  An object id is kept as its first 20
 * bytes (a git_oid), which git accepts as an abbreviation of a SHA-256 id.
 *
 * PGLEAK_GIT_CLI=1 (internal, for the tests) takes this path even where
 * libgit2 could read the repository.
 */
#ifndef PG_GIT_CLI_H
#define PG_GIT_CLI_H

#include "staged.h"

typedef struct pg_git_cli pg_git_cli;
typedef struct pg_git_listing pg_git_listing;

/* Is PGLEAK_GIT_CLI=1 set (read through git even where libgit2 could)? */
int pg_git_cli_forced(void);

/* Asks git about the repository of the current folder; an error carries git's own message. */
int pg_git_cli_open(pg_git_cli **out);
void pg_git_cli_free(pg_git_cli *c);

/* The work tree's root (NULL in a bare repository) and the common git directory, absolute. */
const char *pg_git_cli_toplevel(const pg_git_cli *c);
const char *pg_git_cli_commondir(const pg_git_cli *c);
int pg_git_cli_is_bare(const pg_git_cli *c);
/* A configuration value read as a path (`git config --path`); NULL when unset. */
char *pg_git_cli_config_path(pg_git_cli *c, const char *key);
/* Does `rev` name a commit (HEAD on an unborn branch does not)? */
int pg_git_cli_has_commit(pg_git_cli *c, const char *rev);
/* The full id of the commit `rev` names (malloc'd); NULL with the error set (PG_ENOTFOUND: none). */
char *pg_git_cli_commit_id(pg_git_cli *c, const char *rev);
/* The full id of the merge base of two commits (malloc'd); NULL with the error set. */
char *pg_git_cli_merge_base(pg_git_cli *c, const char *a, const char *b);

/* The files of `rev` (a revision), of the index git is committing (rev NULL), or none (rev ""). */
int pg_git_listing_new(pg_git_listing **out, pg_git_cli *c, const char *rev);
void pg_git_listing_free(pg_git_listing *l);

/* The git that reads the listing. */
pg_git_cli *pg_git_listing_cli(const pg_git_listing *l);
int pg_git_listing_lookup(git_oid *out, const pg_git_listing *l, const char *path);
int pg_git_listing_blob(const pg_git_listing *l, const git_oid *id, pg_buf *out);
int pg_git_listing_each(const pg_git_listing *l, pg_git_file_fn fn, void *payload);

/*
 * pg_git_changes_collect between two listings: the old one a revision's or
 * none, the new one the index's (`git diff-index`) or a revision's
 * (`git diff-tree`).
 */
int pg_git_cli_changes(pg_git_changes *out, const pg_git_side *old_side, const pg_git_side *new_side,
                       const pg_config *cfg);

#endif
