/*
 * module.c - one pass over a file's tree to collect its units, imports,
 * exports, pools and named functions; and the run-wide module table that
 * answers cross-file questions.
 *
 * Functions are also known by dotted paths: the members of the module's
 * own object literals (`const api = { f }`: "api.f"), of `module.exports`
 * and `export default` objects, so that a helper reached through an object
 * (semantics v2 §6) resolves like a direct one (pg_modules_path_fn).
 *
 * The walk uses a TSTreeCursor and an explicit stack of open units, so a
 * file nested 10,000 levels deep costs memory, not stack.  Facts that need
 * other facts (is `new X()` a pool? that depends on how X was imported)
 * are recorded raw during the walk and resolved after it.
 */
#define _GNU_SOURCE /* memmem */
#include "module.h"
#include "alias.h"
#include "scope.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "resolve.h"

static const pg_named_fn *module_fn(const pg_module *m, const char *name, size_t n);

static const char *const pg_packages[] = {
	"pg", "pg-pool", "@neondatabase/serverless", "@vercel/postgres", NULL,
};

uint64_t pg_content_hash(const void *data, size_t len)
{
	/* 0 stands for "absent": a present file never hashes to it */
	uint64_t h = XXH3_64bits(data ? data : "", len);
	return h ? h : 1;
}

int pg_is_pg_package(const char *spec)
{
	for (int i = 0; pg_packages[i]; i++)
		if (!strcmp(spec, pg_packages[i]))
			return 1;
	return 0;
}

/* A raw `NAME = new CTOR(...)` seen during the walk, resolved afterwards. */
typedef struct {
	char *target; /* "name", "this.X", "=" (module.exports), "default" */
	TSNode ctor;  /* the constructor expression */
} pending_new;

typedef struct {
	pending_new *items;
	size_t len, cap;
	/* `const { Pool } = pg` / `const Pool = pg.Pool`: (local, namespace, key), resolved later */
	char **alias; /* triples */
	size_t nalias, calias;
} pending_list;

static void note_alias(pending_list *p, const pg_ast *a, TSNode local, TSNode ns, TSNode key)
{
	PG_GROW(p->alias, p->calias, p->nalias + 3);
	p->alias[p->nalias++] = pg_text_dup(a, local, 0);
	p->alias[p->nalias++] = pg_text_dup(a, ns, 0);
	p->alias[p->nalias++] = pg_text_dup(a, key, 0);
}

/* Aliases taken from a namespace object: `const { Pool: P } = pg`, `const P = pg.Pool`. */
static void collect_alias(pending_list *p, const pg_ast *a, TSNode name, TSNode value)
{
	TSNode v = pg_unwrap(a, value);
	if (pg_nk_of(a, v) == PG_NK_IDENTIFIER && pg_nk_of(a, name) == PG_NK_OBJECT_PATTERN) {
		uint32_t nc = ts_node_named_child_count(name);
		for (uint32_t i = 0; i < nc; i++) {
			TSNode pp = ts_node_named_child(name, i);
			if (pg_nk_of(a, pp) == PG_NK_SHORTHAND_PATTERN)
				note_alias(p, a, pp, v, pp);
			else if (pg_nk_of(a, pp) == PG_NK_PAIR_PATTERN &&
			         pg_nk_of(a, pg_field_of(a, pp, PG_F_VALUE)) == PG_NK_IDENTIFIER)
				note_alias(p, a, pg_field_of(a, pp, PG_F_VALUE), v, pg_field_of(a, pp, PG_F_KEY));
		}
	} else if (pg_nk_of(a, v) == PG_NK_MEMBER && pg_nk_of(a, name) == PG_NK_IDENTIFIER &&
	           pg_nk_of(a, pg_unwrap(a, pg_field_of(a, v, PG_F_OBJECT))) == PG_NK_IDENTIFIER) {
		note_alias(p, a, name, pg_unwrap(a, pg_field_of(a, v, PG_F_OBJECT)), pg_field_of(a, v, PG_F_PROPERTY));
	}
}

static void add_import(pg_module *m, const char *local, size_t nlocal, const char *spec,
                       const char *imported, size_t nimported)
{
	pg_import *imp;
	PG_GROW(m->imports, m->cimports, m->nimports + 1);
	imp = &m->imports[m->nimports++];
	imp->local = pg_xstrndup(local, nlocal);
	imp->spec = pg_xstrdup(spec);
	imp->imported = pg_xstrndup(imported, nimported);
	/* every local name is a slice of the source: its offset is where it is declared */
	imp->at = local >= m->ast.src && local < m->ast.src + m->ast.len ? (uint32_t)(local - m->ast.src) : 0;
}

static pg_export *add_export(pg_module *m, const char *exported, size_t nexp)
{
	pg_export *e;
	PG_GROW(m->exports, m->cexports, m->nexports + 1);
	e = &m->exports[m->nexports++];
	memset(e, 0, sizeof(*e));
	e->exported = pg_xstrndup(exported, nexp);
	return e;
}

static void add_fn(pg_module *m, const char *name, size_t n, TSNode fn)
{
	if (module_fn(m, name, n))
		return;
	pg_strmap_put(&m->fn_index, name, n, m->nfns);
	PG_GROW(m->fns, m->cfns, m->nfns + 1);
	m->fns[m->nfns].name = pg_xstrndup(name, n);
	m->fns[m->nfns].node = fn;
	m->nfns++;
}

static void add_alias(pg_module *m, const char *name, const char *target, size_t ntarget)
{
	PG_GROW(m->aliases, m->caliases, m->naliases + 1);
	m->aliases[m->naliases].name = pg_xstrdup(name);
	m->aliases[m->naliases].target = pg_xstrndup(target, ntarget);
	m->naliases++;
}

/* The key of an object member (`a`, `'a'`, `"a"`) as written, or NULL when computed. */
static char *member_key(const pg_ast *a, TSNode key)
{
	pg_nk k = pg_nk_of(a, key);
	if (k == PG_NK_PROPERTY_IDENTIFIER || k == PG_NK_IDENTIFIER || k == PG_NK_SHORTHAND_PROPERTY)
		return pg_text_dup(a, key, 0);
	if (k == PG_NK_STRING)
		return pg_string_value(a, key);
	return NULL;
}

#define PG_MAX_MEMBER_NESTING 8

/*
 * The members of an object literal bound to `prefix` (`const api = {...}`,
 * `module.exports = {...}`): function values become functions named
 * "prefix.key", names and paths become aliases, nested objects are walked
 * the same way (an explicit stack, at most PG_MAX_MEMBER_NESTING deep).
 */
static void collect_object(pg_module *m, const char *prefix, TSNode obj)
{
	const pg_ast *a = &m->ast;
	struct { TSNode obj; char *prefix; int depth; } *stack = NULL;
	size_t n = 0, cap = 0;
	PG_GROW(stack, cap, 1);
	stack[n].obj = obj;
	stack[n].prefix = pg_xstrdup(prefix);
	stack[n++].depth = 0;
	while (n > 0) {
		TSNode o = stack[--n].obj;
		char *pre = stack[n].prefix;
		int depth = stack[n].depth;
		uint32_t nc = ts_node_named_child_count(o);
		for (uint32_t i = 0; i < nc; i++) {
			TSNode c = ts_node_named_child(o, i), v = c;
			pg_nk ck = pg_nk_of(a, c);
			char *key, *name;
			if (ck == PG_NK_PAIR) {
				key = member_key(a, pg_field_of(a, c, PG_F_KEY));
				v = pg_unwrap(a, pg_field_of(a, c, PG_F_VALUE));
			} else if (ck == PG_NK_METHOD || ck == PG_NK_SHORTHAND_PROPERTY) {
				key = member_key(a, ck == PG_NK_METHOD ? pg_field_of(a, c, PG_F_NAME) : c);
			} else {
				continue;
			}
			if (!key)
				continue;
			name = pg_xasprintf("%s.%s", pre, key);
			if (ck == PG_NK_SHORTHAND_PROPERTY) {
				add_alias(m, name, key, strlen(key));
			} else if (pg_nk_is_function(pg_nk_of(a, v))) {
				add_fn(m, name, strlen(name), v);
			} else if (pg_nk_of(a, v) == PG_NK_IDENTIFIER || pg_nk_of(a, v) == PG_NK_MEMBER) {
				uint32_t len;
				const char *t = pg_text(a, v, &len);
				add_alias(m, name, t, len);
			} else if (pg_nk_of(a, v) == PG_NK_OBJECT && depth + 1 < PG_MAX_MEMBER_NESTING) {
				PG_GROW(stack, cap, n + 1);
				stack[n].obj = v;
				stack[n].prefix = name;
				stack[n++].depth = depth + 1;
				name = NULL;
			}
			free(name);
			free(key);
		}
		free(pre);
	}
	free(stack);
}

const pg_import *pg_module_import(const pg_module *m, const char *local, size_t n)
{
	for (size_t i = 0; i < m->nimports; i++)
		if (strlen(m->imports[i].local) == n && !memcmp(m->imports[i].local, local, n))
			return &m->imports[i];
	return NULL;
}

const pg_import *pg_module_import_of(const pg_module *m, TSNode id)
{
	uint32_t len;
	const char *t = pg_text(&m->ast, id, &len);
	for (size_t i = 0; i < m->nimports; i++)
		if (strlen(m->imports[i].local) == len && !memcmp(m->imports[i].local, t, len) &&
		    pg_scope_refers(m, id, m->imports[i].at))
			return &m->imports[i];
	return NULL;
}

int pg_module_is_pool_var(const pg_module *m, TSNode id)
{
	uint32_t len;
	const char *t = pg_text(&m->ast, id, &len);
	for (size_t i = 0; i < m->pool_vars.len; i++)
		if (strlen(m->pool_vars.items[i]) == len && !memcmp(m->pool_vars.items[i], t, len) &&
		    pg_scope_refers(m, id, m->pool_var_at[i]))
			return 1;
	return 0;
}

static const pg_named_fn *module_fn(const pg_module *m, const char *name, size_t n)
{
	size_t *i = pg_strmap_get(&m->fn_index, name, n);
	return i ? &m->fns[*i] : NULL;
}

static void add_field_cand(pg_module *m, TSNode name, TSNode value, int is_type)
{
	uint32_t len;
	const char *t = pg_text(&m->ast, name, &len);
	if (ts_node_is_null(value) || !len)
		return;
	PG_GROW(m->field_cands, m->cfield_cands, m->nfield_cands + 1);
	m->field_cands[m->nfield_cands++] = (pg_field_cand){pg_xstrndup(t, len), value, is_type};
}

/* `constructor(private pool: Pool)`: a parameter property declares the field too. */
static void collect_param_properties(pg_module *m, TSNode method)
{
	const pg_ast *a = &m->ast;
	TSNode ps = pg_field_of(a, method, PG_F_PARAMETERS);
	uint32_t n = ts_node_is_null(ps) ? 0 : ts_node_named_child_count(ps);
	if (!pg_text_is(a, pg_field_of(a, method, PG_F_NAME), "constructor"))
		return;
	for (uint32_t i = 0; i < n; i++) {
		TSNode p = ts_node_named_child(ps, i), id = pg_field_of(a, p, PG_F_PATTERN);
		TSNode ty = ts_node_child_by_field_name(p, "type", 4);
		uint32_t nc = ts_node_child_count(p);
		int property = 0;
		for (uint32_t j = 0; j < nc && !property; j++) {
			const char *k = ts_node_type(ts_node_child(p, j));
			property = !strcmp(k, "accessibility_modifier") || !strcmp(k, "readonly") ||
			           !strcmp(k, "override_modifier");
		}
		if (property && pg_nk_of(a, id) == PG_NK_IDENTIFIER)
			add_field_cand(m, id, ty, 1);
	}
}

static void note_new(pending_list *news, const char *target, size_t n, TSNode ctor)
{
	PG_GROW(news->items, news->cap, news->len + 1);
	news->items[news->len].target = pg_xstrndup(target, n);
	news->items[news->len].ctor = ctor;
	news->len++;
}

/*
 * `name` or `name as alias` of an import or export specifier: the name and
 * the name it goes by (the alias, or the name itself).  0 when there is no name.
 */
static int specifier_names(const pg_ast *a, TSNode s, const char **name, uint32_t *nl,
                           const char **as, uint32_t *al)
{
	TSNode n = pg_field_of(a, s, PG_F_NAME), alias = pg_field_of(a, s, PG_F_ALIAS);
	if (ts_node_is_null(n))
		return 0;
	*name = pg_text(a, n, nl);
	*as = *name;
	*al = *nl;
	if (!ts_node_is_null(alias))
		*as = pg_text(a, alias, al);
	return 1;
}

/* ---- imports and requires ---------------------------------------------- */

struct import_ctx {
	pg_module *m;
	const char *spec;
};

static void import_binding(void *ctx, TSNode local, const char *imported, uint32_t len)
{
	struct import_ctx *c = ctx;
	uint32_t ll;
	const char *t = pg_text(&c->m->ast, local, &ll);
	add_import(c->m, t, ll, c->spec, imported, len);
}

static void collect_import(pg_module *m, TSNode stmt)
{
	char *spec = pg_string_value(&m->ast, pg_field_of(&m->ast, stmt, PG_F_SOURCE));
	struct import_ctx c = {m, spec};
	if (!spec)
		return;
	pg_import_bindings(&m->ast, stmt, import_binding, &c);
	free(spec);
}

/* `require('x')`, possibly followed by `.name`: returns the specifier. */
static char *require_spec(const pg_ast *a, TSNode value, TSNode *member_out)
{
	TSNode call = pg_unwrap(a, value);
	TSNode null = {{0, 0, 0, 0}, NULL, NULL};
	*member_out = null;
	if (pg_nk_of(a, call) == PG_NK_MEMBER) {
		*member_out = pg_field_of(a, call, PG_F_PROPERTY);
		call = pg_unwrap(a, pg_field_of(a, call, PG_F_OBJECT));
	}
	if (pg_nk_of(a, call) != PG_NK_CALL)
		return NULL;
	if (!pg_text_is(a, pg_field_of(a, call, PG_F_FUNCTION), "require"))
		return NULL;
	TSNode args = pg_field_of(a, call, PG_F_ARGUMENTS);
	if (ts_node_named_child_count(args) != 1)
		return NULL;
	return pg_string_value(a, ts_node_named_child(args, 0));
}

static void collect_require(pg_module *m, TSNode name, TSNode value)
{
	const pg_ast *a = &m->ast;
	TSNode member;
	char *spec = require_spec(a, value, &member);
	uint32_t len, ml;
	const char *t, *mt;
	if (!spec)
		return;
	if (pg_nk_of(a, name) == PG_NK_IDENTIFIER) {
		t = pg_text(a, name, &len);
		if (ts_node_is_null(member))
			add_import(m, t, len, spec, "=", 1);
		else {
			mt = pg_text(a, member, &ml);
			add_import(m, t, len, spec, mt, ml);
		}
	} else if (pg_nk_of(a, name) == PG_NK_OBJECT_PATTERN && ts_node_is_null(member)) {
		uint32_t nc = ts_node_named_child_count(name);
		for (uint32_t i = 0; i < nc; i++) {
			TSNode p = ts_node_named_child(name, i);
			pg_nk k = pg_nk_of(a, p);
			if (k == PG_NK_SHORTHAND_PATTERN) {
				t = pg_text(a, p, &len);
				add_import(m, t, len, spec, t, len);
			} else if (k == PG_NK_PAIR_PATTERN) {
				TSNode key = pg_field_of(a, p, PG_F_KEY), val = pg_field_of(a, p, PG_F_VALUE);
				if (pg_nk_of(a, val) != PG_NK_IDENTIFIER)
					continue;
				mt = pg_text(a, key, &ml);
				t = pg_text(a, val, &len);
				add_import(m, t, len, spec, mt, ml);
			}
		}
	}
	free(spec);
}

/* ---- exports ------------------------------------------------------------ */

/*
 * `export * from 'x'` passes on every name of x: an export named "*";
 * `export * as ns from 'x'` exports x's namespace under ns.  `t` is the
 * statement's text.
 */
static uint32_t skip_blank(const char *t, uint32_t i, uint32_t len)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

static void collect_star_export(pg_module *m, const char *t, uint32_t len, const char *spec)
{
	uint32_t i = skip_blank(t, 6, len), s; /* past "export" */
	pg_export *e;
	if (i >= len || t[i] != '*')
		return;
	i = skip_blank(t, i + 1, len);
	if (i + 2 < len && t[i] == 'a' && t[i + 1] == 's' && skip_blank(t, i + 2, len) > i + 2) {
		i = skip_blank(t, i + 2, len);
		for (s = i; i < len && (t[i] == '_' || t[i] == '$' || (unsigned char)t[i] >= 0x80 ||
		                        (t[i] >= '0' && t[i] <= '9') || ((t[i] | 32) >= 'a' && (t[i] | 32) <= 'z'));
		     i++)
			;
		if (i == s)
			return;
		e = add_export(m, t + s, i - s);
	} else {
		e = add_export(m, "*", 1);
	}
	e->spec = pg_xstrdup(spec);
	e->imported = pg_xstrdup("*");
}

static void collect_export(pg_module *m, TSNode stmt, pending_list *news)
{
	const pg_ast *a = &m->ast;
	TSNode decl = pg_field_of(a, stmt, PG_F_DECLARATION);
	TSNode value = pg_field_of(a, stmt, PG_F_VALUE);
	uint32_t len;
	const char *t = pg_text(a, stmt, &len);
	int is_default = len >= 14 && !memcmp(t, "export default", 14);
	char *spec = pg_string_value(a, pg_field_of(a, stmt, PG_F_SOURCE));

	if (!ts_node_is_null(decl)) {
		pg_nk k = pg_nk_of(a, decl);
		if (k == PG_NK_LEXICAL_DECLARATION || k == PG_NK_VARIABLE_DECLARATION) {
			uint32_t nc = ts_node_named_child_count(decl);
			for (uint32_t i = 0; i < nc; i++) {
				TSNode d = ts_node_named_child(decl, i);
				TSNode name = pg_field_of(a, d, PG_F_NAME);
				if (pg_nk_of(a, d) != PG_NK_VARIABLE_DECLARATOR || pg_nk_of(a, name) != PG_NK_IDENTIFIER)
					continue;
				const char *nt = pg_text(a, name, &len);
				pg_export *e = add_export(m, nt, len);
				e->local = pg_xstrndup(nt, len);
			}
		} else {
			TSNode name = pg_field_of(a, decl, PG_F_NAME);
			if (!ts_node_is_null(name)) {
				const char *nt = pg_text(a, name, &len);
				pg_export *e = is_default ? add_export(m, "default", 7) : add_export(m, nt, len);
				e->local = pg_xstrndup(nt, len);
			}
		}
	} else if (!ts_node_is_null(value)) {
		TSNode v = pg_unwrap(a, value);
		pg_export *e = add_export(m, "default", 7);
		if (pg_nk_of(a, v) == PG_NK_IDENTIFIER) {
			e->local = pg_text_dup(a, v, 0);
		} else if (pg_nk_of(a, v) == PG_NK_OBJECT) {
			/* export default { f }: its members are "export.default.f" */
			e->local = pg_xstrdup("export.default");
			collect_object(m, e->local, v);
		}
		else if (pg_nk_of(a, v) == PG_NK_NEW) {
			note_new(news, "default", 7, pg_field_of(a, v, PG_F_CONSTRUCTOR));
		}
	} else {
		uint32_t nc = ts_node_named_child_count(stmt);
		int clauses = 0;
		for (uint32_t i = 0; i < nc; i++) {
			TSNode clause = ts_node_named_child(stmt, i);
			if (pg_nk_of(a, clause) != PG_NK_EXPORT_CLAUSE)
				continue;
			clauses++;
			uint32_t sc = ts_node_named_child_count(clause);
			for (uint32_t j = 0; j < sc; j++) {
				TSNode s = ts_node_named_child(clause, j);
				uint32_t nl, al;
				const char *nt, *at;
				if (!specifier_names(a, s, &nt, &nl, &at, &al))
					continue;
				pg_export *e = add_export(m, at, al);
				if (spec) {
					e->spec = pg_xstrdup(spec);
					e->imported = pg_xstrndup(nt, nl);
				} else {
					e->local = pg_xstrndup(nt, nl);
				}
			}
		}
		if (!clauses && spec)
			collect_star_export(m, t, len, spec);
	}
	free(spec);
}

/* module.exports = X / module.exports = { a, b: c } / exports.a = X / module.exports.a = X */
static void collect_cjs_export(pg_module *m, TSNode left, TSNode right, pending_list *news)
{
	const pg_ast *a = &m->ast;
	TSNode r = pg_unwrap(a, right);
	uint32_t len;
	const char *t;
	if (pg_text_is(a, left, "module.exports")) {
		pg_nk k = pg_nk_of(a, r);
		if (k == PG_NK_IDENTIFIER) {
			pg_export *e = add_export(m, "=", 1);
			e->local = pg_text_dup(a, r, 0);
		} else if (k == PG_NK_NEW) {
			note_new(news, "=", 1, pg_field_of(a, r, PG_F_CONSTRUCTOR));
		} else if (k == PG_NK_OBJECT) {
			uint32_t nc = ts_node_named_child_count(r);
			for (uint32_t i = 0; i < nc; i++) {
				TSNode p = ts_node_named_child(r, i);
				pg_nk pk = pg_nk_of(a, p);
				if (pk == PG_NK_SHORTHAND_PROPERTY) {
					t = pg_text(a, p, &len);
					pg_export *e = add_export(m, t, len);
					e->local = pg_xstrndup(t, len);
				} else if (pk == PG_NK_PAIR || pk == PG_NK_METHOD) {
					TSNode key = pg_field_of(a, p, pk == PG_NK_PAIR ? PG_F_KEY : PG_F_NAME);
					TSNode val = pg_unwrap(a, pg_field_of(a, p, PG_F_VALUE));
					char *kt = member_key(a, key);
					if (!kt)
						continue;
					pg_export *e = add_export(m, kt, strlen(kt));
					/* a function or object written in place: its members are "module.exports.key" */
					e->local = pk == PG_NK_PAIR && pg_nk_of(a, val) == PG_NK_IDENTIFIER ? pg_text_dup(a, val, 0)
					           : pg_xasprintf("module.exports.%s", kt);
					free(kt);
				}
			}
			collect_object(m, "module.exports", r);
		} else {
			TSNode member;
			char *spec = require_spec(a, r, &member);
			if (spec && ts_node_is_null(member)) {
				pg_export *e = add_export(m, "=", 1);
				e->spec = spec;
				e->imported = pg_xstrdup("=");
				spec = NULL;
			}
			free(spec);
		}
		return;
	}
	if (pg_nk_of(a, left) == PG_NK_MEMBER) {
		TSNode obj = pg_field_of(a, left, PG_F_OBJECT), prop = pg_field_of(a, left, PG_F_PROPERTY);
		if (pg_text_is(a, obj, "exports") || pg_text_is(a, obj, "module.exports")) {
			t = pg_text(a, prop, &len);
			if (pg_nk_of(a, r) == PG_NK_IDENTIFIER) {
				pg_export *e = add_export(m, t, len);
				e->local = pg_text_dup(a, r, 0);
			} else if (pg_nk_of(a, r) == PG_NK_NEW) {
				char *target = pg_xasprintf("export:%.*s", (int)len, t);
				note_new(news, target, strlen(target), pg_field_of(a, r, PG_F_CONSTRUCTOR));
				free(target);
			} else if (pg_nk_is_function(pg_nk_of(a, r)) || pg_nk_of(a, r) == PG_NK_OBJECT) {
				/* exports.f = function (c) {...} / exports.api = { f } */
				char *local = pg_xasprintf("module.exports.%.*s", (int)len, t);
				pg_export *e = add_export(m, t, len);
				e->local = local;
				if (pg_nk_of(a, r) == PG_NK_OBJECT)
					collect_object(m, local, r);
				else
					add_fn(m, local, strlen(local), r);
			}
		}
	}
}

/* ---- units -------------------------------------------------------------- */

/*
 * Naming looks at a function's ancestors.  ts_node_parent() searches down
 * from the root (its cost grows with the depth), so the walk hands over its
 * own stack of ancestors instead: anc[0] is the root, anc[k] a node.
 */
typedef struct {
	const pg_ast *a;
	const TSNode *anc;
} ancestry;

static int is_wrapper_kind(pg_nk k)
{
	return k == PG_NK_PARENTHESIZED || k == PG_NK_AS || k == PG_NK_SATISFIES || k == PG_NK_NON_NULL || k == PG_NK_TYPE_ASSERTION;
}

/* The first ancestor of anc[k] that is not a parenthesis or type cast (0 when none). */
static uint32_t up(const ancestry *p, uint32_t k)
{
	while (k > 0) {
		k--;
		if (!is_wrapper_kind(pg_nk_of(p->a, p->anc[k])))
			return k;
	}
	return 0;
}

static char *qualify(char *outer, char *own);

#define PG_MAX_OBJECT_NESTING 4 /* `a: { b: { c() {} } }` is named a.b.c up to this depth */

/* The name an object literal (or class) at anc[k] is known by: `const X = {`, `X = {`,
 * `export default {`, and the keys of the objects it is nested in (iteratively, bounded). */
static char *object_name(const ancestry *p, uint32_t k)
{
	const pg_ast *a = p->a;
	char *name = NULL;
	for (int hop = 0; hop < PG_MAX_OBJECT_NESTING; hop++) {
		uint32_t at = up(p, k);
		TSNode n = p->anc[at];
		if (at == k)
			return name;
		switch (pg_nk_of(a, n)) {
		case PG_NK_VARIABLE_DECLARATOR:
			return qualify(pg_text_dup(a, pg_field_of(a, n, PG_F_NAME), 64), name);
		case PG_NK_ASSIGNMENT: {
			TSNode left = pg_field_of(a, n, PG_F_LEFT);
			if (pg_nk_of(a, left) == PG_NK_MEMBER)
				left = pg_field_of(a, left, PG_F_PROPERTY);
			return qualify(pg_text_dup(a, left, 64), name);
		}
		case PG_NK_PAIR:
			name = qualify(pg_text_dup(a, pg_field_of(a, n, PG_F_KEY), 64), name);
			if (at == 0 || pg_nk_of(a, p->anc[at - 1]) != PG_NK_OBJECT)
				return name;
			k = at - 1; /* the object holding this pair: its own name comes first */
			break;
		case PG_NK_EXPORT:
			return qualify(pg_xstrdup("default"), name);
		default:
			return name;
		}
	}
	return name;
}

static char *class_name(const ancestry *p, uint32_t k)
{
	TSNode name = pg_field_of(p->a, p->anc[k], PG_F_NAME);
	if (!ts_node_is_null(name))
		return pg_text_dup(p->a, name, 64);
	return object_name(p, k);
}

/* "outer.own"; either may be NULL.  Takes both strings. */
static char *qualify(char *outer, char *own)
{
	char *r;
	if (!outer)
		return own;
	if (!own)
		return outer;
	r = pg_xasprintf("%s.%s", outer, own);
	free(outer);
	free(own);
	return r;
}

#define PG_MAX_CALLEE_NAME 64   /* bytes of the callee kept in a call-site name */
#define PG_MAX_ARG_NAME 40      /* bytes of one literal argument */

/* Appends the node's text without its whitespace, at most `max` bytes of it. */
static void put_compact(pg_buf *b, const pg_ast *a, TSNode n, uint32_t max)
{
	uint32_t len, kept = 0;
	const char *t = pg_text(a, n, &len);
	for (uint32_t i = 0; i < len && kept < max; i++)
		if (t[i] != ' ' && t[i] != '\t' && t[i] != '\n' && t[i] != '\r')
			pg_buf_putc(b, t[i]), kept++;
}

/*
 * A function passed to a call is known by where it stands: the callee and
 * the call's literal arguments, `app.get('/a')`, `describe('orders')`,
 * `new Promise()`, so that adding or removing a handler elsewhere in the
 * file does not rename it.  anc[at] is the arguments, anc[at - 1] the call.
 */
static char *call_site_name(const ancestry *p, uint32_t at)
{
	const pg_ast *a = p->a;
	TSNode call = p->anc[at - 1], args = p->anc[at];
	int is_new = pg_nk_of(a, call) == PG_NK_NEW;
	TSNode callee = pg_field_of(a, call, is_new ? PG_F_CONSTRUCTOR : PG_F_FUNCTION);
	pg_buf b = PG_BUF_INIT;
	uint32_t nc = ts_node_named_child_count(args);
	int first = 1;

	if (is_new)
		pg_buf_puts(&b, "new ");
	put_compact(&b, a, callee, PG_MAX_CALLEE_NAME);
	pg_buf_putc(&b, '(');
	for (uint32_t i = 0; i < nc; i++) {
		TSNode arg = ts_node_named_child(args, i);
		pg_nk k = pg_nk_of(a, arg);
		char *v = k == PG_NK_STRING || k == PG_NK_TEMPLATE_STRING ? pg_string_value(a, arg) : NULL;
		if (!v && k != PG_NK_NUMBER && k != PG_NK_TRUE && k != PG_NK_FALSE && k != PG_NK_NULL)
			continue;
		pg_buf_puts(&b, first ? "" : ", ");
		first = 0;
		if (v) /* one quoting whatever the source used: '/a' and "/a" are the same place */
			pg_buf_printf(&b, "'%.*s'", PG_MAX_ARG_NAME, v);
		else
			put_compact(&b, a, arg, PG_MAX_ARG_NAME);
		free(v);
	}
	pg_buf_putc(&b, ')');
	return pg_buf_detach(&b);
}

/* The unit's own name (the function at anc[k]), without the enclosing unit's prefix. */
static char *unit_own_name(const ancestry *p, uint32_t k)
{
	const pg_ast *a = p->a;
	TSNode fn = p->anc[k];
	pg_nk kind = pg_nk_of(a, fn);
	TSNode name = pg_field_of(a, fn, PG_F_NAME);
	uint32_t at;
	TSNode parent;

	if (kind == PG_NK_FIELD && ts_node_is_null(name))
		name = pg_field_of(a, fn, PG_F_PROPERTY);
	if (kind == PG_NK_METHOD || kind == PG_NK_FIELD) {
		char *own = ts_node_is_null(name) ? pg_xstrdup("<anonymous>") : pg_text_dup(a, name, 64);
		pg_nk holder = k > 0 ? pg_nk_of(a, p->anc[k - 1]) : PG_NK_OTHER;
		if (holder == PG_NK_CLASS_BODY && k > 1)
			return qualify(class_name(p, k - 2), own);
		if (holder == PG_NK_OBJECT)
			return qualify(object_name(p, k - 1), own);
		return own;
	}
	if (!ts_node_is_null(name) && kind != PG_NK_ARROW)
		return pg_text_dup(a, name, 64);
	at = up(p, k);
	parent = p->anc[at];
	if (at == k)
		return pg_xstrdup("<anonymous>");
	switch (pg_nk_of(a, parent)) {
	case PG_NK_VARIABLE_DECLARATOR:
		return pg_text_dup(a, pg_field_of(a, parent, PG_F_NAME), 64);
	case PG_NK_ASSIGNMENT: {
		TSNode left = pg_field_of(a, parent, PG_F_LEFT);
		if (pg_nk_of(a, left) == PG_NK_MEMBER && !pg_text_is(a, left, "module.exports"))
			return pg_text_dup(a, pg_field_of(a, left, PG_F_PROPERTY), 64);
		return pg_text_dup(a, left, 64);
	}
	case PG_NK_PAIR:
		return qualify(at > 0 ? object_name(p, at - 1) : NULL, pg_text_dup(a, pg_field_of(a, parent, PG_F_KEY), 64));
	case PG_NK_EXPORT:
		return pg_xstrdup("default");
	case PG_NK_FIELD: /* handler = async () => ...: named as the field */
		if (at > 0 && pg_nk_of(a, p->anc[at - 1]) == PG_NK_CLASS_BODY)
			return unit_own_name(p, at); /* a field is not a function: this goes one level, no deeper */
		return pg_xstrdup("<anonymous>");
	case PG_NK_ARGUMENTS:
		if (at > 0 && (pg_nk_of(a, p->anc[at - 1]) == PG_NK_CALL || pg_nk_of(a, p->anc[at - 1]) == PG_NK_NEW))
			return call_site_name(p, at);
		return pg_xstrdup("<anonymous>");
	default:
		return pg_xstrdup("<anonymous>");
	}
}

/* Qualified names stop growing here: deeper ones keep their tail (and a rank). */
#define PG_MAX_UNIT_NAME 200

static void add_unit(pg_module *m, const TSNode *anc, uint32_t depth, TSNode body, int parent)
{
	ancestry path = {&m->ast, anc};
	TSNode fn = anc[depth];
	pg_unit_info *u;
	char *own = parent < 0 ? pg_xstrdup("<module>") : unit_own_name(&path, depth);
	char *name;
	if (parent <= 0) {
		name = own;
	} else {
		const char *outer = m->units[parent].name;
		size_t ol = strlen(outer);
		if (ol + strlen(own) > PG_MAX_UNIT_NAME && ol > PG_MAX_UNIT_NAME / 2)
			outer += ol - PG_MAX_UNIT_NAME / 2;
		name = pg_xasprintf("%s.%s", outer, own);
		free(own);
	}
	/* A repeated name in one file gets its rank, so it stays stable when lines move. */
	size_t *seen = pg_strmap_get(&m->unit_names, name, strlen(name));
	size_t rank = seen ? *seen + 1 : 1;
	pg_strmap_put(&m->unit_names, name, strlen(name), rank);
	if (rank > 1) {
		char *ranked = pg_xasprintf("%s#%zu", name, rank);
		free(name);
		name = ranked;
	}
	PG_GROW(m->units, m->cunits, m->nunits + 1);
	u = &m->units[m->nunits++];
	u->name = name;
	u->node = fn;
	u->body = body;
	u->line = pg_line(fn);
	u->end = pg_end_line(fn);
	u->parent = parent;
	u->level = depth;
	u->depth = 0;
}

/* ---- the walk ----------------------------------------------------------- */

static void visit(pg_module *m, TSNode n, pg_nk k, pending_list *news, const pg_config *cfg, int unit)
{
	const pg_ast *a = &m->ast;
	uint32_t len;
	const char *t;
	switch (k) {
	case PG_NK_CALL: {
		TSNode fn = pg_unwrap(a, pg_field_of(a, n, PG_F_FUNCTION));
		if (!m->maybe_acquires || pg_nk_of(a, fn) != PG_NK_MEMBER)
			break;
		t = pg_text(a, pg_field_of(a, fn, PG_F_PROPERTY), &len);
		if (pg_strlist_has_n(&cfg->acquire, t, len)) {
			PG_GROW(m->sites, m->csites, m->nsites + 1);
			m->sites[m->nsites].call = n;
			m->sites[m->nsites].unit = unit;
			m->nsites++;
		}
		break;
	}
	case PG_NK_IMPORT:
		collect_import(m, n);
		break;
	case PG_NK_EXPORT:
		collect_export(m, n, news);
		break;
	case PG_NK_VARIABLE_DECLARATOR: {
		TSNode name = pg_field_of(a, n, PG_F_NAME), value = pg_field_of(a, n, PG_F_VALUE);
		TSNode v = pg_unwrap(a, value);
		if (ts_node_is_null(value))
			break;
		collect_require(m, name, value);
		collect_alias(news, a, name, value);
		if (pg_nk_of(a, name) != PG_NK_IDENTIFIER)
			break;
		t = pg_text(a, name, &len);
		if (pg_nk_of(a, v) == PG_NK_NEW) {
			note_new(news, t, len, pg_field_of(a, v, PG_F_CONSTRUCTOR));
		} else if (pg_nk_is_function(pg_nk_of(a, v))) {
			add_fn(m, t, len, v);
		} else if (pg_nk_of(a, v) == PG_NK_OBJECT && unit == 0) {
			/* helpers reached through an object: those of the module's own top level */
			char *prefix = pg_xstrndup(t, len);
			collect_object(m, prefix, v);
			free(prefix);
		}
		break;
	}
	case PG_NK_ASSIGNMENT: {
		TSNode left = pg_field_of(a, n, PG_F_LEFT), right = pg_field_of(a, n, PG_F_RIGHT);
		TSNode v = pg_unwrap(a, right);
		collect_cjs_export(m, left, right, news);
		if (pg_nk_of(a, left) == PG_NK_MEMBER && pg_nk_of(a, pg_field_of(a, left, PG_F_OBJECT)) == PG_NK_THIS &&
		    pg_nk_of(a, v) == PG_NK_IDENTIFIER)
			add_field_cand(m, pg_field_of(a, left, PG_F_PROPERTY), v, 0); /* this.pool = pool */
		if (pg_nk_of(a, v) != PG_NK_NEW)
			break;
		if (pg_nk_of(a, left) == PG_NK_IDENTIFIER) {
			t = pg_text(a, left, &len);
			note_new(news, t, len, pg_field_of(a, v, PG_F_CONSTRUCTOR));
		} else if (pg_nk_of(a, left) == PG_NK_MEMBER &&
		           pg_nk_of(a, pg_field_of(a, left, PG_F_OBJECT)) == PG_NK_THIS) {
			TSNode prop = pg_field_of(a, left, PG_F_PROPERTY);
			t = pg_text(a, prop, &len);
			char *target = pg_xasprintf("this.%.*s", (int)len, t);
			note_new(news, target, strlen(target), pg_field_of(a, v, PG_F_CONSTRUCTOR));
			free(target);
		}
		break;
	}
	case PG_NK_FIELD: {
		/* JavaScript calls the field's name `property`, TypeScript `name` */
		TSNode name = pg_field_of(a, n, PG_F_NAME), value = pg_unwrap(a, pg_field_of(a, n, PG_F_VALUE));
		if (ts_node_is_null(name))
			name = pg_field_of(a, n, PG_F_PROPERTY);
		if (!ts_node_is_null(name))
			add_field_cand(m, name, ts_node_child_by_field_name(n, "type", 4), 1); /* pool: Pool */
		if (!ts_node_is_null(name) && pg_nk_is_function(pg_nk_of(a, value))) {
			t = pg_text(a, name, &len);
			char *key = pg_xasprintf("this.%.*s", (int)len, t);
			add_fn(m, key, strlen(key), value);
			free(key);
		}
		if (!ts_node_is_null(name) && pg_nk_of(a, value) == PG_NK_NEW) {
			t = pg_text(a, name, &len);
			char *target = pg_xasprintf("this.%.*s", (int)len, t);
			note_new(news, target, strlen(target), pg_field_of(a, value, PG_F_CONSTRUCTOR));
			free(target);
		}
		break;
	}
	case PG_NK_FUNCTION_DECLARATION:
	case PG_NK_GENERATOR_DECLARATION: {
		TSNode name = pg_field_of(a, n, PG_F_NAME);
		if (!ts_node_is_null(name)) {
			t = pg_text(a, name, &len);
			add_fn(m, t, len, n);
		}
		break;
	}
	case PG_NK_METHOD: {
		/* methods are helpers too, called as this.name(...): kept as "this.name" */
		TSNode name = pg_field_of(a, n, PG_F_NAME);
		if (!ts_node_is_null(name) && pg_nk_of(a, ts_node_parent(n)) == PG_NK_CLASS_BODY) {
			if (m->lang != PG_LANG_JS)
				collect_param_properties(m, n);
			t = pg_text(a, name, &len);
			char *key = pg_xasprintf("this.%.*s", (int)len, t);
			add_fn(m, key, strlen(key), n);
			free(key);
		}
		break;
	}
	default:
		break;
	}
}

/* Is the constructor expression a pg Pool?  `Pool` (imported from pg), `pg.Pool`. */
static int ctor_is_pg_pool(const pg_module *m, TSNode ctor)
{
	const pg_ast *a = &m->ast;
	uint32_t len;
	const char *t;
	ctor = pg_unwrap(a, ctor);
	if (pg_nk_of(a, ctor) == PG_NK_IDENTIFIER) {
		t = pg_text(a, ctor, &len);
		return pg_strlist_has_n(&m->pg_ctors, t, len);
	}
	if (pg_nk_of(a, ctor) == PG_NK_MEMBER) {
		TSNode obj = pg_unwrap(a, pg_field_of(a, ctor, PG_F_OBJECT));
		if (!pg_text_is(a, pg_field_of(a, ctor, PG_F_PROPERTY), "Pool"))
			return 0;
		t = pg_text(a, obj, &len);
		if (pg_nk_of(a, obj) == PG_NK_IDENTIFIER)
			return pg_strlist_has_n(&m->pg_namespaces, t, len);
		/* require('pg').Pool */
		TSNode member;
		char *spec = require_spec(a, obj, &member);
		int yes = spec && ts_node_is_null(member) && pg_is_pg_package(spec);
		free(spec);
		return yes;
	}
	return 0;
}

static void add_pool_var(pg_module *m, const char *name, uint32_t at)
{
	PG_GROW(m->pool_var_at, m->cpool_var_at, m->pool_vars.len + 1);
	m->pool_var_at[m->pool_vars.len] = at;
	pg_strlist_push(&m->pool_vars, name);
}

static void resolve_pools(pg_module *m, pending_list *news)
{
	for (size_t i = 0; i < m->nimports; i++) {
		const pg_import *imp = &m->imports[i];
		if (!pg_is_pg_package(imp->spec))
			continue;
		if (!strcmp(imp->imported, "Pool") ||
		    (!strcmp(imp->spec, "pg-pool") && (!strcmp(imp->imported, "default") || !strcmp(imp->imported, "="))))
			pg_strlist_push(&m->pg_ctors, imp->local);
		else if (!strcmp(imp->imported, "default") || !strcmp(imp->imported, "*") || !strcmp(imp->imported, "="))
			pg_strlist_push(&m->pg_namespaces, imp->local);
	}
	for (size_t i = 0; i + 2 < news->nalias; i += 3)
		if (!strcmp(news->alias[i + 2], "Pool") && pg_strlist_has(&m->pg_namespaces, news->alias[i + 1]) &&
		    !pg_strlist_has(&m->pg_ctors, news->alias[i]))
			pg_strlist_push(&m->pg_ctors, news->alias[i]);
	for (size_t i = 0; i < news->len; i++) {
		const char *target = news->items[i].target;
		if (!ctor_is_pg_pool(m, news->items[i].ctor))
			continue;
		if (!strncmp(target, "this.", 5))
			pg_strlist_push(&m->pool_fields, target + 5);
		else if (!strcmp(target, "=") || !strcmp(target, "default"))
			add_export(m, target, strlen(target))->is_pool = 1;
		else if (!strncmp(target, "export:", 7))
			add_export(m, target + 7, strlen(target + 7))->is_pool = 1;
		else
			add_pool_var(m, target, ts_node_start_byte(news->items[i].ctor));
	}
}

static int is_unit_node(const pg_ast *a, TSNode n, pg_nk k, TSNode *body)
{
	if (pg_nk_is_function(k)) {
		*body = pg_field_of(a, n, PG_F_BODY);
		return !ts_node_is_null(*body);
	}
	if (k == PG_NK_FIELD) {
		/* a class field initialiser that is not itself a function */
		TSNode v = pg_field_of(a, n, PG_F_VALUE);
		if (ts_node_is_null(v) || pg_nk_is_function(pg_nk_of(a, pg_unwrap(a, v))))
			return 0;
		*body = v;
		return 1;
	}
	return 0;
}

/* Counting sort of the sites by unit (stable: source order within a unit). */
static void group_sites(pg_module *m)
{
	m->unit_site_start = pg_xcalloc(m->nunits + 1, sizeof(uint32_t));
	m->by_unit = pg_xcalloc(m->nsites ? m->nsites : 1, sizeof(uint32_t));
	for (size_t i = 0; i < m->nsites; i++)
		m->unit_site_start[m->sites[i].unit + 1]++;
	for (size_t u = 0; u < m->nunits; u++)
		m->unit_site_start[u + 1] += m->unit_site_start[u];
	uint32_t *fill = pg_xcalloc(m->nunits ? m->nunits : 1, sizeof(uint32_t));
	for (size_t i = 0; i < m->nsites; i++) {
		int u = m->sites[i].unit;
		m->by_unit[m->unit_site_start[u] + fill[u]++] = (uint32_t)i;
	}
	free(fill);
}

int pg_module_build(pg_module **out, const char *path, pg_lang lang, const char *src, size_t len,
                    const pg_config *cfg)
{
	return pg_module_build_from(out, path, lang, src, len, cfg, NULL);
}

int pg_module_build_from(pg_module **out, const char *path, pg_lang lang, const char *src, size_t len,
                         const pg_config *cfg, const pg_module *prev)
{
	pg_module *m;
	pending_list news = {0};
	TSTreeCursor cur;
	/* open units: (depth of the function node, unit index) */
	struct open_unit { uint32_t depth; int unit; } *open = NULL;
	size_t nopen = 0, copen = 0;
	uint32_t depth = 0;
	int rc;

	if (len > UINT32_MAX - 1)
		return pg_error_set(PG_ELIMIT, "%s: file too large to parse", path);
	m = pg_xcalloc(1, sizeof(*m));
	m->path = pg_xstrdup(path);
	m->lang = lang;
	pg_buf_put(&m->src, src, len);
	if (m->src.data)
		pg_lone_cr_to_lf(m->src.data, len);
	m->maybe_acquires = pg_may_acquire(cfg, src, len);
	rc = pg_ast_parse_from(&m->ast, lang, m->src.data, (uint32_t)len, prev && prev->lang == lang ? &prev->ast : NULL);
	if (rc < 0) {
		pg_module_free(m);
		return rc;
	}
	TSNode root = ts_tree_root_node(m->ast.tree);
	TSNode *anc = NULL;
	size_t canc = 0;
	PG_GROW(anc, canc, 1);
	anc[0] = root;
	add_unit(m, anc, 0, root, -1);
	PG_GROW(open, copen, 1);
	open[nopen++] = (struct open_unit){0, 0};

	cur = ts_tree_cursor_new(root);
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&cur);
		pg_nk k = pg_nk_of(&m->ast, n);
		TSNode body;
		while (nopen > 1 && open[nopen - 1].depth >= depth)
			nopen--;
		PG_GROW(anc, canc, (size_t)depth + 1);
		anc[depth] = n;
		if (depth - open[nopen - 1].depth > m->units[open[nopen - 1].unit].depth)
			m->units[open[nopen - 1].unit].depth = depth - open[nopen - 1].depth;
		if (depth > 0 && ts_node_is_named(n)) {
			if (is_unit_node(&m->ast, n, k, &body)) {
				visit(m, n, k, &news, cfg, open[nopen - 1].unit);
				add_unit(m, anc, depth, body, open[nopen - 1].unit);
				PG_GROW(open, copen, nopen + 1);
				open[nopen++] = (struct open_unit){depth, (int)m->nunits - 1};
			} else {
				visit(m, n, k, &news, cfg, open[nopen - 1].unit);
			}
		}
		if (ts_tree_cursor_goto_first_child(&cur)) {
			depth++;
			continue;
		}
		while (!ts_tree_cursor_goto_next_sibling(&cur)) {
			if (!ts_tree_cursor_goto_parent(&cur))
				goto done;
			depth--;
		}
	}
done:
	ts_tree_cursor_delete(&cur);
	free(open);
	free(anc);
	/* a unit's depth includes its nested units' (pre-order: children come after parents) */
	for (size_t i = m->nunits; i-- > 1;) {
		pg_unit_info *u = &m->units[i], *p = &m->units[u->parent];
		uint32_t d = u->depth + (u->level - p->level);
		if (d > p->depth)
			p->depth = d;
	}
	group_sites(m);
	resolve_pools(m, &news);
	for (size_t i = 0; i < news.len; i++)
		free(news.items[i].target);
	free(news.items);
	for (size_t i = 0; i < news.nalias; i++)
		free(news.alias[i]);
	free(news.alias);
	*out = m;
	return PG_OK;
}

void pg_module_free(pg_module *m)
{
	if (!m)
		return;
	pg_scope_free(m->scope);
	pg_ast_free(&m->ast);
	pg_buf_free(&m->src);
	free(m->path);
	pg_strlist_free(&m->pg_ctors);
	pg_strlist_free(&m->pg_namespaces);
	pg_strlist_free(&m->pool_vars);
	free(m->pool_var_at);
	pg_strlist_free(&m->pool_fields);
	for (size_t i = 0; i < m->nfield_cands; i++)
		free(m->field_cands[i].name);
	free(m->field_cands);
	for (size_t i = 0; i < m->nimports; i++) {
		free(m->imports[i].local);
		free(m->imports[i].spec);
		free(m->imports[i].imported);
	}
	free(m->imports);
	for (size_t i = 0; i < m->nexports; i++) {
		free(m->exports[i].exported);
		free(m->exports[i].local);
		free(m->exports[i].spec);
		free(m->exports[i].imported);
	}
	free(m->exports);
	for (size_t i = 0; i < m->nfns; i++)
		free(m->fns[i].name);
	free(m->fns);
	for (size_t i = 0; i < m->naliases; i++) {
		free(m->aliases[i].name);
		free(m->aliases[i].target);
	}
	free(m->aliases);
	for (size_t i = 0; i < m->nunits; i++)
		free(m->units[i].name);
	free(m->units);
	for (size_t i = 0; i < m->nmemo; i++)
		free(m->memo[i].fn);
	free(m->memo);
	free(m->sites);
	free(m->unit_site_start);
	free(m->by_unit);
	pg_strmap_free(&m->fn_index);
	pg_strmap_free(&m->unit_names);
	free(m);
}

/* ---- the run's modules -------------------------------------------------- */

struct pg_modules {
	const pg_source *src;
	const pg_config *cfg;
	/* mod NULL: known absent (hash 0) or not analysable */
	struct entry { char *path; pg_module *mod; uint64_t hash; } *items;
	size_t len, cap;
	pg_strmap index;    /* path -> entry */
	size_t *log;        /* entries looked up since pg_modules_log_reset */
	size_t nlog, clog;
	pg_alias *alias;    /* tsconfig/jsconfig path aliases, read through src (logged like modules) */
};

/* The entry of a config file (alias.c reads tsconfig.json through here), read once. */
static size_t config_entry(pg_modules *ms, const char *path, pg_buf *out, int *found)
{
	size_t *known = pg_strmap_get(&ms->index, path, strlen(path));
	pg_buf b = PG_BUF_INIT;
	size_t at;
	if (known && !out)
		return *known;
	*found = ms->src->read(ms->src->ctx, path, out ? out : &b) == PG_OK;
	if (known) {
		at = *known;
	} else {
		PG_GROW(ms->items, ms->cap, ms->len + 1);
		at = ms->len++;
		ms->items[at].path = pg_xstrdup(path);
		ms->items[at].mod = NULL;
		ms->items[at].hash = *found ? pg_content_hash((out ? out : &b)->data, (out ? out : &b)->len) : 0;
		pg_strmap_put(&ms->index, path, strlen(path), at);
	}
	pg_buf_free(&b);
	return at;
}

static int config_read(void *ctx, const char *path, pg_buf *out)
{
	int found = 0;
	config_entry(ctx, path, out, &found);
	return found ? PG_OK : pg_error_set(PG_ENOTFOUND, "%s: no such file", path);
}

/* A result that used an alias depends on every config the mapping looked at. */
static void config_note(void *ctx, const char *path)
{
	pg_modules *ms = ctx;
	int found;
	size_t at = config_entry(ms, path, NULL, &found);
	PG_GROW(ms->log, ms->clog, ms->nlog + 1);
	ms->log[ms->nlog++] = at;
}

pg_modules *pg_modules_new(const pg_source *src, const pg_config *cfg)
{
	pg_modules *ms = pg_xcalloc(1, sizeof(*ms));
	ms->src = src;
	ms->cfg = cfg;
	ms->alias = pg_alias_new(config_read, config_note, ms);
	return ms;
}

void pg_modules_free(pg_modules *ms)
{
	if (!ms)
		return;
	for (size_t i = 0; i < ms->len; i++) {
		free(ms->items[i].path);
		pg_module_free(ms->items[i].mod);
	}
	free(ms->items);
	free(ms->log);
	pg_strmap_free(&ms->index);
	pg_alias_free(ms->alias);
	free(ms);
}

/* Loads one exact path (memoised); NULL when absent or not JS/TS. */
static pg_module *load_exact(pg_modules *ms, const char *path)
{
	pg_buf b = PG_BUF_INIT;
	pg_module *mod = NULL;
	pg_lang lang = pg_lang_from_path(path);
	uint64_t hash = 0;
	size_t *known = pg_strmap_get(&ms->index, path, strlen(path));
	size_t at;
	if (known) {
		at = *known;
	} else {
		if (lang != PG_LANG_NONE && ms->src->read(ms->src->ctx, path, &b) == PG_OK) {
			hash = pg_content_hash(b.data, b.len);
			if (b.len <= ms->cfg->max_file_bytes && !(b.len && memchr(b.data, '\0', b.len)))
				pg_module_build(&mod, path, lang, b.data, b.len, ms->cfg);
		}
		pg_buf_free(&b);
		PG_GROW(ms->items, ms->cap, ms->len + 1);
		at = ms->len++;
		ms->items[at].path = pg_xstrdup(path);
		ms->items[at].mod = mod;
		ms->items[at].hash = hash;
		pg_strmap_put(&ms->index, path, strlen(path), at);
	}
	PG_GROW(ms->log, ms->clog, ms->nlog + 1);
	ms->log[ms->nlog++] = at;
	return ms->items[at].mod;
}

void pg_modules_log_reset(pg_modules *ms)
{
	ms->nlog = 0;
}

size_t pg_modules_log_count(const pg_modules *ms)
{
	return ms->nlog;
}

void pg_modules_log_at(const pg_modules *ms, size_t i, const char **path, uint64_t *hash)
{
	const struct entry *e = &ms->items[ms->log[i]];
	*path = e->path;
	*hash = e->hash;
}

/* pg_resolve_base's question, answered by loading: the module found is kept in the probe. */
struct resolve_probe { pg_modules *ms; pg_module *found; };

static int probe_load(void *ctx, const char *path)
{
	struct resolve_probe *p = ctx;
	p->found = load_exact(p->ms, path);
	return p->found != NULL;
}

/* The module at a path without its extension (resolve.h: the rule deps.c uses too). */
static pg_module *resolve_base(pg_modules *ms, const char *base)
{
	struct resolve_probe p = {ms, NULL};
	char *path = pg_resolve_base(base, probe_load, &p);
	if (!path)
		return NULL;
	free(path);
	return p.found;
}

/* Resolves a specifier from `from_path`, relative or a tsconfig/jsconfig alias (alias.h),
 * trying extensions and index files; NULL if absent. */
static pg_module *modules_resolve(pg_modules *ms, const char *from_path, const char *spec)
{
	pg_strlist bases = {0};
	pg_module *found = NULL;
	if (pg_is_pg_package(spec))
		return NULL;
	/* relative, or mapped by the nearest tsconfig/jsconfig (alias.c: the rule deps.c uses too) */
	pg_alias_bases(ms->alias, from_path, spec, &bases);
	for (size_t i = 0; i < bases.len && !found; i++)
		found = resolve_base(ms, bases.items[i]);
	pg_strlist_free(&bases);
	return found;}

/* The export of m named like the first `h` bytes of `path`; "=" and "default" stand in for each other. */
static const pg_export *export_named(const pg_module *m, const char *path, size_t h)
{
	int whole = (h == 1 && path[0] == '=') || (h == 7 && !memcmp(path, "default", 7));
	for (int pass = 0; pass < 1 + whole; pass++)
		for (size_t i = 0; i < m->nexports; i++) {
			const char *e = m->exports[i].exported;
			if (pass ? !strcmp(e, "=") || !strcmp(e, "default") : strlen(e) == h && !memcmp(e, path, h))
				return &m->exports[i];
		}
	return NULL;
}

/* `export * from 'x'` or `module.exports = require('x')`: all of x passed on. */
static int passes_all_on(const pg_export *e)
{
	return e->spec && (!strcmp(e->exported, "*") ||
	                   (!strcmp(e->exported, "=") && e->imported && !strcmp(e->imported, "=")));
}

#define PG_MAX_STAR_MODULES 32

/*
 * The first module that m passes on whole, directly or through more such
 * modules (breadth first, a bounded queue: no recursion), that has the
 * first `h` bytes of `name` itself: an export of it, or (with fns, as
 * CommonJS modules are read) a function of that name.  `export *` never
 * passes on a default export.
 */
static pg_module *star_source(pg_modules *ms, pg_module *m, const char *name, size_t h, int fns)
{
	pg_module *queue[PG_MAX_STAR_MODULES];
	size_t head = 0, tail = 0;
	if ((h == 7 && !memcmp(name, "default", 7)) || (h == 1 && name[0] == '='))
		return NULL;
	queue[tail++] = m;
	while (head < tail) {
		pg_module *at = queue[head++];
		for (size_t i = 0; i < at->nexports; i++) {
			pg_module *next;
			if (!passes_all_on(&at->exports[i]) ||
			    !(next = modules_resolve(ms, at->path, at->exports[i].spec)))
				continue;
			if (export_named(next, name, h) || (fns && module_fn(next, name, h)))
				return next;
			if (tail < PG_MAX_STAR_MODULES)
				queue[tail++] = next;
		}
	}
	return NULL;
}

void pg_module_reexports(const pg_module *m, pg_strlist *out)
{
	for (size_t i = 0; i < m->nexports; i++) {
		const pg_export *e = &m->exports[i];
		const pg_import *imp = e->local ? pg_module_import(m, e->local, strlen(e->local)) : NULL;
		const char *spec = e->spec ? e->spec : imp ? imp->spec : NULL;
		if (spec && !pg_strlist_has(out, spec))
			pg_strlist_push(out, spec);
	}
}

/* Is `name` a pool bound at the module's top level (not a function's local of the same name)? */
static int module_pool_var(const pg_module *m, const char *name)
{
	size_t len = strlen(name);
	TSNode root = ts_tree_root_node(m->ast.tree);
	for (size_t i = 0; i < m->pool_vars.len; i++) {
		int32_t b;
		if (strcmp(m->pool_vars.items[i], name))
			continue;
		b = pg_scope_resolve_at(m, name, (uint32_t)len, m->pool_var_at[i]);
		if (b == PG_NO_BINDING || ts_node_eq(pg_scope_owner(m, b), root))
			return 1;
	}
	return 0;
}

/* Does module `m` export a pool under `name` ("=" / "default" are interchangeable)? */
static int exports_pool(pg_modules *ms, pg_module *m, const char *name)
{
	for (int hop = 0; m && hop < PG_MAX_REEXPORT_HOPS; hop++) {
		const pg_export *hit = export_named(m, name, strlen(name));
		if (!hit) {
			m = star_source(ms, m, name, strlen(name), 0);
			continue;
		}
		if (hit->is_pool)
			return 1;
		if (hit->spec) {
			pg_module *next = modules_resolve(ms, m->path, hit->spec);
			name = hit->imported;
			m = next;
			continue;
		}
		if (!hit->local)
			return 0;
		if (module_pool_var(m, hit->local))
			return 1;
		const pg_import *imp = pg_module_import(m, hit->local, strlen(hit->local));
		if (!imp)
			return 0;
		name = imp->imported;
		m = modules_resolve(ms, m->path, imp->spec);
	}
	return 0;
}

int pg_modules_import_is_pool(pg_modules *ms, const pg_module *from, const pg_import *imp,
                              const char *member)
{
	/* relative or aliased; a package is not of this repository */
	pg_module *m = modules_resolve(ms, from->path, imp->spec);
	if (!m)
		return 0;
	if (!strcmp(imp->imported, "*") || (member && !strcmp(imp->imported, "=")))
		return member ? exports_pool(ms, m, member) : 0;
	if (member)
		return 0;
	return exports_pool(ms, m, imp->imported);
}

#define PG_MAX_PATH_HOPS 16

/* `path` rewritten through the alias named by it or by a dotted prefix of it; NULL if none. */
static char *through_alias(const pg_module *m, const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < m->naliases; i++) {
		size_t l = strlen(m->aliases[i].name);
		if (l <= n && !memcmp(m->aliases[i].name, path, l) && (path[l] == '.' || !path[l]))
			return pg_xasprintf("%s%s", m->aliases[i].target, path + l);
	}
	return NULL;
}

/*
 * The function a name or dotted path names in m's own code, following m's
 * object-member aliases (`const api = { f: g }`: "api.f" is "g"), or NULL;
 * *rest (when not NULL) gets the path it ended on (allocated), which may
 * name an import.  The first step of find_fn, and all of
 * pg_module_local_path_fn.
 */
static const pg_named_fn *local_fn(const pg_module *m, const char *path, char **rest)
{
	char *p = pg_xstrdup(path), *next;
	const pg_named_fn *fn = NULL;
	for (int hop = 0; hop < PG_MAX_PATH_HOPS; hop++) {
		if ((fn = module_fn(m, p, strlen(p))) != NULL || (next = through_alias(m, p)) == NULL)
			break;
		free(p);
		p = next;
	}
	if (rest && !fn)
		*rest = p;
	else
		free(p);
	return fn;
}

const pg_named_fn *pg_module_local_path_fn(const pg_module *m, const char *path)
{
	return local_fn(m, path, NULL);
}

/*
 * The function `path` names in m: a name or dotted path of m's own code
 * (exported == 0), or one that starts with an export name of m (exported
 * == 1).  Each hop rewrites the path and may move to another module:
 * through an alias of an object member, an import (into the exporting
 * module's export names), an export (to the local it names) or a
 * re-export.  Takes `path` (allocated).
 */
static const pg_named_fn *find_fn(pg_modules *ms, pg_module *m, char *path, int exported, pg_module **where)
{
	const pg_named_fn *fn = NULL;
	for (int hop = 0; m && path && !fn && hop < PG_MAX_PATH_HOPS; hop++) {
		size_t h = strcspn(path, ".");
		char *next = NULL;
		if (exported) {
			const pg_export *hit = export_named(m, path, h), *whole = NULL;
			pg_module *star;
			int of_whole = (h == 1 && path[0] == '=') || (h == 7 && !memcmp(path, "default", 7));
			for (size_t i = 0; i < m->nexports && !whole; i++)
				if (!strcmp(m->exports[i].exported, "="))
					whole = &m->exports[i];
			if (hit && hit->spec) {
				next = pg_xasprintf("%s%s", hit->imported, path + h);
				m = modules_resolve(ms, m->path, hit->spec);
			} else if (hit && hit->local) {
				next = pg_xasprintf("%s%s", hit->local, path + h);
				exported = 0;
			} else if (!hit && of_whole && path[h]) {
				next = pg_xstrdup(path + h + 1); /* import h from './cjs': h.f among its exports */
			} else if (!hit && whole && whole->local) {
				next = pg_xasprintf("%s.%s", whole->local, path); /* module.exports = api; api.f */
				exported = 0;
			} else if (!hit && whole && whole->spec) {
				next = pg_xstrdup(path); /* module.exports = require('./other') */
				m = modules_resolve(ms, m->path, whole->spec);
			} else if (!hit && (star = star_source(ms, m, path, h, 1)) != NULL) {
				next = pg_xstrdup(path); /* export * from './x', x having it */
				m = star;
			} else if (!hit) {
				next = pg_xstrdup(path); /* CommonJS often exports functions under their own name */
				exported = 0;
			}
		} else {
			char *rest = NULL;
			if ((fn = local_fn(m, path, &rest)) != NULL) {
				*where = m;
			} else {
				const pg_import *imp;
				h = strcspn(rest, ".");
				imp = pg_module_import(m, rest, h);
				if (imp) { /* relative or aliased: modules_resolve says which */
					int ns = !strcmp(imp->imported, "*") || !strcmp(imp->imported, "=");
					if (ns && rest[h])
						next = pg_xstrdup(rest + h + 1);   /* helpers.f: f among the exports */
					else if (!ns || !strcmp(imp->imported, "="))
						next = pg_xasprintf("%s%s", imp->imported, rest + h);
					m = modules_resolve(ms, m->path, imp->spec);
					exported = 1;
				}
			}
			free(rest);
		}
		free(path);
		path = next;
	}
	free(path);
	return fn;
}

const pg_named_fn *pg_modules_import_fn(pg_modules *ms, const pg_module *from, const pg_import *imp,
                                        pg_module **where)
{
	return find_fn(ms, modules_resolve(ms, from->path, imp->spec), pg_xstrdup(imp->imported), 1, where);
}

const pg_named_fn *pg_modules_path_fn(pg_modules *ms, pg_module *m, const char *path, pg_module **where)
{
	return find_fn(ms, m, pg_xstrdup(path), 0, where);
}
