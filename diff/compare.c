/*
 * compare.c - matching findings across the two versions of a file and
 * mapping the diff's hunks to the functions they touch.
 *
 * A function is touched when a changed line, or the point of a deletion,
 * falls in it and in none of its nested functions (the innermost unit
 * wins): editing a callback does not make a warning of its parent's leak.
 * Matching is one-to-one and greedy on (function, order), which is exact
 * because the engine numbers acquisitions within a function.
 *
 * Which old function a new one is comes from its name, the part before a
 * trailing "#N" rank (module.c: a name given twice in a file gets ranks).
 * A name borne once on each side is the same function.  Ranks alone never
 * pair: among functions sharing a name, one whose text is unchanged pairs
 * with its old self; the rest pair in order only when as many remain on
 * each side and none of them is wholly added lines (so they were edited in
 * place); otherwise they stay unpaired and their findings are introduced.
 * Deleting one of two twin handlers and breaking the other in the same
 * commit cannot hand the new leak the old one's name.
 */
#include "compare.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

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

/* Analyses one side of one file into *out, *units and its bytes *b; a missing file finds nothing. */
static int analyse(pg_engine *e, const pg_git_side *side, const char *path, const git_oid *id,
                   pg_findings *out, pg_units *units, pg_buf *b)
{
	int rc = id ? pg_git_side_blob(side, id, b) : pg_git_side_read(side, path, b);
	if (rc == PG_ENOTFOUND) {
		pg_error_clear();
		return PG_OK;
	}
	if (rc == PG_OK) {
		rc = pg_engine_check_buffer(e, path, b->data, b->len, out, units);
		if (rc < 0 && rc != PG_ENOTFOUND)
			rc = pg_error_set(rc, "analysing %s: %s", path, pg_error_last());
		else
			rc = PG_OK;
	}
	return rc;
}

/* One side's functions as the pairing sees them: name without its rank, and text hash. */
typedef struct {
	const pg_units *units;
	size_t *base_len; /* bytes of each name before a trailing "#N" */
	uint64_t *hash;   /* of each function's bytes; 0 when they are not at hand */
} side_units;

static size_t rankless_len(const char *name)
{
	size_t n = strlen(name), i = n;
	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	return i > 0 && i < n && name[i - 1] == '#' ? i - 1 : n;
}

static void side_units_init(side_units *s, const pg_units *u, const pg_buf *bytes)
{
	s->units = u;
	s->base_len = pg_xcalloc(u->len + 1, sizeof(*s->base_len));
	s->hash = pg_xcalloc(u->len + 1, sizeof(*s->hash));
	for (size_t i = 0; i < u->len; i++) {
		const pg_unit *x = &u->items[i];
		s->base_len[i] = rankless_len(x->name);
		if (bytes->data && x->start_byte <= x->end_byte && x->end_byte <= bytes->len)
			s->hash[i] = XXH3_64bits(bytes->data + x->start_byte, x->end_byte - x->start_byte) | 1;
	}
}

static void side_units_free(side_units *s)
{
	free(s->base_len);
	free(s->hash);
}

#define NONE ((size_t)-1)

/* The members of each group (functions sharing a name without rank) of one side, in order. */
typedef struct {
	size_t *head, *next; /* head[g]: first member of group g; next[i]: the member after i */
	size_t *count;
} side_groups;

/* Groups side s by rankless name; new names get new group ids from *groups. */
static void group_side(side_groups *out, const side_units *s, pg_strmap *groups, size_t *ngroups, size_t cap)
{
	size_t n = s->units->len, *last = pg_xmalloc((cap + 1) * sizeof(*last));
	out->head = pg_xmalloc((cap + 1) * sizeof(*out->head));
	out->next = pg_xmalloc((n + 1) * sizeof(*out->next));
	out->count = pg_xcalloc(cap + 1, sizeof(*out->count));
	for (size_t g = 0; g < cap; g++)
		out->head[g] = last[g] = NONE;
	for (size_t i = 0; i < n; i++) {
		const char *name = s->units->items[i].name;
		size_t *at = pg_strmap_get(groups, name, s->base_len[i]), g;
		if (!at) {
			g = (*ngroups)++;
			pg_strmap_put(groups, name, s->base_len[i], g);
		} else {
			g = *at;
		}
		out->next[i] = NONE;
		if (last[g] == NONE)
			out->head[g] = i;
		else
			out->next[last[g]] = i;
		last[g] = i;
		out->count[g]++;
	}
	free(last);
}

static void side_groups_free(side_groups *g)
{
	free(g->head);
	free(g->next);
	free(g->count);
}

/* Are all lines of new unit u added or changed by c (a function that did not exist before)? */
static int wholly_added(const pg_unit *u, const pg_git_change *c)
{
	uint64_t covered = 0;
	if (!c)
		return 0;
	for (size_t r = 0; r < c->nranges; r++) {
		const pg_git_range *g = &c->ranges[r];
		uint32_t a = g->start > u->line ? g->start : u->line, b = g->end < u->end ? g->end : u->end;
		if (!g->deletion && a <= b)
			covered += (uint64_t)b - a + 1;
	}
	return covered >= (uint64_t)u->end - u->line + 1;
}

/* Pairs the members of one group (see the top of the file) into pair[]. */
static void pair_group(size_t *pair, char *taken, const side_units *now, const side_units *old,
                       size_t hn, const size_t *next_new, size_t n_new,
                       size_t ho, const size_t *next_old, size_t n_old, const pg_git_change *c)
{
	size_t a, j, left_new = 0, left_old = 0;
	int added = 0;
	/* 1. unchanged text pairs first */
	for (a = hn; a != NONE; a = next_new[a])
		for (j = ho; j != NONE && now->hash[a] && pair[a] == NONE; j = next_old[j])
			if (!taken[j] && old->hash[j] == now->hash[a])
				pair[a] = j, taken[j] = 1;
	for (a = hn; a != NONE; a = next_new[a])
		if (pair[a] == NONE)
			left_new++, added |= wholly_added(&now->units->items[a], c);
	for (j = ho; j != NONE; j = next_old[j])
		left_old += !taken[j];
	/* 2. the rest in order: the one of its name on each side, or ones edited in place */
	if (!((n_new == 1 && n_old == 1) || (left_new == left_old && !added)))
		return;
	j = ho;
	for (a = hn; a != NONE; a = next_new[a]) {
		if (pair[a] != NONE)
			continue;
		while (j != NONE && taken[j])
			j = next_old[j];
		if (j == NONE)
			return;
		pair[a] = j, taken[j] = 1;
	}
}

/* pair[i]: the old unit that new unit i is (see the top of the file), or NONE. */
static size_t *pair_units(const side_units *now, const side_units *old, const pg_git_change *c)
{
	size_t nn = now->units->len, no = old->units->len, ngroups = 0, cap = nn + no, i;
	size_t *pair = pg_xmalloc((nn + 1) * sizeof(*pair));
	char *taken = pg_xcalloc(no + 1, 1);
	pg_strmap groups = {0};
	side_groups gn, go;

	for (i = 0; i < nn; i++)
		pair[i] = NONE;
	group_side(&gn, now, &groups, &ngroups, cap);
	group_side(&go, old, &groups, &ngroups, cap);
	for (size_t g = 0; g < ngroups; g++)
		if (gn.head[g] != NONE && go.head[g] != NONE)
			pair_group(pair, taken, now, old, gn.head[g], gn.next, gn.count[g], go.head[g], go.next,
			           go.count[g], c);
	side_groups_free(&gn);
	side_groups_free(&go);
	pg_strmap_free(&groups);
	free(taken);
	return pair;
}

/* The index of the unit holding f, or NONE. */
static size_t unit_index(const pg_units *u, const pg_finding *f)
{
	for (size_t i = 0; i < u->len; i++)
		if (!strcmp(u->items[i].name, f->function) && (!f->fn_line || u->items[i].line == f->fn_line))
			return i;
	return NONE;
}

/* The name f's function had on the old side: its pair's, or NULL when it has none. */
static const char *old_name(const pg_finding *f, const pg_units *units, const pg_units *old_units,
                            const size_t *pair)
{
	size_t i = unit_index(units, f);
	if (i == NONE)
		return f->function; /* the engine gave no unit for it: its name is all we know */
	return pair[i] == NONE ? NULL : old_units->items[pair[i]].name;
}

static void classify(pg_git_verdict *v, const pg_findings *now, const pg_findings *before,
                     const pg_units *units, const pg_units *old_units, const size_t *pair,
                     const pg_git_change *c, int want_warnings)
{
	char *used = before->len ? pg_xcalloc(before->len, 1) : NULL;
	size_t i, j;
	for (i = 0; i < now->len; i++) {
		const pg_finding *n = &now->items[i];
		const char *was = old_name(n, units, old_units, pair);
		int matched = 0;
		for (j = 0; j < before->len && !matched && was; j++) {
			const pg_finding *o = &before->items[j];
			if (!used[j] && o->order == n->order && !strcmp(o->function, was))
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
	pg_buf now_bytes = PG_BUF_INIT, old_bytes = PG_BUF_INIT;
	int rc;

	pg_findings_init(&now);
	pg_findings_init(&before);
	pg_units_init(&units);
	pg_units_init(&old_units);
	/* Both sides are analysed the same way: identical bytes must give identical findings,
	 * and HEAD's version then reuses the cache record its staged self left at the previous
	 * commit.  A side that names no acquire method is not parsed (the engine's pre-scan):
	 * it has no finding, and units only place findings. */
	rc = analyse(e_new, new_side, path, c ? &c->new_id : NULL, &now, &units, &now_bytes);
	if (rc == PG_OK && now.len > 0) {
		if (c && c->old_path)
			rc = analyse(e_old, old_side, c->old_path, &c->old_id, &before, &old_units, &old_bytes);
		else if (!c)
			rc = analyse(e_old, old_side, path, NULL, &before, &old_units, &old_bytes);
	}
	if (rc == PG_OK && now.len > 0) {
		side_units sn, so;
		size_t *pair;
		side_units_init(&sn, &units, &now_bytes);
		side_units_init(&so, &old_units, &old_bytes);
		pair = pair_units(&sn, &so, c);
		classify(v, &now, &before, &units, &old_units, pair, c, want_warnings);
		free(pair);
		side_units_free(&sn);
		side_units_free(&so);
	}
	pg_buf_free(&now_bytes);
	pg_buf_free(&old_bytes);
	pg_units_free(&units);
	pg_units_free(&old_units);
	pg_findings_free(&now);
	pg_findings_free(&before);
	return rc;
}

int pg_git_compare(pg_git_verdict *v, pg_git_side *old_side, pg_git_side *new_side,
                   const pg_git_changes *changes, const pg_strlist *dependents,
                   const pg_config *cfg, const pg_config *old_cfg, int want_warnings,
                   struct pg_cache *cache)
{
	pg_source old_src = pg_git_source(old_side), new_src = pg_git_source(new_side);
	pg_engine *e_old = NULL, *e_new = NULL;
	size_t i;
	int rc;

	memset(v, 0, sizeof(*v));
	pg_findings_init(&v->shown);
	/* Each side under its own configuration (confdiff.c says which files a change of it re-checks). */
	rc = pg_engine_new(&e_old, old_cfg ? old_cfg : cfg, &old_src);
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
