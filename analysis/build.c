/*
 * build.c - builds the control-flow graph of one acquisition's scope.
 *
 * The builder walks statements and expressions in evaluation order and
 * appends nodes to an "open" node (b->cur; NONE when the code is
 * unreachable).  Calls, `await` and `new` may throw: each adds an abrupt
 * edge to the innermost handler, except the calls semantics v2 §5 takes
 * not to throw (timers, console, a few built-ins whose name no declaration
 * binds where they are called, the client's listener methods).  The tracked
 * client, its release functions, flags and local helpers are variables
 * resolved by scope (scope.h), so a shadowing inner name is another one.  Jumps (return, throw, break, continue)
 * are resolved against a stack of contexts (try/catch, try/finally, loops,
 * labels, and function boundaries for inlined callbacks); a jump that
 * leaves a `try` with a `finally` enters a copy of the finally block made
 * for that continuation, built once and shared by every jump of the same
 * kind to the same target.  That keeps "return in try" and "break in try"
 * apart, which one shared finally would merge.
 *
 * Contexts are never popped from the array, only unlinked (each has a
 * parent index), so a finally copy can be built later in its own outer
 * context while the indices of its memo stay valid.
 *
 * A checkout may sit in one branch of an expression (`held || await
 * pool.connect()`, semantics v2 §1): it is acquired where the walk reaches
 * it, so only on that branch, and the tests that decide the branch become
 * flags of the abstract state (collect_guards), so that a later `if
 * (!held) c.release()` is followed path by path like any flag.
 *
 * Nested functions are not descended into, except where §3 says their
 * body runs on this path: the completion callback of `client.query(...,
 * cb)`, the handlers of a promise chain on the client, and a local closure
 * called directly (a local helper).  Those are inlined behind a boundary
 * context whose return continues after the call.
 *
 * Recursion follows the syntax tree's nesting; it is bounded by
 * PG_BUILD_MAX_DEPTH on the caller's stack, and by PG_DEEP_MAX_DEPTH on the
 * large stack of the thread that leak.c gives deeply nested functions;
 * beyond that the function is reported as not analysed (PG_ELIMIT) instead
 * of exhausting the stack.  Long operator chains and else-if chains are
 * walked iteratively.
 */
#include <stdlib.h>
#include <string.h>

#include "leak.h"

#define NONE UINT32_MAX
#define PG_BUILD_MAX_DEPTH 1000
#define PG_MAX_INLINE 4

typedef enum { CX_TRY_CATCH, CX_FINALLY, CX_LOOP, CX_BREAKABLE, CX_BOUNDARY } cx_kind;
typedef enum { J_RETURN, J_THROW, J_BREAK, J_CONTINUE } jump_kind;

typedef struct {
	uint32_t key;   /* jump kind and target context */
	uint32_t entry; /* the finally copy's first node */
} fin_copy;

typedef struct {
	cx_kind kind;
	int parent;          /* enclosing context, -1 at the top */
	const char *label;   /* loops and labelled statements */
	uint32_t label_len;
	uint32_t brk, cont;  /* loop / breakable targets */
	uint32_t catch_entry;/* try/catch */
	uint32_t ret, thr;   /* boundary targets */
	TSNode fin;          /* finally block */
	fin_copy *copies;
	size_t ncopies, ccopies;
} context;

typedef struct {
	TSNode fn;
	int32_t bind; /* the variable or function declaration that names it */
} local_helper;

/* A local that holds a guard's test (`const shouldRelease = !client`): flag `flag`, true when `pol` > 0. */
typedef struct {
	const char *name; /* into the source */
	uint32_t len;
	int32_t bind;
	int flag, pol;
} guard_alias;

#define PG_MAX_GUARD_ALIASES 8

typedef struct {
	pg_analysis *an;
	pg_module *m;
	const pg_ast *a;
	pg_cfg *g;
	pg_track *t;
	pg_scope_kind kind;
	uint32_t cur;
	context *cx;
	size_t ncx, ccx;
	int top;
	int depth;
	int inline_depth;
	int err;
	pg_raise raise;      /* what the exception edges being added come from */
	uint32_t threw_at;   /* the open node when the last exception edge was added */
	local_helper *helpers;
	size_t nhelpers, chelpers;
	guard_alias aliases[PG_MAX_GUARD_ALIASES];
	int naliases;
} builder;

static void stmt(builder *b, TSNode n);
static void expr(builder *b, TSNode n);
static int is_acquisition_value(builder *b, TSNode v);
static void cond(builder *b, TSNode n, uint32_t *t, uint32_t *f);

/* One more level of syntax: refused (and the build failed) past PG_BUILD_MAX_DEPTH. */
static int enter(builder *b)
{
	int limit = b->an->max_depth ? b->an->max_depth : PG_BUILD_MAX_DEPTH;
	if (b->depth >= limit) {
		b->err = pg_error_set(PG_ELIMIT, "nested more than %d levels deep", limit);
		return 0;
	}
	b->depth++;
	return 1;
}

/* ---- graph primitives --------------------------------------------------- */

static uint32_t node(builder *b, pg_cn_kind kind, uint32_t line)
{
	pg_cfg *g = b->g;
	if (g->nnodes >= PG_CFG_MAX_NODES) {
		b->err = pg_error_set(PG_ELIMIT, "function too large to analyse (over %u graph nodes)",
		                      PG_CFG_MAX_NODES);
		/* keep going harmlessly on the last node */
		return (uint32_t)g->nnodes - 1;
	}
	PG_GROW(g->nodes, g->cnodes, g->nnodes + 1);
	g->nodes[g->nnodes] = (pg_cnode){(uint8_t)kind, 0, 0, line, 0};
	return (uint32_t)g->nnodes++;
}

static void edge(builder *b, uint32_t from, uint32_t to, pg_edge_via via, uint32_t line)
{
	pg_cfg *g = b->g;
	if (from == NONE || to == NONE)
		return;
	PG_GROW(g->edges, g->cedges, g->nedges + 1);
	g->edges[g->nedges] = (pg_cedge){to, g->nodes[from].first_edge, (uint8_t)via,
	                                 (uint8_t)(via == PG_EDGE_VIA_EXCEPTION ? b->raise : RAISE_CALL), line};
	g->nodes[from].first_edge = (uint32_t)++g->nedges;
}

/* Appends an event node after the open node. */
static void emit(builder *b, pg_cn_kind kind, uint8_t arg, uint8_t val, uint32_t line)
{
	uint32_t n;
	if (b->cur == NONE)
		return;
	n = node(b, kind, line);
	b->g->nodes[n].arg = arg;
	b->g->nodes[n].val = val;
	edge(b, b->cur, n, PG_EDGE_VIA_NONE, 0);
	b->cur = n;
}

static uint32_t join(builder *b, uint32_t x, uint32_t y)
{
	uint32_t n;
	if (x == NONE)
		return y;
	if (y == NONE)
		return x;
	n = node(b, PG_CN_NOP, 0);
	edge(b, x, n, PG_EDGE_VIA_NONE, 0);
	edge(b, y, n, PG_EDGE_VIA_NONE, 0);
	return n;
}

/* A new node reached from the open node (a branch). */
static uint32_t branch(builder *b, pg_cn_kind kind, uint8_t arg, uint8_t val)
{
	uint32_t n;
	if (b->cur == NONE)
		return NONE;
	n = node(b, kind, 0);
	b->g->nodes[n].arg = arg;
	b->g->nodes[n].val = val;
	edge(b, b->cur, n, PG_EDGE_VIA_NONE, 0);
	return n;
}

/* ---- contexts and jumps ------------------------------------------------- */

static int push(builder *b, cx_kind kind)
{
	context *c;
	PG_GROW(b->cx, b->ccx, b->ncx + 1);
	c = &b->cx[b->ncx];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->parent = b->top;
	c->brk = c->cont = c->catch_entry = c->ret = c->thr = NONE;
	b->top = (int)b->ncx++;
	return b->top;
}

static void pop(builder *b)
{
	b->top = b->cx[b->top].parent;
}

static int label_is(const context *c, const char *label, uint32_t len)
{
	return c->label && c->label_len == len && !memcmp(c->label, label, len);
}

/* The context a jump goes to (-1: none, which makes it a no-op). */
static int jump_target(builder *b, jump_kind kind, const char *label, uint32_t len)
{
	for (int i = b->top; i >= 0; i = b->cx[i].parent) {
		const context *c = &b->cx[i];
		switch (kind) {
		case J_RETURN:
			if (c->kind == CX_BOUNDARY)
				return i;
			break;
		case J_THROW:
			if (c->kind == CX_BOUNDARY || c->kind == CX_TRY_CATCH)
				return i;
			break;
		case J_BREAK:
			if (c->kind == CX_BOUNDARY)
				return -1;
			if (label ? label_is(c, label, len) : (c->kind == CX_LOOP || (c->kind == CX_BREAKABLE && !c->label)))
				return i;
			break;
		case J_CONTINUE:
			if (c->kind == CX_BOUNDARY)
				return -1;
			if (c->kind == CX_LOOP && (!label || label_is(c, label, len)))
				return i;
			break;
		}
	}
	return -1;
}

static uint32_t target_node(const context *c, jump_kind kind)
{
	switch (kind) {
	case J_RETURN: return c->ret;
	case J_THROW: return c->kind == CX_TRY_CATCH ? c->catch_entry : c->thr;
	case J_BREAK: return c->brk;
	case J_CONTINUE: return c->cont;
	}
	return NONE;
}

static uint32_t finally_copy(builder *b, int level, jump_kind kind, int target);

/*
 * Sends the open node `from` to the jump's target, through the copies of
 * every finally block between level `from_level` and the target.
 */
static void route(builder *b, uint32_t from, int from_level, jump_kind kind, int target,
                  pg_edge_via via, uint32_t line)
{
	for (int i = from_level; i >= 0 && i != target; i = b->cx[i].parent) {
		if (b->cx[i].kind == CX_FINALLY) {
			edge(b, from, finally_copy(b, i, kind, target), via, line);
			return;
		}
	}
	if (target >= 0)
		edge(b, from, target_node(&b->cx[target], kind), via, line);
}

static uint32_t finally_copy(builder *b, int level, jump_kind kind, int target)
{
	uint32_t key = (uint32_t)kind << 24 | (uint32_t)(target + 1);
	context *c = &b->cx[level];
	uint32_t entry, saved_cur;
	int saved_top;
	for (size_t i = 0; i < c->ncopies; i++)
		if (c->copies[i].key == key)
			return c->copies[i].entry;
	entry = node(b, PG_CN_NOP, 0);
	PG_GROW(c->copies, c->ccopies, c->ncopies + 1);
	c->copies[c->ncopies++] = (fin_copy){key, entry};
	saved_cur = b->cur;
	saved_top = b->top;
	b->cur = entry;
	b->top = c->parent;
	stmt(b, b->cx[level].fin); /* c may move: the array can grow */
	route(b, b->cur, b->top, kind, target, PG_EDGE_VIA_NONE, 0);
	b->cur = saved_cur;
	b->top = saved_top;
	return entry;
}

static void jump(builder *b, jump_kind kind, const char *label, uint32_t len, pg_edge_via via,
                 uint32_t line)
{
	int target = jump_target(b, kind, label, len);
	if (b->cur != NONE && target >= 0)
		route(b, b->cur, b->top, kind, target, via, line);
}

/* An exception may be raised here: an abrupt edge to the handler, and the path goes on. */
static void may_throw(builder *b, uint32_t line, pg_raise raise)
{
	uint32_t saved = b->cur;
	b->raise = raise;
	jump(b, J_THROW, NULL, 0, PG_EDGE_VIA_EXCEPTION, line);
	b->raise = RAISE_CALL;
	b->cur = saved;
	b->threw_at = saved;
}

/* ---- what the tracked client looks like -------------------------------- */

/* Is n an identifier naming one of the set's variables (by scope, not by name alone)? */
static int is_name(builder *b, const pg_scope_set *set, TSNode n)
{
	return pg_nk_of(b->a, n) == PG_NK_IDENTIFIER && pg_scope_set_has(b->m, set, n);
}

static int is_client(builder *b, TSNode n)
{
	return is_name(b, &b->t->names, pg_unwrap(b->a, n));
}

/* The binding of a simple path's root name (`opts` of `opts.client`); none for `this`. */
static int32_t path_binding(builder *b, TSNode n)
{
	n = pg_unwrap(b->a, n);
	while (pg_nk_of(b->a, n) == PG_NK_MEMBER)
		n = pg_unwrap(b->a, pg_field_of(b->a, n, PG_F_OBJECT));
	return pg_nk_of(b->a, n) == PG_NK_IDENTIFIER ? pg_scope_resolve(b->m, n) : PG_NO_BINDING;
}

static int flag_index(builder *b, TSNode n)
{
	uint32_t len;
	const char *t;
	int32_t bind = PG_NO_BINDING;
	int resolved = 0;
	n = pg_unwrap(b->a, n);
	if (pg_nk_of(b->a, n) != PG_NK_IDENTIFIER && (pg_nk_of(b->a, n) != PG_NK_MEMBER || !pg_is_simple_path(b->a, n)))
		return -1;
	t = pg_text(b->a, n, &len);
	for (int i = 0; i < b->t->nflags; i++) {
		if (strlen(b->t->flags[i]) != len || memcmp(b->t->flags[i], t, len))
			continue;
		if (!resolved) {
			bind = path_binding(b, n);
			resolved = 1;
		}
		if (bind == b->t->flag_bind[i])
			return i;
	}
	return -1;
}

/* Does the subtree mention the client (or its release function)? */
static int mentions_client(builder *b, TSNode root)
{
	pg_walk w;
	TSNode n;
	int found = 0;
	pg_walk_init(&w, root);
	while (!found && pg_walk_next(&w, &n))
		found = pg_nk_of(b->a, n) == PG_NK_IDENTIFIER &&
		        (is_name(b, &b->t->names, n) || is_name(b, &b->t->release_fns, n));
	pg_walk_done(&w);
	return found;
}

static int is_function(builder *b, TSNode n)
{
	return pg_nk_is_function(pg_nk_of(b->a, pg_unwrap(b->a, n)));
}

/* A function value that captures the client. */
static int is_capturing_closure(builder *b, TSNode n)
{
	n = pg_unwrap(b->a, n);
	return is_function(b, n) && mentions_client(b, n);
}

static const local_helper *find_helper(builder *b, TSNode callee)
{
	int32_t bind;
	if (pg_nk_of(b->a, callee) != PG_NK_IDENTIFIER || !b->nhelpers)
		return NULL;
	bind = pg_scope_resolve(b->m, callee);
	for (size_t i = b->nhelpers; i-- > 0;)
		if (bind != PG_NO_BINDING && b->helpers[i].bind == bind)
			return &b->helpers[i];
	return NULL;
}

static void add_helper(builder *b, TSNode name, TSNode fn)
{
	PG_GROW(b->helpers, b->chelpers, b->nhelpers + 1);
	b->helpers[b->nhelpers].fn = pg_unwrap(b->a, fn);
	b->helpers[b->nhelpers].bind = pg_scope_resolve(b->m, name);
	b->nhelpers++;
}

/* ---- inlining nested functions that run on this path -------------------- */

/* Runs fn's body here: its return goes to `ret`, its throw to `thr`. */
static void inline_fn(builder *b, TSNode fn, uint32_t ret, uint32_t thr)
{
	const pg_ast *a = b->a;
	TSNode body;
	int cx;
	fn = pg_unwrap(a, fn);
	body = pg_field_of(a, fn, PG_F_BODY);
	if (b->inline_depth >= PG_MAX_INLINE || ts_node_is_null(body)) {
		edge(b, b->cur, ret, PG_EDGE_VIA_NONE, 0);
		b->cur = NONE;
		return;
	}
	b->inline_depth++;
	cx = push(b, CX_BOUNDARY);
	b->cx[cx].ret = ret;
	b->cx[cx].thr = thr;
	if (pg_nk_of(a, body) == PG_NK_STATEMENT_BLOCK) {
		stmt(b, body);
	} else {
		expr(b, body);
		if (is_client(b, body) || is_capturing_closure(b, body))
			emit(b, PG_CN_HANDOVER, 0, 0, pg_line(body));
	}
	edge(b, b->cur, ret, PG_EDGE_VIA_NONE, 0);
	b->cur = NONE;
	pop(b);
	b->inline_depth--;
}

/* The throw target of the whole scope: exceptions in callbacks escape every try. */
static uint32_t scope_throw(builder *b)
{
	return b->cx[0].thr;
}

/* ---- promise chains ----------------------------------------------------- */

#define MAX_LINKS 64

typedef struct {
	TSNode call; /* the .then(...) call */
	int method;  /* 0 then, 1 catch, 2 finally */
} chain_link;

static int chain_method(const pg_ast *a, TSNode prop)
{
	if (pg_text_is(a, prop, "then"))
		return 0;
	if (pg_text_is(a, prop, "catch"))
		return 1;
	if (pg_text_is(a, prop, "finally"))
		return 2;
	return -1;
}

/* The links above `root` (a call), innermost first; returns how many. */
static size_t chain_links(const pg_ast *a, TSNode root, chain_link *links)
{
	size_t n = 0;
	TSNode cur = root;
	while (n < MAX_LINKS) {
		TSNode child, p = pg_unwrap_up(a, cur, &child);
		if (pg_nk_of(a, p) != PG_NK_MEMBER || !ts_node_eq(pg_field_of(a, p, PG_F_OBJECT), child))
			break;
		int method = chain_method(a, pg_field_of(a, p, PG_F_PROPERTY));
		TSNode call = ts_node_parent(p);
		if (method < 0 || pg_nk_of(a, call) != PG_NK_CALL || !ts_node_eq(pg_field_of(a, call, PG_F_FUNCTION), p))
			break;
		links[n].call = call;
		links[n].method = method;
		n++;
		cur = call;
	}
	return n;
}

static TSNode arg_at(const pg_ast *a, TSNode call, uint32_t i)
{
	TSNode args = pg_field_of(a, call, PG_F_ARGUMENTS);
	TSNode null = {{0, 0, 0, 0}, NULL, NULL};
	if (ts_node_is_null(args) || i >= ts_node_named_child_count(args))
		return null;
	return ts_node_named_child(args, i);
}

/* `done` or `client.release` as a value (a callback that releases when called). */
static int is_release_ref(builder *b, TSNode h)
{
	uint32_t len;
	const char *t;
	h = pg_unwrap(b->a, h);
	if (is_name(b, &b->t->release_fns, h))
		return 1;
	if (pg_nk_of(b->a, h) != PG_NK_MEMBER || !is_client(b, pg_field_of(b->a, h, PG_F_OBJECT)))
		return 0;
	t = pg_text(b->a, pg_field_of(b->a, h, PG_F_PROPERTY), &len);
	return pg_strlist_has_n(&b->an->cfg->release, t, len);
}

/* Runs a handler (a function, or a reference to a release function) on one side. */
static void run_handler(builder *b, uint32_t from, TSNode h, uint32_t ok, uint32_t bad)
{
	if (from == NONE)
		return;
	b->cur = from;
	if (ts_node_is_null(h)) {
		edge(b, from, ok, PG_EDGE_VIA_NONE, 0);
	} else if (is_function(b, h)) {
		inline_fn(b, h, ok, bad);
	} else {
		expr(b, h);
		if (is_release_ref(b, h))
			emit(b, PG_CN_RELEASE, 0, 0, pg_line(h));
		edge(b, b->cur, ok, PG_EDGE_VIA_NONE, 0);
	}
	b->cur = NONE;
}

/* Builds the handlers of links[0..n) from a fulfilled and a rejected open node. */
static void build_chain(builder *b, const chain_link *links, size_t n, uint32_t *ful, uint32_t *rej)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t nf = node(b, PG_CN_NOP, 0), nr = node(b, PG_CN_NOP, 0);
		TSNode h0 = arg_at(b->a, links[i].call, 0), h1 = arg_at(b->a, links[i].call, 1);
		TSNode null = {{0, 0, 0, 0}, NULL, NULL};
		switch (links[i].method) {
		case 0: /* then(onFulfilled, onRejected) */
			run_handler(b, *ful, h0, nf, nr);
			if (!ts_node_is_null(h1))
				run_handler(b, *rej, h1, nf, nr);
			else
				edge(b, *rej, nr, PG_EDGE_VIA_NONE, 0);
			break;
		case 1: /* catch(onRejected) */
			edge(b, *ful, nf, PG_EDGE_VIA_NONE, 0);
			run_handler(b, *rej, h0, nf, nr);
			break;
		default: /* finally(f): runs on both sides, keeps the outcome */
			run_handler(b, *ful, h0, nf, nr);
			run_handler(b, *rej, ts_node_is_null(h0) ? null : h0, nr, nr);
			break;
		}
		*ful = nf;
		*rej = nr;
	}
}

/* ---- calls -------------------------------------------------------------- */

static const char *const no_throw_fns[] = {
	"setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate", NULL,
};

/*
 * Built-ins taken not to throw (semantics v2 §5).  The name must be the
 * global where it is called: see is_builtin_global.  An
 * entry with a NULL method is called itself (Number(x)); "*" is any static
 * method.  Their arguments are walked as expressions before, so a throwing
 * argument keeps its own exception edge.
 */
typedef struct {
	const char *global, *method;
} builtin_call;

static const builtin_call builtin_calls[] = {
	{ "Date", "now" }, { "Object", "*" }, { "Array", "isArray" }, { "Math", "*" }, { "Number", NULL },
	{ "String", NULL }, { "Boolean", NULL }, { "Symbol", NULL }, { "crypto", "randomUUID" }, { NULL, NULL },
};

/* The client's listener methods: registering a listener runs none of it. */
static const char *const listener_methods[] = { "on", "once", "off", "addListener", "prependListener",
	"removeListener", "removeAllListeners", NULL };

static int in_list(const pg_ast *a, TSNode n, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (pg_text_is(a, n, list[i]))
			return 1;
	return 0;
}

/* `crypto` bound by require('crypto') / import from 'crypto' is still the built-in module. */
static int is_crypto_module(builder *b, TSNode id)
{
	const pg_import *imp = pg_module_import_of(b->m, id);
	return imp && (!strcmp(imp->spec, "crypto") || !strcmp(imp->spec, "node:crypto")) &&
	       (!strcmp(imp->imported, "*") || !strcmp(imp->imported, "=") || !strcmp(imp->imported, "default"));
}

/* Is `n` the built-in global `name`: no declaration of the file binds it there (a
 * local `Math` or a parameter `Date` is not the built-in), or crypto's own module. */
static int is_builtin_global(builder *b, TSNode n, const char *name)
{
	if (pg_nk_of(b->a, n) != PG_NK_IDENTIFIER || !pg_text_is(b->a, n, name))
		return 0;
	if (pg_scope_resolve(b->m, n) == PG_NO_BINDING)
		return 1;
	return !strcmp(name, "crypto") && is_crypto_module(b, n);
}

static int is_builtin_call(builder *b, TSNode fn)
{
	const pg_ast *a = b->a;
	pg_nk k = pg_nk_of(a, fn);
	TSNode obj = k == PG_NK_MEMBER ? pg_unwrap(a, pg_field_of(a, fn, PG_F_OBJECT)) : fn;
	TSNode prop = k == PG_NK_MEMBER ? pg_field_of(a, fn, PG_F_PROPERTY) : fn;
	if (k != PG_NK_MEMBER && k != PG_NK_IDENTIFIER)
		return 0;
	if (k == PG_NK_MEMBER && pg_text_is(a, prop, "bind"))
		return 1;
	for (int i = 0; builtin_calls[i].global; i++) {
		const builtin_call *c = &builtin_calls[i];
		if ((k == PG_NK_IDENTIFIER) != (c->method == NULL))
			continue;
		if (c->method && strcmp(c->method, "*") && !pg_text_is(a, prop, c->method))
			continue;
		if (is_builtin_global(b, obj, c->global))
			return 1;
	}
	return 0;
}

static int is_no_throw_callee(builder *b, TSNode fn)
{
	const pg_ast *a = b->a;
	TSNode obj = pg_nk_of(a, fn) == PG_NK_MEMBER ? pg_unwrap(a, pg_field_of(a, fn, PG_F_OBJECT)) : fn;
	/* the timers and console are the globals only where no declaration binds their name */
	if (pg_nk_of(a, fn) == PG_NK_IDENTIFIER && in_list(a, fn, no_throw_fns))
		return pg_scope_resolve(b->m, fn) == PG_NO_BINDING;
	if (pg_nk_of(a, fn) == PG_NK_MEMBER && pg_nk_of(a, obj) == PG_NK_IDENTIFIER && pg_text_is(a, obj, "console"))
		return pg_scope_resolve(b->m, obj) == PG_NO_BINDING;
	return is_builtin_call(b, fn);
}

static void args(builder *b, TSNode call)
{
	TSNode as = pg_field_of(b->a, call, PG_F_ARGUMENTS);
	uint32_t n = ts_node_is_null(as) ? 0 : ts_node_named_child_count(as);
	for (uint32_t i = 0; i < n; i++)
		expr(b, ts_node_named_child(as, i));
}

/* The index of the argument that is the client itself, or -1. */
static int client_arg(builder *b, TSNode call)
{
	TSNode as = pg_field_of(b->a, call, PG_F_ARGUMENTS);
	uint32_t n = ts_node_is_null(as) ? 0 : ts_node_named_child_count(as);
	for (uint32_t i = 0; i < n; i++) {
		TSNode x = ts_node_named_child(as, i);
		if (pg_nk_of(b->a, x) == PG_NK_SPREAD && ts_node_named_child_count(x))
			x = ts_node_named_child(x, 0);
		if (is_client(b, x))
			return (int)i;
	}
	return -1;
}

/*
 * A dotted callee (fn unwrapped) that may name a function: a simple path
 * whose root is `this`, an import (*imported set), or a declaration of the
 * module's own top level (a local or parameter of the same name is another
 * value).  0 for anything else.
 */
static int followable_path(const pg_module *m, TSNode fn, int *imported)
{
	const pg_ast *a = &m->ast;
	TSNode root;
	*imported = 0;
	if (!pg_is_simple_path(a, fn))
		return 0;
	for (root = fn; pg_nk_of(a, root) == PG_NK_MEMBER;)
		root = pg_unwrap(a, pg_field_of(a, root, PG_F_OBJECT));
	if (pg_nk_of(a, root) != PG_NK_IDENTIFIER)
		return 1; /* this */
	if (pg_module_import_of(m, root))
		return *imported = 1;
	return pg_scope_is_top_level(m, root);
}

TSNode pg_build_local_callee(const pg_module *m, TSNode fn)
{
	const pg_ast *a = &m->ast;
	TSNode null = {{0, 0, 0, 0}, NULL, NULL};
	const pg_named_fn *nf;
	int imported;
	char *path;
	fn = pg_unwrap(a, fn);
	if (pg_nk_of(a, fn) == PG_NK_IDENTIFIER)
		return pg_scope_function(m, fn);
	if (!followable_path(m, fn, &imported) || imported)
		return null;
	path = pg_path_text(a, fn);
	nf = pg_module_local_path_fn(m, path);
	free(path);
	return nf ? nf->node : null;
}

/*
 * The function a callee names (semantics §4, v2 §6), and in *where the
 * module that defines it.  First within the module, as pg_build_local_callee
 * says (the reuse key hashes what it names: analyser.c); then a name that
 * refers to an import, or a dotted path ("api.f", "helpers.db.f") followed
 * through object members and modules by pg_modules_path_fn, from a root
 * that is `this`, an import, or a declaration of the module's own top level
 * (a local or parameter of the same name is another value).  What is
 * consulted in other modules is in the run's log of modules looked at,
 * which the reuse keys take.
 */
static TSNode resolve_callee(builder *b, TSNode fn, pg_module **where)
{
	const pg_ast *a = b->a;
	TSNode null = {{0, 0, 0, 0}, NULL, NULL}, target = pg_build_local_callee(b->m, fn);
	const pg_named_fn *nf = NULL;
	const pg_import *imp;
	int imported;
	char *path;
	if (!ts_node_is_null(target)) {
		*where = b->m;
		return target;
	}
	fn = pg_unwrap(a, fn);
	*where = NULL;
	if (pg_nk_of(a, fn) == PG_NK_IDENTIFIER) {
		imp = pg_module_import_of(b->m, fn);
		nf = imp ? pg_modules_import_fn(b->an->ms, b->m, imp, where) : NULL;
		return nf && *where ? nf->node : null;
	}
	if (!followable_path(b->m, fn, &imported))
		return null;
	path = pg_path_text(a, fn);
	nf = pg_modules_path_fn(b->an->ms, b->m, path, where);
	free(path);
	return nf && *where ? nf->node : null;
}

/* Bit i: argument i is the release function (`done`, `client.release`) as a value. */
static uint32_t release_args(builder *b, TSNode call)
{
	TSNode as = pg_field_of(b->a, call, PG_F_ARGUMENTS);
	uint32_t n = ts_node_is_null(as) ? 0 : ts_node_named_child_count(as), mask = 0;
	for (uint32_t i = 0; i < n && i < 32; i++)
		if (is_release_ref(b, ts_node_named_child(as, i)))
			mask |= 1u << i;
	return mask;
}

/*
 * A call (awaited or not) of a helper that returns the client passed to it
 * (`debug(client)` returning `client`): its value is the same client
 * (semantics v2 §7).
 */
static int returns_client(builder *b, TSNode v)
{
	const pg_ast *a = b->a;
	pg_module *where = NULL;
	TSNode target;
	int ci;
	v = pg_unwrap(a, v);
	if (pg_nk_of(a, v) == PG_NK_AWAIT && ts_node_named_child_count(v))
		v = pg_unwrap(a, ts_node_named_child(v, 0));
	if (pg_nk_of(a, v) != PG_NK_CALL || (ci = client_arg(b, v)) < 0)
		return 0;
	target = resolve_callee(b, pg_unwrap(a, pg_field_of(a, v, PG_F_FUNCTION)), &where);
	return !ts_node_is_null(target) && pg_fn_returns_param(&where->ast, target, (uint32_t)ci);
}

/*
 * Is returning `v` a hand-over?  The client (or the same client through a
 * helper that returns it) or a closure over it, except that a helper's
 * summary returning its parameter gives the client back to the caller,
 * which still owns it (semantics v2 §7).
 */
static int hands_over_value(builder *b, TSNode v)
{
	if (is_capturing_closure(b, v))
		return 1;
	if (b->kind == PG_SCOPE_SUMMARY)
		return 0;
	return is_client(b, v) || returns_client(b, v);
}

/*
 * A call that passes the client or its release function: the helper's
 * summary decides (the client's parameter and those that receive the
 * release function, as the same code inline would), else passing the
 * client is a hand-over.
 */
static void pass_client(builder *b, TSNode call, TSNode fn, int argi, uint32_t release_mask)
{
	const pg_ast *a = b->a;
	uint32_t line = pg_line(call);
	pg_summary sum = PG_SUM_UNKNOWN;
	pg_module *where = NULL;
	TSNode target;
	char *path = pg_path_text(a, fn);
	int configured = path && pg_strlist_has(&b->an->cfg->release_helpers, path);
	free(path);
	if (configured)
		sum = PG_SUM_ALL;
	else if (!ts_node_is_null(target = resolve_callee(b, fn, &where)))
		sum = pg_helper_summary(b->an, where, target, argi >= 0 ? (uint32_t)argi : UINT32_MAX, release_mask);
	if (sum == PG_SUM_UNKNOWN && argi < 0)
		return; /* the release function given to a call we cannot see: not a release */
	switch (sum) {
	case PG_SUM_ALL:
		emit(b, PG_CN_RELEASE, 0, 0, line);
		break;
	case PG_SUM_SOME: {
		uint32_t r = branch(b, PG_CN_RELEASE, 0, 0), k = branch(b, PG_CN_NOP, 0, 0);
		b->cur = join(b, r, k);
		break;
	}
	case PG_SUM_NONE:
	case PG_SUM_BUSY:
		break;
	case PG_SUM_UNKNOWN:
		emit(b, PG_CN_HANDOVER, 0, 0, line);
		break;
	}
}

static void call(builder *b, TSNode n)
{
	const pg_ast *a = b->a;
	TSNode fn = pg_unwrap(a, pg_field_of(a, n, PG_F_FUNCTION));
	uint32_t line = pg_line(n);
	pg_nk fk = pg_nk_of(a, fn);

	if (ts_node_eq(n, b->t->acquire)) {
		/* The acquisition: evaluating the receiver and arguments may throw, and
		 * so may the checkout itself (the failed path holds no client). */
		if (fk == PG_NK_MEMBER)
			expr(b, pg_field_of(a, fn, PG_F_OBJECT));
		args(b, n);
		may_throw(b, line, RAISE_CALL);
		emit(b, PG_CN_ACQUIRE, 0, 0, line);
		return;
	}

	if (fk == PG_NK_MEMBER) {
		TSNode obj = pg_unwrap(a, pg_field_of(a, fn, PG_F_OBJECT));
		TSNode prop = pg_field_of(a, fn, PG_F_PROPERTY);
		uint32_t plen;
		const char *pname = pg_text(a, prop, &plen);

		/* pool.connect().catch(h) / .finally(f): the client passes through; the
		 * checkout's failure is its own exception edge, and .catch() itself does not throw */
		if (chain_method(a, prop) >= 1 && is_acquisition_value(b, n)) {
			expr(b, obj);
			args(b, n);
			return;
		}

		/* A promise chain that starts with a call on the client. */
		if (chain_method(a, prop) >= 0) {
			TSNode root = obj;
			while (pg_nk_of(a, root) == PG_NK_CALL) {
				TSNode rf = pg_unwrap(a, pg_field_of(a, root, PG_F_FUNCTION));
				if (pg_nk_of(a, rf) != PG_NK_MEMBER || chain_method(a, pg_field_of(a, rf, PG_F_PROPERTY)) < 0)
					break;
				root = pg_unwrap(a, pg_field_of(a, rf, PG_F_OBJECT));
			}
			if (pg_nk_of(a, root) == PG_NK_CALL) {
				TSNode rf = pg_unwrap(a, pg_field_of(a, root, PG_F_FUNCTION));
				if (pg_nk_of(a, rf) == PG_NK_MEMBER && is_client(b, pg_field_of(a, rf, PG_F_OBJECT))) {
					chain_link links[MAX_LINKS];
					size_t nl = chain_links(a, root, links);
					uint32_t ful, rej;
					args(b, root);
					ful = branch(b, PG_CN_NOP, 0, 0);
					rej = node(b, PG_CN_NOP, 0);
					b->raise = RAISE_QUERY;
					edge(b, b->cur, rej, PG_EDGE_VIA_EXCEPTION, pg_line(root));
					b->raise = RAISE_CALL;
					build_chain(b, links, nl, &ful, &rej);
					/* links past this call (if the walk stopped early) are plain calls */
					b->cur = join(b, ful, rej);
					return;
				}
			}
		}

		/* tap(client).query(...): a helper that returns the client gives the same client */
		int via_helper = !is_client(b, obj) && returns_client(b, obj);
		if (via_helper)
			expr(b, obj);
		if (is_client(b, obj) || via_helper) {
			TSNode as = pg_field_of(a, n, PG_F_ARGUMENTS);
			uint32_t na = ts_node_is_null(as) ? 0 : ts_node_named_child_count(as);
			TSNode last = na ? ts_node_named_child(as, na - 1) : as;
			if (pg_strlist_has_n(&b->an->cfg->release, pname, plen)) {
				args(b, n);
				emit(b, PG_CN_RELEASE, 0, 0, line);
				return;
			}
			if (in_list(a, prop, listener_methods)) {
				/* client.on('error', h): h runs later, if ever; an inline or named h alike */
				args(b, n);
				return;
			}
			if (na && is_function(b, last)) {
				/* client.query(sql, [values,] cb): cb is sure to run once */
				uint32_t after;
				for (uint32_t i = 0; i + 1 < na; i++)
					expr(b, ts_node_named_child(as, i));
				after = node(b, PG_CN_NOP, 0);
				if (pg_text_is(a, prop, "query"))
					inline_fn(b, last, after, scope_throw(b));
				else
					edge(b, b->cur, after, PG_EDGE_VIA_NONE, 0);
				b->cur = after;
				return;
			}
			args(b, n);
			if (na && is_release_ref(b, last)) {
				/* client.query('COMMIT', done): the release runs as its completion callback */
				emit(b, PG_CN_RELEASE, 0, 0, line);
				return;
			}
			may_throw(b, line, pg_text_is(a, prop, "query") ? RAISE_QUERY : RAISE_CALL);
			return;
		}
		expr(b, obj);
		if (pg_nk_of(a, prop) != PG_NK_PROPERTY_IDENTIFIER && pg_nk_of(a, prop) != PG_NK_PRIVATE_PROPERTY_IDENTIFIER)
			expr(b, prop);
	} else if (fk == PG_NK_IDENTIFIER) {
		const local_helper *h;
		if (is_name(b, &b->t->release_fns, fn)) {
			args(b, n);
			emit(b, PG_CN_RELEASE, 0, 0, line);
			return;
		}
		h = find_helper(b, fn);
		if (h) {
			uint32_t after = node(b, PG_CN_NOP, 0);
			uint32_t thr = NONE;
			int target;
			args(b, n);
			/* the helper's throw goes where a throw here would go */
			thr = node(b, PG_CN_NOP, 0);
			target = jump_target(b, J_THROW, NULL, 0);
			route(b, thr, b->top, J_THROW, target, PG_EDGE_VIA_NONE, 0);
			inline_fn(b, h->fn, after, thr);
			b->cur = after;
			return;
		}
	} else {
		expr(b, fn);
	}

	args(b, n);
	int ci = client_arg(b, n);
	uint32_t rm = release_args(b, n);
	if (ci >= 0 || rm)
		pass_client(b, n, fn, ci, rm);
	if (!is_no_throw_callee(b, fn))
		may_throw(b, line, RAISE_CALL);
}

/* ---- expressions -------------------------------------------------------- */

static int is_nullish_literal(const pg_ast *a, TSNode n)
{
	pg_nk k = pg_nk_of(a, pg_unwrap(a, n));
	return k == PG_NK_NULL || k == PG_NK_UNDEFINED;
}

static int is_logical(const pg_ast *a, TSNode n, const char **op)
{
	TSNode o = pg_field_of(a, n, PG_F_OPERATOR);
	if (pg_nk_of(a, n) != PG_NK_BINARY)
		return 0;
	if (pg_text_is(a, o, "&&"))
		*op = "&&";
	else if (pg_text_is(a, o, "||"))
		*op = "||";
	else if (pg_text_is(a, o, "??"))
		*op = "??";
	else
		return 0;
	return 1;
}

/*
 * One step from an expression that may be the checkout's value up to the
 * expression that passes that value on (semantics v2 §1): an `await` of it,
 * a branch of `?:`, an operand of `||`, `&&` or `??`, or `.catch(...)` /
 * `.finally(...)` on it.  Returns that parent, or a null node when the
 * parent does anything else with the value.  *guard is the test that
 * decides whether the step evaluates n at all (the `?:` condition, or the
 * left operand when n is the right one), else a null node.
 */
static TSNode acq_step(const pg_ast *a, TSNode n, int *awaited, TSNode *guard)
{
	TSNode null = {{0, 0, 0, 0}, NULL, NULL};
	TSNode c, p = pg_unwrap_up(a, n, &c), gp;
	const char *op;
	*guard = null;
	switch (pg_nk_of(a, p)) {
	case PG_NK_AWAIT:
		*awaited = 1;
		return p;
	case PG_NK_TERNARY:
		if (ts_node_eq(pg_field_of(a, p, PG_F_CONDITION), c))
			return null;
		*guard = pg_field_of(a, p, PG_F_CONDITION);
		return p;
	case PG_NK_BINARY:
		if (!is_logical(a, p, &op))
			return null;
		if (ts_node_eq(pg_field_of(a, p, PG_F_RIGHT), c))
			*guard = pg_field_of(a, p, PG_F_LEFT);
		return p;
	case PG_NK_MEMBER:
		gp = ts_node_parent(p);
		if (ts_node_eq(pg_field_of(a, p, PG_F_OBJECT), c) && chain_method(a, pg_field_of(a, p, PG_F_PROPERTY)) >= 1 &&
		    pg_nk_of(a, gp) == PG_NK_CALL && ts_node_eq(pg_field_of(a, gp, PG_F_FUNCTION), p))
			return gp;
		return null;
	default:
		return null;
	}
}

TSNode pg_acq_top(const pg_ast *a, TSNode n, int *awaited)
{
	TSNode guard;
	*awaited = 0;
	for (TSNode up = n; !ts_node_is_null(up); up = acq_step(a, n, awaited, &guard))
		n = up;
	return n;
}

/* The checkout's value: the checkout itself or an expression that passes it on (acq_step). */
static int is_acquisition_value(builder *b, TSNode v)
{
	const pg_ast *a = b->a;
	TSNode guard;
	int awaited;
	v = pg_unwrap(a, v);
	/* only what contains the checkout can pass it on; going up the tree costs, looking at bytes does not */
	if (ts_node_is_null(b->t->acquire) || ts_node_start_byte(v) > ts_node_start_byte(b->t->acquire) ||
	    ts_node_end_byte(v) < ts_node_end_byte(b->t->acquire))
		return 0;
	for (TSNode n = b->t->acquire; !ts_node_is_null(n); n = acq_step(a, n, &awaited, &guard))
		if (ts_node_eq(n, v))
			return 1;
	return 0;
}

/* Stores the client somewhere that outlives the call, or registers a local helper. */
static void assign_value(builder *b, TSNode target, TSNode value, int is_decl)
{
	const pg_ast *a = b->a;
	TSNode v = pg_unwrap(a, value);
	int fi;
	if (ts_node_is_null(value))
		return;
	if (is_client(b, v) || returns_client(b, v)) {
		if (pg_nk_of(a, target) == PG_NK_IDENTIFIER && is_decl) {
			pg_scope_set_add(b->m, &b->t->names, target);
		} else if (!is_client(b, target)) {
			emit(b, PG_CN_HANDOVER, 0, 0, pg_line(value));
		}
		return;
	}
	if (is_capturing_closure(b, v)) {
		if (pg_nk_of(a, target) == PG_NK_IDENTIFIER && is_decl)
			add_helper(b, target, v);
		else
			emit(b, PG_CN_HANDOVER, 0, 0, pg_line(value));
		return;
	}
	fi = flag_index(b, target);
	if (fi >= 0) {
		pg_nk k = pg_nk_of(a, v);
		emit(b, PG_CN_SET_FLAG, (uint8_t)fi, k == PG_NK_TRUE ? 1 : k == PG_NK_FALSE ? 0 : 2, pg_line(value));
		return;
	}
	if (is_client(b, target) && !is_acquisition_value(b, v))
		emit(b, PG_CN_LOSE, 0, 0, pg_line(value));
}

static void binary_chain(builder *b, TSNode n)
{
	/* a + b + c + ... nests to the left: walk the spine without recursion */
	TSNode *spine = NULL;
	size_t len = 0, cap = 0;
	const char *op;
	while (pg_nk_of(b->a, n) == PG_NK_BINARY && !is_logical(b->a, n, &op)) {
		PG_GROW(spine, cap, len + 1);
		spine[len++] = n;
		n = pg_unwrap(b->a, pg_field_of(b->a, n, PG_F_LEFT));
	}
	expr(b, n);
	while (len-- > 0)
		expr(b, pg_field_of(b->a, spine[len], PG_F_RIGHT));
	free(spine);
}

static void expr(builder *b, TSNode n)
{
	const pg_ast *a = b->a;
	pg_nk k;
	const char *op;
	if (ts_node_is_null(n) || b->err)
		return;
	n = pg_unwrap(a, n);
	if (!enter(b))
		return;
	k = pg_nk_of(a, n);
	switch (k) {
	case PG_NK_IDENTIFIER: case PG_NK_THIS: case PG_NK_STRING: case PG_NK_NUMBER: case PG_NK_TRUE: case PG_NK_FALSE:
	case PG_NK_NULL: case PG_NK_UNDEFINED: case PG_NK_COMMENT: case PG_NK_PROPERTY_IDENTIFIER:
	case PG_NK_CLASS: case PG_NK_ARROW: case PG_NK_FUNCTION_EXPRESSION: case PG_NK_GENERATOR_FUNCTION:
		break;
	case PG_NK_CALL:
		call(b, n);
		break;
	case PG_NK_AWAIT:
	case PG_NK_YIELD: {
		TSNode arg = pg_unwrap(a, ts_node_named_child_count(n) ? ts_node_named_child(n, 0) : n);
		if (ts_node_eq(arg, n))
			break;
		expr(b, arg);
		/* awaiting the checkout is the checkout; awaiting release() cannot throw */
		if (is_acquisition_value(b, arg))
			break;
		if (pg_nk_of(a, arg) == PG_NK_CALL) {
			TSNode f = pg_unwrap(a, pg_field_of(a, arg, PG_F_FUNCTION));
			if (is_release_ref(b, f))
				break;
		}
		/* `await call()`: the call's own exception edge already leaves from here */
		if (pg_nk_of(a, arg) == PG_NK_CALL && b->threw_at == b->cur)
			break;
		may_throw(b, pg_line(n), RAISE_AWAIT);
		break;
	}
	case PG_NK_NEW: {
		/* new Session(client): the constructor is a call the client is passed to */
		int ci = client_arg(b, n);
		uint32_t rm = release_args(b, n);
		args(b, n);
		if (ci >= 0 || rm)
			pass_client(b, n, pg_unwrap(a, pg_field_of(a, n, PG_F_CONSTRUCTOR)), ci, rm);
		if (!is_builtin_global(b, pg_unwrap(a, pg_field_of(a, n, PG_F_CONSTRUCTOR)), "Date"))
			may_throw(b, pg_line(n), RAISE_NEW);
		break;
	}
	case PG_NK_MEMBER:
		expr(b, pg_field_of(a, n, PG_F_OBJECT));
		break;
	case PG_NK_SUBSCRIPT:
		expr(b, pg_field_of(a, n, PG_F_OBJECT));
		expr(b, pg_field_of(a, n, PG_F_INDEX));
		break;
	case PG_NK_ASSIGNMENT: {
		TSNode left = pg_field_of(a, n, PG_F_LEFT), right = pg_field_of(a, n, PG_F_RIGHT);
		if (pg_nk_of(a, left) == PG_NK_MEMBER || pg_nk_of(a, left) == PG_NK_SUBSCRIPT)
			expr(b, pg_field_of(a, left, PG_F_OBJECT));
		expr(b, right);
		assign_value(b, left, right, 0);
		break;
	}
	case PG_NK_AUGMENTED_ASSIGNMENT:
		expr(b, pg_field_of(a, n, PG_F_RIGHT));
		break;
	case PG_NK_BINARY:
		if (is_logical(a, n, &op)) {
			uint32_t t, f;
			/* `x ?? y` evaluates y when x is nothing: for a client or a guard
			 * (an object or nothing) that is when x is falsy, as for `||` */
			cond(b, pg_field_of(a, n, PG_F_LEFT), &t, &f);
			b->cur = op[0] == '&' ? t : f;
			expr(b, pg_field_of(a, n, PG_F_RIGHT));
			b->cur = join(b, b->cur, op[0] == '&' ? f : t);
		} else {
			binary_chain(b, n);
		}
		break;
	case PG_NK_TERNARY: {
		uint32_t t, f, end;
		cond(b, pg_field_of(a, n, PG_F_CONDITION), &t, &f);
		b->cur = t;
		expr(b, pg_field_of(a, n, PG_F_CONSEQUENCE));
		end = b->cur;
		b->cur = f;
		expr(b, pg_field_of(a, n, PG_F_ALTERNATIVE));
		b->cur = join(b, end, b->cur);
		break;
	}
	case PG_NK_OBJECT:
	case PG_NK_ARRAY: {
		uint32_t nc = ts_node_named_child_count(n);
		int stored = 0;
		for (uint32_t i = 0; i < nc; i++) {
			TSNode c = ts_node_named_child(n, i);
			pg_nk ck = pg_nk_of(a, c);
			if (ck == PG_NK_PAIR) {
				TSNode v = pg_field_of(a, c, PG_F_VALUE);
				expr(b, v);
				stored |= is_client(b, v) || is_capturing_closure(b, v);
			} else if (ck == PG_NK_SHORTHAND_PROPERTY) {
				stored |= pg_scope_set_has(b->m, &b->t->names, c);
			} else if (ck == PG_NK_METHOD) {
				stored |= mentions_client(b, c);
			} else {
				expr(b, c);
				stored |= is_client(b, c) || is_capturing_closure(b, c);
			}
		}
		if (stored)
			emit(b, PG_CN_HANDOVER, 0, 0, pg_line(n));
		break;
	}
	default: {
		/* sequences, templates, JSX, unary and update expressions, spreads... */
		uint32_t nc = ts_node_named_child_count(n);
		for (uint32_t i = 0; i < nc && !b->err; i++) {
			TSNode c = ts_node_named_child(n, i);
			if (!pg_nk_is_function(pg_nk_of(a, c)))
				expr(b, c);
		}
		break;
	}
	}
	b->depth--;
}

/* ---- conditions --------------------------------------------------------- */

/*
 * `x != null`, `x === undefined`, `typeof x !== 'undefined'`...: 1 when the
 * test is true exactly when x is set, -1 when exactly when it is not, 0 when
 * n is no such test; *x gets the operand.  (A client or a guard is an object
 * or nothing, so being set and being truthy are the same.)
 */
static int nullish_test(const pg_ast *a, TSNode n, TSNode *x)
{
	TSNode o, l, r;
	int negate;
	if (pg_nk_of(a, n) != PG_NK_BINARY)
		return 0;
	o = pg_field_of(a, n, PG_F_OPERATOR);
	if (pg_text_is(a, o, "!==") || pg_text_is(a, o, "!="))
		negate = 0;
	else if (pg_text_is(a, o, "===") || pg_text_is(a, o, "=="))
		negate = 1;
	else
		return 0;
	l = pg_unwrap(a, pg_field_of(a, n, PG_F_LEFT));
	r = pg_unwrap(a, pg_field_of(a, n, PG_F_RIGHT));
	if (is_nullish_literal(a, r)) {
		TSNode tmp = l;
		l = r;
		r = tmp;
	}
	if (is_nullish_literal(a, l)) {
		*x = r;
		return negate ? -1 : 1;
	}
	/* typeof x !== 'undefined' */
	if (pg_nk_of(a, r) == PG_NK_UNARY) {
		TSNode tmp = l;
		l = r;
		r = tmp;
	}
	if (pg_nk_of(a, l) == PG_NK_UNARY && pg_text_is(a, pg_field_of(a, l, PG_F_OPERATOR), "typeof")) {
		char *s = pg_string_value(a, r);
		int undef = s && !strcmp(s, "undefined");
		free(s);
		if (undef) {
			*x = pg_field_of(a, l, PG_F_ARGUMENT);
			return negate ? -1 : 1;
		}
	}
	return 0;
}

/* `client`, `client !== undefined`, `typeof client !== 'undefined'`... : 1 truthy test, -1 falsy test, 0 not one */
static int client_test(builder *b, TSNode n)
{
	TSNode x;
	int s;
	if (is_client(b, n))
		return 1;
	s = nullish_test(b->a, n, &x);
	return s && is_client(b, x) ? s : 0;
}

/* A test of flag *fi: 1 true when the flag is, -1 true when it is not, 0 not one. */
static int flag_test(builder *b, TSNode n, int *fi)
{
	TSNode x;
	int s;
	n = pg_unwrap(b->a, n);
	if ((*fi = flag_index(b, n)) >= 0)
		return 1;
	s = nullish_test(b->a, n, &x);
	if (s && (*fi = flag_index(b, x)) >= 0)
		return s;
	if (pg_nk_of(b->a, n) == PG_NK_IDENTIFIER && b->naliases) {
		uint32_t len;
		const char *t = pg_text(b->a, n, &len);
		int32_t bind = pg_scope_resolve(b->m, n);
		for (int i = 0; i < b->naliases; i++)
			if (b->aliases[i].len == len && !memcmp(b->aliases[i].name, t, len) && b->aliases[i].bind == bind) {
				*fi = b->aliases[i].flag;
				return b->aliases[i].pol;
			}
	}
	return 0;
}

static void cond(builder *b, TSNode n, uint32_t *t, uint32_t *f)
{
	const pg_ast *a = b->a;
	const char *op;
	int ct, fi, ft;
	n = pg_unwrap(a, n);
	if (ts_node_is_null(n) || pg_nk_of(a, n) == PG_NK_EMPTY) {
		*t = b->cur;
		*f = NONE;
		return;
	}
	if (!enter(b)) {
		*t = *f = NONE;
		return;
	}
	if (pg_nk_of(a, n) == PG_NK_UNARY && pg_text_is(a, pg_field_of(a, n, PG_F_OPERATOR), "!")) {
		cond(b, pg_field_of(a, n, PG_F_ARGUMENT), f, t);
	} else if (is_logical(a, n, &op) && op[0] != '?') {
		uint32_t lt, lf, rt, rf;
		cond(b, pg_field_of(a, n, PG_F_LEFT), &lt, &lf);
		b->cur = op[0] == '&' ? lt : lf;
		cond(b, pg_field_of(a, n, PG_F_RIGHT), &rt, &rf);
		if (op[0] == '&') {
			*t = rt;
			*f = join(b, lf, rf);
		} else {
			*t = join(b, lt, rt);
			*f = rf;
		}
	} else if ((ct = client_test(b, n)) != 0) {
		*t = branch(b, PG_CN_ASSUME_CLIENT, 0, ct > 0);
		*f = branch(b, PG_CN_ASSUME_CLIENT, 0, ct < 0);
	} else if ((ft = flag_test(b, n, &fi)) != 0) {
		*t = branch(b, PG_CN_ASSUME_FLAG, (uint8_t)fi, ft > 0);
		*f = branch(b, PG_CN_ASSUME_FLAG, (uint8_t)fi, ft < 0);
	} else {
		expr(b, n);
		*t = branch(b, PG_CN_NOP, 0, 0);
		*f = branch(b, PG_CN_NOP, 0, 0);
	}
	b->cur = NONE;
	b->depth--;
}

/* ---- statements --------------------------------------------------------- */

static void declaration(builder *b, TSNode decl)
{
	uint32_t nc = ts_node_named_child_count(decl);
	for (uint32_t i = 0; i < nc; i++) {
		TSNode d = ts_node_named_child(decl, i);
		TSNode value;
		if (pg_nk_of(b->a, d) != PG_NK_VARIABLE_DECLARATOR)
			continue;
		value = pg_field_of(b->a, d, PG_F_VALUE);
		expr(b, value);
		assign_value(b, pg_field_of(b->a, d, PG_F_NAME), value, 1);
	}
}

static void loop_body(builder *b, TSNode body, const char *label, uint32_t label_len,
                      uint32_t brk, uint32_t cont)
{
	int cx = push(b, CX_LOOP);
	b->cx[cx].label = label;
	b->cx[cx].label_len = label_len;
	b->cx[cx].brk = brk;
	b->cx[cx].cont = cont;
	stmt(b, body);
	pop(b);
}

/* A loop statement, with the label of an enclosing labelled statement if any. */
static void loop(builder *b, TSNode n, const char *label, uint32_t label_len)
{
	const pg_ast *a = b->a;
	pg_nk k = pg_nk_of(a, n);
	uint32_t head, brk = node(b, PG_CN_NOP, 0), cont = node(b, PG_CN_NOP, 0), t, f;
	if (k == PG_NK_FOR) {
		TSNode init = pg_field_of(a, n, PG_F_INITIALIZER);
		if (!ts_node_is_null(init))
			stmt(b, init);
		head = node(b, PG_CN_NOP, 0);
		edge(b, b->cur, head, PG_EDGE_VIA_NONE, 0);
		b->cur = head;
		cond(b, pg_field_of(a, n, PG_F_CONDITION), &t, &f);
		b->cur = t;
		loop_body(b, pg_field_of(a, n, PG_F_BODY), label, label_len, brk, cont);
		edge(b, b->cur, cont, PG_EDGE_VIA_NONE, 0);
		b->cur = cont;
		expr(b, pg_field_of(a, n, PG_F_INCREMENT));
		edge(b, b->cur, head, PG_EDGE_VIA_NONE, 0);
	} else if (k == PG_NK_FOR_IN) {
		expr(b, pg_field_of(a, n, PG_F_RIGHT));
		head = node(b, PG_CN_NOP, 0);
		edge(b, b->cur, head, PG_EDGE_VIA_NONE, 0);
		b->cur = head;
		t = branch(b, PG_CN_NOP, 0, 0);
		f = branch(b, PG_CN_NOP, 0, 0);
		b->cur = t;
		loop_body(b, pg_field_of(a, n, PG_F_BODY), label, label_len, brk, cont);
		edge(b, b->cur, cont, PG_EDGE_VIA_NONE, 0);
		edge(b, cont, head, PG_EDGE_VIA_NONE, 0);
	} else if (k == PG_NK_WHILE) {
		head = node(b, PG_CN_NOP, 0);
		edge(b, b->cur, head, PG_EDGE_VIA_NONE, 0);
		b->cur = head;
		cond(b, pg_field_of(a, n, PG_F_CONDITION), &t, &f);
		b->cur = t;
		loop_body(b, pg_field_of(a, n, PG_F_BODY), label, label_len, brk, cont);
		edge(b, b->cur, cont, PG_EDGE_VIA_NONE, 0);
		edge(b, cont, head, PG_EDGE_VIA_NONE, 0);
	} else { /* do ... while */
		head = node(b, PG_CN_NOP, 0);
		edge(b, b->cur, head, PG_EDGE_VIA_NONE, 0);
		b->cur = head;
		loop_body(b, pg_field_of(a, n, PG_F_BODY), label, label_len, brk, cont);
		edge(b, b->cur, cont, PG_EDGE_VIA_NONE, 0);
		b->cur = cont;
		cond(b, pg_field_of(a, n, PG_F_CONDITION), &t, &f);
		edge(b, t, head, PG_EDGE_VIA_NONE, 0);
	}
	edge(b, f, brk, PG_EDGE_VIA_NONE, 0);
	b->cur = brk;
}

static void try_stmt(builder *b, TSNode n)
{
	const pg_ast *a = b->a;
	TSNode body = pg_field_of(a, n, PG_F_BODY), handler = pg_field_of(a, n, PG_F_HANDLER);
	TSNode finalizer = pg_field_of(a, n, PG_F_FINALIZER);
	uint32_t catch_entry = NONE, end_try;
	int fin = -1;
	if (!ts_node_is_null(finalizer)) {
		fin = push(b, CX_FINALLY);
		b->cx[fin].fin = pg_field_of(a, finalizer, PG_F_BODY);
	}
	if (!ts_node_is_null(handler)) {
		int cc = push(b, CX_TRY_CATCH);
		catch_entry = node(b, PG_CN_NOP, 0);
		b->cx[cc].catch_entry = catch_entry;
	}
	stmt(b, body);
	if (!ts_node_is_null(handler))
		pop(b);
	end_try = b->cur;
	if (!ts_node_is_null(handler)) {
		b->cur = catch_entry;
		stmt(b, pg_field_of(a, handler, PG_F_BODY));
		b->cur = join(b, end_try, b->cur);
	}
	if (fin >= 0) {
		pop(b);
		if (b->cur != NONE)
			stmt(b, b->cx[fin].fin);
	}
}

static void switch_stmt(builder *b, TSNode n, const char *label, uint32_t label_len)
{
	const pg_ast *a = b->a;
	TSNode body = pg_field_of(a, n, PG_F_BODY);
	uint32_t brk = node(b, PG_CN_NOP, 0), dispatch, prev = NONE;
	int has_default = 0, cx;
	uint32_t nc = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
	expr(b, pg_field_of(a, n, PG_F_VALUE));
	dispatch = b->cur;
	cx = push(b, CX_BREAKABLE);
	b->cx[cx].brk = brk;
	b->cx[cx].label = label;
	b->cx[cx].label_len = label_len;
	(void)cx;
	for (uint32_t i = 0; i < nc; i++) {
		TSNode c = ts_node_named_child(body, i);
		pg_nk ck = pg_nk_of(a, c);
		uint32_t entry;
		if (ck != PG_NK_SWITCH_CASE && ck != PG_NK_SWITCH_DEFAULT)
			continue;
		has_default |= ck == PG_NK_SWITCH_DEFAULT;
		entry = node(b, PG_CN_NOP, 0);
		edge(b, dispatch, entry, PG_EDGE_VIA_NONE, 0);
		edge(b, prev, entry, PG_EDGE_VIA_NONE, 0);
		b->cur = entry;
		TSNode value = pg_field_of(a, c, PG_F_VALUE);
		uint32_t cc = ts_node_named_child_count(c);
		for (uint32_t j = 0; j < cc; j++) {
			TSNode s = ts_node_named_child(c, j);
			if (!ts_node_is_null(value) && ts_node_eq(s, value))
				continue;
			stmt(b, s);
		}
		prev = b->cur;
	}
	pop(b);
	/* a labelled switch also answers an unlabelled break */
	if (!has_default)
		edge(b, dispatch, brk, PG_EDGE_VIA_NONE, 0);
	edge(b, prev, brk, PG_EDGE_VIA_NONE, 0);
	b->cur = brk;
}

static void labeled(builder *b, TSNode n)
{
	const pg_ast *a = b->a;
	uint32_t len;
	const char *label = pg_text(a, pg_field_of(a, n, PG_F_LABEL), &len);
	TSNode body = pg_field_of(a, n, PG_F_BODY);
	pg_nk bk = pg_nk_of(a, body);
	if (bk == PG_NK_FOR || bk == PG_NK_FOR_IN || bk == PG_NK_WHILE || bk == PG_NK_DO) {
		loop(b, body, label, len);
	} else if (bk == PG_NK_SWITCH) {
		switch_stmt(b, body, label, len);
	} else {
		uint32_t brk = node(b, PG_CN_NOP, 0);
		int cx = push(b, CX_BREAKABLE);
		b->cx[cx].label = label;
		b->cx[cx].label_len = len;
		b->cx[cx].brk = brk;
		stmt(b, body);
		pop(b);
		edge(b, b->cur, brk, PG_EDGE_VIA_NONE, 0);
		b->cur = brk;
	}
}

static void if_stmt(builder *b, TSNode n)
{
	/* else-if chains are walked in a loop, not by recursion */
	uint32_t ends = NONE;
	for (;;) {
		uint32_t t, f;
		TSNode alt;
		cond(b, pg_field_of(b->a, n, PG_F_CONDITION), &t, &f);
		b->cur = t;
		stmt(b, pg_field_of(b->a, n, PG_F_CONSEQUENCE));
		ends = join(b, ends, b->cur);
		b->cur = f;
		alt = pg_field_of(b->a, n, PG_F_ALTERNATIVE);
		if (ts_node_is_null(alt))
			break;
		if (pg_nk_of(b->a, alt) == PG_NK_ELSE && ts_node_named_child_count(alt))
			alt = ts_node_named_child(alt, 0);
		if (pg_nk_of(b->a, alt) == PG_NK_IF) {
			n = alt;
			continue;
		}
		stmt(b, alt);
		break;
	}
	b->cur = join(b, ends, b->cur);
}

static void stmt(builder *b, TSNode n)
{
	const pg_ast *a = b->a;
	pg_nk k;
	if (ts_node_is_null(n) || b->err)
		return;
	if (!enter(b))
		return;
	k = pg_nk_of(a, n);
	switch (k) {
	case PG_NK_PROGRAM:
	case PG_NK_STATEMENT_BLOCK:
	case PG_NK_ELSE: {
		uint32_t nc = ts_node_named_child_count(n);
		for (uint32_t i = 0; i < nc && !b->err; i++)
			stmt(b, ts_node_named_child(n, i));
		break;
	}
	case PG_NK_EXPRESSION_STATEMENT:
		if (ts_node_named_child_count(n))
			expr(b, ts_node_named_child(n, 0));
		break;
	case PG_NK_LEXICAL_DECLARATION:
	case PG_NK_VARIABLE_DECLARATION:
		declaration(b, n);
		break;
	case PG_NK_IF:
		if_stmt(b, n);
		break;
	case PG_NK_FOR: case PG_NK_FOR_IN: case PG_NK_WHILE: case PG_NK_DO:
		loop(b, n, NULL, 0);
		break;
	case PG_NK_TRY:
		try_stmt(b, n);
		break;
	case PG_NK_SWITCH:
		switch_stmt(b, n, NULL, 0);
		break;
	case PG_NK_LABELED:
		labeled(b, n);
		break;
	case PG_NK_RETURN: {
		TSNode v = ts_node_named_child_count(n) ? ts_node_named_child(n, 0) : n;
		if (!ts_node_eq(v, n)) {
			expr(b, v);
			if (hands_over_value(b, v))
				emit(b, PG_CN_HANDOVER, 0, 0, pg_line(n));
		}
		jump(b, J_RETURN, NULL, 0, PG_EDGE_VIA_RETURN, pg_line(n));
		b->cur = NONE;
		break;
	}
	case PG_NK_THROW:
		if (ts_node_named_child_count(n))
			expr(b, ts_node_named_child(n, 0));
		jump(b, J_THROW, NULL, 0, PG_EDGE_VIA_THROW, pg_line(n));
		b->cur = NONE;
		break;
	case PG_NK_BREAK:
	case PG_NK_CONTINUE: {
		TSNode label = pg_field_of(a, n, PG_F_LABEL);
		uint32_t len = 0;
		const char *l = ts_node_is_null(label) ? NULL : pg_text(a, label, &len);
		jump(b, k == PG_NK_BREAK ? J_BREAK : J_CONTINUE, l, len, PG_EDGE_VIA_NONE, 0);
		b->cur = NONE;
		break;
	}
	case PG_NK_FUNCTION_DECLARATION:
	case PG_NK_GENERATOR_DECLARATION:
		if (mentions_client(b, n) && !ts_node_is_null(pg_field_of(a, n, PG_F_NAME)))
			add_helper(b, pg_field_of(a, n, PG_F_NAME), n);
		break;
	case PG_NK_EXPORT: {
		TSNode d = pg_field_of(a, n, PG_F_DECLARATION), v = pg_field_of(a, n, PG_F_VALUE);
		if (!ts_node_is_null(d))
			stmt(b, d);
		else if (!ts_node_is_null(v))
			expr(b, v);
		break;
	}
	case PG_NK_CLASS_DECLARATION: case PG_NK_IMPORT: case PG_NK_EMPTY: case PG_NK_COMMENT: case PG_NK_INTERFACE:
	case PG_NK_TYPE_ALIAS: case PG_NK_ENUM: case PG_NK_ABSTRACT_CLASS: case PG_NK_STATEMENT_IDENTIFIER:
		break;
	default:
		expr(b, n);
		break;
	}
	b->depth--;
}

/* ---- scopes ------------------------------------------------------------- */

/*
 * The tests that decide whether the checkout runs at all (`held ? held :
 * await pool.connect()`, `own && await q.connect()`) become flags, so that a
 * later `if (!held)` / `if (own)` follows the path that acquired and the
 * one that did not apart (semantics v2 §1).  Negations and nullish
 * comparisons around the tested value are looked through.
 */
static int collect_guards(builder *b)
{
	const pg_ast *a = b->a;
	TSNode n = b->t->acquire, g, x;
	int awaited, added = 0;
	while (!ts_node_is_null(n)) {
		n = acq_step(a, n, &awaited, &g);
		if (ts_node_is_null(g))
			continue;
		for (g = pg_unwrap(a, g); pg_nk_of(a, g) == PG_NK_UNARY && pg_text_is(a, pg_field_of(a, g, PG_F_OPERATOR), "!");)
			g = pg_unwrap(a, pg_field_of(a, g, PG_F_ARGUMENT));
		if (nullish_test(a, g, &x))
			g = pg_unwrap(a, x);
		if (pg_is_simple_path(a, g) && !is_client(b, g) && flag_index(b, g) < 0 && b->t->nflags < PG_CFG_MAX_FLAGS) {
			b->t->flag_bind[b->t->nflags] = path_binding(b, g);
			b->t->flags[b->t->nflags++] = pg_text_dup(a, g, 0);
			added++;
		}
	}
	return added;
}

/* A guard's test with any `!` around it: the flag and its polarity, or 0. */
static int guard_test(builder *b, TSNode v, int *fi)
{
	int neg = 0, s;
	for (v = pg_unwrap(b->a, v); pg_nk_of(b->a, v) == PG_NK_UNARY && pg_text_is(b->a, pg_field_of(b->a, v, PG_F_OPERATOR), "!");)
		v = pg_unwrap(b->a, pg_field_of(b->a, v, PG_F_ARGUMENT)), neg = !neg;
	s = flag_test(b, v, fi);
	return neg ? -s : s;
}

/*
 * Locals declared as a guard's test (`const shouldRelease = !client`) and
 * never assigned again stand for that guard's flag, so that `if
 * (shouldRelease) c.release()` follows the path that acquired.
 */
static void collect_guard_aliases(builder *b, TSNode root)
{
	const pg_ast *a = b->a;
	pg_walk w;
	TSNode n;
	pg_walk_init(&w, root);
	while (pg_walk_next(&w, &n) && b->naliases < PG_MAX_GUARD_ALIASES) {
		TSNode id = pg_field_of(a, n, PG_F_NAME);
		int fi, pol;
		if (pg_nk_of(a, n) != PG_NK_VARIABLE_DECLARATOR || pg_nk_of(a, id) != PG_NK_IDENTIFIER)
			continue;
		if ((pol = guard_test(b, pg_field_of(a, n, PG_F_VALUE), &fi)) == 0 || flag_index(b, id) >= 0)
			continue;
		guard_alias *g = &b->aliases[b->naliases++];
		g->name = pg_text(a, id, &g->len);
		g->bind = pg_scope_resolve(b->m, id);
		g->flag = fi;
		g->pol = pol;
	}
	pg_walk_done(&w);
	/* an alias assigned anywhere is not the test it was declared with */
	pg_walk_init(&w, root);
	while (pg_walk_next(&w, &n) && b->naliases) {
		int fi;
		if ((pg_nk_of(a, n) == PG_NK_ASSIGNMENT || pg_nk_of(a, n) == PG_NK_AUGMENTED_ASSIGNMENT) &&
		    pg_nk_of(a, pg_field_of(a, n, PG_F_LEFT)) == PG_NK_IDENTIFIER && flag_test(b, pg_field_of(a, n, PG_F_LEFT), &fi) &&
		    flag_index(b, pg_field_of(a, n, PG_F_LEFT)) < 0)
			for (int i = 0; i < b->naliases; i++)
				if (b->aliases[i].bind == pg_scope_resolve(b->m, pg_field_of(a, n, PG_F_LEFT)))
					b->aliases[i--] = b->aliases[--b->naliases];
	}
	pg_walk_done(&w);
}

/* Flags: boolean locals assigned a literal true/false in the scope (plus err). */
static void collect_flags(builder *b, TSNode root)
{
	const pg_ast *a = b->a;
	pg_walk w;
	TSNode n;
	pg_walk_init(&w, root);
	while (pg_walk_next(&w, &n)) {
		pg_nk k = pg_nk_of(a, n);
		TSNode target, value;
		if (k == PG_NK_ASSIGNMENT) {
			target = pg_field_of(a, n, PG_F_LEFT);
			value = pg_field_of(a, n, PG_F_RIGHT);
		} else if (k == PG_NK_VARIABLE_DECLARATOR) {
			target = pg_field_of(a, n, PG_F_NAME);
			value = pg_field_of(a, n, PG_F_VALUE);
		} else {
			continue;
		}
		if (!ts_node_is_null(value) && pg_nk_of(a, target) == PG_NK_IDENTIFIER &&
		    (pg_nk_of(a, pg_unwrap(a, value)) == PG_NK_TRUE || pg_nk_of(a, pg_unwrap(a, value)) == PG_NK_FALSE) &&
		    flag_index(b, target) < 0 && b->t->nflags < PG_CFG_MAX_FLAGS) {
			b->t->flag_bind[b->t->nflags] = pg_scope_resolve(b->m, target);
			b->t->flags[b->t->nflags++] = pg_text_dup(a, target, 0);
		}
	}
	pg_walk_done(&w);
}

/* Initial configs: the client's state and every combination of the flags. */
static void set_initial(pg_cfg *g, int state, int nflags, int err_flag)
{
	for (int bits = 0; bits < (1 << nflags); bits++) {
		int st = state;
		if (err_flag >= 0)
			st = (bits >> err_flag) & 1 ? ST_NONE : ST_HELD;
		g->initial[g->ninitial++] = (uint8_t)(st | bits << 2);
	}
}

int pg_build(pg_analysis *an, pg_module *m, pg_scope_kind kind, TSNode n, pg_track *t,
             int err_flag, pg_cfg *g)
{
	builder b;
	const pg_ast *a = &m->ast;
	TSNode body = n;
	uint32_t end_line;
	int cx;
	memset(&b, 0, sizeof(b));
	memset(g, 0, sizeof(*g));
	b.an = an;
	b.m = m;
	b.a = a;
	b.g = g;
	b.t = t;
	b.kind = kind;
	b.top = -1;
	b.threw_at = NONE;

	if (kind == PG_SCOPE_CALLBACK || kind == PG_SCOPE_SUMMARY)
		body = pg_field_of(a, n, PG_F_BODY);
	end_line = pg_end_line(n);
	if (kind == PG_SCOPE_CHAIN) {
		chain_link links[MAX_LINKS];
		size_t nl = chain_links(a, n, links);
		collect_flags(&b, nl ? links[nl - 1].call : n);
	} else {
		if (collect_guards(&b))
			collect_guard_aliases(&b, body);
		collect_flags(&b, body);
	}

	g->entry = node(&b, PG_CN_NOP, pg_line(n));
	g->exit = node(&b, PG_CN_EXIT, end_line);
	cx = push(&b, CX_BOUNDARY);
	b.cx[cx].ret = b.cx[cx].thr = g->exit;
	b.cur = g->entry;

	if (kind == PG_SCOPE_CHAIN) {
		/* n is the acquisition call; the scope is the chain of handlers above it */
		chain_link links[MAX_LINKS];
		size_t nl = chain_links(a, n, links);
		TSNode fn = pg_unwrap(a, pg_field_of(a, n, PG_F_FUNCTION));
		uint32_t ful, rej;
		expr(&b, pg_field_of(a, fn, PG_F_OBJECT));
		args(&b, n);
		rej = branch(&b, PG_CN_NOP, 0, 0);
		emit(&b, PG_CN_ACQUIRE, 0, 0, pg_line(n));
		ful = b.cur;
		build_chain(&b, links, nl, &ful, &rej);
		end_line = nl ? pg_end_line(links[nl - 1].call) : end_line;
		g->nodes[g->exit].line = end_line;
		edge(&b, ful, g->exit, PG_EDGE_VIA_END, end_line);
		edge(&b, rej, g->exit, PG_EDGE_VIA_NONE, 0);
		set_initial(g, ST_NONE, t->nflags, -1);
	} else {
		if (pg_nk_of(a, body) == PG_NK_STATEMENT_BLOCK || pg_nk_of(a, body) == PG_NK_PROGRAM) {
			stmt(&b, body);
		} else {
			expr(&b, body);
			if (hands_over_value(&b, body))
				emit(&b, PG_CN_HANDOVER, 0, 0, pg_line(body));
		}
		edge(&b, b.cur, g->exit, PG_EDGE_VIA_END, end_line);
		set_initial(g, kind == PG_SCOPE_BODY ? ST_NONE : ST_HELD, t->nflags,
		            kind == PG_SCOPE_CALLBACK ? err_flag : -1);
	}

	for (size_t i = 0; i < b.ncx; i++)
		free(b.cx[i].copies);
	free(b.cx);
	free(b.helpers);
	return b.err;
}
