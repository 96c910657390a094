/*
 * change.c - one file's change as the analysis needs it, the same for both
 * readers of a commit (staged.c through libgit2, gitcli.c through git):
 * which deltas count, the diff options, and a delta's hunks turned into
 * line ranges.
 *
 * "Is this a source we check" is the path's language and the configuration,
 * as for `check`: the contents never decide, so a NUL byte in a comment or a
 * HEAD version git took for binary does not hide a file (diffed as text).  A
 * side whose path was not a checked source (`a.txt` renamed to `a.js`, or a
 * path the configuration ignored) has no old version: all of it is new code.
 *
 * The diff is taken with no context lines, so each hunk is exactly what
 * changed; a hunk with no new lines is a deletion and keeps its position,
 * because removing a `client.release()` changes the function around it.
 *
 * git counts lines by LF only; a file whose lines end in a lone CR is one
 * long line to it, so its hunks cannot be placed: the whole file counts as
 * changed (the analysis numbers its lines as an editor does).
 */
#include "staged.h"

#include <stdlib.h>
#include <string.h>

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

/* Whether PATH is one the sides list (pg_git_listed: JS/TS, not in node_modules) and the configuration does not ignore. */
static int is_checked_source(const char *path, const pg_config *cfg)
{
	return path && pg_git_listed(path) && !pg_config_ignores(cfg, path);
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

/* Does a line of the hunk hold a CR that is a line end of its own (pg_has_lone_cr)? */
static int hunk_has_lone_cr(git_patch *patch, size_t h, size_t nlines)
{
	for (size_t l = 0; l < nlines; l++) {
		const git_diff_line *line;
		if (git_patch_get_line_in_hunk(&line, patch, h, l) == 0 && pg_has_lone_cr(line->content, line->content_len))
			return 1;
	}
	return 0;
}

int pg_git_delta_wanted(const git_diff_delta *d, const pg_config *cfg)
{
	return wanted(d, cfg);
}

int pg_git_change_add(pg_git_changes *out, const git_diff_delta *d, git_patch *patch, const pg_config *cfg)
{
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
		if (hunk_has_lone_cr(patch, h, nlines)) {
			/* git's line numbers are not the file's: the whole file is the change */
			c->nranges = 1;
			c->ranges[0] = (pg_git_range){1, UINT32_MAX, 0};
			break;
		}
	}
	return PG_OK;
}

void pg_git_diff_options(git_diff_options *opts)
{
	git_diff_options_init(opts, GIT_DIFF_OPTIONS_VERSION);
	opts->context_lines = 0;
	opts->interhunk_lines = 0;
	opts->flags |= GIT_DIFF_IGNORE_SUBMODULES | GIT_DIFF_FORCE_TEXT;
}
