/*
 * ast.c - per-language symbol and field tables, parsing, and the node
 * helpers the analyser uses everywhere.
 *
 * The tables are built lazily under a once-flag: the grammar's symbols are
 * walked by name and mapped to pg_nk; symbols we do not name are PG_NK_OTHER.
 */
#include "ast.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);

struct pg_lang_info {
	const TSLanguage *ts;
	uint8_t *kind;     /* by symbol number */
	uint32_t nsymbols;
	TSFieldId field[PG_F__COUNT];
};

static const char *const kind_names[PG_NK__COUNT] = {
	[PG_NK_PROGRAM] = "program", [PG_NK_STATEMENT_BLOCK] = "statement_block",
	[PG_NK_EXPRESSION_STATEMENT] = "expression_statement",
	[PG_NK_LEXICAL_DECLARATION] = "lexical_declaration",
	[PG_NK_VARIABLE_DECLARATION] = "variable_declaration",
	[PG_NK_VARIABLE_DECLARATOR] = "variable_declarator", [PG_NK_IF] = "if_statement",
	[PG_NK_ELSE] = "else_clause", [PG_NK_FOR] = "for_statement", [PG_NK_FOR_IN] = "for_in_statement",
	[PG_NK_WHILE] = "while_statement", [PG_NK_DO] = "do_statement", [PG_NK_TRY] = "try_statement",
	[PG_NK_CATCH] = "catch_clause", [PG_NK_FINALLY] = "finally_clause",
	[PG_NK_RETURN] = "return_statement", [PG_NK_THROW] = "throw_statement",
	[PG_NK_BREAK] = "break_statement", [PG_NK_CONTINUE] = "continue_statement",
	[PG_NK_LABELED] = "labeled_statement", [PG_NK_SWITCH] = "switch_statement",
	[PG_NK_SWITCH_BODY] = "switch_body", [PG_NK_SWITCH_CASE] = "switch_case",
	[PG_NK_SWITCH_DEFAULT] = "switch_default", [PG_NK_CALL] = "call_expression",
	[PG_NK_NEW] = "new_expression", [PG_NK_AWAIT] = "await_expression",
	[PG_NK_YIELD] = "yield_expression", [PG_NK_MEMBER] = "member_expression",
	[PG_NK_SUBSCRIPT] = "subscript_expression", [PG_NK_IDENTIFIER] = "identifier",
	[PG_NK_PROPERTY_IDENTIFIER] = "property_identifier",
	[PG_NK_PRIVATE_PROPERTY_IDENTIFIER] = "private_property_identifier", [PG_NK_THIS] = "this",
	[PG_NK_ARROW] = "arrow_function", [PG_NK_FUNCTION_EXPRESSION] = "function_expression",
	[PG_NK_FUNCTION_DECLARATION] = "function_declaration",
	[PG_NK_GENERATOR_FUNCTION] = "generator_function",
	[PG_NK_GENERATOR_DECLARATION] = "generator_function_declaration",
	[PG_NK_METHOD] = "method_definition", [PG_NK_CLASS_DECLARATION] = "class_declaration",
	[PG_NK_CLASS] = "class", [PG_NK_CLASS_BODY] = "class_body", [PG_NK_FIELD] = "field_definition",
	[PG_NK_ASSIGNMENT] = "assignment_expression",
	[PG_NK_AUGMENTED_ASSIGNMENT] = "augmented_assignment_expression",
	[PG_NK_PARENTHESIZED] = "parenthesized_expression", [PG_NK_AS] = "as_expression",
	[PG_NK_SATISFIES] = "satisfies_expression", [PG_NK_NON_NULL] = "non_null_expression",
	[PG_NK_TYPE_ASSERTION] = "type_assertion", [PG_NK_BINARY] = "binary_expression",
	[PG_NK_UNARY] = "unary_expression", [PG_NK_TERNARY] = "ternary_expression",
	[PG_NK_OBJECT] = "object", [PG_NK_PAIR] = "pair",
	[PG_NK_SHORTHAND_PROPERTY] = "shorthand_property_identifier", [PG_NK_ARRAY] = "array",
	[PG_NK_SPREAD] = "spread_element", [PG_NK_SEQUENCE] = "sequence_expression",
	[PG_NK_OBJECT_PATTERN] = "object_pattern", [PG_NK_ARRAY_PATTERN] = "array_pattern",
	[PG_NK_PAIR_PATTERN] = "pair_pattern",
	[PG_NK_SHORTHAND_PATTERN] = "shorthand_property_identifier_pattern",
	[PG_NK_ASSIGNMENT_PATTERN] = "assignment_pattern",
	[PG_NK_OBJECT_ASSIGNMENT_PATTERN] = "object_assignment_pattern",
	[PG_NK_REST_PATTERN] = "rest_pattern", [PG_NK_STRING] = "string",
	[PG_NK_TEMPLATE_STRING] = "template_string", [PG_NK_ARGUMENTS] = "arguments",
	[PG_NK_FORMAL_PARAMETERS] = "formal_parameters",
	[PG_NK_REQUIRED_PARAMETER] = "required_parameter",
	[PG_NK_OPTIONAL_PARAMETER] = "optional_parameter", [PG_NK_IMPORT] = "import_statement",
	[PG_NK_IMPORT_CLAUSE] = "import_clause", [PG_NK_NAMED_IMPORTS] = "named_imports",
	[PG_NK_IMPORT_SPECIFIER] = "import_specifier", [PG_NK_NAMESPACE_IMPORT] = "namespace_import",
	[PG_NK_EXPORT] = "export_statement", [PG_NK_EXPORT_CLAUSE] = "export_clause",
	[PG_NK_EXPORT_SPECIFIER] = "export_specifier", [PG_NK_COMMENT] = "comment",
	[PG_NK_TRUE] = "true", [PG_NK_FALSE] = "false", [PG_NK_NULL] = "null",
	[PG_NK_UNDEFINED] = "undefined", [PG_NK_UPDATE] = "update_expression",
	[PG_NK_EMPTY] = "empty_statement", [PG_NK_STATEMENT_IDENTIFIER] = "statement_identifier",
	[PG_NK_TYPE_IDENTIFIER] = "type_identifier", [PG_NK_OPTIONAL_CHAIN] = "optional_chain",
	[PG_NK_STATIC_BLOCK] = "class_static_block", [PG_NK_DECORATOR] = "decorator",
	[PG_NK_NUMBER] = "number", [PG_NK_ERROR] = "ERROR", [PG_NK_WITH] = "with_statement",
	[PG_NK_INTERFACE] = "interface_declaration", [PG_NK_TYPE_ALIAS] = "type_alias_declaration",
	[PG_NK_ENUM] = "enum_declaration", [PG_NK_ABSTRACT_CLASS] = "abstract_class_declaration",
};

static const char *const field_names[PG_F__COUNT] = {
	[PG_F_BODY] = "body", [PG_F_NAME] = "name", [PG_F_VALUE] = "value", [PG_F_LEFT] = "left",
	[PG_F_RIGHT] = "right", [PG_F_FUNCTION] = "function", [PG_F_ARGUMENTS] = "arguments",
	[PG_F_OBJECT] = "object", [PG_F_PROPERTY] = "property", [PG_F_CONDITION] = "condition",
	[PG_F_CONSEQUENCE] = "consequence", [PG_F_ALTERNATIVE] = "alternative",
	[PG_F_PARAMETER] = "parameter", [PG_F_HANDLER] = "handler", [PG_F_FINALIZER] = "finalizer",
	[PG_F_LABEL] = "label", [PG_F_INITIALIZER] = "initializer", [PG_F_INCREMENT] = "increment",
	[PG_F_OPERATOR] = "operator", [PG_F_ARGUMENT] = "argument", [PG_F_PARAMETERS] = "parameters",
	[PG_F_KEY] = "key", [PG_F_PATTERN] = "pattern", [PG_F_SOURCE] = "source",
	[PG_F_DECLARATION] = "declaration", [PG_F_ALIAS] = "alias", [PG_F_CONSTRUCTOR] = "constructor",
	[PG_F_INDEX] = "index", [PG_F_KIND] = "kind",
};

static pg_lang_info infos[4];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build_info(pg_lang_info *li, const TSLanguage *ts)
{
	li->ts = ts;
	li->nsymbols = ts_language_symbol_count(ts);
	li->kind = calloc(li->nsymbols ? li->nsymbols : 1, 1);
	if (!li->kind)
		abort();
	for (uint32_t s = 0; s < li->nsymbols; s++) {
		const char *name = ts_language_symbol_name(ts, (TSSymbol)s);
		if (!name || ts_language_symbol_type(ts, (TSSymbol)s) != TSSymbolTypeRegular)
			continue;
		for (int k = 1; k < PG_NK__COUNT; k++)
			if (kind_names[k] && !strcmp(kind_names[k], name)) {
				li->kind[s] = (uint8_t)k;
				break;
			}
		/* TypeScript calls class fields public_field_definition. */
		if (!strcmp(name, "public_field_definition"))
			li->kind[s] = PG_NK_FIELD;
	}
	for (int f = 0; f < PG_F__COUNT; f++)
		li->field[f] = ts_language_field_id_for_name(ts, field_names[f],
		                                             (uint32_t)strlen(field_names[f]));
}

static void build_all(void)
{
	build_info(&infos[PG_LANG_JS], tree_sitter_javascript());
	build_info(&infos[PG_LANG_TS], tree_sitter_typescript());
	build_info(&infos[PG_LANG_TSX], tree_sitter_tsx());
}

/* The tables of one grammar; built once, never freed (they are static). */
static const pg_lang_info *ast_lang(pg_lang lang)
{
	if (lang <= PG_LANG_NONE || lang > PG_LANG_TSX)
		return NULL;
	pthread_once(&once, build_all);
	return &infos[lang];
}

static _Thread_local TSParser *parsers[4];

void pg_ast_thread_done(void)
{
	for (int i = 0; i < 4; i++) {
		if (parsers[i])
			ts_parser_delete(parsers[i]);
		parsers[i] = NULL;
	}
}

/* The row and byte column of offset `at`. */
static TSPoint point_at(const char *src, uint32_t at)
{
	TSPoint pt = {0, 0};
	uint32_t line_start = 0;
	for (const char *p = src, *end = src + at; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) {
		pt.row++;
		line_start = (uint32_t)(p - src) + 1;
	}
	pt.column = at - line_start;
	return pt;
}

/*
 * The edit that turns prev's text into src: the bytes between their common
 * start and common end, applied to a copy of prev's tree, which tree-sitter
 * then reuses for all that is outside it.
 */
static TSTree *edited_copy(const pg_ast *prev, const char *src, uint32_t len)
{
	uint32_t pre = 0, suf = 0, max = prev->len < len ? prev->len : len;
	TSInputEdit ed;
	TSTree *t;
	while (pre < max && prev->src[pre] == src[pre])
		pre++;
	while (suf < max - pre && prev->src[prev->len - 1 - suf] == src[len - 1 - suf])
		suf++;
	ed.start_byte = pre;
	ed.old_end_byte = prev->len - suf;
	ed.new_end_byte = len - suf;
	ed.start_point = point_at(src, pre);
	ed.old_end_point = point_at(prev->src, ed.old_end_byte);
	ed.new_end_point = point_at(src, ed.new_end_byte);
	t = ts_tree_copy(prev->tree);
	ts_tree_edit(t, &ed);
	return t;
}

/*
 * Parses with a time limit; NULL when it is exceeded.  tree-sitter 0.25
 * (grammar ABI 15) deprecates the parser's timeout and 0.26 removes it, so
 * with those headers (Homebrew's) a progress callback stops the parse at the
 * deadline instead; Debian's 0.20.7 has only the timeout.
 */
#if TREE_SITTER_LANGUAGE_VERSION >= 15
typedef struct {
	const char *src;
	uint32_t len;
	struct timespec deadline;
} parse_input;

static const char *input_read(void *payload, uint32_t byte, TSPoint pos, uint32_t *n)
{
	const parse_input *in = payload;
	(void)pos;
	*n = byte < in->len ? in->len - byte : 0;
	return in->src + (byte < in->len ? byte : in->len);
}

static bool past_deadline(TSParseState *st)
{
	const parse_input *in = st->payload;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > in->deadline.tv_sec ||
	       (now.tv_sec == in->deadline.tv_sec && now.tv_nsec >= in->deadline.tv_nsec);
}

static TSTree *parse_within(TSParser *p, const TSTree *old, const char *src, uint32_t len, uint64_t budget_us)
{
	parse_input in = {src, len, {0, 0}};
	TSInput input = {&in, input_read, TSInputEncodingUTF8, NULL};
	TSParseOptions opts = {&in, past_deadline};
	clock_gettime(CLOCK_MONOTONIC, &in.deadline);
	in.deadline.tv_sec += (time_t)(budget_us / 1000000u);
	in.deadline.tv_nsec += (long)(budget_us % 1000000u) * 1000;
	if (in.deadline.tv_nsec >= 1000000000L) {
		in.deadline.tv_sec++;
		in.deadline.tv_nsec -= 1000000000L;
	}
	return ts_parser_parse_with_options(p, old, input, opts);
}
#else
static TSTree *parse_within(TSParser *p, const TSTree *old, const char *src, uint32_t len, uint64_t budget_us)
{
	ts_parser_set_timeout_micros(p, budget_us);
	return ts_parser_parse_string(p, old, src, len);
}
#endif

int pg_ast_parse(pg_ast *out, pg_lang lang, const char *src, uint32_t len)
{
	return pg_ast_parse_from(out, lang, src, len, NULL);
}

int pg_ast_parse_from(pg_ast *out, pg_lang lang, const char *src, uint32_t len, const pg_ast *prev)
{
	const pg_lang_info *li = ast_lang(lang);
	TSTree *old = NULL;
	TSParser *p;
	memset(out, 0, sizeof(*out));
	if (!li)
		return pg_error_set(PG_EINVALID, "not a JavaScript or TypeScript file");
	p = parsers[lang];
	if (!p) {
		p = ts_parser_new();
		if (!p || !ts_parser_set_language(p, li->ts))
			return pg_error_set(PG_ERROR, "tree-sitter refused the grammar (ABI mismatch)");
		parsers[lang] = p;
	}
	/* Some garbage sends tree-sitter's error recovery into a very long search (a 1 KB file
	 * seen taking minutes and 600 MB): the parse gets 2 s plus 10 us a byte (0.1 MB/s,
	 * twenty times slower than usual), and a file that needs more is not analysed. */
	uint64_t budget_us = 2000000u + (uint64_t)len * 10u;
	if (prev && prev->tree && prev->li == li)
		old = edited_copy(prev, src, len);
	out->tree = parse_within(p, old, src, len, budget_us);
	if (old)
		ts_tree_delete(old);
	if (!out->tree) {
		ts_parser_reset(p); /* a timed-out parser would otherwise resume this parse next time */
		return pg_error_set(PG_ELIMIT, "the parser gave up after %.1f s (the file defeats its error recovery)",
		                    (double)budget_us / 1e6);
	}
	out->li = li;
	out->src = src;
	out->len = len;
	return PG_OK;
}

void pg_ast_free(pg_ast *a)
{
	if (a->tree)
		ts_tree_delete(a->tree);
	a->tree = NULL;
}

pg_nk pg_nk_of(const pg_ast *a, TSNode n)
{
	TSSymbol s;
	if (ts_node_is_null(n))
		return PG_NK_OTHER;
	s = ts_node_symbol(n);
	if (s == (TSSymbol)-1) /* ts_builtin_sym_error */
		return PG_NK_ERROR;
	return s < a->li->nsymbols ? (pg_nk)a->li->kind[s] : PG_NK_OTHER;
}

TSNode pg_field_of(const pg_ast *a, TSNode n, pg_field f)
{
	TSFieldId id = a->li->field[f];
	if (!id || ts_node_is_null(n)) {
		TSNode null = {{0, 0, 0, 0}, NULL, NULL};
		return null;
	}
	return ts_node_child_by_field_id(n, id);
}

int pg_text_is(const pg_ast *a, TSNode n, const char *s)
{
	uint32_t len;
	const char *t;
	if (ts_node_is_null(n))
		return 0;
	t = pg_text(a, n, &len);
	return strlen(s) == len && memcmp(t, s, len) == 0;
}

char *pg_text_dup(const pg_ast *a, TSNode n, uint32_t max)
{
	uint32_t len;
	const char *t = pg_text(a, n, &len);
	if (max && len > max)
		len = max;
	return pg_xstrndup(t, len);
}

int pg_is_simple_path(const pg_ast *a, TSNode n)
{
	n = pg_unwrap(a, n);
	while (pg_nk_of(a, n) == PG_NK_MEMBER) {
		pg_nk pk = pg_nk_of(a, pg_field_of(a, n, PG_F_PROPERTY));
		if (pk != PG_NK_PROPERTY_IDENTIFIER && pk != PG_NK_PRIVATE_PROPERTY_IDENTIFIER)
			return 0;
		n = pg_unwrap(a, pg_field_of(a, n, PG_F_OBJECT));
	}
	return pg_nk_of(a, n) == PG_NK_IDENTIFIER || pg_nk_of(a, n) == PG_NK_THIS;
}

char *pg_path_text(const pg_ast *a, TSNode n)
{
	TSNode *segs = NULL;
	size_t k = 0, cap = 0;
	pg_buf out = PG_BUF_INIT;
	n = pg_unwrap(a, n);
	if (!pg_is_simple_path(a, n))
		return NULL;
	/* the segments from the last to the root, written out the other way */
	for (; pg_nk_of(a, n) == PG_NK_MEMBER; n = pg_unwrap(a, pg_field_of(a, n, PG_F_OBJECT))) {
		PG_GROW(segs, cap, k + 1);
		segs[k++] = pg_field_of(a, n, PG_F_PROPERTY);
	}
	PG_GROW(segs, cap, k + 1);
	segs[k++] = n;
	while (k-- > 0) {
		uint32_t len;
		const char *t = pg_text(a, segs[k], &len);
		pg_buf_printf(&out, "%s%.*s", out.len ? "." : "", (int)len, t);
	}
	free(segs);
	return pg_buf_detach(&out);
}

uint32_t pg_line(TSNode n)
{
	return ts_node_start_point(n).row + 1;
}

uint32_t pg_col(TSNode n)
{
	return ts_node_start_point(n).column + 1;
}

uint32_t pg_end_line(TSNode n)
{
	return ts_node_end_point(n).row + 1;
}

static int is_wrapper(pg_nk k)
{
	return k == PG_NK_PARENTHESIZED || k == PG_NK_AS || k == PG_NK_SATISFIES || k == PG_NK_NON_NULL ||
	       k == PG_NK_TYPE_ASSERTION;
}

TSNode pg_unwrap(const pg_ast *a, TSNode n)
{
	for (;;) {
		pg_nk k = pg_nk_of(a, n);
		if (!is_wrapper(k))
			return n;
		if (k == PG_NK_TYPE_ASSERTION) {
			/* <T>x: the expression is the last named child */
			uint32_t c = ts_node_named_child_count(n);
			if (!c)
				return n;
			n = ts_node_named_child(n, c - 1);
		} else {
			if (!ts_node_named_child_count(n))
				return n;
			n = ts_node_named_child(n, 0);
		}
	}
}

TSNode pg_unwrap_up(const pg_ast *a, TSNode n, TSNode *child_out)
{
	TSNode p = ts_node_parent(n);
	while (!ts_node_is_null(p) && is_wrapper(pg_nk_of(a, p))) {
		n = p;
		p = ts_node_parent(p);
	}
	if (child_out)
		*child_out = n;
	return p;
}

int pg_nk_is_function(pg_nk k)
{
	return k == PG_NK_ARROW || k == PG_NK_FUNCTION_EXPRESSION || k == PG_NK_FUNCTION_DECLARATION ||
	       k == PG_NK_GENERATOR_FUNCTION || k == PG_NK_GENERATOR_DECLARATION || k == PG_NK_METHOD;
}

char *pg_string_value(const pg_ast *a, TSNode n)
{
	uint32_t len;
	const char *t;
	pg_nk k = pg_nk_of(a, n);
	if (k != PG_NK_STRING && k != PG_NK_TEMPLATE_STRING)
		return NULL;
	if (k == PG_NK_TEMPLATE_STRING && ts_node_named_child_count(n) > 1)
		return NULL;
	t = pg_text(a, n, &len);
	if (len < 2)
		return NULL;
	return pg_xstrndup(t + 1, len - 2);
}

void pg_walk_init(pg_walk *w, TSNode root)
{
	w->c = ts_tree_cursor_new(root);
	w->started = 0;
	w->skip = 0;
	w->depth = 0;
}

int pg_walk_next(pg_walk *w, TSNode *out)
{
	if (w->started) {
		/* the cursor cannot leave the root it was made on: goto_parent fails there */
		if (!w->skip && ts_tree_cursor_goto_first_child(&w->c)) {
			w->depth++;
		} else {
			while (!ts_tree_cursor_goto_next_sibling(&w->c)) {
				if (!ts_tree_cursor_goto_parent(&w->c))
					return 0;
				w->depth--;
			}
		}
	}
	w->started = 1;
	w->skip = 0;
	*out = ts_tree_cursor_current_node(&w->c);
	return 1;
}

void pg_walk_skip(pg_walk *w)
{
	w->skip = 1;
}

void pg_walk_done(pg_walk *w)
{
	ts_tree_cursor_delete(&w->c);
}

/* The names of `{ name as alias }` (one specifier), given to fn as an import does. */
static void specifier_binding(const pg_ast *a, TSNode s, pg_import_binding_fn fn, void *ctx)
{
	TSNode name = pg_field_of(a, s, PG_F_NAME), alias = pg_field_of(a, s, PG_F_ALIAS);
	uint32_t len;
	const char *t;
	if (ts_node_is_null(name))
		return;
	t = pg_text(a, name, &len);
	fn(ctx, ts_node_is_null(alias) ? name : alias, t, len);
}

void pg_import_bindings(const pg_ast *a, TSNode stmt, pg_import_binding_fn fn, void *ctx)
{
	uint32_t nc = ts_node_named_child_count(stmt);
	for (uint32_t i = 0; i < nc; i++) {
		TSNode clause = ts_node_named_child(stmt, i);
		if (pg_nk_of(a, clause) != PG_NK_IMPORT_CLAUSE)
			continue;
		uint32_t cc = ts_node_named_child_count(clause);
		for (uint32_t j = 0; j < cc; j++) {
			TSNode c = ts_node_named_child(clause, j);
			switch (pg_nk_of(a, c)) {
			case PG_NK_IDENTIFIER:
				fn(ctx, c, "default", 7);
				break;
			case PG_NK_NAMESPACE_IMPORT:
				if (ts_node_named_child_count(c))
					fn(ctx, ts_node_named_child(c, 0), "*", 1);
				break;
			case PG_NK_NAMED_IMPORTS:
				for (uint32_t k = 0, sc = ts_node_named_child_count(c); k < sc; k++) {
					TSNode s = ts_node_named_child(c, k);
					if (pg_nk_of(a, s) == PG_NK_IMPORT_SPECIFIER)
						specifier_binding(a, s, fn, ctx);
				}
				break;
			default:
				break;
			}
		}
	}
}
