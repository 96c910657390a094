/*
 * compare.c - matching findings across the two versions of a file and
 * mapping the diff's hunks to the functions they touch.
 *
 * A function is touched when a changed line, or the point of a deletion,
 * falls in it and in none of its nested functions (the innermost unit
 * wins): editing a callback does not make a warning of its parent's leak.
 * Matching is one-to-one and greedy on (function, order), which is exact
 * because the engine numbers acquisitions within a function.
 */
#include "compare.h"

#include <stdlib.h>
#include <string.h>

#include "repo.h"

void pg_git_verdict_free(pg_git_verdict *v)
{
	pg_findings_free(&v->shown);
	memset(v, 0, sizeof(*v));
}

/* The smallest unit that contains lines a..b, or NULL (top level). */
static const pg_unit *innermost(const pg_units *u, uint32_t a, uint32_t b)
{
	const pg_unit *best = NULL;
	size_t i;
	for (i = 0; i < u->len; i++) {
		const pg_unit *x = &u->items[i];
		if (x->line <= a && b <= x->end &&
		    (!best || x->end - x->line < best->end - best->line ||
		     (x->end - x->line == best->end - best->line && x->line > best->line)))
			best = x;
	}
	return best;
}

static const pg_unit *unit_of(const pg_units *u, const pg_finding *f)
{
	size_t i;
	for (i = 0; i < u->len; i++)
		if (!strcmp(u->items[i].name, f->function) && (!f->fn_line || u->items[i].line == f->fn_line))
			return &u->items[i];
	return NULL;
}

/* Is the function holding `f` touched by the change's ranges? */
static int touched(const pg_finding *f, const pg_units *units, const pg_git_change *c)
{
	const pg_unit *unit = unit_of(units, f);
	int module = !unit && !strcmp(f->function, "<module>");
	uint32_t lo = unit ? unit->line : module ? 1 : f->fn_line;
	uint32_t hi = unit ? unit->end : module ? UINT32_MAX : f->fn_end;
	size_t r;

	for (r = 0; r < c->nranges; r++) {
		const pg_git_range *g = &c->ranges[r];
		uint32_t l, a, b;
		if (g->deletion) {
			/* removed between lines start and start+1: inside a unit holding both */
			if (g->start >= lo && g->start + 1 <= hi && innermost(units, g->start, g->start + 1) == unit)
				return 1;
			continue;
		}
		a = g->start > lo ? g->start : lo;
		b = g->end < hi ? g->end : hi;
		if (a > b)
			continue;
		if (!unit && !module)
			return 1; /* the engine gave no unit for it: its span is all we know */
		for (l = a; l <= b; l++)
			if (innermost(units, l, l) == unit)
				return 1;
	}
	return 0;
}

/* Analyses one side of one file; a missing file (the empty side) finds nothing. */
static int analyse(pg_engine *e, const pg_git_side *side, const char *path, const git_oid *id,
                   pg_findings *out, pg_units *units)
{
	pg_buf b = PG_BUF_INIT;
	int rc = id ? pg_git_blob_read(side->repo, id, &b) : pg_git_side_read(side, path, &b);
	if (rc == PG_ENOTFOUND) {
		pg_error_clear();
		return PG_OK;
	}
	if (rc == PG_OK) {
		rc = pg_engine_check_buffer(e, path, b.data, b.len, out, units);
		if (rc < 0 && rc != PG_ENOTFOUND)
			rc = pg_error_set(rc, "analysing %s: %s", path, pg_error_last());
		else
			rc = PG_OK;
	}
	pg_buf_free(&b);
	return rc;
}

static void classify(pg_git_verdict *v, const pg_findings *now, const pg_findings *before,
                     const pg_units *units, const pg_git_change *c, int want_warnings)
{
	char *used = before->len ? pg_xcalloc(before->len, 1) : NULL;
	size_t i, j;
	for (i = 0; i < now->len; i++) {
		const pg_finding *n = &now->items[i];
		int matched = 0;
		for (j = 0; j < before->len && !matched; j++) {
			const pg_finding *o = &before->items[j];
			if (!used[j] && o->order == n->order && !strcmp(o->function, n->function))
				used[j] = 1, matched = 1;
		}
		if (!matched) {
			pg_findings_push_copy(&v->shown, n);
			v->shown.items[v->shown.len - 1].introduced = 1;
			v->introduced++;
		} else if (want_warnings && c && touched(n, units, c)) {
			pg_findings_push_copy(&v->shown, n);
			v->shown.items[v->shown.len - 1].introduced = 0;
			v->warnings++;
		}
	}
	free(used);
}

/* One file on both sides.  `c` is NULL for a dependent (same path, unchanged). */
static int compare_file(pg_git_verdict *v, pg_engine *e_old, pg_engine *e_new,
                        pg_git_side *old_side, pg_git_side *new_side,
                        const char *path, const pg_git_change *c, int want_warnings)
{
	pg_findings now, before;
	pg_units units, old_units;
	int rc;

	pg_findings_init(&now);
	pg_findings_init(&before);
	pg_units_init(&units);
	pg_units_init(&old_units);
	/* Both sides are analysed the same way: identical bytes must give identical findings,
	 * and HEAD's version then reuses the cache record its staged self left at the previous
	 * commit.  A side that names no acquire method is not parsed (the engine's pre-scan):
	 * it has no finding, and units only place findings. */
	rc = analyse(e_new, new_side, path, c ? &c->new_id : NULL, &now, &units);
	if (rc == PG_OK && now.len > 0) {
		if (c && c->old_path)
			rc = analyse(e_old, old_side, c->old_path, &c->old_id, &before, &old_units);
		else if (!c)
			rc = analyse(e_old, old_side, path, NULL, &before, &old_units);
	}
	if (rc == PG_OK)
		classify(v, &now, &before, &units, c, want_warnings);
	pg_units_free(&units);
	pg_units_free(&old_units);
	pg_findings_free(&now);
	pg_findings_free(&before);
	return rc;
}

int pg_git_compare(pg_git_verdict *v, pg_git_side *old_side, pg_git_side *new_side,
                   const pg_git_changes *changes, const pg_strlist *dependents,
                   const pg_config *cfg, int want_warnings, struct pg_cache *cache)
{
	pg_source old_src = pg_git_source(old_side), new_src = pg_git_source(new_side);
	pg_engine *e_old = NULL, *e_new = NULL;
	size_t i;
	int rc;

	memset(v, 0, sizeof(*v));
	pg_findings_init(&v->shown);
	/* One configuration for both sides: a config change alone must not "introduce" old code's leaks. */
	rc = pg_engine_new(&e_old, cfg, &old_src);
	if (rc == PG_OK)
		rc = pg_engine_new(&e_new, cfg, &new_src);
	if (rc == PG_OK) {
		pg_engine_set_cache(e_old, cache);
		pg_engine_set_cache(e_new, cache);
	}
	for (i = 0; rc == PG_OK && i < changes->len; i++)
		rc = compare_file(v, e_old, e_new, old_side, new_side, changes->items[i].new_path,
		                  &changes->items[i], want_warnings);
	for (i = 0; rc == PG_OK && dependents && i < dependents->len; i++)
		rc = compare_file(v, e_old, e_new, old_side, new_side, dependents->items[i], NULL, want_warnings);
	if (e_new)
		v->stats = *pg_engine_stats(e_new);
	if (e_new)
		pg_engine_free(e_new);
	if (e_old)
		pg_engine_free(e_old);
	pg_findings_sort(&v->shown);
	return rc;
}
