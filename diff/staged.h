/*
 * staged.h - what a commit changes, file by file, in JS/TS sources.
 *
 * The diff is taken between two sides (HEAD's tree and the index being
 * committed for `run`; two trees for `diff`), with git's rename detection.
 * Kept: files added, modified or renamed with changes whose new path is
 * JS/TS by extension and not ignored by the configuration.  Dropped:
 * deletions, renames without changes (they introduce nothing), binaries,
 * submodules and symlinks.  For each kept file: both blob ids and paths and
 * the changed line ranges of the new side, deletion-only hunks included.
 */
#ifndef PG_GIT_STAGED_H
#define PG_GIT_STAGED_H

#include <git2.h>

#include "config.h"
#include "source.h"

/*
 * Lines start..end (1-based, inclusive) of the new side were added or
 * changed; for a deletion-only hunk `deletion` is set and the lines were
 * removed between line `start` and line `start + 1` (start is 0 at the top).
 */
typedef struct {
	uint32_t start, end;
	int deletion;
} pg_git_range;

typedef struct {
	char *old_path;  /* NULL when the file is new */
	char *new_path;
	git_oid old_id, new_id;
	pg_git_range *ranges;
	size_t nranges, cap;
} pg_git_change;

typedef struct {
	pg_git_change *items;
	size_t len, cap;
} pg_git_changes;

/* Appends to *out the changes from `old_side` to `new_side`. */
int pg_git_changes_collect(pg_git_changes *out, const pg_git_side *old_side,
                           const pg_git_side *new_side, const pg_config *cfg);
/*
 * The pieces both readers share (this file's libgit2 diff, gitcli.c's diff
 * through git): the diff options (no context, text), whether a delta is a
 * file we check, and adding the change of delta `d` with the hunks of
 * `patch` (the diff of d's two blobs).
 */
void pg_git_diff_options(git_diff_options *opts);
int pg_git_delta_wanted(const git_diff_delta *d, const pg_config *cfg);
int pg_git_change_add(pg_git_changes *out, const git_diff_delta *d, git_patch *patch, const pg_config *cfg);

/* Finds the change whose new path is `path`, or NULL. */
const pg_git_change *pg_git_changes_find(const pg_git_changes *c, const char *path);
void pg_git_changes_free(pg_git_changes *c);

#endif
