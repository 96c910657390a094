/*
 * staged.c - the diff of a commit (HEAD against the index, or two trees),
 * reduced to the JS/TS files and line ranges the analysis needs; what one
 * file's change becomes is change.c's, shared with the git-CLI reader.
 */
#include "staged.h"

#include <stdlib.h>
#include <string.h>

#include "gitcli.h"
#include "repo.h"


/*
 * Narrowing the diff to what changed.  git_diff_tree_to_index loads every
 * tree of HEAD to compare it with the index.  The index's cache-tree names
 * the directories git has not touched since it last wrote their tree: one
 * whose id equals HEAD's tree there holds no change.  The walk below
 * descends only into the others, comparing their entries' ids and modes
 * with the index, and lists every path that may differ (added, deleted,
 * modified, changed in type); libgit2 then diffs exactly those paths, so
 * hunks and rename detection (a deleted and an added path) are what the
 * full diff gives.  Without a cache-tree (an index git has not written a
 * tree for) every folder is visited, which costs what the full diff did.
 * The walk keeps its own stack: the depth of folders is the repository's,
 * not ours.
 */
typedef struct {
	char *dir;     /* "" for the root */
	git_oid id;    /* HEAD's tree at dir */
	uint32_t node; /* the cache-tree's node for dir (PG_CT_NONE: none) */
} walk_dir;

typedef struct {
	git_repository *repo;
	const pg_git_entries *index;
	const pg_git_cache_tree *ct;
	pg_strlist *paths;
	walk_dir *stack;
	size_t depth, cap;
} walk;

/* HEAD's entries under `prefix` (tree `t`, cache-tree node `node`): each file the index does not hold alike, and subfolders to visit. */
static void walk_tree_entries(walk *w, git_tree *t, const char *prefix, uint32_t node)
{
	size_t i, n = git_tree_entrycount(t);
	uint32_t hint = PG_CT_NONE;
	for (i = 0; i < n; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(t, i);
		char *full = pg_xasprintf("%s%s", prefix, git_tree_entry_name(te));
		if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
			PG_GROW(w->stack, w->cap, w->depth + 1);
			w->stack[w->depth].dir = full;
			w->stack[w->depth].node = pg_git_cache_tree_child(w->ct, node, git_tree_entry_name(te), &hint);
			git_oid_cpy(&w->stack[w->depth++].id, git_tree_entry_id(te));
			continue;
		}
		{
			const git_index_entry *e = pg_git_entries_get(w->index, full);
			if (!e || e->mode != (uint32_t)git_tree_entry_filemode(te) || !git_oid_equal(&e->id, git_tree_entry_id(te)))
				pg_strlist_push(w->paths, full);
		}
		free(full);
	}
}

/* The index's entries under `prefix` that HEAD's tree `t` (NULL: none) does not have at all, or not as that type. */
static void walk_index_entries(walk *w, git_tree *t, const char *prefix)
{
	size_t plen = strlen(prefix), pos = pg_git_entries_lower(w->index, prefix);
	size_t end = pg_git_entries_prefix_end(w->index, pos, prefix, plen);
	while (pos < end) {
		const git_index_entry *e = &w->index->items[pos];
		const char *rest = e->path + plen, *slash = strchr(rest, '/');
		char *name = slash ? pg_xstrndup(rest, (size_t)(slash - rest)) : pg_xstrdup(rest);
		const git_tree_entry *te = t ? git_tree_entry_byname(t, name) : NULL;
		int in_tree_as_dir = te && git_tree_entry_type(te) == GIT_OBJECT_TREE;
		free(name);
		if (!slash) {
			if (!te || in_tree_as_dir)
				pg_strlist_push(w->paths, e->path); /* added, or a folder became a file */
			pos++;
		} else {
			/* A subfolder: visited on its own when HEAD has it, else all of it is new. */
			char *sub = pg_xstrndup(e->path, (size_t)(slash - e->path) + 1);
			size_t sub_end = pg_git_entries_prefix_end(w->index, pos, sub, strlen(sub));
			for (; pos < sub_end; pos++)
				if (!in_tree_as_dir)
					pg_strlist_push(w->paths, w->index->items[pos].path);
			free(sub);
		}
	}
}

/* One folder: skipped when the cache-tree vouches for it, else its entries on both sides. */
static int walk_one(walk *w, const walk_dir *d)
{
	const char *dir = d->dir;
	git_oid cached;
	git_tree *t = NULL;
	char *prefix;
	if (pg_git_cache_tree_id(&cached, w->ct, d->node) == PG_OK && git_oid_equal(&cached, &d->id))
		return PG_OK;
	if (git_tree_lookup(&t, w->repo, &d->id) < 0)
		return pg_git_error("cannot read a tree of HEAD");
	prefix = *dir ? pg_xasprintf("%s/", dir) : pg_xstrdup("");
	walk_tree_entries(w, t, prefix, d->node);
	walk_index_entries(w, t, prefix);
	free(prefix);
	git_tree_free(t);
	return PG_OK;
}

/* The paths that may differ between `tree` (NULL: the empty tree) and `index`. */
static int changed_paths(pg_strlist *out, git_repository *repo, git_tree *tree, const pg_git_entries *index,
                         const pg_git_cache_tree *ct)
{
	walk w = {repo, index, ct, out, NULL, 0, 0};
	int rc = PG_OK;
	if (!tree) {
		walk_index_entries(&w, NULL, "");
		return PG_OK;
	}
	PG_GROW(w.stack, w.cap, 1);
	w.stack[0].dir = pg_xstrdup("");
	w.stack[0].node = pg_git_cache_tree_root(ct);
	git_oid_cpy(&w.stack[w.depth++].id, git_tree_id(tree));
	while (w.depth > 0) {
		walk_dir d = w.stack[--w.depth];
		if (rc == PG_OK)
			rc = walk_one(&w, &d);
		free(d.dir);
	}
	free(w.stack);
	return rc;
}

/*
 * The diff from `tree` to the index: libgit2 diffs the paths the walk
 * lists, against an index in memory holding only their entries (all it
 * looks at with such a path list), so it never copies the whole index.
 */
static int diff_to_index(git_diff **diff, git_repository *repo, git_tree *tree, const pg_git_entries *index,
                         const pg_git_cache_tree *ct, git_diff_options *opts)
{
	pg_strlist paths = {0};
	git_index *part = NULL;
	size_t i;
	int rc = changed_paths(&paths, repo, tree, index, ct);

	if (rc == PG_OK && git_index_new(&part) < 0)
		rc = pg_git_error("cannot make an index in memory");
	for (i = 0; rc == PG_OK && i < paths.len; i++) {
		size_t at = pg_git_entries_lower(index, paths.items[i]);
		for (; rc == PG_OK && at < index->len && !strcmp(index->items[at].path, paths.items[i]); at++)
			if (git_index_add(part, &index->items[at]) < 0)
				rc = pg_git_error(paths.items[i]);
	}
	if (rc == PG_OK) {
		/* No paths would mean "all paths" to libgit2: an empty list is an empty diff, diffed as such. */
		opts->pathspec.strings = paths.items;
		opts->pathspec.count = paths.len;
		opts->flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
		if (paths.len == 0)
			rc = git_diff_tree_to_tree(diff, repo, tree, tree, opts) < 0 ? PG_ERROR : PG_OK;
		else
			rc = git_diff_tree_to_index(diff, repo, tree, part, opts) < 0 ? PG_ERROR : PG_OK;
	}
	git_index_free(part);
	pg_strlist_free(&paths);
	return rc;
}

int pg_git_changes_collect(pg_git_changes *out, const pg_git_side *old_side,
                           const pg_git_side *new_side, const pg_config *cfg)
{
	git_diff_options opts;
	git_diff_find_options find;
	git_diff *diff = NULL;
	size_t i, n;
	int rc = PG_OK;

	if (new_side->listing) /* read through git itself (gitcli.c) */
		return pg_git_cli_changes(out, old_side, new_side, cfg);
	pg_git_diff_options(&opts);
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	if (new_side->index)
		rc = diff_to_index(&diff, new_side->repo, old_side->tree, new_side->index, new_side->cache_tree, &opts);
	else
		rc = git_diff_tree_to_tree(&diff, new_side->repo, old_side->tree, new_side->tree, &opts) < 0 ? PG_ERROR : PG_OK;
	if (rc < 0)
		return pg_git_error("cannot diff the staged files against HEAD");

	find.flags = GIT_DIFF_FIND_RENAMES;
	if (git_diff_find_similar(diff, &find) < 0) {
		git_diff_free(diff);
		return pg_git_error("cannot detect renames");
	}

	n = git_diff_num_deltas(diff);
	for (i = 0; i < n && rc == PG_OK; i++) {
		git_patch *patch = NULL;
		if (!pg_git_delta_wanted(git_diff_get_delta(diff, i), cfg))
			continue;
		if (git_patch_from_diff(&patch, diff, i) < 0) {
			char *what = pg_xasprintf("cannot compute the diff of %s", git_diff_get_delta(diff, i)->new_file.path);
			rc = pg_git_error(what);
			free(what);
			break;
		}
		if (patch)
			rc = pg_git_change_add(out, git_patch_get_delta(patch), patch, cfg);
		git_patch_free(patch);
	}
	git_diff_free(diff);
	return rc;
}
