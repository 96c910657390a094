/*
 * source.c - reading files by path from a tree, an index or the empty tree.
 *
 * Paths from the engine may carry "./" and "../" segments (they come from
 * import specifiers): they are normalised, and anything that climbs out of
 * the repository is simply not found.
 */
#include "source.h"

#include <stdlib.h>
#include <string.h>

#include "gitcli.h"
#include "repo.h"

int pg_git_side_lookup(git_oid *out, const pg_git_side *side, const char *path)
{
	char *norm;
	int rc = PG_ENOTFOUND;
	if (side->listing)
		return pg_git_listing_lookup(out, side->listing, path);
	norm = pg_path_normalize(path);
	if (norm[0] == '/' || !strcmp(norm, ".") || !strncmp(norm, "../", 3) || !strcmp(norm, "..")) {
		free(norm);
		return PG_ENOTFOUND;
	}
	if (side->index) {
		const git_index_entry *e = pg_git_entries_get(side->index, norm);
		if (e && pg_git_is_file_mode(e->mode)) {
			git_oid_cpy(out, &e->id);
			rc = PG_OK;
		}
	} else if (side->tree) {
		git_tree_entry *e = NULL;
		int grc = git_tree_entry_bypath(&e, side->tree, norm);
		if (grc == 0 && pg_git_is_file_mode(git_tree_entry_filemode(e))) {
			git_oid_cpy(out, git_tree_entry_id(e));
			rc = PG_OK;
		} else if (grc < 0 && grc != GIT_ENOTFOUND) {
			rc = pg_git_error("cannot read a tree");
		}
		if (grc < 0)
			git_error_clear();
		git_tree_entry_free(e);
	}
	free(norm);
	return rc;
}

int pg_git_side_read(const pg_git_side *side, const char *path, pg_buf *out)
{
	git_oid id;
	int rc = pg_git_side_lookup(&id, side, path);
	if (rc < 0)
		return rc;
	return pg_git_side_blob(side, &id, out);
}

const char *pg_git_side_commondir(const pg_git_side *side)
{
	return side->listing ? pg_git_cli_commondir(pg_git_listing_cli(side->listing))
	                     : git_repository_commondir(side->repo);
}

const char *pg_git_side_workdir(const pg_git_side *side)
{
	return side->listing ? pg_git_cli_toplevel(pg_git_listing_cli(side->listing))
	                     : git_repository_workdir(side->repo);
}

int pg_git_side_blob(const pg_git_side *side, const git_oid *id, pg_buf *out)
{
	if (side->listing)
		return pg_git_listing_blob(side->listing, id, out);
	return pg_git_blob_read(side->repo, id, out);
}

static int read_cb(void *ctx, const char *path, pg_buf *out)
{
	return pg_git_side_read(ctx, path, out);
}

pg_source pg_git_source(pg_git_side *side)
{
	pg_source s = {read_cb, side, NULL}; /* no fingerprint: blobs are read by id, cheaply */
	return s;
}

typedef struct {
	pg_git_file_fn fn;
	void *payload;
} each_ctx;

/* pg_git_listed, in the two halves a tree walk sees: a node_modules folder is not entered at all. */
static int each_tree_cb(const char *root, const git_tree_entry *entry, void *payload)
{
	const each_ctx *c = payload;
	const char *name = git_tree_entry_name(entry);
	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE)
		return pg_path_in_node_modules(name); /* 1: do not descend */
	if (pg_git_is_file_mode(git_tree_entry_filemode(entry)) && pg_lang_from_path(name) != PG_LANG_NONE) {
		char *p = pg_xasprintf("%s%s", root, name);
		c->fn(p, git_tree_entry_id(entry), 0, c->payload);
		free(p);
	}
	return 0;
}

int pg_git_side_each(const pg_git_side *side, pg_git_file_fn fn, void *payload)
{
	if (side->listing)
		return pg_git_listing_each(side->listing, fn, payload);
	if (side->index) {
		size_t i;
		for (i = 0; i < side->index->len; i++) {
			const git_index_entry *e = &side->index->items[i];
			if (GIT_INDEX_ENTRY_STAGE(e) != 0 || !pg_git_is_file_mode(e->mode))
				continue;
			if (!pg_git_listed(e->path))
				continue;
			fn(e->path, &e->id, 1, payload); /* the index's own string: it outlives the call */
		}
	} else if (side->tree) {
		each_ctx c = {fn, payload};
		if (git_tree_walk(side->tree, GIT_TREEWALK_PRE, each_tree_cb, &c) < 0)
			return pg_git_error("cannot list a tree");
	}
	return PG_OK;
}
