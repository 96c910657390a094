/*
 * scope.c - the binding table of one module (see scope.h).
 *
 * One walk with a tree cursor keeps a stack of the open scopes (program,
 * functions, blocks, loops, catch clauses), so `var` goes to the nearest
 * function and `let`/`const` to the nearest block without recursion.
 * Each declared name becomes an entry (name, scope range, declaring
 * identifier).  The entries are then sorted by name and, within a name,
 * by range start (outer first); for each entry we keep the nearest entry
 * of the same name whose range holds it.  Scope ranges nest or are
 * disjoint, so resolving a reference at offset p is: the last entry of
 * its name starting at or before p, then up that chain to the first one
 * that also ends after p.  Two declarations of one name in one scope
 * (`var x` twice, a parameter redeclared by `var`) are one binding: the
 * first of the equal ranges stands for all.
 */
#include "scope.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *name;
	uint32_t len;
	uint32_t start, end; /* the scope's byte range */
	uint32_t seq;        /* declaration order, for a stable sort */
	uint8_t kind;
	TSNode decl, owner;
} entry;

struct pg_scope {
	entry *e;
	size_t n, cap;
	int32_t *up;    /* nearest entry of the same name whose range holds this one, or -1 */
	int32_t *canon; /* the first entry with the same name and range */
	uint32_t *gend; /* at a name's first entry: one past its last */
	pg_strmap groups; /* name -> index of its first entry */
};

typedef struct {
	TSNode node;
	uint32_t depth;
	int is_fn; /* a function or the program: where `var` goes */
} frame;

typedef struct {
	const pg_module *m;
	struct pg_scope *s;
	frame *fr;
	size_t nfr, cfr;
	TSNode *stack; /* patterns still to take apart */
	size_t cstack;
} walker;

static void add(walker *w, TSNode id, TSNode scope, TSNode owner, pg_bind_kind kind)
{
	struct pg_scope *s = w->s;
	uint32_t len;
	const char *t = pg_text(&w->m->ast, id, &len);
	if (!len)
		return;
	PG_GROW(s->e, s->cap, s->n + 1);
	s->e[s->n] = (entry){t, len, ts_node_start_byte(scope), ts_node_end_byte(scope), (uint32_t)s->n,
	                     (uint8_t)kind, id, owner};
	s->n++;
}

static const frame *fn_frame(const walker *w)
{
	for (size_t i = w->nfr; i-- > 0;)
		if (w->fr[i].is_fn)
			return &w->fr[i];
	return &w->fr[0];
}

/* The names a binding pattern declares: x, {a, b: c, d = 1, ...e}, [f, , g], x: T. */
static void add_pattern(walker *w, TSNode pat, TSNode scope, TSNode owner, pg_bind_kind kind)
{
	const pg_ast *a = &w->m->ast;
	size_t n = 0;
	PG_GROW(w->stack, w->cstack, 1);
	w->stack[n++] = pat;
	while (n) {
		TSNode p = w->stack[--n], next[1];
		pg_nk k;
		if (ts_node_is_null(p))
			continue;
		k = pg_nk_of(a, p);
		switch (k) {
		case PG_NK_IDENTIFIER:
		case PG_NK_SHORTHAND_PATTERN:
			add(w, p, scope, owner, kind);
			continue;
		case PG_NK_OBJECT_PATTERN:
		case PG_NK_ARRAY_PATTERN: {
			uint32_t nc = ts_node_named_child_count(p);
			PG_GROW(w->stack, w->cstack, n + nc);
			for (uint32_t i = nc; i-- > 0;)
				w->stack[n++] = ts_node_named_child(p, i);
			continue;
		}
		case PG_NK_PAIR_PATTERN:
			next[0] = pg_field_of(a, p, PG_F_VALUE);
			break;
		case PG_NK_ASSIGNMENT_PATTERN:
		case PG_NK_OBJECT_ASSIGNMENT_PATTERN:
			next[0] = pg_field_of(a, p, PG_F_LEFT);
			break;
		case PG_NK_REQUIRED_PARAMETER:
		case PG_NK_OPTIONAL_PARAMETER:
			next[0] = pg_field_of(a, p, PG_F_PATTERN);
			break;
		case PG_NK_REST_PATTERN:
			next[0] = ts_node_named_child_count(p) ? ts_node_named_child(p, 0) : (TSNode){0};
			break;
		default:
			continue;
		}
		PG_GROW(w->stack, w->cstack, n + 1);
		w->stack[n++] = next[0];
	}
}

static void add_params(walker *w, TSNode fn)
{
	const pg_ast *a = &w->m->ast;
	TSNode ps = pg_field_of(a, fn, PG_F_PARAMETERS);
	if (ts_node_is_null(ps)) {
		add_pattern(w, pg_field_of(a, fn, PG_F_PARAMETER), fn, fn, PG_BIND_PARAM);
		return;
	}
	uint32_t nc = ts_node_named_child_count(ps);
	for (uint32_t i = 0; i < nc; i++)
		add_pattern(w, ts_node_named_child(ps, i), fn, fn, PG_BIND_PARAM);
}

static void add_declarators(walker *w, TSNode decl, const frame *f, pg_bind_kind kind)
{
	const pg_ast *a = &w->m->ast;
	uint32_t nc = ts_node_named_child_count(decl);
	const frame *owner = fn_frame(w);
	for (uint32_t i = 0; i < nc; i++) {
		TSNode d = ts_node_named_child(decl, i);
		if (pg_nk_of(a, d) == PG_NK_VARIABLE_DECLARATOR)
			add_pattern(w, pg_field_of(a, d, PG_F_NAME), f->node, owner->node, kind);
	}
}

static void import_binding(void *ctx, TSNode local, const char *imported, uint32_t len)
{
	walker *w = ctx;
	TSNode prog = w->fr[0].node;
	(void)imported;
	(void)len;
	if (pg_nk_of(&w->m->ast, local) == PG_NK_IDENTIFIER)
		add(w, local, prog, prog, PG_BIND_IMPORT);
}

static void add_imports(walker *w, TSNode stmt)
{
	pg_import_bindings(&w->m->ast, stmt, import_binding, w);
}

static void push_frame(walker *w, TSNode n, uint32_t depth, int is_fn)
{
	PG_GROW(w->fr, w->cfr, w->nfr + 1);
	w->fr[w->nfr++] = (frame){n, depth, is_fn};
}

/* The declarations node n makes, n being at `depth`; may open a scope. */
static void visit(walker *w, TSNode n, uint32_t depth)
{
	const pg_ast *a = &w->m->ast;
	pg_nk k = pg_nk_of(a, n);
	const frame *top = &w->fr[w->nfr - 1];
	switch (k) {
	case PG_NK_FUNCTION_DECLARATION:
	case PG_NK_GENERATOR_DECLARATION:
	case PG_NK_FUNCTION_EXPRESSION:
	case PG_NK_GENERATOR_FUNCTION:
	case PG_NK_ARROW:
	case PG_NK_METHOD: {
		TSNode name = pg_field_of(a, n, PG_F_NAME);
		int decl = k == PG_NK_FUNCTION_DECLARATION || k == PG_NK_GENERATOR_DECLARATION;
		if (decl && pg_nk_of(a, name) == PG_NK_IDENTIFIER)
			add(w, name, top->node, fn_frame(w)->node, PG_BIND_FUNCTION);
		if (!decl && k != PG_NK_METHOD && pg_nk_of(a, name) == PG_NK_IDENTIFIER)
			add(w, name, n, n, PG_BIND_FUNCTION);
		push_frame(w, n, depth, 1);
		add_params(w, n);
		break;
	}
	case PG_NK_CLASS_DECLARATION:
	case PG_NK_ABSTRACT_CLASS: {
		TSNode name = pg_field_of(a, n, PG_F_NAME);
		/* TypeScript names a class with a type_identifier */
		if (pg_nk_of(a, name) == PG_NK_IDENTIFIER || pg_nk_of(a, name) == PG_NK_TYPE_IDENTIFIER)
			add(w, name, top->node, fn_frame(w)->node, PG_BIND_CLASS);
		break;
	}
	case PG_NK_CLASS: {
		TSNode name = pg_field_of(a, n, PG_F_NAME);
		if (pg_nk_of(a, name) == PG_NK_IDENTIFIER)
			add(w, name, n, fn_frame(w)->node, PG_BIND_CLASS);
		break;
	}
	case PG_NK_STATEMENT_BLOCK:
	case PG_NK_SWITCH_BODY:
	case PG_NK_FOR:
		push_frame(w, n, depth, 0);
		break;
	case PG_NK_STATIC_BLOCK:
		push_frame(w, n, depth, 1);
		break;
	case PG_NK_FOR_IN: {
		TSNode kind = pg_field_of(a, n, PG_F_KIND);
		push_frame(w, n, depth, 0);
		if (ts_node_is_null(kind))
			break;
		if (pg_text_is(a, kind, "var"))
			add_pattern(w, pg_field_of(a, n, PG_F_LEFT), fn_frame(w)->node, fn_frame(w)->node, PG_BIND_VAR);
		else
			add_pattern(w, pg_field_of(a, n, PG_F_LEFT), n, fn_frame(w)->node, PG_BIND_LEXICAL);
		break;
	}
	case PG_NK_CATCH:
		push_frame(w, n, depth, 0);
		add_pattern(w, pg_field_of(a, n, PG_F_PARAMETER), n, fn_frame(w)->node, PG_BIND_CATCH);
		break;
	case PG_NK_VARIABLE_DECLARATION:
		add_declarators(w, n, fn_frame(w), PG_BIND_VAR);
		break;
	case PG_NK_LEXICAL_DECLARATION:
		add_declarators(w, n, top, PG_BIND_LEXICAL);
		break;
	case PG_NK_IMPORT:
		add_imports(w, n);
		break;
	default:
		break;
	}
}

static int entry_cmp(const void *x, const void *y)
{
	const entry *a = x, *b = y;
	uint32_t l = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, l);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1; /* the outer of two ranges that start together first */
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int same_name(const entry *a, const entry *b)
{
	return a->len == b->len && !memcmp(a->name, b->name, a->len);
}

static void index_entries(struct pg_scope *s)
{
	int32_t *open = NULL;
	size_t nopen = 0, copen = 0;
	if (s->n)
		qsort(s->e, s->n, sizeof(*s->e), entry_cmp);
	s->up = pg_xcalloc(s->n ? s->n : 1, sizeof(*s->up));
	s->canon = pg_xcalloc(s->n ? s->n : 1, sizeof(*s->canon));
	s->gend = pg_xcalloc(s->n ? s->n : 1, sizeof(*s->gend));
	for (size_t i = 0, first = 0; i < s->n; i++) {
		const entry *e = &s->e[i];
		if (!i || !same_name(e, &s->e[i - 1])) {
			nopen = 0;
			first = i;
			pg_strmap_put(&s->groups, e->name, e->len, i);
		}
		s->gend[first] = (uint32_t)i + 1;
		/* ranges nest or are disjoint: the open ones that end before this one ends are done */
		while (nopen && s->e[open[nopen - 1]].end < e->end)
			nopen--;
		s->up[i] = nopen ? open[nopen - 1] : -1;
		s->canon[i] = (int32_t)i;
		if (nopen && s->e[open[nopen - 1]].start == e->start && s->e[open[nopen - 1]].end == e->end)
			s->canon[i] = s->canon[open[nopen - 1]];
		PG_GROW(open, copen, nopen + 1);
		open[nopen++] = (int32_t)i;
	}
	free(open);
}

static struct pg_scope *build(const pg_module *m)
{
	walker w;
	pg_walk cur;
	TSNode n, root = ts_tree_root_node(m->ast.tree);
	memset(&w, 0, sizeof(w));
	w.m = m;
	w.s = pg_xcalloc(1, sizeof(*w.s));
	push_frame(&w, root, 0, 1);
	pg_walk_init(&cur, root);
	while (pg_walk_next(&cur, &n)) {
		if (cur.depth == 0 || !ts_node_is_named(n))
			continue;
		while (w.nfr > 1 && w.fr[w.nfr - 1].depth >= cur.depth)
			w.nfr--;
		visit(&w, n, cur.depth);
	}
	pg_walk_done(&cur);
	free(w.fr);
	free(w.stack);
	index_entries(w.s);
	return w.s;
}

/* The table is a cache of what the tree says: building it on a const module's
 * first question changes nothing the module means (a module is used by one
 * thread at a time, like its summary memo). */
static struct pg_scope *scope_of(const pg_module *m)
{
	if (!m->scope)
		((pg_module *)m)->scope = build(m);
	return m->scope;
}

int32_t pg_scope_resolve_at(const pg_module *m, const char *name, uint32_t len, uint32_t at)
{
	struct pg_scope *s = scope_of(m);
	size_t *g = pg_strmap_get(&s->groups, name, len);
	size_t lo, hi;
	int32_t c;
	if (!g)
		return PG_NO_BINDING;
	/* the last entry of the name that starts at or before `at` */
	lo = *g;
	hi = s->gend[*g];
	if (s->e[lo].start > at)
		return PG_NO_BINDING;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->e[mid].start <= at)
			lo = mid;
		else
			hi = mid;
	}
	for (c = (int32_t)lo; c >= 0 && at >= s->e[c].end; c = s->up[c])
		;
	return c >= 0 ? s->canon[c] : PG_NO_BINDING;
}

int32_t pg_scope_resolve(const pg_module *m, TSNode id)
{
	uint32_t len;
	const char *t = pg_text(&m->ast, id, &len);
	return pg_scope_resolve_at(m, t, len, ts_node_start_byte(id));
}

int pg_scope_refers(const pg_module *m, TSNode id, uint32_t at)
{
	uint32_t len;
	const char *t = pg_text(&m->ast, id, &len);
	return pg_scope_resolve_at(m, t, len, ts_node_start_byte(id)) == pg_scope_resolve_at(m, t, len, at);
}

TSNode pg_scope_decl(const pg_module *m, int32_t b)
{
	return scope_of(m)->e[b].decl;
}

static pg_bind_kind bind_kind(const pg_module *m, int32_t b)
{
	return (pg_bind_kind)scope_of(m)->e[b].kind;
}

TSNode pg_scope_owner(const pg_module *m, int32_t b)
{
	return scope_of(m)->e[b].owner;
}

int pg_scope_is_top_level(const pg_module *m, TSNode id)
{
	int32_t b = pg_scope_resolve(m, id);
	return b != PG_NO_BINDING && pg_nk_of(&m->ast, scope_of(m)->e[b].owner) == PG_NK_PROGRAM;
}

TSNode pg_scope_function(const pg_module *m, TSNode id)
{
	const pg_ast *a = &m->ast;
	int32_t b = pg_scope_resolve(m, id);
	TSNode null = {{0, 0, 0, 0}, NULL, NULL}, d, p;
	if (b == PG_NO_BINDING)
		return null;
	d = pg_scope_decl(m, b);
	p = ts_node_parent(d);
	switch (bind_kind(m, b)) {
	case PG_BIND_FUNCTION:
		return p;
	case PG_BIND_VAR:
	case PG_BIND_LEXICAL:
		if (pg_nk_of(a, p) == PG_NK_VARIABLE_DECLARATOR && ts_node_eq(pg_field_of(a, p, PG_F_NAME), d)) {
			TSNode v = pg_unwrap(a, pg_field_of(a, p, PG_F_VALUE));
			if (pg_nk_is_function(pg_nk_of(a, v)))
				return v;
		}
		return null;
	default:
		return null;
	}
}


/*
 * The two below answer "which method does `this.f()` / `self.f()` name?"
 * for the analysis (leak.c) and for the key of a unit's stored result
 * (analyser.c) alike: a key that hashed other functions than the ones the
 * analysis consults would let a stale result be reused.
 */

#define PG_MAX_UP 256 /* ancestors looked at for the class around a call */

/* Is `id` bound (by scope) to a `const self = this` declaration? */
int pg_scope_is_this_alias(const pg_module *m, TSNode id)
{
	const pg_ast *a = &m->ast;
	int32_t bind = pg_scope_resolve(m, id);
	TSNode decl, d;
	if (bind == PG_NO_BINDING)
		return 0;
	decl = pg_scope_decl(m, bind);
	d = ts_node_parent(decl);
	return pg_nk_of(a, d) == PG_NK_VARIABLE_DECLARATOR && ts_node_eq(pg_field_of(a, d, PG_F_NAME), decl) &&
	       pg_nk_of(a, pg_unwrap(a, pg_field_of(a, d, PG_F_VALUE))) == PG_NK_THIS;
}

/* The method (or function-valued field) `name` of the class around `n`. */
TSNode pg_scope_class_member(const pg_ast *a, TSNode n, const char *name, uint32_t len)
{
	TSNode null = {{0, 0, 0, 0}, NULL, NULL};
	for (int up = 0; up < PG_MAX_UP && !ts_node_is_null(n); up++, n = ts_node_parent(n)) {
		if (pg_nk_of(a, n) != PG_NK_CLASS_BODY)
			continue;
		for (uint32_t i = 0, nc = ts_node_named_child_count(n); i < nc; i++) {
			TSNode c = ts_node_named_child(n, i), key, v = c;
			uint32_t l;
			const char *t;
			if (pg_nk_of(a, c) == PG_NK_METHOD) {
				key = pg_field_of(a, c, PG_F_NAME);
			} else if (pg_nk_of(a, c) == PG_NK_FIELD) {
				key = pg_field_of(a, c, PG_F_NAME);
				if (ts_node_is_null(key))
					key = pg_field_of(a, c, PG_F_PROPERTY);
				v = pg_unwrap(a, pg_field_of(a, c, PG_F_VALUE));
				if (!pg_nk_is_function(pg_nk_of(a, v)))
					continue;
			} else {
				continue;
			}
			t = pg_text(a, key, &l);
			if (l == len && !memcmp(t, name, len))
				return v;
		}
		return null; /* the nearest class only */
	}
	return null;
}

static int set_find(const pg_scope_set *set, const char *t, uint32_t len, int32_t b)
{
	for (size_t i = 0; i < set->text.len; i++)
		if (set->bind[i] == b && strlen(set->text.items[i]) == len && !memcmp(set->text.items[i], t, len))
			return 1;
	return 0;
}

void pg_scope_set_add(const pg_module *m, pg_scope_set *set, TSNode id)
{
	uint32_t len;
	const char *t = pg_text(&m->ast, id, &len);
	int32_t b = pg_scope_resolve_at(m, t, len, ts_node_start_byte(id));
	char *copy;
	if (set_find(set, t, len, b))
		return;
	copy = pg_xstrndup(t, len);
	PG_GROW(set->bind, set->cbind, set->text.len + 1);
	set->bind[set->text.len] = b;
	pg_strlist_push(&set->text, copy);
	free(copy);
}

int pg_scope_set_has(const pg_module *m, const pg_scope_set *set, TSNode id)
{
	uint32_t len;
	const char *t;
	if (!set->text.len)
		return 0;
	t = pg_text(&m->ast, id, &len);
	/* the text first: most identifiers are not in the set, and need no resolving */
	if (!pg_strlist_has_n(&set->text, t, len))
		return 0;
	return set_find(set, t, len, pg_scope_resolve_at(m, t, len, ts_node_start_byte(id)));
}

void pg_scope_set_free(pg_scope_set *set)
{
	pg_strlist_free(&set->text);
	free(set->bind);
	memset(set, 0, sizeof(*set));
}

void pg_scope_free(struct pg_scope *s)
{
	if (!s)
		return;
	free(s->e);
	free(s->up);
	free(s->canon);
	free(s->gend);
	pg_strmap_free(&s->groups);
	free(s);
}
