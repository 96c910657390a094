/*
 * staged.c - the diff of a commit, reduced to the JS/TS files and line
 * ranges that the analysis needs.
 *
 * The diff is taken with no context lines, so each hunk is exactly what
 * changed; a hunk with no new lines is a deletion and keeps its position,
 * because removing a `client.release()` changes the function around it.
 *
 * "Is this a source we check" is the path's language and the configuration,
 * as for `check`: the contents never decide, so a NUL byte in a comment or a
 * HEAD version git took for binary does not hide a file (diffed as text).  A
 * side whose path was not a checked source (`a.txt` renamed to `a.js`, or a
 * path the configuration ignored) has no old version: all of it is new code.
 */
#include "staged.h"

#include <stdlib.h>
#include <string.h>

#include "repo.h"

static void change_free(pg_git_change *c)
{
	free(c->old_path);
	free(c->new_path);
	free(c->ranges);
}

void pg_git_changes_free(pg_git_changes *c)
{
	size_t i;
	for (i = 0; i < c->len; i++)
		change_free(&c->items[i]);
	free(c->items);
	c->items = NULL;
	c->len = c->cap = 0;
}

const pg_git_change *pg_git_changes_find(const pg_git_changes *c, const char *path)
{
	size_t i;
	for (i = 0; i < c->len; i++)
		if (!strcmp(c->items[i].new_path, path))
			return &c->items[i];
	return NULL;
}

/* Whether PATH names a JS/TS source that the configuration does not ignore. */
static int is_checked_source(const char *path, const pg_config *cfg)
{
	return path && pg_lang_from_path(path) != PG_LANG_NONE && !pg_config_ignores(cfg, path);
}

/* Whether the old side was a source we checked, so that its findings are the baseline. */
static int had_checked_old(const git_diff_delta *d, const pg_config *cfg)
{
	return d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_UNTRACKED &&
	       pg_git_is_file_mode(d->old_file.mode) && is_checked_source(d->old_file.path, cfg);
}

/* Whether git would diff this delta at all as a JS/TS source we check. */
static int wanted(const git_diff_delta *d, const pg_config *cfg)
{
	if (d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_UNMODIFIED)
		return 0;
	if (!pg_git_is_file_mode(d->new_file.mode))
		return 0; /* submodule, symlink */
	if (!is_checked_source(d->new_file.path, cfg))
		return 0;
	/* A pure rename (or a mode change) between checked sources leaves the findings as they were. */
	if (had_checked_old(d, cfg) && git_oid_equal(&d->old_file.id, &d->new_file.id))
		return 0;
	return 1;
}

static int add_change(pg_git_changes *out, git_patch *patch, const pg_config *cfg)
{
	const git_diff_delta *d = git_patch_get_delta(patch);
	pg_git_change *c;
	size_t h, nh;
	int had_old;

	had_old = had_checked_old(d, cfg);
	PG_GROW(out->items, out->cap, out->len + 1);
	c = &out->items[out->len++];
	memset(c, 0, sizeof(*c));
	c->new_path = pg_xstrdup(d->new_file.path);
	git_oid_cpy(&c->new_id, &d->new_file.id);
	if (had_old) {
		c->old_path = pg_xstrdup(d->old_file.path);
		git_oid_cpy(&c->old_id, &d->old_file.id);
	}
	nh = git_patch_num_hunks(patch);
	for (h = 0; h < nh; h++) {
		const git_diff_hunk *hunk;
		size_t nlines;
		pg_git_range *r;
		if (git_patch_get_hunk(&hunk, &nlines, patch, h) < 0)
			return pg_git_error("cannot read a diff hunk");
		PG_GROW(c->ranges, c->cap, c->nranges + 1);
		r = &c->ranges[c->nranges++];
		r->start = (uint32_t)hunk->new_start;
		r->deletion = hunk->new_lines == 0;
		r->end = r->deletion ? r->start : (uint32_t)(hunk->new_start + hunk->new_lines - 1);
	}
	return PG_OK;
}

/*
 * Narrowing the diff to what changed.  git_diff_tree_to_index loads every
 * tree of HEAD to compare it with the index.  The index's cache-tree names
 * the directories git has not touched since it last wrote their tree: one
 * whose id equals HEAD's tree there holds no change.  The walk below
 * descends only into the others, comparing their entries' ids and modes
 * with the index, and lists every path that may differ (added, deleted,
 * modified, changed in type); libgit2 then diffs exactly those paths, so
 * hunks and rename detection (a deleted and an added path) are what the
 * full diff gives.  The walk keeps its own stack: the depth of folders is
 * the repository's, not ours.
 */
typedef struct {
	char *dir;  /* "" for the root */
	git_oid id; /* HEAD's tree at dir */
} walk_dir;

typedef struct {
	git_repository *repo;
	git_index *index;
	const pg_git_cache_tree *ct;
	pg_strlist *paths;
	walk_dir *stack;
	size_t depth, cap;
} walk;

/* The first position at or after `pos` whose path does not start with prefix (the index is sorted). */
static size_t prefix_end(git_index *index, size_t pos, const char *prefix, size_t plen)
{
	size_t hi = git_index_entrycount(index);
	while (pos < hi) {
		size_t mid = pos + (hi - pos) / 2;
		const git_index_entry *e = git_index_get_byindex(index, mid);
		if (e && !strncmp(e->path, prefix, plen))
			pos = mid + 1;
		else
			hi = mid;
	}
	return pos;
}

/* HEAD's entries under `prefix` (tree `t`): each file the index does not hold alike, and subfolders to visit. */
static void walk_tree_entries(walk *w, git_tree *t, const char *prefix)
{
	size_t i, n = git_tree_entrycount(t);
	for (i = 0; i < n; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(t, i);
		char *full = pg_xasprintf("%s%s", prefix, git_tree_entry_name(te));
		if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
			PG_GROW(w->stack, w->cap, w->depth + 1);
			w->stack[w->depth].dir = full;
			git_oid_cpy(&w->stack[w->depth++].id, git_tree_entry_id(te));
			continue;
		}
		{
			const git_index_entry *e = git_index_get_bypath(w->index, full, 0);
			if (!e || e->mode != (uint32_t)git_tree_entry_filemode(te) || !git_oid_equal(&e->id, git_tree_entry_id(te)))
				pg_strlist_push(w->paths, full);
		}
		free(full);
	}
}

/* The index's entries under `prefix` that HEAD's tree `t` does not have at all (or not as that type). */
static void walk_index_entries(walk *w, git_tree *t, const char *prefix)
{
	size_t plen = strlen(prefix), pos = 0, end;
	if (plen && git_index_find_prefix(&pos, w->index, prefix) < 0) {
		git_error_clear();
		return;
	}
	end = prefix_end(w->index, pos, prefix, plen);
	while (pos < end) {
		const git_index_entry *e = git_index_get_byindex(w->index, pos);
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
			size_t sub_end = prefix_end(w->index, pos, sub, strlen(sub));
			for (; pos < sub_end; pos++)
				if (!in_tree_as_dir)
					pg_strlist_push(w->paths, git_index_get_byindex(w->index, pos)->path);
			free(sub);
		}
	}
}

/* One folder: skipped when the cache-tree vouches for it, else its entries on both sides. */
static int walk_one(walk *w, const char *dir, const git_oid *id)
{
	git_oid cached;
	git_tree *t = NULL;
	char *prefix;
	if (pg_git_cache_tree_get(&cached, w->ct, dir) == PG_OK && git_oid_equal(&cached, id))
		return PG_OK;
	if (git_tree_lookup(&t, w->repo, id) < 0)
		return pg_git_error("cannot read a tree of HEAD");
	prefix = *dir ? pg_xasprintf("%s/", dir) : pg_xstrdup("");
	walk_tree_entries(w, t, prefix);
	walk_index_entries(w, t, prefix);
	free(prefix);
	git_tree_free(t);
	return PG_OK;
}

/* The paths that may differ between `tree` and `index`, from the cache-tree `ct`. */
static int changed_paths(pg_strlist *out, git_repository *repo, git_tree *tree, git_index *index,
                         const pg_git_cache_tree *ct)
{
	walk w = {repo, index, ct, out, NULL, 0, 0};
	int rc = PG_OK;
	PG_GROW(w.stack, w.cap, 1);
	w.stack[0].dir = pg_xstrdup("");
	git_oid_cpy(&w.stack[w.depth++].id, git_tree_id(tree));
	while (w.depth > 0) {
		walk_dir d = w.stack[--w.depth];
		if (rc == PG_OK)
			rc = walk_one(&w, d.dir, &d.id);
		free(d.dir);
	}
	free(w.stack);
	return rc;
}

/* The diff from `tree` to `index`, along the changed paths when the index has a cache-tree. */
static int diff_to_index(git_diff **diff, git_repository *repo, git_tree *tree, git_index *index,
                         git_diff_options *opts)
{
	pg_git_cache_tree ct;
	pg_strlist paths = {0};
	int rc;

	if (!tree || pg_git_cache_tree_read(&ct, index) != PG_OK)
		return git_diff_tree_to_index(diff, repo, tree, index, opts) < 0 ? PG_ERROR : PG_OK;
	rc = changed_paths(&paths, repo, tree, index, &ct);
	pg_git_cache_tree_free(&ct);
	if (rc == PG_OK) {
		/* No paths would mean "all paths" to libgit2: an empty list is an empty diff, diffed as such. */
		opts->pathspec.strings = paths.items;
		opts->pathspec.count = paths.len;
		opts->flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
		if (paths.len == 0)
			rc = git_diff_tree_to_tree(diff, repo, tree, tree, opts) < 0 ? PG_ERROR : PG_OK;
		else
			rc = git_diff_tree_to_index(diff, repo, tree, index, opts) < 0 ? PG_ERROR : PG_OK;
	}
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

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);

	opts.context_lines = 0;
	opts.interhunk_lines = 0;
	opts.flags |= GIT_DIFF_IGNORE_SUBMODULES | GIT_DIFF_FORCE_TEXT;
	if (new_side->index)
		rc = diff_to_index(&diff, new_side->repo, old_side->tree, new_side->index, &opts);
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
		if (!wanted(git_diff_get_delta(diff, i), cfg))
			continue;
		if (git_patch_from_diff(&patch, diff, i) < 0) {
			char *what = pg_xasprintf("cannot compute the diff of %s", git_diff_get_delta(diff, i)->new_file.path);
			rc = pg_git_error(what);
			free(what);
			break;
		}
		if (patch)
			rc = add_change(out, patch, cfg);
		git_patch_free(patch);
	}
	git_diff_free(diff);
	return rc;
}
