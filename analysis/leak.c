/*
 * leak.c - finds the acquisitions of a module and decides, for each, whether
 * every path releases the client (semantics §1-§5).
 *
 * For every unit, its own calls `R.connect(...)` (not those of nested
 * functions, which are units of their own) are candidates.  A candidate is
 * an acquisition when R is proven a pool (same file, through a relative
 * import, or configured) or when the acquired value is used as a pool
 * client.  A `this.connect()` (or `self.connect()`, `db.connect()`) that
 * names a function of the code's own is judged by that function instead
 * (v2 §4): a client it stores in the instance is not the caller's, a fresh
 * checkout it returns is.  Its form (awaited into a variable, possibly as one branch of
 * `?:`, `||`, `&&` or `??`, destructured, a promise
 * chain, a callback, or discarded) decides the scope whose graph is built
 * and searched.  What leaks becomes a finding with its witness exit, a
 * message, the leaking path in words and a fix.
 */
#include "leak.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_SUMMARY_DEPTH 4
/* Bytes of function body walked for all the checkouts of one function together. */
#define PG_MAX_UNIT_WORK (4u * 1024 * 1024)

static void track_free(pg_track *t)
{
	pg_scope_set_free(&t->names);
	pg_scope_set_free(&t->release_fns);
	for (int i = 0; i < t->nflags; i++)
		free(t->flags[i]);
	memset(t, 0, sizeof(*t));
}

/* ---- small tree helpers ------------------------------------------------- */

/* The identifier a parameter binds (x, x = 1, x: T, x?: T); null node for patterns. */
static TSNode param_name(const pg_ast *a, TSNode p)
{
	TSNode null = {{0, 0, 0, 0}, NULL, NULL};
	for (int i = 0; i < 4; i++) {
		switch (pg_nk_of(a, p)) {
		case PG_NK_IDENTIFIER:
			return p;
		case PG_NK_REQUIRED_PARAMETER:
		case PG_NK_OPTIONAL_PARAMETER:
			p = pg_field_of(a, p, PG_F_PATTERN);
			break;
		case PG_NK_ASSIGNMENT_PATTERN:
			p = pg_field_of(a, p, PG_F_LEFT);
			break;
		default:
			return null;
		}
	}
	return null;
}

/* The formal parameter nodes of a function (identifier or pattern), in order. */
static uint32_t fn_params(const pg_ast *a, TSNode fn, TSNode *out, uint32_t max)
{
	TSNode ps = pg_field_of(a, fn, PG_F_PARAMETERS);
	uint32_t n = 0;
	if (ts_node_is_null(ps)) {
		TSNode one = pg_field_of(a, fn, PG_F_PARAMETER);
		if (!ts_node_is_null(one) && max)
			out[n++] = one;
		return n;
	}
	uint32_t nc = ts_node_named_child_count(ps);
	for (uint32_t i = 0; i < nc && n < max; i++) {
		TSNode p = ts_node_named_child(ps, i);
		pg_nk k = pg_nk_of(a, p);
		if (k == PG_NK_COMMENT || k == PG_NK_DECORATOR)
			continue;
		out[n++] = p;
	}
	return n;
}

/* Pre-order over the unit's own code: nested functions and classes are other units. */
static int unit_walk_next(pg_walk *w, const pg_ast *a, TSNode root, TSNode *out)
{
	if (!pg_walk_next(w, out))
		return 0;
	pg_nk k = pg_nk_of(a, *out);
	if (!ts_node_eq(*out, root) && (pg_nk_is_function(k) || k == PG_NK_CLASS || k == PG_NK_CLASS_DECLARATION))
		pg_walk_skip(w);
	return 1;
}

/* Is the variable `id` refers to declared by the unit's own code (not an outer function's, not a global)? */
static int declared_here(const pg_module *m, const pg_unit_info *u, TSNode id)
{
	int32_t b = pg_scope_resolve(m, id);
	return b != PG_NO_BINDING && ts_node_eq(pg_scope_owner(m, b), u->node);
}

/* ---- semantics v2 §8: clients kept for the module's lifetime ---------------- */

static int exported_local(const pg_module *m, TSNode name)
{
	for (size_t i = 0; i < m->nexports; i++)
		if (m->exports[i].local && !m->exports[i].spec && pg_text_is(&m->ast, name, m->exports[i].local))
			return 1;
	return 0;
}

/* Does the top-level statement export what it declares (`export ...`, a declaration
 * exported by name elsewhere, `module.exports = ...`, `exports.x = ...`)? */
static int exported_statement(const pg_module *m, TSNode stmt)
{
	const pg_ast *a = &m->ast;
	pg_nk k = pg_nk_of(a, stmt);
	switch (k) {
	case PG_NK_EXPORT:
		return 1;
	case PG_NK_EXPRESSION_STATEMENT: {
		TSNode e = ts_node_named_child_count(stmt) ? pg_unwrap(a, ts_node_named_child(stmt, 0)) : stmt;
		uint32_t len;
		const char *t;
		if (pg_nk_of(a, e) != PG_NK_ASSIGNMENT)
			return 0;
		t = pg_text(a, pg_field_of(a, e, PG_F_LEFT), &len);
		return (len >= 14 && !memcmp(t, "module.exports", 14)) || (len > 8 && !memcmp(t, "exports.", 8));
	}
	case PG_NK_LEXICAL_DECLARATION:
	case PG_NK_VARIABLE_DECLARATION: {
		uint32_t nc = ts_node_named_child_count(stmt);
		for (uint32_t i = 0; i < nc; i++) {
			TSNode d = ts_node_named_child(stmt, i);
			if (pg_nk_of(a, d) == PG_NK_VARIABLE_DECLARATOR && exported_local(m, pg_field_of(a, d, PG_F_NAME)))
				return 1;
		}
		return 0;
	}
	case PG_NK_FUNCTION_DECLARATION:
	case PG_NK_GENERATOR_DECLARATION:
	case PG_NK_CLASS_DECLARATION:
	case PG_NK_ABSTRACT_CLASS:
		return exported_local(m, pg_field_of(a, stmt, PG_F_NAME));
	default:
		return 0;
	}
}

/*
 * A client held in a module-level variable is the module's (no finding) when
 * the variable itself is exported (`export const client = await
 * pool.connect()`, `export { client }`: importers share it), or when an
 * exported function (or a method of an exported class) other than the one
 * that acquires it reads that variable.  Every read of the variable is
 * looked at: one walk of the file, only for such checkouts.
 */
static int kept_by_module(const pg_module *m, const pg_unit_info *u, TSNode id)
{
	const pg_ast *a = &m->ast;
	TSNode root = ts_tree_root_node(a->tree), n;
	int32_t b = pg_scope_resolve(m, id);
	uint32_t len;
	const char *name = pg_text(a, id, &len);
	pg_walk w;
	int kept = exported_local(m, id);
	pg_walk_init(&w, root);
	while (!kept && pg_walk_next(&w, &n)) {
		pg_nk k = pg_nk_of(a, n);
		uint32_t at = ts_node_start_byte(n), l, inside = 0;
		const char *t;
		TSNode p, stmt;
		if (k != PG_NK_IDENTIFIER && k != PG_NK_SHORTHAND_PROPERTY)
			continue;
		t = pg_text(a, n, &l);
		if (l != len || memcmp(t, name, len) || pg_scope_resolve(m, n) != b)
			continue;
		p = ts_node_parent(n);
		if (pg_nk_of(a, p) == PG_NK_ASSIGNMENT && ts_node_eq(pg_field_of(a, p, PG_F_LEFT), n))
			continue; /* a write, not a use */
		if (u->parent >= 0 && at >= ts_node_start_byte(u->node) && at < ts_node_end_byte(u->node))
			continue; /* the acquiring function itself */
		for (size_t i = 1; i < m->nunits && !inside; i++)
			inside = at >= ts_node_start_byte(m->units[i].node) && at < ts_node_end_byte(m->units[i].node);
		if (!inside)
			continue; /* top-level code runs once: not a capture */
		stmt = ts_node_first_named_child_for_byte(root, at);
		kept = !ts_node_is_null(stmt) && exported_statement(m, stmt);
	}
	pg_walk_done(&w);
	return kept;
}

/* ---- §1: is the receiver a pool? ----------------------------------------- */

/* Item 7: a TypeScript type naming pg's Pool (`Pool`, `PgPool` from `Pool as
 * PgPool`, `pg.Pool` through a namespace or default import of a pg package). */
static int type_is_pg_pool(const pg_module *m, TSNode ty)
{
	const pg_ast *a = &m->ast;
	const pg_import *imp;
	uint32_t l;
	const char *t;
	if (ts_node_is_null(ty))
		return 0;
	if (!strcmp(ts_node_type(ty), "type_annotation"))
		ty = ts_node_named_child(ty, 0);
	if (ts_node_is_null(ty))
		return 0;
	if (!strcmp(ts_node_type(ty), "nested_type_identifier")) {
		TSNode mod = ts_node_child_by_field_name(ty, "module", 6);
		TSNode name = ts_node_child_by_field_name(ty, "name", 4);
		if (ts_node_is_null(mod) || ts_node_is_null(name))
			return 0;
		t = pg_text(a, name, &l);
		if (l != 4 || memcmp(t, "Pool", 4))
			return 0;
		t = pg_text(a, mod, &l);
		imp = pg_module_import(m, t, l);
		return imp && pg_is_pg_package(imp->spec) &&
		       (!strcmp(imp->imported, "*") || !strcmp(imp->imported, "default") ||
		        !strcmp(imp->imported, "="));
	}
	if (pg_nk_of(a, ty) != PG_NK_TYPE_IDENTIFIER)
		return 0;
	t = pg_text(a, ty, &l);
	imp = pg_module_import(m, t, l);
	return imp && pg_is_pg_package(imp->spec) && !strcmp(imp->imported, "Pool");
}

/* Issue 9 item 7: the variable `id` refers to (a parameter, `const db: Pool = ...`,
 * `let p: pg.Pool`) is declared with pg's Pool as its type. */
static int typed_pool(const pg_module *m, TSNode id)
{
	const pg_ast *a = &m->ast;
	int32_t b = pg_scope_resolve(m, id);
	TSNode decl, p;
	pg_nk k;
	if (b == PG_NO_BINDING)
		return 0;
	decl = pg_scope_decl(m, b);
	p = ts_node_parent(decl);
	k = pg_nk_of(a, p);
	if (k == PG_NK_VARIABLE_DECLARATOR ? !ts_node_eq(pg_field_of(a, p, PG_F_NAME), decl)
	    : k == PG_NK_REQUIRED_PARAMETER || k == PG_NK_OPTIONAL_PARAMETER ? !ts_node_eq(pg_field_of(a, p, PG_F_PATTERN), decl)
	    : 1)
		return 0;
	return type_is_pg_pool(m, ts_node_child_by_field_name(p, "type", 4));
}

/* A variable proven a pool: bound to `new Pool()` here, typed Pool, or imported from a module exporting one. */
static int identifier_proven(pg_analysis *an, const pg_module *m, TSNode id)
{
	const pg_import *imp;
	if (pg_module_is_pool_var(m, id) || typed_pool(m, id))
		return 1;
	imp = pg_module_import_of(m, id);
	return imp && pg_modules_import_is_pool(an->ms, m, imp, NULL);
}

/* `this.X` (or `this.#X`): the class sets it to `new Pool()`, declares it with
 * pg's Pool as its type (a field or a constructor parameter property), or
 * assigns it a variable proven a pool (`this.pool = pool`). */
static int field_proven(pg_analysis *an, const pg_module *m, const char *name, uint32_t len)
{
	if (pg_strlist_has_n(&m->pool_fields, name, len))
		return 1;
	for (size_t i = 0; i < m->nfield_cands; i++) {
		const pg_field_cand *c = &m->field_cands[i];
		if (strlen(c->name) != len || memcmp(c->name, name, len))
			continue;
		if (c->is_type ? type_is_pg_pool(m, c->value) : identifier_proven(an, m, c->value))
			return 1;
	}
	return 0;
}

static int receiver_proven(pg_analysis *an, pg_module *m, TSNode recv)
{
	const pg_ast *a = &m->ast;
	uint32_t len;
	const char *t = pg_text(a, recv, &len);
	if (pg_strlist_has_n(&an->cfg->pools, t, len))
		return 1;
	switch (pg_nk_of(a, recv)) {
	case PG_NK_IDENTIFIER:
		return identifier_proven(an, m, recv);
	case PG_NK_MEMBER: {
		TSNode obj = pg_unwrap(a, pg_field_of(a, recv, PG_F_OBJECT));
		TSNode prop = pg_field_of(a, recv, PG_F_PROPERTY);
		const char *pt = pg_text(a, prop, &len);
		if (pg_nk_of(a, obj) == PG_NK_THIS)
			return field_proven(an, m, pt, len);
		if (pg_nk_of(a, obj) == PG_NK_IDENTIFIER) {
			const pg_import *imp = pg_module_import_of(m, obj);
			if (imp) {
				char *member = pg_xstrndup(pt, len);
				int yes = pg_modules_import_is_pool(an->ms, m, imp, member);
				free(member);
				return yes;
			}
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* §1.3: the acquired value is used as a pool client within `root`. */
static int used_as_client(pg_analysis *an, pg_module *m, TSNode root, const pg_track *t)
{
	const pg_ast *a = &m->ast;
	pg_walk w;
	TSNode n;
	int found = 0;
	pg_walk_init(&w, root);
	while (!found && pg_walk_next(&w, &n)) {
		pg_nk k = pg_nk_of(a, n);
		if (k == PG_NK_MEMBER) {
			TSNode obj = pg_unwrap(a, pg_field_of(a, n, PG_F_OBJECT));
			TSNode prop = pg_field_of(a, n, PG_F_PROPERTY);
			uint32_t pl;
			const char *pt = pg_text(a, prop, &pl);
			found = pg_nk_of(a, obj) == PG_NK_IDENTIFIER && pg_scope_set_has(m, &t->names, obj) &&
			        ((pl == 5 && !memcmp(pt, "query", 5)) || (pl == 3 && !memcmp(pt, "sql", 3)) ||
			         pg_strlist_has_n(&an->cfg->release, pt, pl));
		} else if (k == PG_NK_CALL) {
			TSNode f = pg_unwrap(a, pg_field_of(a, n, PG_F_FUNCTION));
			found = pg_nk_of(a, f) == PG_NK_IDENTIFIER && pg_scope_set_has(m, &t->release_fns, f);
		}
	}
	pg_walk_done(&w);
	return found;
}

/* ---- v2 §4: a `connect` that is the code's own method ------------------- */

typedef enum { OWN_NONE = 0, OWN_FRESH, OWN_STORED, OWN_OTHER } own_kind;

static void push_text(pg_strlist *l, const pg_ast *a, TSNode n)
{
	char *s = pg_text_dup(a, n, 0);
	if (!pg_strlist_has(l, s))
		pg_strlist_push(l, s);
	free(s);
}

/* Is `v` (await looked through) a checkout: `R.connect()` with any ?:, ||, .catch around it? */
static int is_checkout_value(const pg_analysis *an, const pg_ast *a, TSNode v)
{
	pg_walk w;
	TSNode n;
	int found = 0;
	v = pg_unwrap(a, v);
	pg_walk_init(&w, v);
	while (!found && unit_walk_next(&w, a, v, &n)) {
		TSNode f;
		uint32_t l;
		const char *t;
		int awaited;
		if (pg_nk_of(a, n) != PG_NK_CALL)
			continue;
		f = pg_unwrap(a, pg_field_of(a, n, PG_F_FUNCTION));
		if (pg_nk_of(a, f) != PG_NK_MEMBER)
			continue;
		t = pg_text(a, pg_field_of(a, f, PG_F_PROPERTY), &l);
		found = pg_strlist_has_n(&an->cfg->acquire, t, l) && ts_node_eq(pg_acq_top(a, n, &awaited), v);
	}
	pg_walk_done(&w);
	return found;
}

/*
 * How a `connect` of the code's own hands out its client: stored in the
 * instance and returned (`this.client = await pool.connect(); return
 * this.client`): the instance owns it; a fresh checkout returned (`return
 * pool.connect()`, or a local holding one): the caller owns it; anything
 * else: no client for the caller.
 */
static own_kind judge_own_connect(const pg_analysis *an, const pg_ast *a, TSNode fn)
{
	TSNode body = pg_field_of(a, fn, PG_F_BODY), n;
	pg_strlist stored = {0}, props = {0}, fresh = {0};
	pg_walk w;
	int st = 0, fr = 0;
	if (ts_node_is_null(body))
		return OWN_OTHER;
	if (pg_nk_of(a, body) != PG_NK_STATEMENT_BLOCK)
		return is_checkout_value(an, a, body) ? OWN_FRESH : OWN_OTHER;
	/* what is stored into the instance, and which locals hold a checkout */
	pg_walk_init(&w, body);
	while (unit_walk_next(&w, a, body, &n)) {
		pg_nk k = pg_nk_of(a, n);
		TSNode l = pg_field_of(a, n, k == PG_NK_ASSIGNMENT ? PG_F_LEFT : PG_F_NAME);
		TSNode r = pg_field_of(a, n, k == PG_NK_ASSIGNMENT ? PG_F_RIGHT : PG_F_VALUE);
		if ((k != PG_NK_ASSIGNMENT && k != PG_NK_VARIABLE_DECLARATOR) || ts_node_is_null(r))
			continue;
		if (pg_nk_of(a, l) == PG_NK_MEMBER && pg_nk_of(a, pg_unwrap(a, pg_field_of(a, l, PG_F_OBJECT))) == PG_NK_THIS) {
			push_text(&props, a, pg_field_of(a, l, PG_F_PROPERTY));
			if (pg_nk_of(a, pg_unwrap(a, r)) == PG_NK_IDENTIFIER)
				push_text(&stored, a, pg_unwrap(a, r));
		} else if (pg_nk_of(a, l) == PG_NK_IDENTIFIER && is_checkout_value(an, a, r)) {
			push_text(&fresh, a, l);
		}
	}
	pg_walk_done(&w);
	pg_walk_init(&w, body);
	while (unit_walk_next(&w, a, body, &n)) {
		TSNode v;
		uint32_t len;
		const char *t;
		if (pg_nk_of(a, n) != PG_NK_RETURN || !ts_node_named_child_count(n))
			continue;
		v = pg_unwrap(a, ts_node_named_child(n, 0));
		if (pg_nk_of(a, v) == PG_NK_AWAIT && ts_node_named_child_count(v))
			v = pg_unwrap(a, ts_node_named_child(v, 0));
		if (pg_nk_of(a, v) == PG_NK_MEMBER && pg_nk_of(a, pg_unwrap(a, pg_field_of(a, v, PG_F_OBJECT))) == PG_NK_THIS) {
			t = pg_text(a, pg_field_of(a, v, PG_F_PROPERTY), &len);
			st |= pg_strlist_has_n(&props, t, len);
		} else if (pg_nk_of(a, v) == PG_NK_IDENTIFIER) {
			t = pg_text(a, v, &len);
			st |= pg_strlist_has_n(&stored, t, len);
			fr |= !pg_strlist_has_n(&stored, t, len) && pg_strlist_has_n(&fresh, t, len);
		} else {
			fr |= is_checkout_value(an, a, v);
		}
	}
	pg_walk_done(&w);
	pg_strlist_free(&stored);
	pg_strlist_free(&props);
	pg_strlist_free(&fresh);
	return st ? OWN_STORED : fr ? OWN_FRESH : OWN_OTHER;
}

/* `this.connect()`, `self.connect()`, `db.connect()` that names a function of this file, judged by it. */
static own_kind own_connect(pg_analysis *an, pg_module *m, TSNode call, TSNode recv)
{
	const pg_ast *a = &m->ast;
	TSNode fn = pg_unwrap(a, pg_field_of(a, call, PG_F_FUNCTION)), target = {{0, 0, 0, 0}, NULL, NULL};
	TSNode prop = pg_field_of(a, fn, PG_F_PROPERTY);
	pg_module *where = m;
	uint32_t len;
	const char *name = pg_text(a, prop, &len);
	if (pg_nk_of(a, recv) == PG_NK_THIS || (pg_nk_of(a, recv) == PG_NK_IDENTIFIER && pg_scope_is_this_alias(m, recv))) {
		target = pg_scope_class_member(a, call, name, len);
	} else if (pg_nk_of(a, recv) == PG_NK_IDENTIFIER && (pg_module_import_of(m, recv) || pg_scope_is_top_level(m, recv))) {
		uint32_t rl;
		const char *rt = pg_text(a, recv, &rl);
		char *path = pg_xasprintf("%.*s.%.*s", (int)rl, rt, (int)len, name);
		const pg_named_fn *nf = pg_modules_path_fn(an->ms, m, path, &where);
		free(path);
		if (nf && where)
			target = nf->node;
	}
	if (ts_node_is_null(target) || !pg_nk_is_function(pg_nk_of(&where->ast, target)))
		return OWN_NONE;
	return judge_own_connect(an, &where->ast, target);
}

/* ---- §4: helper summaries ------------------------------------------------- */

/* Is `n` (a return's value, await looked through) the identifier `id`? */
static int is_same_name(const pg_ast *a, TSNode n, TSNode id)
{
	uint32_t l1, l2;
	const char *t1, *t2;
	n = pg_unwrap(a, n);
	if (pg_nk_of(a, n) == PG_NK_AWAIT && ts_node_named_child_count(n))
		n = pg_unwrap(a, ts_node_named_child(n, 0));
	if (pg_nk_of(a, n) != PG_NK_IDENTIFIER)
		return 0;
	t1 = pg_text(a, n, &l1);
	t2 = pg_text(a, id, &l2);
	return l1 == l2 && !memcmp(t1, t2, l1);
}

int pg_fn_returns_param(const pg_ast *a, TSNode fn, uint32_t param)
{
	TSNode ps[32], id, body = pg_field_of(a, fn, PG_F_BODY), n;
	pg_walk w;
	int found = 0;
	if (param >= fn_params(a, fn, ps, 32) || ts_node_is_null(body))
		return 0;
	id = param_name(a, ps[param]);
	if (ts_node_is_null(id))
		return 0;
	if (pg_nk_of(a, body) != PG_NK_STATEMENT_BLOCK)
		return is_same_name(a, body, id);
	pg_walk_init(&w, body);
	while (!found && unit_walk_next(&w, a, body, &n))
		found = pg_nk_of(a, n) == PG_NK_RETURN && ts_node_named_child_count(n) &&
		        is_same_name(a, ts_node_named_child(n, 0), id);
	pg_walk_done(&w);
	return found;
}

pg_summary pg_helper_summary(pg_analysis *an, pg_module *m, TSNode fn, uint32_t param, uint32_t release_mask)
{
	const pg_ast *a = &m->ast;
	TSNode ps[32], id;
	uint32_t np;
	char *key;
	pg_summary_memo *memo = NULL;
	pg_track t;
	pg_cfg g;
	pg_search_result r;
	pg_summary sum = PG_SUM_UNKNOWN;
	int rc;

	if (!pg_nk_is_function(pg_nk_of(a, fn)) || ts_node_is_null(pg_field_of(a, fn, PG_F_BODY)))
		return PG_SUM_UNKNOWN;
	np = fn_params(a, fn, ps, 32);
	memset(&t, 0, sizeof(t));
	if (param != UINT32_MAX) {
		id = param >= np ? (TSNode){0} : param_name(a, ps[param]);
		if (ts_node_is_null(id))
			return PG_SUM_UNKNOWN;
		pg_scope_set_add(m, &t.names, id);
	}
	/* the parameters that receive the release function release it when called */
	for (uint32_t i = 0; i < np && i < 32; i++)
		if (release_mask & (1u << i) && !ts_node_is_null(param_name(a, ps[i])))
			pg_scope_set_add(m, &t.release_fns, param_name(a, ps[i]));
	if (!t.names.text.len && !t.release_fns.text.len) {
		track_free(&t);
		return PG_SUM_UNKNOWN;
	}

	key = pg_xasprintf("@%u", ts_node_start_byte(fn));
	for (size_t i = 0; i < m->nmemo; i++)
		if (m->memo[i].param == param && m->memo[i].release_mask == release_mask && !strcmp(m->memo[i].fn, key))
			memo = &m->memo[i];
	if (memo || an->summary_depth >= PG_MAX_SUMMARY_DEPTH) {
		sum = memo ? memo->sum : PG_SUM_UNKNOWN;
		free(key);
		track_free(&t);
		return sum;
	}
	PG_GROW(m->memo, m->cmemo, m->nmemo + 1);
	m->memo[m->nmemo++] = (pg_summary_memo){key, param, release_mask, PG_SUM_BUSY};

	an->summary_depth++;
	rc = pg_build(an, m, PG_SCOPE_SUMMARY, fn, &t, -1, &g);
	if (rc == PG_OK && pg_cfg_search(&g, &r) == PG_OK)
		sum = !r.leaks ? PG_SUM_ALL : r.released_some ? PG_SUM_SOME : PG_SUM_NONE;
	an->summary_depth--;
	pg_cfg_free(&g);
	track_free(&t);

	/* the memo array may have moved while summarising nested helpers */
	for (size_t i = 0; i < m->nmemo; i++)
		if (m->memo[i].param == param && m->memo[i].release_mask == release_mask && !strcmp(m->memo[i].fn, key))
			m->memo[i].sum = sum;
	return sum;
}

/* ---- findings ------------------------------------------------------------ */

/* Is the line (1-based) marked to be ignored, on itself or the line before? */
static int suppressed(const pg_module *m, uint32_t line)
{
	const char *s = m->src.data, *end = s + m->src.len;
	const char *prev = NULL, *cur = s;
	uint32_t l = 1;
	while (l < line && cur < end) {
		const char *nl = memchr(cur, '\n', (size_t)(end - cur));
		if (!nl)
			return 0;
		prev = cur;
		cur = nl + 1;
		l++;
	}
	const char *cur_end = memchr(cur, '\n', (size_t)(end - cur));
	if (!cur_end)
		cur_end = end;
	for (const char *p = cur; p + 13 <= cur_end; p++)
		if (!memcmp(p, "pgleak-ignore", 13))
			return 1;
	if (prev)
		for (const char *p = prev; p + 23 <= cur; p++)
			if (!memcmp(p, "pgleak-ignore-next-line", 23))
				return 1;
	return 0;
}

typedef enum { FORM_VAR, FORM_DESTRUCTURED, FORM_CHAIN, FORM_CALLBACK, FORM_DISCARDED } acq_form;

static int count_queries(pg_module *m, TSNode root, const pg_track *t)
{
	const pg_ast *a = &m->ast;
	pg_walk w;
	TSNode n;
	int count = 0;
	pg_walk_init(&w, root);
	while (unit_walk_next(&w, a, root, &n)) {
		if (pg_nk_of(a, n) != PG_NK_CALL)
			continue;
		TSNode f = pg_unwrap(a, pg_field_of(a, n, PG_F_FUNCTION));
		if (pg_nk_of(a, f) == PG_NK_MEMBER && pg_text_is(a, pg_field_of(a, f, PG_F_PROPERTY), "query")) {
			TSNode obj = pg_unwrap(a, pg_field_of(a, f, PG_F_OBJECT));
			if (pg_nk_of(a, obj) == PG_NK_IDENTIFIER && pg_scope_set_has(m, &t->names, obj))
				count++;
		} else if (pg_nk_of(a, f) == PG_NK_IDENTIFIER && pg_text_is(a, f, "query")) {
			count++;
		}
	}
	pg_walk_done(&w);
	return count;
}

static void add_finding(pg_analysis *an, pg_module *m, const pg_unit_info *u, TSNode call, TSNode recv,
                        uint32_t order, pg_kind kind, const pg_search_result *r, acq_form form,
                        int queries, pg_findings *out)
{
	const pg_ast *a = &m->ast;
	TSNode fn = pg_unwrap(a, pg_field_of(a, call, PG_F_FUNCTION));
	TSNode tok = pg_field_of(a, fn, PG_F_PROPERTY);
	char *rtext = pg_text_dup(a, recv, 40);
	const char *what = form == FORM_DESTRUCTURED ? "release()" : "client.release()";
	pg_finding f;
	pg_buf msg = PG_BUF_INIT, path = PG_BUF_INIT, hint = PG_BUF_INIT;
	(void)an;

	memset(&f, 0, sizeof(f));
	f.line = pg_line(tok);
	f.column = pg_col(tok);
	if (suppressed(m, f.line)) {
		free(rtext);
		return;
	}
	f.path = m->path;
	f.kind = kind;
	f.function = u->name;
	f.order = order;
	f.fn_line = u->line;
	f.fn_end = u->end;
	f.introduced = -1;

	switch (kind) {
	case PG_KIND_DISCARDED:
		pg_buf_printf(&msg, "the client checked out of `%s` is thrown away and never released", rtext);
		pg_buf_printf(&path, "every call leaks one pool connection (the result of %s.connect() is not kept)", rtext);
		pg_buf_printf(&hint, "to check that the database answers, use `await %s.query('SELECT 1')`, which "
		              "releases by itself; or keep the client and release it: "
		              "`const client = await %s.connect(); client.release();`", rtext, rtext);
		f.via = PG_VIA_END;
		f.exit_line = u->end;
		break;
	case PG_KIND_NEVER_RELEASED:
	case PG_KIND_NOT_GUARANTEED:
		if (kind == PG_KIND_NEVER_RELEASED)
			pg_buf_printf(&msg, "the client checked out of `%s` is never released", rtext);
		else
			pg_buf_printf(&msg, "the client checked out of `%s` is not released on every path", rtext);
		f.via = pg_edge_exit(r->via);
		f.exit_line = r->exit_line;
		if (r->lost)
			pg_buf_printf(&path, "leaks when line %u checks out or assigns another client while this one is "
			              "still held (a checkout in a loop must be released in the same iteration)",
			              r->lost_line);
		else if (r->via == PG_EDGE_VIA_RETURN)
			pg_buf_printf(&path, "leaks when the function returns at line %u", r->exit_line);
		else if (r->via == PG_EDGE_VIA_THROW)
			pg_buf_printf(&path, "leaks when the throw at line %u is reached", r->exit_line);
		else if (r->via == PG_EDGE_VIA_EXCEPTION)
			pg_buf_printf(&path, "leaks when %s at line %u %s", r->raise == RAISE_QUERY ? "the query"
			              : r->raise == RAISE_AWAIT ? "the awaited promise" : r->raise == RAISE_NEW ? "the constructor"
			              : "the call", r->exit_line, r->raise == RAISE_AWAIT ? "rejects" : "throws");
		else
			pg_buf_printf(&path, "leaks when the %s ends at line %u", form == FORM_CHAIN ? "promise chain" :
			              form == FORM_CALLBACK ? "callback" : u->parent < 0 ? "module" : "function", r->exit_line);
		if (form == FORM_CALLBACK)
			pg_buf_printf(&hint, "call `done()` (or `client.release()`) on every path of the callback, "
			              "including the query's error branch");
		else if (form == FORM_CHAIN)
			pg_buf_printf(&hint, "release in a `.finally(() => client.release())` on the chain, or use "
			              "`const client = await %s.connect(); try { ... } finally { client.release(); }`", rtext);
		else
			pg_buf_printf(&hint, "put the code after the checkout in `try { ... } finally { %s; }`", what);
		if (queries == 1 && form != FORM_CALLBACK)
			pg_buf_printf(&hint, "; the client runs one query: `%s.query(...)` checks out and releases by itself",
			              rtext);
		break;
	}
	f.message = msg.data;
	f.path_text = path.data;
	f.hint = hint.data;
	pg_findings_push_copy(out, &f);
	pg_buf_free(&msg);
	pg_buf_free(&path);
	pg_buf_free(&hint);
	free(rtext);
}

static void notice(pg_analysis *an, const pg_module *m, const pg_unit_info *u, TSNode call)
{
	pg_buf_printf(&an->notices, "%s:%u: %s: not analysed: %s\n", m->path, pg_line(call), u->name,
	              pg_error_last());
}

/* ---- one acquisition ------------------------------------------------------ */

static int is_fn(const pg_ast *a, TSNode n)
{
	return pg_nk_is_function(pg_nk_of(a, pg_unwrap(a, n)));
}

/*
 * The chain call above `n`, if `n` is the object of `.then(...)`, `.catch(...)`
 * or `.finally(...)`: its method (0 then, 1 catch, 2 finally) and first
 * argument; a null node otherwise.
 */
static TSNode chain_link_above(const pg_ast *a, TSNode n, int *method, TSNode *first_arg)
{
	TSNode null = {{0, 0, 0, 0}, NULL, NULL};
	TSNode child, p = pg_unwrap_up(a, n, &child), gp, args, prop;
	if (pg_nk_of(a, p) != PG_NK_MEMBER || !ts_node_eq(pg_field_of(a, p, PG_F_OBJECT), child))
		return null;
	prop = pg_field_of(a, p, PG_F_PROPERTY);
	*method = pg_text_is(a, prop, "then") ? 0 : pg_text_is(a, prop, "catch") ? 1 : pg_text_is(a, prop, "finally") ? 2 : -1;
	gp = ts_node_parent(p);
	if (*method < 0 || pg_nk_of(a, gp) != PG_NK_CALL || !ts_node_eq(pg_field_of(a, gp, PG_F_FUNCTION), p))
		return null;
	args = pg_field_of(a, gp, PG_F_ARGUMENTS);
	*first_arg = ts_node_named_child_count(args) ? ts_node_named_child(args, 0) : null;
	return gp;
}

/*
 * `pool.connect().catch(...)` and `.finally(...)` hand the client through:
 * returns the outermost such call above the checkout, and in *then_handler
 * the handler of a `.then` that follows them (a null node when none does).
 */
static TSNode through_passthrough(const pg_ast *a, TSNode call, TSNode *then_handler, int *has_then)
{
	TSNode outer = call, arg = call;
	int method;
	*has_then = 0;
	for (int i = 0; i < 64; i++) {
		TSNode link = chain_link_above(a, outer, &method, &arg);
		if (ts_node_is_null(link))
			break;
		if (method == 0) {
			*has_then = 1;
			*then_handler = arg;
			break;
		}
		outer = link;
	}
	return outer;
}

static int analyse(pg_analysis *an, pg_module *m, const pg_unit_info *u, TSNode call, uint32_t *order,
                   pg_findings *out)
{
	const pg_ast *a = &m->ast;
	TSNode fn = pg_unwrap(a, pg_field_of(a, call, PG_F_FUNCTION));
	TSNode recv = pg_unwrap(a, pg_field_of(a, fn, PG_F_OBJECT));
	TSNode args = pg_field_of(a, call, PG_F_ARGUMENTS);
	uint32_t nargs = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
	TSNode last = nargs ? ts_node_named_child(args, nargs - 1) : args;
	TSNode scope = u->body, handler = args, ps[3];
	pg_track t;
	acq_form form;
	int proven = receiver_proven(an, m, recv), evidence = 0, has_then, err_flag = -1, rc = PG_OK;
	pg_cfg g;
	pg_search_result r;

	memset(&t, 0, sizeof(t));
	if (!proven && !(nargs && is_fn(a, last))) {
		/* the code's own connect (v2 §4): the caller owns only a fresh checkout it returns;
		 * with a callback, what the method returns says nothing of what the callback gets */
		own_kind own = own_connect(an, m, call, recv);
		if (own == OWN_STORED || own == OWN_OTHER)
			goto skip;
		proven = own == OWN_FRESH;
	}
	TSNode outer = through_passthrough(a, call, &handler, &has_then);
	if (has_then) {
		form = FORM_CHAIN;
		if (ts_node_is_null(handler) || !is_fn(a, handler))
			goto skip; /* a handler passed by name: not ours to follow */
		handler = pg_unwrap(a, handler);
		if (fn_params(a, handler, ps, 1) == 0) {
			form = FORM_DISCARDED;
		} else {
			TSNode id = param_name(a, ps[0]);
			if (ts_node_is_null(id))
				goto skip;
			pg_scope_set_add(m, &t.names, id);
			/* the scope is the whole chain: the outermost call of it */
			TSNode top = call, arg;
			int method;
			for (int i = 0; i < 64; i++) {
				TSNode link = chain_link_above(a, top, &method, &arg);
				if (ts_node_is_null(link))
					break;
				top = link;
			}
			scope = top;
		}
	} else if (nargs && is_fn(a, last)) {
		TSNode cb = pg_unwrap(a, last);
		uint32_t np = fn_params(a, cb, ps, 3);
		form = FORM_CALLBACK;
		if (np < 2 || ts_node_is_null(param_name(a, ps[1])))
			goto skip;
		pg_scope_set_add(m, &t.names, param_name(a, ps[1]));
		if (np >= 3 && !ts_node_is_null(param_name(a, ps[2])))
			pg_scope_set_add(m, &t.release_fns, param_name(a, ps[2]));
		if (!ts_node_is_null(param_name(a, ps[0]))) {
			t.flags[0] = pg_text_dup(a, param_name(a, ps[0]), 0);
			t.flag_bind[0] = pg_scope_resolve(m, param_name(a, ps[0]));
			t.nflags = 1;
			err_flag = 0;
		}
		scope = cb;
	} else {
		/* the checkout (with any .catch/.finally on it), awaited or not, maybe one branch of
		 * an expression (`held || await pool.connect()`), and what takes its value */
		int awaited;
		TSNode child2, q = pg_unwrap_up(a, pg_acq_top(a, outer, &awaited), &child2);
		if (pg_nk_of(a, q) == PG_NK_UNARY && pg_text_is(a, pg_field_of(a, q, PG_F_OPERATOR), "void"))
			q = pg_unwrap_up(a, q, &child2); /* void pool.connect(): thrown away on purpose, still lost */
		switch (pg_nk_of(a, q)) {
		case PG_NK_EXPRESSION_STATEMENT:
			form = FORM_DISCARDED;
			break;
		case PG_NK_VARIABLE_DECLARATOR: {
			TSNode name = pg_field_of(a, q, PG_F_NAME);
			if (!awaited || !ts_node_eq(pg_field_of(a, q, PG_F_VALUE), child2))
				goto skip;
			if (pg_nk_of(a, name) == PG_NK_IDENTIFIER) {
				if (u->parent < 0 && kept_by_module(m, u, name))
					goto skip; /* handed to the module's lifetime (v2 §8) */
				form = FORM_VAR;
				pg_scope_set_add(m, &t.names, name);
			} else if (pg_nk_of(a, name) == PG_NK_OBJECT_PATTERN) {
				uint32_t nc = ts_node_named_child_count(name);
				form = FORM_DESTRUCTURED;
				for (uint32_t i = 0; i < nc; i++) {
					TSNode pp = ts_node_named_child(name, i), key = pp, val = pp;
					if (pg_nk_of(a, pp) == PG_NK_PAIR_PATTERN) {
						key = pg_field_of(a, pp, PG_F_KEY);
						val = pg_field_of(a, pp, PG_F_VALUE);
					} else if (pg_nk_of(a, pp) != PG_NK_SHORTHAND_PATTERN) {
						continue;
					}
					if (pg_nk_of(a, val) != PG_NK_IDENTIFIER && pg_nk_of(a, val) != PG_NK_SHORTHAND_PATTERN)
						continue;
					uint32_t kl;
					const char *kt = pg_text(a, key, &kl);
					if (pg_strlist_has_n(&an->cfg->release, kt, kl)) {
						pg_scope_set_add(m, &t.release_fns, val);
						evidence = 1;
					} else if ((kl == 5 && !memcmp(kt, "query", 5)) || (kl == 3 && !memcmp(kt, "sql", 3))) {
						evidence = 1;
					}
				}
			} else {
				goto skip;
			}
			break;
		}
		case PG_NK_ASSIGNMENT: {
			TSNode left = pg_field_of(a, q, PG_F_LEFT);
			if (!awaited || !ts_node_eq(pg_field_of(a, q, PG_F_RIGHT), child2) || pg_nk_of(a, left) != PG_NK_IDENTIFIER)
				goto skip; /* stored into a property: handed over */
			if (!declared_here(m, u, left))
				goto skip; /* stored into an outer variable: handed over (§4) */
			if (u->parent < 0 && kept_by_module(m, u, left))
				goto skip; /* handed to the module's lifetime (v2 §8) */
			form = FORM_VAR;
			pg_scope_set_add(m, &t.names, left);
			break;
		}
		default:
			goto skip; /* returned, passed on, stored: handed over */
		}
		t.acquire = call;
	}

	if (!proven && form != FORM_DISCARDED)
		evidence = evidence || used_as_client(an, m, scope, &t);
	if (!proven && !evidence)
		goto skip;

	if (form == FORM_DISCARDED) {
		add_finding(an, m, u, call, recv, (*order)++, PG_KIND_DISCARDED, NULL, form, 0, out);
		track_free(&t);
		return PG_OK;
	}
	rc = pg_build(an, m, form == FORM_CHAIN ? PG_SCOPE_CHAIN : form == FORM_CALLBACK ? PG_SCOPE_CALLBACK : PG_SCOPE_BODY,
	              form == FORM_CHAIN ? call : form == FORM_CALLBACK ? pg_unwrap(a, last) : u->body, &t, err_flag, &g);
	if (rc == PG_OK)
		rc = pg_cfg_search(&g, &r);
	if (rc == PG_OK && r.leaks)
		add_finding(an, m, u, call, recv, *order, r.released_some ? PG_KIND_NOT_GUARANTEED : PG_KIND_NEVER_RELEASED,
		            &r, form, count_queries(m, scope, &t), out);
	else if (rc != PG_OK)
		notice(an, m, u, call);
	(*order)++;
	pg_cfg_free(&g);
	track_free(&t);
	return rc == PG_ELIMIT ? PG_OK : rc;
skip:
	track_free(&t);
	return PG_OK;
}

static int check_unit_here(pg_analysis *an, pg_module *m, size_t unit, pg_findings *out)
{
	/* sites are in source order, so counting them gives each acquisition its rank */
	const pg_unit_info *u = &m->units[unit];
	uint64_t size = ts_node_end_byte(u->body) - ts_node_start_byte(u->body), work = 0;
	uint32_t order = 0, first = m->unit_site_start[unit], end = m->unit_site_start[unit + 1];
	int rc = PG_OK;
	for (uint32_t i = first; i < end && rc == PG_OK; i++) {
		/* each checkout walks its whole function: bound the product, so that one
		 * adversarial function cannot stall a commit (the first is always analysed) */
		work += size;
		if (i > first && work > PG_MAX_UNIT_WORK) {
			pg_buf_printf(&an->notices, "%s:%u: %s: not analysed: %u checkouts in a function of %llu bytes "
			              "is more than one function may cost; %u not checked\n", m->path,
			              pg_line(m->sites[m->by_unit[i]].call), u->name, end - first,
			              (unsigned long long)size, end - i);
			break;
		}
		rc = analyse(an, m, u, m->sites[m->by_unit[i]].call, &order, out);
	}
	return rc;
}

/*
 * A deeply nested function is analysed on a thread of its own with a large
 * stack, so that the builder's recursion (one level per level of syntax) may
 * go PG_DEEP_MAX_DEPTH deep.  The caller waits: this is not parallelism.
 */
#define PG_DEEP_UNIT 600             /* tree levels below a unit that call for the big stack */
#define PG_DEEP_MAX_DEPTH 100000     /* builder levels allowed there */
#define PG_DEEP_STACK (1024u * 1024 * 1024) /* reserved, not committed: only touched pages count */

typedef struct {
	pg_analysis *an;
	pg_module *m;
	size_t unit;
	pg_findings *out;
	int rc;
	char error[1024];
} deep_job;

static void *deep_thread(void *arg)
{
	deep_job *j = arg;
	j->an->max_depth = PG_DEEP_MAX_DEPTH;
	j->rc = check_unit_here(j->an, j->m, j->unit, j->out);
	j->an->max_depth = 0;
	if (j->rc < 0)
		snprintf(j->error, sizeof(j->error), "%s", pg_error_last());
	pg_ast_thread_done(); /* parsers this thread made for helper modules */
	return NULL;
}

int pg_leak_check_unit(pg_analysis *an, pg_module *m, size_t unit, pg_findings *out)
{
	deep_job job = {an, m, unit, out, PG_OK, ""};
	pthread_attr_t attr;
	pthread_t th;
	if (m->units[unit].depth < PG_DEEP_UNIT)
		return check_unit_here(an, m, unit, out);
	if (pthread_attr_init(&attr) != 0)
		return check_unit_here(an, m, unit, out);
	if (pthread_attr_setstacksize(&attr, PG_DEEP_STACK) != 0 || pthread_create(&th, &attr, deep_thread, &job) != 0) {
		pthread_attr_destroy(&attr);
		return check_unit_here(an, m, unit, out); /* the normal stack and its limit */
	}
	pthread_attr_destroy(&attr);
	pthread_join(th, NULL);
	if (job.rc < 0)
		pg_error_set(job.rc, "%s", job.error);
	return job.rc;
}

int pg_module_unit_has_sites(const pg_module *m, size_t unit)
{
	return m->unit_site_start[unit + 1] > m->unit_site_start[unit];
}
