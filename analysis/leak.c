/*
 * leak.c - finds the acquisitions of a module and decides, for each, whether
 * every path releases the client (semantics §1-§5).
 *
 * For every unit, its own calls `R.connect(...)` (not those of nested
 * functions, which are units of their own) are candidates.  A candidate is
 * an acquisition when R is proven a pool (same file, through a relative
 * import, or configured) or when the acquired value is used as a pool
 * client.  Its form (awaited into a variable, destructured, a promise
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

void pg_track_free(pg_track *t)
{
	pg_strlist_free(&t->names);
	pg_strlist_free(&t->release_fns);
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
		case NK_IDENTIFIER:
			return p;
		case NK_REQUIRED_PARAMETER:
		case NK_OPTIONAL_PARAMETER:
			p = pg_field_of(a, p, F_PATTERN);
			break;
		case NK_ASSIGNMENT_PATTERN:
			p = pg_field_of(a, p, F_LEFT);
			break;
		default:
			return null;
		}
	}
	return null;
}

uint32_t pg_fn_params(const pg_ast *a, TSNode fn, TSNode *out, uint32_t max)
{
	TSNode ps = pg_field_of(a, fn, F_PARAMETERS);
	uint32_t n = 0;
	if (ts_node_is_null(ps)) {
		TSNode one = pg_field_of(a, fn, F_PARAMETER);
		if (!ts_node_is_null(one) && max)
			out[n++] = one;
		return n;
	}
	uint32_t nc = ts_node_named_child_count(ps);
	for (uint32_t i = 0; i < nc && n < max; i++) {
		TSNode p = ts_node_named_child(ps, i);
		pg_nk k = pg_nk_of(a, p);
		if (k == NK_COMMENT || k == NK_DECORATOR)
			continue;
		out[n++] = p;
	}
	return n;
}

static void push_name(pg_strlist *l, const pg_ast *a, TSNode n)
{
	char *s = pg_text_dup(a, n, 0);
	if (!pg_strlist_has(l, s))
		pg_strlist_push(l, s);
	free(s);
}

/* Pre-order over the unit's own code: nested functions and classes are other units. */
static int unit_walk_next(pg_walk *w, const pg_ast *a, TSNode root, TSNode *out)
{
	if (!pg_walk_next(w, out))
		return 0;
	pg_nk k = pg_nk_of(a, *out);
	if (!ts_node_eq(*out, root) && (pg_nk_is_function(k) || k == NK_CLASS || k == NK_CLASS_DECLARATION))
		pg_walk_skip(w);
	return 1;
}

/* The parameter of function `fn` named `name`, or a null node; `ps` is the
 * caller's room for the (at most 32) parameters. */
static TSNode param_named(const pg_ast *a, TSNode fn, const char *name, uint32_t len, TSNode ps[32])
{
	uint32_t np = pg_fn_params(a, fn, ps, 32);
	for (uint32_t i = 0; i < np; i++) {
		TSNode id = param_name(a, ps[i]);
		uint32_t l;
		const char *t;
		if (ts_node_is_null(id))
			continue;
		t = pg_text(a, id, &l);
		if (l == len && !memcmp(t, name, len))
			return ps[i];
	}
	return (TSNode){0};
}

/* Does the unit declare `name` (parameter, let/const/var, function)? */
static int declares(const pg_module *m, const pg_unit_info *u, const char *name, uint32_t len)
{
	const pg_ast *a = &m->ast;
	pg_walk w;
	TSNode n, ps[32];
	int found = 0;
	if (u->parent >= 0 && !ts_node_is_null(param_named(a, u->node, name, len, ps)))
		return 1;
	pg_walk_init(&w, u->body);
	while (!found && unit_walk_next(&w, a, u->body, &n)) {
		pg_nk k = pg_nk_of(a, n);
		if (k == NK_VARIABLE_DECLARATOR || k == NK_FUNCTION_DECLARATION) {
			TSNode id = pg_field_of(a, n, F_NAME);
			uint32_t l;
			const char *t = pg_text(a, id, &l);
			found = pg_nk_of(a, id) == NK_IDENTIFIER && l == len && !memcmp(t, name, len);
		}
	}
	pg_walk_done(&w);
	return found;
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
	if (pg_nk_of(a, ty) != NK_TYPE_IDENTIFIER)
		return 0;
	t = pg_text(a, ty, &l);
	imp = pg_module_import(m, t, l);
	return imp && pg_is_pg_package(imp->spec) && !strcmp(imp->imported, "Pool");
}

/* The nearest parameter named like `id` of the functions around it (walking
 * up, so an inner parameter shadows an outer one) is typed as pg's Pool. */
static int param_typed_pool(const pg_module *m, TSNode id)
{
	const pg_ast *a = &m->ast;
	uint32_t len;
	const char *name = pg_text(a, id, &len);
	for (TSNode n = ts_node_parent(id); !ts_node_is_null(n); n = ts_node_parent(n)) {
		TSNode ps[32], p;
		switch (pg_nk_of(a, n)) {
		case NK_ARROW:
		case NK_FUNCTION_EXPRESSION:
		case NK_FUNCTION_DECLARATION:
		case NK_GENERATOR_FUNCTION:
		case NK_GENERATOR_DECLARATION:
		case NK_METHOD:
			break;
		default:
			continue;
		}
		p = param_named(a, n, name, len, ps);
		if (!ts_node_is_null(p))
			return type_is_pg_pool(m, ts_node_child_by_field_name(p, "type", 4));
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
	case NK_IDENTIFIER: {
		const pg_import *imp;
		if (pg_strlist_has_n(&m->pool_vars, t, len) || param_typed_pool(m, recv))
			return 1;
		imp = pg_module_import(m, t, len);
		return imp && pg_modules_import_is_pool(an->ms, m, imp, NULL);
	}
	case NK_MEMBER: {
		TSNode obj = pg_unwrap(a, pg_field_of(a, recv, F_OBJECT));
		TSNode prop = pg_field_of(a, recv, F_PROPERTY);
		const char *pt = pg_text(a, prop, &len);
		if (pg_nk_of(a, obj) == NK_THIS)
			return pg_strlist_has_n(&m->pool_fields, pt, len);
		if (pg_nk_of(a, obj) == NK_IDENTIFIER) {
			uint32_t ol;
			const char *ot = pg_text(a, obj, &ol);
			const pg_import *imp = pg_module_import(m, ot, ol);
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
static int used_as_client(pg_analysis *an, const pg_module *m, TSNode root, const pg_track *t)
{
	const pg_ast *a = &m->ast;
	pg_walk w;
	TSNode n;
	int found = 0;
	pg_walk_init(&w, root);
	while (!found && pg_walk_next(&w, &n)) {
		pg_nk k = pg_nk_of(a, n);
		if (k == NK_MEMBER) {
			TSNode obj = pg_unwrap(a, pg_field_of(a, n, F_OBJECT));
			TSNode prop = pg_field_of(a, n, F_PROPERTY);
			uint32_t ol, pl;
			const char *ot = pg_text(a, obj, &ol), *pt = pg_text(a, prop, &pl);
			found = pg_nk_of(a, obj) == NK_IDENTIFIER && pg_strlist_has_n(&t->names, ot, ol) &&
			        ((pl == 5 && !memcmp(pt, "query", 5)) || (pl == 3 && !memcmp(pt, "sql", 3)) ||
			         pg_strlist_has_n(&an->cfg->release, pt, pl));
		} else if (k == NK_CALL) {
			TSNode f = pg_unwrap(a, pg_field_of(a, n, F_FUNCTION));
			uint32_t fl;
			const char *ft = pg_text(a, f, &fl);
			found = pg_nk_of(a, f) == NK_IDENTIFIER && pg_strlist_has_n(&t->release_fns, ft, fl);
		}
	}
	pg_walk_done(&w);
	return found;
}

/* ---- §4: helper summaries ------------------------------------------------- */

pg_summary pg_helper_summary(pg_analysis *an, pg_module *m, TSNode fn, uint32_t param)
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

	if (!pg_nk_is_function(pg_nk_of(a, fn)) || ts_node_is_null(pg_field_of(a, fn, F_BODY)))
		return PG_SUM_UNKNOWN;
	np = pg_fn_params(a, fn, ps, 32);
	if (param >= np)
		return PG_SUM_UNKNOWN;
	id = param_name(a, ps[param]);
	if (ts_node_is_null(id))
		return PG_SUM_UNKNOWN;

	key = pg_xasprintf("@%u", ts_node_start_byte(fn));
	for (size_t i = 0; i < m->nmemo; i++)
		if (m->memo[i].param == param && !strcmp(m->memo[i].fn, key))
			memo = &m->memo[i];
	if (memo) {
		free(key);
		return memo->sum;
	}
	if (an->summary_depth >= PG_MAX_SUMMARY_DEPTH) {
		free(key);
		return PG_SUM_UNKNOWN;
	}
	PG_GROW(m->memo, m->cmemo, m->nmemo + 1);
	m->memo[m->nmemo++] = (pg_summary_memo){key, param, PG_SUM_BUSY};

	memset(&t, 0, sizeof(t));
	push_name(&t.names, a, id);
	an->summary_depth++;
	rc = pg_build(an, m, SCOPE_SUMMARY, fn, &t, -1, &g);
	if (rc == PG_OK && pg_cfg_search(&g, &r) == PG_OK)
		sum = !r.leaks ? PG_SUM_ALL : r.released_some ? PG_SUM_SOME : PG_SUM_NONE;
	an->summary_depth--;
	pg_cfg_free(&g);
	pg_track_free(&t);

	/* the memo array may have moved while summarising nested helpers */
	for (size_t i = 0; i < m->nmemo; i++)
		if (m->memo[i].param == param && !strcmp(m->memo[i].fn, key))
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

static int count_queries(const pg_ast *a, TSNode root, const pg_track *t)
{
	pg_walk w;
	TSNode n;
	int count = 0;
	pg_walk_init(&w, root);
	while (unit_walk_next(&w, a, root, &n)) {
		if (pg_nk_of(a, n) != NK_CALL)
			continue;
		TSNode f = pg_unwrap(a, pg_field_of(a, n, F_FUNCTION));
		if (pg_nk_of(a, f) == NK_MEMBER && pg_text_is(a, pg_field_of(a, f, F_PROPERTY), "query")) {
			TSNode obj = pg_unwrap(a, pg_field_of(a, f, F_OBJECT));
			uint32_t l;
			const char *o = pg_text(a, obj, &l);
			if (pg_strlist_has_n(&t->names, o, l))
				count++;
		} else if (pg_nk_of(a, f) == NK_IDENTIFIER && pg_text_is(a, f, "query")) {
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
	TSNode fn = pg_unwrap(a, pg_field_of(a, call, F_FUNCTION));
	TSNode tok = pg_field_of(a, fn, F_PROPERTY);
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
		f.via = r->via == VIA_RETURN ? PG_VIA_RETURN : r->via == VIA_THROW ? PG_VIA_THROW
		        : r->via == VIA_EXCEPTION ? PG_VIA_EXCEPTION : PG_VIA_END;
		f.exit_line = r->exit_line;
		if (r->lost)
			pg_buf_printf(&path, "leaks when line %u checks out or assigns another client while this one is "
			              "still held (a checkout in a loop must be released in the same iteration)",
			              r->lost_line);
		else if (r->via == VIA_RETURN)
			pg_buf_printf(&path, "leaks when the function returns at line %u", r->exit_line);
		else if (r->via == VIA_THROW)
			pg_buf_printf(&path, "leaks when the throw at line %u is reached", r->exit_line);
		else if (r->via == VIA_EXCEPTION)
			pg_buf_printf(&path, "leaks when %s at line %u %s", r->raise == RAISE_QUERY ? "the query"
			              : r->raise == RAISE_AWAIT ? "the awaited promise" : r->raise == RAISE_NEW ? "the constructor"
			              : "the call", r->exit_line, r->raise == RAISE_AWAIT ? "rejects" : "throws");
		else
			pg_buf_printf(&path, "leaks when the %s ends at line %u", form == FORM_CHAIN ? "promise chain" :
			              form == FORM_CALLBACK ? "callback" : "function", r->exit_line);
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
	f.message = msg.data ? msg.data : "";
	f.path_text = path.data ? path.data : "";
	f.hint = hint.data ? hint.data : "";
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
	if (pg_nk_of(a, p) != NK_MEMBER || !ts_node_eq(pg_field_of(a, p, F_OBJECT), child))
		return null;
	prop = pg_field_of(a, p, F_PROPERTY);
	*method = pg_text_is(a, prop, "then") ? 0 : pg_text_is(a, prop, "catch") ? 1 : pg_text_is(a, prop, "finally") ? 2 : -1;
	gp = ts_node_parent(p);
	if (*method < 0 || pg_nk_of(a, gp) != NK_CALL || !ts_node_eq(pg_field_of(a, gp, F_FUNCTION), p))
		return null;
	args = pg_field_of(a, gp, F_ARGUMENTS);
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
	TSNode fn = pg_unwrap(a, pg_field_of(a, call, F_FUNCTION));
	TSNode recv = pg_unwrap(a, pg_field_of(a, fn, F_OBJECT));
	TSNode args = pg_field_of(a, call, F_ARGUMENTS);
	uint32_t nargs = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
	TSNode last = nargs ? ts_node_named_child(args, nargs - 1) : args;
	TSNode scope = u->body, handler = args, ps[3];
	pg_track t;
	acq_form form;
	int proven = receiver_proven(an, m, recv), evidence = 0, has_then, err_flag = -1, rc = PG_OK;
	pg_cfg g;
	pg_search_result r;

	memset(&t, 0, sizeof(t));
	TSNode outer = through_passthrough(a, call, &handler, &has_then);
	if (has_then) {
		form = FORM_CHAIN;
		if (ts_node_is_null(handler) || !is_fn(a, handler))
			goto skip; /* a handler passed by name: not ours to follow */
		handler = pg_unwrap(a, handler);
		if (pg_fn_params(a, handler, ps, 1) == 0) {
			form = FORM_DISCARDED;
		} else {
			TSNode id = param_name(a, ps[0]);
			if (ts_node_is_null(id))
				goto skip;
			push_name(&t.names, a, id);
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
		uint32_t np = pg_fn_params(a, cb, ps, 3);
		form = FORM_CALLBACK;
		if (np < 2 || ts_node_is_null(param_name(a, ps[1])))
			goto skip;
		push_name(&t.names, a, param_name(a, ps[1]));
		if (np >= 3 && !ts_node_is_null(param_name(a, ps[2])))
			push_name(&t.release_fns, a, param_name(a, ps[2]));
		if (!ts_node_is_null(param_name(a, ps[0]))) {
			t.flags[0] = pg_text_dup(a, param_name(a, ps[0]), 0);
			t.nflags = 1;
			err_flag = 0;
		}
		scope = cb;
	} else {
		/* the checkout (with any .catch/.finally on it), awaited or not, and what takes its value */
		TSNode child, child2, p = pg_unwrap_up(a, outer, &child), q;
		int awaited = pg_nk_of(a, p) == NK_AWAIT;
		q = awaited ? pg_unwrap_up(a, p, &child2) : p;
		if (!awaited)
			child2 = child;
		if (pg_nk_of(a, q) == NK_UNARY && pg_text_is(a, pg_field_of(a, q, F_OPERATOR), "void"))
			q = pg_unwrap_up(a, q, &child2); /* void pool.connect(): thrown away on purpose, still lost */
		switch (pg_nk_of(a, q)) {
		case NK_EXPRESSION_STATEMENT:
			form = FORM_DISCARDED;
			break;
		case NK_VARIABLE_DECLARATOR: {
			TSNode name = pg_field_of(a, q, F_NAME);
			if (!awaited || !ts_node_eq(pg_field_of(a, q, F_VALUE), child2))
				goto skip;
			if (pg_nk_of(a, name) == NK_IDENTIFIER) {
				form = FORM_VAR;
				push_name(&t.names, a, name);
			} else if (pg_nk_of(a, name) == NK_OBJECT_PATTERN) {
				uint32_t nc = ts_node_named_child_count(name);
				form = FORM_DESTRUCTURED;
				for (uint32_t i = 0; i < nc; i++) {
					TSNode pp = ts_node_named_child(name, i), key = pp, val = pp;
					if (pg_nk_of(a, pp) == NK_PAIR_PATTERN) {
						key = pg_field_of(a, pp, F_KEY);
						val = pg_field_of(a, pp, F_VALUE);
					} else if (pg_nk_of(a, pp) != NK_SHORTHAND_PATTERN) {
						continue;
					}
					if (pg_nk_of(a, val) != NK_IDENTIFIER && pg_nk_of(a, val) != NK_SHORTHAND_PATTERN)
						continue;
					uint32_t kl;
					const char *kt = pg_text(a, key, &kl);
					if (pg_strlist_has_n(&an->cfg->release, kt, kl)) {
						push_name(&t.release_fns, a, val);
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
		case NK_ASSIGNMENT: {
			TSNode left = pg_field_of(a, q, F_LEFT);
			uint32_t ll;
			const char *lt;
			if (!awaited || !ts_node_eq(pg_field_of(a, q, F_RIGHT), child2) || pg_nk_of(a, left) != NK_IDENTIFIER)
				goto skip; /* stored into a property: handed over */
			lt = pg_text(a, left, &ll);
			if (!declares(m, u, lt, ll))
				goto skip; /* stored into an outer variable: handed over */
			form = FORM_VAR;
			push_name(&t.names, a, left);
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
		pg_track_free(&t);
		return PG_OK;
	}
	rc = pg_build(an, m, form == FORM_CHAIN ? SCOPE_CHAIN : form == FORM_CALLBACK ? SCOPE_CALLBACK : SCOPE_BODY,
	              form == FORM_CHAIN ? call : form == FORM_CALLBACK ? pg_unwrap(a, last) : u->body, &t, err_flag, &g);
	if (rc == PG_OK)
		rc = pg_cfg_search(&g, &r);
	if (rc == PG_OK && r.leaks)
		add_finding(an, m, u, call, recv, *order, r.released_some ? PG_KIND_NOT_GUARANTEED : PG_KIND_NEVER_RELEASED,
		            &r, form, count_queries(a, scope, &t), out);
	else if (rc != PG_OK)
		notice(an, m, u, call);
	(*order)++;
	pg_cfg_free(&g);
	pg_track_free(&t);
	return rc == PG_ELIMIT ? PG_OK : rc;
skip:
	pg_track_free(&t);
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
