/*
 * confdiff.c - what a change of .pgleak.json re-checks (confdiff.h).
 *
 * Which functions a configuration change affects cannot be told without
 * analysing them (a new pool name, acquire method or release helper can
 * turn up anywhere), so every checked JS/TS file of the commit is compared:
 * its HEAD version under HEAD's configuration with the staged version under
 * the staged one.  A finding that only the new configuration shows is
 * introduced; one that both show is old.  Files the old configuration
 * ignored were never checked: all their findings are new.  The changed
 * lines are left empty for the added files, so their old leaks are not
 * repeated as warnings.  Files unchanged under both configurations come
 * from the result cache, whose keys hold the configuration's digest.
 */
#include "confdiff.h"

#include <stdlib.h>
#include <string.h>

#include "repo.h"

int pg_git_config_blob(pg_config *cfg, const pg_git_side *side, const git_oid *id)
{
	pg_buf b = PG_BUF_INIT;
	int rc;
	if (!id)
		return PG_OK;
	rc = pg_git_side_blob(side, id, &b);
	if (rc == PG_OK)
		rc = pg_config_parse(cfg, b.data, b.len, ".pgleak.json");
	pg_buf_free(&b);
	return rc;
}

int pg_git_side_config(pg_config *cfg, const pg_git_side *side, git_oid *id)
{
	int rc = pg_git_side_lookup(id, side, ".pgleak.json");
	if (rc == PG_ENOTFOUND) {
		pg_error_clear();
		memset(id, 0, sizeof(*id));
		return PG_OK;
	}
	return rc < 0 ? rc : pg_git_config_blob(cfg, side, id);
}

typedef struct {
	pg_git_changes *changes;
	const pg_git_side *old_side;
	const pg_config *cfg, *old_cfg;
	size_t first_added; /* changes from here on were added by this module */
	pg_strmap known;    /* new paths of the commit's own changes */
} add_ctx;

static void add_file(const char *path, const git_oid *id, int stable, void *payload)
{
	add_ctx *a = payload;
	pg_git_change *c;
	git_oid old_id;
	(void)stable;
	if (pg_strmap_get(&a->known, path, strlen(path)) || pg_config_ignores(a->cfg, path))
		return;
	PG_GROW(a->changes->items, a->changes->cap, a->changes->len + 1);
	c = &a->changes->items[a->changes->len++];
	memset(c, 0, sizeof(*c));
	c->new_path = pg_xstrdup(path);
	git_oid_cpy(&c->new_id, id);
	if (!pg_config_ignores(a->old_cfg, path) && pg_git_side_lookup(&old_id, a->old_side, path) == PG_OK) {
		c->old_path = pg_xstrdup(path);
		git_oid_cpy(&c->old_id, &old_id);
	}
	pg_error_clear();
}

int pg_git_config_changes(pg_git_changes *changes, const pg_git_side *old_side, const pg_git_side *new_side,
                          const pg_config *cfg, const git_oid *new_id, const pg_config *old_cfg,
                          const git_oid *old_id)
{
	add_ctx a = {changes, old_side, cfg, old_cfg, changes->len, {0}};
	int rc;

	if (git_oid_equal(new_id, old_id))
		return 0;
	for (size_t i = 0; i < changes->len; i++) {
		pg_git_change *c = &changes->items[i];
		pg_strmap_put(&a.known, c->new_path, strlen(c->new_path), i);
		if (c->old_path && pg_config_ignores(old_cfg, c->old_path)) {
			free(c->old_path); /* not checked before: all of it is new */
			c->old_path = NULL;
		}
	}
	rc = pg_git_side_each(new_side, add_file, &a);
	pg_strmap_free(&a.known);
	return rc < 0 ? rc : 1;
}
