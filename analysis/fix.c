/*
 * fix.c - the one automatic fix: a client released at the end of its block
 * gets its release moved into a `finally` around the rest of the block.
 *
 * The plan (fix_plan) works on the syntax tree of the text as it is now:
 * from the `connect` token it goes up to `const|let c = await R.connect()`,
 * a declaration alone on its line directly in a statement block, and then
 * looks at every statement after it in that block.  Exactly one of them must
 * be `c.release()` (or `await c.release()`, any configured release method,
 * no argument); every other mention of `c` must be `c.something` and no
 * release may hide in a nested statement or function.  After that release
 * only work without `await`/`yield` may follow (holding the client a few
 * synchronous steps longer is the only change), and `c` is not used again.
 * The client reassigned, handed over (`return c`, `f(c)`, `{ c }`),
 * destructured or released with an argument (release(err) destroys it) are
 * refused, with the reason, because where it is released is then not ours
 * to decide.  A name declared after the checkout and mentioned before it is
 * refused too: moving its declaration into the try block would hide it.
 *
 * The rewrite keeps bytes: the lines between the declaration and the
 * block's `}` get one more indent unit (the block's own, else the file's),
 * except lines that begin inside a string or template (their bytes are
 * data) and blank lines; the release's line moves into the finally; line
 * ends are the declaration line's (CRLF stays CRLF).  Everything outside
 * that block is copied untouched.
 *
 * pg_fix_buffer fixes a file's acquisitions from the last to the first: a
 * rewrite only changes bytes after its own declaration, so the offsets of
 * the acquisitions still to do stay valid.  Each rewrite is then checked:
 * it must parse as well as the text before it, and the engine must no
 * longer find that acquisition leaking; otherwise it is dropped and the
 * acquisition reported as not fixable.  Every walk is iterative.
 */
#include "fix.h"

#include <stdlib.h>
#include <string.h>

#include "ast.h"

void pg_fix_results_free(pg_fix_results *r)
{
	for (size_t i = 0; i < r->len; i++) {
		free(r->items[i].function);
		free(r->items[i].reason);
	}
	free(r->items);
	r->items = NULL;
	r->len = r->cap = 0;
}

/* -------------------------------------------------------------- text */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static size_t line_begin(const char *s, size_t at)
{
	while (at > 0 && s[at - 1] != '\n')
		at--;
	return at;
}

/* The offset just after the line's '\n' (or the end of the text). */
static size_t line_next(const char *s, size_t len, size_t at)
{
	while (at < len && s[at] != '\n')
		at++;
	return at < len ? at + 1 : len;
}

/* Only blanks between the line's start and `at`. */
static int starts_line(const char *s, size_t at)
{
	size_t b = line_begin(s, at);
	while (b < at && is_blank(s[b]))
		b++;
	return b == at;
}

/* Only blanks or a `//` comment from `at` to the line's end. */
static int ends_line(const char *s, size_t len, size_t at)
{
	while (at < len && is_blank(s[at]))
		at++;
	if (at + 1 < len && s[at] == '/' && s[at + 1] == '/')
		return 1;
	return at >= len || s[at] == '\n' || (s[at] == '\r' && at + 1 < len && s[at + 1] == '\n');
}

static uint32_t line_of(const char *s, size_t at)
{
	uint32_t l = 1;
	for (size_t i = 0; i < at; i++)
		l += s[i] == '\n';
	return l;
}

static size_t offset_of(const char *s, size_t len, uint32_t line, uint32_t column)
{
	size_t i = 0;
	for (uint32_t l = 1; l < line && i < len; i++)
		if (s[i] == '\n')
			l++;
	i += column ? column - 1 : 0;
	return i < len ? i : len;
}

/*
 * The file's indent unit: a tab when most indented lines start with one,
 * else the most frequent step between the indents of consecutive lines.
 */
static void file_indent_unit(const char *s, size_t len, pg_buf *unit)
{
	size_t tabs = 0, spaces = 0, steps[9] = {0}, prev = 0;
	for (size_t i = 0; i < len; i = line_next(s, len, i)) {
		size_t n = 0;
		if (s[i] == '\t') {
			tabs++;
			continue;
		}
		while (i + n < len && s[i + n] == ' ')
			n++;
		if (i + n >= len || s[i + n] == '\n' || s[i + n] == '\r')
			continue;
		if (n)
			spaces++;
		if (n > prev && n - prev <= 8)
			steps[n - prev]++;
		prev = n;
	}
	pg_buf_clear(unit);
	if (tabs > spaces) {
		pg_buf_putc(unit, '\t');
		return;
	}
	size_t best = 2;
	for (size_t k = 1; k <= 8; k++)
		if (steps[k] > steps[best])
			best = k;
	for (size_t k = 0; k < best; k++)
		pg_buf_putc(unit, ' ');
}

/* ---------------------------------------------------------------- plan */

typedef struct {
	const pg_ast *a;
	const pg_config *cfg;
	const char *name; /* the client's name */
	uint32_t name_len;
	char *reason;     /* set on refusal */
} planner;

static int refuse(planner *p, const char *fmt, uint32_t line)
{
	if (!p->reason)
		p->reason = pg_xasprintf(fmt, (unsigned)line);
	return 0;
}

static int is_name(const planner *p, TSNode n)
{
	uint32_t len;
	const char *t = pg_text(p->a, n, &len);
	return len == p->name_len && !memcmp(t, p->name, len);
}

/* `c.release` with a configured release method name: the member node, else a null node. */
static int is_release_member(const planner *p, TSNode m)
{
	TSNode obj, prop;
	uint32_t len;
	const char *t;
	if (pg_nk_of(p->a, m) != PG_NK_MEMBER)
		return 0;
	obj = pg_unwrap(p->a, pg_field_of(p->a, m, PG_F_OBJECT));
	prop = pg_field_of(p->a, m, PG_F_PROPERTY);
	if (ts_node_is_null(obj) || ts_node_is_null(prop) || pg_nk_of(p->a, obj) != PG_NK_IDENTIFIER || !is_name(p, obj))
		return 0;
	t = pg_text(p->a, prop, &len);
	return pg_strlist_has_n(&p->cfg->release, t, len);
}

/*
 * `c.release();` or `await c.release();` as a whole statement: 1, with
 * *has_args set when the call has arguments; 0 for any other statement.
 */
static int is_release_statement(const planner *p, TSNode s, int *has_args)
{
	TSNode e, args;
	if (pg_nk_of(p->a, s) != PG_NK_EXPRESSION_STATEMENT || ts_node_named_child_count(s) != 1)
		return 0;
	e = pg_unwrap(p->a, ts_node_named_child(s, 0));
	if (pg_nk_of(p->a, e) == PG_NK_AWAIT)
		e = pg_unwrap(p->a, ts_node_named_child(e, 0));
	if (ts_node_is_null(e) || pg_nk_of(p->a, e) != PG_NK_CALL || !is_release_member(p, pg_field_of(p->a, e, PG_F_FUNCTION)))
		return 0;
	args = pg_field_of(p->a, e, PG_F_ARGUMENTS);
	*has_args = 0;
	for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args); i++)
		if (pg_nk_of(p->a, ts_node_named_child(args, i)) != PG_NK_COMMENT)
			*has_args = 1;
	return 1;
}

/* Is n inside a function nested in `top` (the statement being looked at)? */
static int in_nested_function(const pg_ast *a, TSNode n, TSNode top)
{
	for (TSNode p = ts_node_parent(n); !ts_node_is_null(p) && !ts_node_eq(p, top); p = ts_node_parent(p))
		if (pg_nk_is_function(pg_nk_of(a, p)))
			return 1;
	return 0;
}

/*
 * Looks at every mention of the client (and every await) in statement `s`.
 * `after_release`: s follows the block's release.  0 on refusal.
 */
static int check_statement(planner *p, TSNode s, int after_release)
{
	pg_walk w;
	TSNode n;
	int ok = 1;
	pg_walk_init(&w, s);
	while (ok && pg_walk_next(&w, &n)) {
		pg_nk k = pg_nk_of(p->a, n);
		uint32_t line = pg_line(n);
		if (after_release && (k == PG_NK_AWAIT || k == PG_NK_YIELD) && !in_nested_function(p->a, n, s)) {
			ok = refuse(p, "the client is released before other work (the await at line %u would then run "
			               "while it is held)", line);
		} else if (k == PG_NK_SHORTHAND_PROPERTY && is_name(p, n)) {
			ok = refuse(p, "the client is handed over at line %u: who releases it is not known", line);
		} else if (k == PG_NK_IDENTIFIER && is_name(p, n)) {
			TSNode child, parent = pg_unwrap_up(p->a, n, &child);
			pg_nk pk = ts_node_is_null(parent) ? PG_NK_OTHER : pg_nk_of(p->a, parent);
			if (after_release)
				ok = refuse(p, "the client is used after its release (line %u)", line);
			else if (pk == PG_NK_MEMBER && ts_node_eq(pg_field_of(p->a, parent, PG_F_OBJECT), child)) {
				if (is_release_member(p, parent))
					ok = in_nested_function(p->a, n, s)
					         ? refuse(p, "the client is released inside a nested function (line %u)", line)
					         : refuse(p, "the client is also released inside a nested statement (line %u)", line);
			} else if ((pk == PG_NK_ASSIGNMENT || pk == PG_NK_AUGMENTED_ASSIGNMENT) &&
			           ts_node_eq(pg_field_of(p->a, parent, PG_F_LEFT), child)) {
				ok = refuse(p, "the client is reassigned at line %u", line);
			} else if (pk == PG_NK_UPDATE) {
				ok = refuse(p, "the client is reassigned at line %u", line);
			} else {
				ok = refuse(p, "the client is handed over at line %u: who releases it is not known", line);
			}
		}
	}
	pg_walk_done(&w);
	return ok;
}

/* The names a statement declares in its block (let/const/class/function). */
static void declared_names(const pg_ast *a, TSNode s, pg_strlist *out)
{
	pg_nk k = pg_nk_of(a, s);
	if (k == PG_NK_EXPORT) {
		TSNode d = pg_field_of(a, s, PG_F_DECLARATION);
		if (ts_node_is_null(d))
			return;
		s = d;
		k = pg_nk_of(a, s);
	}
	if (k == PG_NK_FUNCTION_DECLARATION || k == PG_NK_GENERATOR_DECLARATION || k == PG_NK_CLASS_DECLARATION ||
	    k == PG_NK_ABSTRACT_CLASS) {
		TSNode name = pg_field_of(a, s, PG_F_NAME);
		if (!ts_node_is_null(name)) {
			char *t = pg_text_dup(a, name, 0);
			pg_strlist_push(out, t);
			free(t);
		}
		return;
	}
	if (k == PG_NK_LEXICAL_DECLARATION) {
		/* every identifier the declaration binds: names and pattern leaves */
		pg_walk w;
		TSNode n;
		pg_walk_init(&w, s);
		while (pg_walk_next(&w, &n)) {
			pg_nk nk = pg_nk_of(a, n);
			if (nk == PG_NK_VARIABLE_DECLARATOR) {
				TSNode name = pg_field_of(a, n, PG_F_NAME);
				pg_walk w2;
				TSNode m;
				pg_walk_init(&w2, name);
				while (pg_walk_next(&w2, &m)) {
					pg_nk mk = pg_nk_of(a, m);
					if (mk == PG_NK_IDENTIFIER || mk == PG_NK_SHORTHAND_PATTERN) {
						char *t = pg_text_dup(a, m, 0);
						pg_strlist_push(out, t);
						free(t);
					}
				}
				pg_walk_done(&w2);
				pg_walk_skip(&w);
			} else if (pg_nk_is_function(nk) || nk == PG_NK_CLASS || nk == PG_NK_CLASS_BODY) {
				pg_walk_skip(&w);
			}
		}
		pg_walk_done(&w);
	}
}

/* Any identifier in `s` whose text is in `names`: its line, else 0. */
static uint32_t mentions_any(const pg_ast *a, TSNode s, const pg_strlist *names)
{
	pg_walk w;
	TSNode n;
	uint32_t found = 0;
	pg_walk_init(&w, s);
	while (!found && pg_walk_next(&w, &n)) {
		pg_nk k = pg_nk_of(a, n);
		if (k == PG_NK_IDENTIFIER || k == PG_NK_SHORTHAND_PROPERTY || k == PG_NK_TYPE_IDENTIFIER) {
			uint32_t len;
			const char *t = pg_text(a, n, &len);
			if (pg_strlist_has_n(names, t, len))
				found = pg_line(n);
		}
	}
	pg_walk_done(&w);
	return found;
}

/* Is the line starting at `at` inside a string or template (its bytes are data)? */
static int inside_literal(const pg_ast *a, TSNode root, size_t at)
{
	TSNode n = ts_node_descendant_for_byte_range(root, (uint32_t)at, (uint32_t)at);
	for (; !ts_node_is_null(n); n = ts_node_parent(n)) {
		pg_nk k = pg_nk_of(a, n);
		if ((k == PG_NK_TEMPLATE_STRING || k == PG_NK_STRING) && ts_node_start_byte(n) < at && ts_node_end_byte(n) > at)
			return 1;
	}
	return 0;
}

/* What a plan found: enough to write the rewrite. */
typedef struct {
	size_t decl_line;      /* the start of the declaration's line */
	size_t decl_line_end;  /* just after the declaration's line */
	size_t close_line;     /* the start of the line of the block's `}` */
	size_t rel_line, rel_next; /* the release's line: [start, just after it) */
	size_t indent_len;     /* the declaration's indent: its line's first bytes */
	pg_buf unit;
	const char *eol;
} plan;

/* The acquisition's declaration, from its `connect` token; a null node (and a reason) if not the shape. */
static TSNode find_declaration(planner *p, TSNode root, size_t off)
{
	TSNode tok = ts_node_descendant_for_byte_range(root, (uint32_t)off, (uint32_t)off + 1), null = {{0}, 0, 0};
	TSNode member = ts_node_parent(tok), call, up, child, decl;
	uint32_t line = pg_line(tok);
	if (ts_node_is_null(member) || pg_nk_of(p->a, member) != PG_NK_MEMBER ||
	    !ts_node_eq(pg_field_of(p->a, member, PG_F_PROPERTY), tok)) {
		refuse(p, "the checkout at line %u is not a method call `R.connect()`", line);
		return null;
	}
	call = ts_node_parent(member);
	if (ts_node_is_null(call) || pg_nk_of(p->a, call) != PG_NK_CALL) {
		refuse(p, "the checkout at line %u is not a method call `R.connect()`", line);
		return null;
	}
	up = pg_unwrap_up(p->a, call, &child);
	if (!ts_node_is_null(up) && pg_nk_of(p->a, up) == PG_NK_AWAIT)
		up = pg_unwrap_up(p->a, up, &child);
	else
		up = null;
	if (ts_node_is_null(up) || pg_nk_of(p->a, up) != PG_NK_VARIABLE_DECLARATOR ||
	    !ts_node_eq(pg_field_of(p->a, up, PG_F_VALUE), child)) {
		refuse(p, "the client is not kept in `const c = await R.connect()` (line %u)", line);
		return null;
	}
	if (pg_nk_of(p->a, pg_field_of(p->a, up, PG_F_NAME)) != PG_NK_IDENTIFIER) {
		refuse(p, "the client is destructured (line %u): its release is not one call to move", line);
		return null;
	}
	decl = ts_node_parent(up);
	if (ts_node_is_null(decl) || pg_nk_of(p->a, decl) != PG_NK_LEXICAL_DECLARATION) {
		refuse(p, "the client is declared with `var` (line %u): only const and let are rewritten", line);
		return null;
	}
	for (uint32_t i = 0; i < ts_node_named_child_count(decl); i++)
		if (pg_nk_of(p->a, ts_node_named_child(decl, i)) == PG_NK_VARIABLE_DECLARATOR &&
		    !ts_node_eq(ts_node_named_child(decl, i), up)) {
			refuse(p, "the declaration at line %u declares more than the client", line);
			return null;
		}
	return decl;
}

/*
 * Plans the rewrite of the acquisition whose `connect` token is at `off`.
 * 1 with *pl filled, 0 with p->reason set.
 */
static int fix_plan(planner *p, TSNode root, size_t off, plan *pl)
{
	const pg_ast *a = p->a;
	const char *s = a->src;
	size_t len = a->len;
	TSNode decl = find_declaration(p, root, off), block, release = {{0}, 0, 0};
	TSNode name;
	uint32_t dline, n, idx = 0;
	pg_strlist later = {0};
	int ok = 1;

	if (ts_node_is_null(decl))
		return 0;
	dline = pg_line(decl);
	name = pg_field_of(a, ts_node_named_child(decl, 0), PG_F_NAME);
	for (uint32_t i = 0; i < ts_node_named_child_count(decl); i++)
		if (pg_nk_of(a, ts_node_named_child(decl, i)) == PG_NK_VARIABLE_DECLARATOR)
			name = pg_field_of(a, ts_node_named_child(decl, i), PG_F_NAME);
	p->name = pg_text(a, name, &p->name_len);
	block = ts_node_parent(decl);
	if (ts_node_is_null(block) || pg_nk_of(a, block) != PG_NK_STATEMENT_BLOCK)
		return refuse(p, ts_node_is_null(block) || pg_nk_of(a, block) == PG_NK_PROGRAM
		                     ? "the checkout at line %u is at the module's top level, not in a function's block"
		                     : "the checkout at line %u is not directly in a `{ ... }` block",
		              dline);
	if (ts_node_has_error(block))
		return refuse(p, "the block of the checkout at line %u does not parse", dline);
	if (!starts_line(s, ts_node_start_byte(decl)) || !ends_line(s, len, ts_node_end_byte(decl)))
		return refuse(p, "the checkout at line %u shares its line with other code", dline);
	size_t close = ts_node_end_byte(block) - 1;
	if (close >= len || s[close] != '}' || !starts_line(s, close) || line_of(s, close) <= dline)
		return refuse(p, "the block of the checkout at line %u does not end with `}` on a line of its own", dline);

	n = ts_node_named_child_count(block);
	while (idx < n && !ts_node_eq(ts_node_named_child(block, idx), decl))
		idx++;
	/* Which statements come after, and where the release is. */
	for (uint32_t i = idx + 1; ok && i < n; i++) {
		TSNode st = ts_node_named_child(block, i);
		int has_args = 0;
		if (pg_nk_of(a, st) == PG_NK_COMMENT)
			continue;
		if (is_release_statement(p, st, &has_args)) {
			if (has_args)
				ok = refuse(p, "the client is released with an argument at line %u (release(err) destroys it)",
				            pg_line(st));
			else if (!ts_node_is_null(release))
				ok = refuse(p, "the client is released twice in its block (again at line %u)", pg_line(st));
			else
				release = st;
			continue;
		}
		ok = check_statement(p, st, !ts_node_is_null(release));
		declared_names(a, st, &later);
	}
	/* A name declared after the checkout but used before it would be hidden by the try block. */
	for (uint32_t i = 0; ok && later.len && i <= idx; i++) {
		uint32_t at = mentions_any(a, ts_node_named_child(block, i), &later);
		if (at)
			ok = refuse(p, "a name declared after the checkout is used before it (line %u)", at);
	}
	pg_strlist_free(&later);
	if (!ok)
		return 0;
	if (ts_node_is_null(release))
		return refuse(p, "there is no `client.release()` in the block of the checkout at line %u to move into "
		                 "finally", dline);
	if (!starts_line(s, ts_node_start_byte(release)) || !ends_line(s, len, ts_node_end_byte(release)))
		return refuse(p, "the release at line %u shares its line with other code", pg_line(release));

	pl->decl_line = line_begin(s, ts_node_start_byte(decl));
	pl->decl_line_end = line_next(s, len, ts_node_end_byte(decl));
	pl->close_line = line_begin(s, close);
	pl->rel_line = line_begin(s, ts_node_start_byte(release));
	pl->rel_next = line_next(s, len, ts_node_end_byte(release));
	pl->indent_len = ts_node_start_byte(decl) - line_begin(s, ts_node_start_byte(decl));
	pl->eol = pl->decl_line_end >= 2 && s[pl->decl_line_end - 2] == '\r' ? "\r\n" : "\n";
	/* The unit: the declaration's indent less the `}` line's, when that is a clean step. */
	size_t outer = close - pl->close_line, ind = pl->indent_len;
	const char *ds = s + line_begin(s, ts_node_start_byte(decl));
	pg_buf_clear(&pl->unit);
	if (ind > outer && !memcmp(ds, s + pl->close_line, outer))
		pg_buf_put(&pl->unit, ds + outer, ind - outer);
	else
		file_indent_unit(s, len, &pl->unit);
	return 1;
}

/* The rewritten text of a plan. */
static void fix_write(const pg_ast *a, TSNode root, const plan *pl, pg_buf *out)
{
	const char *s = a->src, *indent = a->src + pl->decl_line;
	size_t len = a->len, b = pl->rel_line, e = pl->rel_next;
	pg_buf_clear(out);
	pg_buf_put(out, s, pl->decl_line_end);
	pg_buf_put(out, indent, pl->indent_len);
	pg_buf_printf(out, "try {%s", pl->eol);
	for (size_t i = pl->decl_line_end, next; i < pl->close_line; i = next) {
		size_t k = i;
		next = line_next(s, len, i);
		if (i >= pl->rel_line && i < pl->rel_next)
			continue; /* the release moves into the finally */
		while (k < next && is_blank(s[k]))
			k++;
		if (k < next && s[k] != '\n' && s[k] != '\r' && !inside_literal(a, root, i))
			pg_buf_put(out, pl->unit.data, pl->unit.len);
		pg_buf_put(out, s + i, next - i);
	}
	pg_buf_put(out, indent, pl->indent_len);
	pg_buf_printf(out, "} finally {%s", pl->eol);
	while (b < e && is_blank(s[b]))
		b++;
	while (e > b && (s[e - 1] == '\n' || s[e - 1] == '\r' || is_blank(s[e - 1])))
		e--;
	pg_buf_put(out, indent, pl->indent_len);
	pg_buf_put(out, pl->unit.data, pl->unit.len);
	pg_buf_put(out, s + b, e - b);
	pg_buf_puts(out, pl->eol);
	pg_buf_put(out, indent, pl->indent_len);
	pg_buf_printf(out, "}%s", pl->eol);
	pg_buf_put(out, s + pl->close_line, len - pl->close_line);
}

/*
 * Where a rewrite moved lines, in lines of the text it was applied to: the
 * declaration's line, the release's first and last, the `}` line, and the
 * indent unit's length (what a line inside the try block gained).
 */
typedef struct {
	uint32_t decl, rel_first, rel_last, close, unit;
} moved;

/* Plans on `src` and writes the rewrite into *out: 1, or 0 with *reason set (caller frees). */
static int fix_one(pg_lang lang, const pg_config *cfg, const char *src, size_t len, size_t off, pg_buf *out,
                   char **reason, int *had_error, moved *mv)
{
	pg_ast a;
	planner p;
	plan pl;
	int ok;
	*reason = NULL;
	if (pg_ast_parse(&a, lang, src, (uint32_t)len) < 0) {
		*reason = pg_xstrdup(pg_error_last());
		return 0;
	}
	memset(&p, 0, sizeof(p));
	memset(&pl, 0, sizeof(pl));
	p.a = &a;
	p.cfg = cfg;
	TSNode root = ts_tree_root_node(a.tree);
	if (had_error)
		*had_error = ts_node_has_error(root);
	ok = fix_plan(&p, root, off, &pl);
	if (ok && out)
		fix_write(&a, root, &pl, out);
	if (ok && mv) {
		mv->decl = line_of(src, pl.decl_line);
		mv->rel_first = line_of(src, pl.rel_line);
		mv->rel_last = line_of(src, pl.rel_next - 1);
		mv->close = line_of(src, pl.close_line);
		mv->unit = (uint32_t)pl.unit.len;
	}
	*reason = p.reason;
	pg_buf_free(&pl.unit);
	pg_ast_free(&a);
	return ok;
}

/*
 * Non-zero when the acquisition at 1-based `line`/`column` (bytes) of this
 * text has the fixable shape; otherwise 0 and, when `reason` is not NULL,
 * *reason holds why (owned by the caller).  Shape only: no analysis, so it
 * is cheap enough for a report's hint.
 */
static int fix_possible(pg_lang lang, const pg_config *cfg, const char *src, size_t len, uint32_t line,
                    uint32_t column, char **reason)
{
	char *why = NULL;
	int ok = fix_one(lang, cfg, src, len, offset_of(src, len, line, column), NULL, &why, NULL, NULL);
	if (reason)
		*reason = why;
	else
		free(why);
	return ok;
}

struct pg_fix_probe {
	pg_ast a;
	const pg_config *cfg;
};

int pg_fix_probe_new(pg_fix_probe **out, pg_lang lang, const pg_config *cfg, const char *src, size_t len)
{
	pg_fix_probe *c = pg_xcalloc(1, sizeof(*c));
	int rc = pg_ast_parse(&c->a, lang, src, (uint32_t)len);
	if (rc < 0) {
		free(c);
		*out = NULL;
		return rc;
	}
	c->cfg = cfg;
	*out = c;
	return PG_OK;
}

int pg_fix_probe_possible(pg_fix_probe *c, uint32_t line, uint32_t column, char **reason)
{
	planner p;
	plan pl;
	int ok;
	memset(&p, 0, sizeof(p));
	memset(&pl, 0, sizeof(pl));
	p.a = &c->a;
	p.cfg = c->cfg;
	ok = fix_plan(&p, ts_tree_root_node(c->a.tree), offset_of(c->a.src, c->a.len, line, column), &pl);
	pg_buf_free(&pl.unit);
	if (reason)
		*reason = p.reason;
	else
		free(p.reason);
	return ok;
}

void pg_fix_probe_free(pg_fix_probe *c)
{
	if (!c)
		return;
	pg_ast_free(&c->a);
	free(c);
}

/* Does the text still parse without errors? */
static int parses_clean(pg_lang lang, const char *src, size_t len)
{
	pg_ast a;
	int ok;
	if (pg_ast_parse(&a, lang, src, (uint32_t)len) < 0)
		return 0;
	ok = !ts_node_has_error(ts_tree_root_node(a.tree));
	pg_ast_free(&a);
	return ok;
}

static const pg_finding *finding_at(const pg_findings *fs, uint32_t line, uint32_t column)
{
	for (size_t i = 0; i < fs->len; i++)
		if (fs->items[i].line == line && fs->items[i].column == column)
			return &fs->items[i];
	return NULL;
}

/* Where the position line:column of the text before rewrite `m` is after it. */
static void move_position(const moved *m, uint32_t *line, uint32_t *column)
{
	uint32_t l = *line;
	if (l <= m->decl)
		return;
	if (l >= m->close) {
		*line = l + 3; /* the try, finally and closing lines */
		return;
	}
	*column += m->unit;
	*line = l < m->rel_first ? l + 1 : l + 1 - (m->rel_last - m->rel_first + 1);
}

static void result_push(pg_fix_results *r, const pg_finding *f, char *reason)
{
	PG_GROW(r->items, r->cap, r->len + 1);
	r->items[r->len].line = f->line;
	r->items[r->len].column = f->column;
	r->items[r->len].function = pg_xstrdup(f->function ? f->function : "");
	r->items[r->len].reason = reason;
	r->len++;
}

int pg_fix_buffer(const pg_fix_checker *chk, const pg_config *cfg, const char *path, const char *src, size_t len,
                  uint32_t only_line, pg_buf *out, pg_fix_results *results, pg_findings *left)
{
	pg_lang lang = pg_lang_from_path(path);
	pg_findings first, now;
	pg_buf next = PG_BUF_INIT;
	size_t first_result = results->len, nmoves = 0, cap = 0;
	moved *moves = NULL, mv;
	size_t *applied_after = NULL; /* per result: how many rewrites came after it */
	int rc;

	pg_findings_init(&first);
	pg_findings_init(&now);
	pg_buf_clear(out);
	pg_buf_put(out, src, len);
	rc = chk->check(chk->ctx, path, src, len, &first);
	if (rc < 0)
		goto done;
	pg_findings_sort(&first);
	/* From the last acquisition to the first: a rewrite moves no byte before its own declaration. */
	for (size_t i = first.len; i-- > 0;) {
		const pg_finding *f = &first.items[i];
		char *reason = NULL;
		int had_error = 0;
		if (only_line && f->line != only_line)
			continue;
		if (!fix_one(lang, cfg, out->data, out->len, offset_of(out->data, out->len, f->line, f->column), &next,
		             &reason, &had_error, &mv)) {
			result_push(results, f, reason);
			continue;
		}
		free(reason);
		if (!had_error && !parses_clean(lang, next.data, next.len)) {
			result_push(results, f, pg_xstrdup("the rewrite would not parse"));
			continue;
		}
		pg_findings_free(&now);
		pg_findings_init(&now);
		rc = chk->check(chk->ctx, path, next.data, next.len, &now);
		if (rc < 0)
			goto done;
		const pg_finding *still = finding_at(&now, f->line, f->column);
		if (still) {
			result_push(results, f, pg_xasprintf("moving the release into finally would still leave it "
			                                     "unreleased: %s", still->path_text ? still->path_text : "?"));
			continue;
		}
		pg_buf_clear(out);
		pg_buf_put(out, next.data, next.len);
		result_push(results, f, NULL);
		PG_GROW(moves, cap, nmoves + 1);
		moves[nmoves++] = mv;
	}
	/*
	 * Positions are told in the text as it is after the fixes.  A result was
	 * made before the rewrites of the acquisitions above it: it moves through
	 * those, in the order they were made.  A refusal's reason is made again
	 * on the final text, so that the lines it names are that text's too.
	 */
	applied_after = pg_xcalloc(results->len - first_result + 1, sizeof(*applied_after));
	{
		size_t done_moves = 0;
		for (size_t r = first_result; r < results->len; r++) {
			/* results were pushed in processing order; moves too, only for fixed ones */
			applied_after[r - first_result] = done_moves;
			if (!results->items[r].reason)
				done_moves++;
		}
		for (size_t r = first_result; r < results->len; r++) {
			pg_fix_result *res = &results->items[r];
			size_t from = applied_after[r - first_result] + (res->reason ? 0 : 1);
			for (size_t m = from; m < nmoves; m++)
				move_position(&moves[m], &res->line, &res->column);
			if (res->reason) {
				char *again = NULL;
				if (!fix_possible(lang, cfg, out->data, out->len, res->line, res->column, &again) && again) {
					free(res->reason);
					res->reason = again;
				} else {
					free(again);
				}
			}
		}
	}
	/* Reported in the file's order, as the findings are. */
	for (size_t a = first_result, b = results->len; b > a + 1; a++, b--) {
		pg_fix_result t = results->items[a];
		results->items[a] = results->items[b - 1];
		results->items[b - 1] = t;
	}
	if (left) {
		pg_findings_free(&now);
		pg_findings_init(&now);
		rc = chk->check(chk->ctx, path, out->data, out->len, &now);
		pg_findings_sort(&now);
		for (size_t i = 0; rc == PG_OK && i < now.len; i++)
			pg_findings_push_copy(left, &now.items[i]);
	}
done:
	free(moves);
	free(applied_after);
	pg_findings_free(&first);
	pg_findings_free(&now);
	pg_buf_free(&next);
	return rc;
}
