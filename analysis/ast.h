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
	NK_OTHER = 0,
	NK_PROGRAM, NK_STATEMENT_BLOCK, NK_EXPRESSION_STATEMENT, NK_LEXICAL_DECLARATION,
	NK_VARIABLE_DECLARATION, NK_VARIABLE_DECLARATOR, NK_IF, NK_ELSE, NK_FOR, NK_FOR_IN,
	NK_WHILE, NK_DO, NK_TRY, NK_CATCH, NK_FINALLY, NK_RETURN, NK_THROW, NK_BREAK,
	NK_CONTINUE, NK_LABELED, NK_SWITCH, NK_SWITCH_BODY, NK_SWITCH_CASE, NK_SWITCH_DEFAULT,
	NK_CALL, NK_NEW, NK_AWAIT, NK_YIELD, NK_MEMBER, NK_SUBSCRIPT, NK_IDENTIFIER,
	NK_PROPERTY_IDENTIFIER, NK_PRIVATE_PROPERTY_IDENTIFIER, NK_THIS, NK_ARROW,
	NK_FUNCTION_EXPRESSION, NK_FUNCTION_DECLARATION, NK_GENERATOR_FUNCTION,
	NK_GENERATOR_DECLARATION, NK_METHOD, NK_CLASS_DECLARATION, NK_CLASS, NK_CLASS_BODY,
	NK_FIELD, NK_ASSIGNMENT, NK_AUGMENTED_ASSIGNMENT, NK_PARENTHESIZED, NK_AS,
	NK_SATISFIES, NK_NON_NULL, NK_TYPE_ASSERTION, NK_BINARY, NK_UNARY, NK_TERNARY,
	NK_OBJECT, NK_PAIR, NK_SHORTHAND_PROPERTY, NK_ARRAY, NK_SPREAD, NK_SEQUENCE,
	NK_OBJECT_PATTERN, NK_ARRAY_PATTERN, NK_PAIR_PATTERN, NK_SHORTHAND_PATTERN,
	NK_ASSIGNMENT_PATTERN, NK_OBJECT_ASSIGNMENT_PATTERN, NK_REST_PATTERN, NK_STRING,
	NK_TEMPLATE_STRING, NK_ARGUMENTS, NK_FORMAL_PARAMETERS, NK_REQUIRED_PARAMETER,
	NK_OPTIONAL_PARAMETER, NK_IMPORT, NK_IMPORT_CLAUSE, NK_NAMED_IMPORTS,
	NK_IMPORT_SPECIFIER, NK_NAMESPACE_IMPORT, NK_EXPORT, NK_EXPORT_CLAUSE,
	NK_EXPORT_SPECIFIER, NK_COMMENT, NK_TRUE, NK_FALSE, NK_NULL, NK_UNDEFINED,
	NK_UPDATE, NK_EMPTY, NK_STATEMENT_IDENTIFIER, NK_TYPE_IDENTIFIER, NK_OPTIONAL_CHAIN,
	NK_STATIC_BLOCK, NK_DECORATOR, NK_NUMBER, NK_ERROR, NK_WITH, NK_INTERFACE, NK_TYPE_ALIAS,
	NK_ENUM, NK_ABSTRACT_CLASS,
	NK__COUNT
} pg_nk;

typedef enum {
	F_BODY, F_NAME, F_VALUE, F_LEFT, F_RIGHT, F_FUNCTION, F_ARGUMENTS, F_OBJECT,
	F_PROPERTY, F_CONDITION, F_CONSEQUENCE, F_ALTERNATIVE, F_PARAMETER, F_HANDLER,
	F_FINALIZER, F_LABEL, F_INITIALIZER, F_INCREMENT, F_OPERATOR, F_ARGUMENT,
	F_PARAMETERS, F_KEY, F_PATTERN, F_SOURCE, F_DECLARATION, F_ALIAS, F_CONSTRUCTOR,
	F_INDEX, F_KIND,
	F__COUNT
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
