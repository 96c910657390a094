/*
 * ast.h - a thin layer over tree-sitter for the analyser.
 *
 * tree-sitter names node types and fields by strings, and the three grammars
 * (JavaScript, TypeScript, TSX) number them differently.  Comparing strings
 * on every node would dominate the analysis, so each language gets, once,
 * a table from its symbol numbers to our own small enum (pg_nk) and the ids
 * of the fields we use.  The rest of analysis/ only sees pg_nk and pg_ast_*.
 */
#ifndef PG_AST_H
#define PG_AST_H

#include <stdint.h>
#include <tree_sitter/api.h>

#include "types.h"

typedef enum {
	PG_NK_OTHER = 0,
	PG_NK_PROGRAM, PG_NK_STATEMENT_BLOCK, PG_NK_EXPRESSION_STATEMENT, PG_NK_LEXICAL_DECLARATION,
	PG_NK_VARIABLE_DECLARATION, PG_NK_VARIABLE_DECLARATOR, PG_NK_IF, PG_NK_ELSE, PG_NK_FOR, PG_NK_FOR_IN,
	PG_NK_WHILE, PG_NK_DO, PG_NK_TRY, PG_NK_CATCH, PG_NK_FINALLY, PG_NK_RETURN, PG_NK_THROW, PG_NK_BREAK,
	PG_NK_CONTINUE, PG_NK_LABELED, PG_NK_SWITCH, PG_NK_SWITCH_BODY, PG_NK_SWITCH_CASE, PG_NK_SWITCH_DEFAULT,
	PG_NK_CALL, PG_NK_NEW, PG_NK_AWAIT, PG_NK_YIELD, PG_NK_MEMBER, PG_NK_SUBSCRIPT, PG_NK_IDENTIFIER,
	PG_NK_PROPERTY_IDENTIFIER, PG_NK_PRIVATE_PROPERTY_IDENTIFIER, PG_NK_THIS, PG_NK_ARROW,
	PG_NK_FUNCTION_EXPRESSION, PG_NK_FUNCTION_DECLARATION, PG_NK_GENERATOR_FUNCTION,
	PG_NK_GENERATOR_DECLARATION, PG_NK_METHOD, PG_NK_CLASS_DECLARATION, PG_NK_CLASS, PG_NK_CLASS_BODY,
	PG_NK_FIELD, PG_NK_ASSIGNMENT, PG_NK_AUGMENTED_ASSIGNMENT, PG_NK_PARENTHESIZED, PG_NK_AS,
	PG_NK_SATISFIES, PG_NK_NON_NULL, PG_NK_TYPE_ASSERTION, PG_NK_BINARY, PG_NK_UNARY, PG_NK_TERNARY,
	PG_NK_OBJECT, PG_NK_PAIR, PG_NK_SHORTHAND_PROPERTY, PG_NK_ARRAY, PG_NK_SPREAD, PG_NK_SEQUENCE,
	PG_NK_OBJECT_PATTERN, PG_NK_ARRAY_PATTERN, PG_NK_PAIR_PATTERN, PG_NK_SHORTHAND_PATTERN,
	PG_NK_ASSIGNMENT_PATTERN, PG_NK_OBJECT_ASSIGNMENT_PATTERN, PG_NK_REST_PATTERN, PG_NK_STRING,
	PG_NK_TEMPLATE_STRING, PG_NK_ARGUMENTS, PG_NK_FORMAL_PARAMETERS, PG_NK_REQUIRED_PARAMETER,
	PG_NK_OPTIONAL_PARAMETER, PG_NK_IMPORT, PG_NK_IMPORT_CLAUSE, PG_NK_NAMED_IMPORTS,
	PG_NK_IMPORT_SPECIFIER, PG_NK_NAMESPACE_IMPORT, PG_NK_EXPORT, PG_NK_EXPORT_CLAUSE,
	PG_NK_EXPORT_SPECIFIER, PG_NK_COMMENT, PG_NK_TRUE, PG_NK_FALSE, PG_NK_NULL, PG_NK_UNDEFINED,
	PG_NK_UPDATE, PG_NK_EMPTY, PG_NK_STATEMENT_IDENTIFIER, PG_NK_TYPE_IDENTIFIER, PG_NK_OPTIONAL_CHAIN,
	PG_NK_STATIC_BLOCK, PG_NK_DECORATOR, PG_NK_NUMBER, PG_NK_ERROR, PG_NK_WITH, PG_NK_INTERFACE, PG_NK_TYPE_ALIAS,
	PG_NK_ENUM, PG_NK_ABSTRACT_CLASS,
	PG_NK__COUNT
} pg_nk;

typedef enum {
	PG_F_BODY, PG_F_NAME, PG_F_VALUE, PG_F_LEFT, PG_F_RIGHT, PG_F_FUNCTION, PG_F_ARGUMENTS, PG_F_OBJECT,
	PG_F_PROPERTY, PG_F_CONDITION, PG_F_CONSEQUENCE, PG_F_ALTERNATIVE, PG_F_PARAMETER, PG_F_HANDLER,
	PG_F_FINALIZER, PG_F_LABEL, PG_F_INITIALIZER, PG_F_INCREMENT, PG_F_OPERATOR, PG_F_ARGUMENT,
	PG_F_PARAMETERS, PG_F_KEY, PG_F_PATTERN, PG_F_SOURCE, PG_F_DECLARATION, PG_F_ALIAS, PG_F_CONSTRUCTOR,
	PG_F_INDEX, PG_F_KIND,
	PG_F__COUNT
} pg_field;

typedef struct pg_lang_info pg_lang_info;


/* A parsed file: the tree and the bytes it points into (not owned). */
typedef struct {
	const pg_lang_info *li;
	TSTree *tree;
	const char *src;
	uint32_t len;
} pg_ast;

int pg_ast_parse(pg_ast *out, pg_lang lang, const char *src, uint32_t len);
/* The same, reusing what has not changed of `prev` (an earlier text of the same file; left as it is). */
int pg_ast_parse_from(pg_ast *out, pg_lang lang, const char *src, uint32_t len, const pg_ast *prev);
/* Frees the parsers the calling thread made (each thread keeps its own). */
void pg_ast_thread_done(void);
void pg_ast_free(pg_ast *a);

pg_nk pg_nk_of(const pg_ast *a, TSNode n);
TSNode pg_field_of(const pg_ast *a, TSNode n, pg_field f);

/* The node's bytes: a pointer into the source and a length. */
static inline const char *pg_text(const pg_ast *a, TSNode n, uint32_t *len)
{
	uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
	if (e > a->len)
		e = a->len;
	if (s > e)
		s = e;
	*len = e - s;
	return a->src + s;
}

/* Non-zero when the node's text is exactly `s`. */
int pg_text_is(const pg_ast *a, TSNode n, const char *s);
/* A copy of the node's text (clipped to `max` bytes when max > 0). */
char *pg_text_dup(const pg_ast *a, TSNode n, uint32_t max);
/* `x`, `this.x`, `opts.held.x`: plain property names on a name or `this` (parentheses and casts looked through). */
int pg_is_simple_path(const pg_ast *a, TSNode n);
/* A simple path as dotted text ("f", "this.f", "helpers.db.f"), allocated; NULL for anything else. */
char *pg_path_text(const pg_ast *a, TSNode n);

/* 1-based line and column (byte-based) of the node's start. */
uint32_t pg_line(TSNode n);
uint32_t pg_col(TSNode n);
uint32_t pg_end_line(TSNode n);

/* Strips parentheses, `as`, `satisfies`, `!` and `<T>x` around an expression. */
TSNode pg_unwrap(const pg_ast *a, TSNode n);
/* Goes up through the same wrappers; returns the first ancestor that is not one. */
TSNode pg_unwrap_up(const pg_ast *a, TSNode n, TSNode *child_out);

int pg_nk_is_function(pg_nk k);

/*
 * Pre-order iteration over a subtree with a tree cursor (no recursion):
 *   pg_walk w; TSNode n;
 *   pg_walk_init(&w, root);
 *   while (pg_walk_next(&w, &n)) { ... pg_walk_skip(&w) to not enter n ... }
 *   pg_walk_done(&w);
 */
typedef struct {
	TSTreeCursor c;
	int started, skip;
	uint32_t depth; /* of the node pg_walk_next returned last (the root: 0) */
} pg_walk;

void pg_walk_init(pg_walk *w, TSNode root);
int pg_walk_next(pg_walk *w, TSNode *out);
void pg_walk_skip(pg_walk *w);
void pg_walk_done(pg_walk *w);
/* The string literal's contents (without quotes), copied; NULL if not a plain string. */
char *pg_string_value(const pg_ast *a, TSNode n);

/*
 * Each name an `import` statement binds, in order: the local name's node
 * and what it imports ("default", "*", or the exported name's text).
 */
typedef void (*pg_import_binding_fn)(void *ctx, TSNode local, const char *imported, uint32_t len);
void pg_import_bindings(const pg_ast *a, TSNode stmt, pg_import_binding_fn fn, void *ctx);

#endif
