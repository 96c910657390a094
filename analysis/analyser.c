/*
 * analyser.c - the analysis's driver without any reuse: the pre-scan, the
 * parse, one unit at a time, the facts a key needs and the log of the
 * other files looked at (see analyser.h).
 *
 * A file is first scanned for a member call of an acquire method
 * (pg_may_acquire, prescan.c); a file without one cannot hold an
 * acquisition and need not be parsed (the callers skip it, so a commit that
 * touches no file naming an acquire method parses nothing).
 */
#include "analyser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "module.h"
#include "scope.h"

struct pg_analyser {
	pg_analysis an;
	pg_source src;
	pg_module *last; /* the file last done with: the next text of the same path reparses from it */
};

int pg_analyser_new(pg_analyser **out, const pg_config *cfg, const pg_source *src)
{
	pg_analyser *a = pg_xcalloc(1, sizeof(*a));
	a->src = *src;
	a->an.cfg = cfg;
	a->an.ms = pg_modules_new(&a->src, cfg);
	*out = a;
	return PG_OK;
}

void pg_analyser_free(pg_analyser *a)
{
	if (!a)
		return;
	pg_modules_free(a->an.ms);
	pg_module_free(a->last);
	pg_buf_free(&a->an.notices);
	free(a);
}

/* ---- parsing and units ------------------------------------------------------- */

int pg_analyser_parse(pg_analyser *a, const char *path, pg_lang lang, const char *data, size_t len,
                      pg_module **out)
{
	/* An editor sends the same file again and again: tree-sitter reuses what did not change. */
	return pg_module_build_from(out, path, lang, data, len, a->an.cfg,
	                            a->last && !strcmp(a->last->path, path) ? a->last : NULL);
}

void pg_analyser_done(pg_analyser *a, pg_module *m)
{
	pg_module_free(a->last);
	a->last = m;
}

int pg_analyser_parsed_cleanly(const pg_module *m)
{
	return !ts_node_has_error(ts_tree_root_node(m->ast.tree));
}

size_t pg_analyser_unit_count(const pg_module *m)
{
	return m->nunits;
}

void pg_analyser_units(const pg_module *m, pg_units *units)
{
	for (size_t i = 0; i < m->nunits; i++) {
		pg_unit *u;
		PG_GROW(units->items, units->cap, units->len + 1);
		u = &units->items[units->len++];
		u->name = pg_xstrdup(m->units[i].name);
		u->line = m->units[i].line;
		u->end = m->units[i].end;
		u->start_byte = ts_node_start_byte(m->units[i].node);
		u->end_byte = ts_node_end_byte(m->units[i].node);
		u->has_acquisition = pg_module_unit_has_sites(m, i);
	}
}

int pg_analyser_check_unit(pg_analyser *a, pg_module *m, size_t unit, pg_findings *out)
{
	int rc = pg_leak_check_unit(&a->an, m, unit, out);
	if (a->an.notices.len) {
		fprintf(stderr, "%s", a->an.notices.data);
		pg_buf_clear(&a->an.notices);
	}
	return rc;
}

/* ---- the facts of a key -------------------------------------------------------- */

static void put_u64(pg_buf *b, uint64_t v)
{
	uint8_t p[8];
	pg_le64_put(p, v);
	pg_buf_put(b, p, 8);
}

static void put_bytes(pg_buf *b, const void *data, size_t len)
{
	put_u64(b, len);
	pg_buf_put(b, data, len);
}

/* NULL and "" differ: NULL is a length no string has. */
static void put_str(pg_buf *b, const char *s)
{
	if (!s)
		put_u64(b, UINT64_MAX);
	else
		put_bytes(b, s, strlen(s));
}

static void put_list(pg_buf *b, const pg_strlist *l)
{
	put_u64(b, l->len);
	for (size_t i = 0; i < l->len; i++)
		put_str(b, l->items[i]);
}

void pg_analyser_file_facts(const pg_module *m, pg_buf *out)
{
	put_list(out, &m->pg_ctors);
	put_list(out, &m->pg_namespaces);
	put_list(out, &m->pool_vars);
	put_list(out, &m->pool_fields);
	put_u64(out, m->nfield_cands);
	for (size_t i = 0; i < m->nfield_cands; i++) {
		uint32_t len;
		const char *t = pg_text(&m->ast, m->field_cands[i].value, &len);
		put_str(out, m->field_cands[i].name);
		put_bytes(out, t, len);
	}
	put_u64(out, m->nimports);
	for (size_t i = 0; i < m->nimports; i++) {
		put_str(out, m->imports[i].local);
		put_str(out, m->imports[i].spec);
		put_str(out, m->imports[i].imported);
	}
	put_u64(out, m->nexports);
	for (size_t i = 0; i < m->nexports; i++) {
		put_str(out, m->exports[i].exported);
		put_str(out, m->exports[i].local);
		put_str(out, m->exports[i].spec);
		put_str(out, m->exports[i].imported);
		put_u64(out, (uint64_t)m->exports[i].is_pool);
	}
}

#define PG_MAX_KEYED_HELPERS 64

/*
 * The bytes of the same-file functions the unit calls, transitively
 * (bounded): each call's callee as the builder resolves it within the file
 * (pg_build_local_callee, which build.c asks first), and for `this.f()` /
 * `self.f()` also the method of the class around the call, which the
 * own-connect rule consults (leak.c).  Functions of other files are in the
 * log of modules looked at, which the engine keeps with the result.
 */
static void put_helpers(pg_buf *out, const pg_module *m, TSNode root)
{
	const pg_ast *a = &m->ast;
	TSNode todo[PG_MAX_KEYED_HELPERS + 1];
	TSNode done[PG_MAX_KEYED_HELPERS];
	size_t ntodo = 0, ndone = 0, next = 0;
	int overflow = 0;
	todo[ntodo++] = root;
	while (next < ntodo) {
		pg_walk w;
		TSNode n;
		pg_walk_init(&w, todo[next++]);
		while (pg_walk_next(&w, &n)) {
			TSNode f, recv, targets[2];
			if (pg_nk_of(a, n) != PG_NK_CALL)
				continue;
			f = pg_unwrap(a, pg_field_of(a, n, PG_F_FUNCTION));
			targets[0] = pg_build_local_callee(m, f);
			targets[1] = (TSNode){{0, 0, 0, 0}, NULL, NULL};
			recv = pg_nk_of(a, f) == PG_NK_MEMBER ? pg_unwrap(a, pg_field_of(a, f, PG_F_OBJECT)) : f;
			if (pg_nk_of(a, f) == PG_NK_MEMBER &&
			    (pg_nk_of(a, recv) == PG_NK_THIS ||
			     (pg_nk_of(a, recv) == PG_NK_IDENTIFIER && pg_scope_is_this_alias(m, recv)))) {
				uint32_t len;
				const char *name = pg_text(a, pg_field_of(a, f, PG_F_PROPERTY), &len);
				targets[1] = pg_scope_class_member(a, n, name, len);
			}
			for (int k = 0; k < 2; k++) {
				int known = ts_node_is_null(targets[k]);
				for (size_t i = 0; !known && i < ndone; i++)
					known |= ts_node_eq(done[i], targets[k]);
				if (known)
					continue;
				if (ndone == PG_MAX_KEYED_HELPERS) {
					overflow = 1;
					continue;
				}
				uint32_t bl;
				const char *bytes = pg_text(a, targets[k], &bl);
				done[ndone++] = targets[k];
				put_bytes(out, bytes, bl);
				todo[ntodo++] = targets[k];
			}
		}
		pg_walk_done(&w);
	}
	put_u64(out, ndone);
	/* more helpers than are keyed one by one: the whole file keys the unit, never a stale result */
	if (overflow)
		put_bytes(out, a->src, a->len);
}

void pg_analyser_unit_facts(const pg_module *m, size_t unit, pg_buf *out)
{
	const pg_unit_info *u = &m->units[unit];
	uint32_t len;
	const char *bytes = pg_text(&m->ast, u->node, &len);
	put_str(out, u->name);
	put_bytes(out, bytes, len);
	put_helpers(out, m, u->node);
}

/* ---- the other files looked at ------------------------------------------------- */

void pg_analyser_deps_reset(pg_analyser *a)
{
	pg_modules_log_reset(a->an.ms);
}

size_t pg_analyser_deps_count(const pg_analyser *a)
{
	return pg_modules_log_count(a->an.ms);
}

void pg_analyser_dep_at(const pg_analyser *a, size_t i, const char **path, uint64_t *hash)
{
	pg_modules_log_at(a->an.ms, i, path, hash);
}

/* ---- all at once ----------------------------------------------------------------- */

int pg_analyser_check(pg_analyser *a, const char *path, const char *data, size_t len, pg_findings *out,
                      pg_units *units)
{
	pg_lang lang = pg_lang_from_path(path);
	pg_module *m = NULL;
	int rc;
	if (lang == PG_LANG_NONE)
		return pg_error_set(PG_EINVALID, "%s: not a JavaScript or TypeScript file", path);
	if (!pg_may_acquire(a->an.cfg, data, len))
		return PG_OK;
	if ((rc = pg_analyser_parse(a, path, lang, data, len, &m)) < 0)
		return rc;
	for (size_t u = 0; u < m->nunits && rc == PG_OK; u++)
		if (pg_module_unit_has_sites(m, u))
			rc = pg_analyser_check_unit(a, m, u, out);
	if (rc == PG_OK && units)
		pg_analyser_units(m, units);
	pg_analyser_done(a, m);
	return rc;
}
