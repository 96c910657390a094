/*
 * json.h - a small, strict JSON reader (RFC 8259) for the configuration
 * file and the tools that read our own reports.
 *
 * The whole text is parsed into a flat array of nodes (a document); nodes
 * refer to each other by index, so neither parsing nor freeing recurses and
 * a deeply nested input cannot exhaust the C stack.  Every node remembers
 * its line and column (1-based, columns in characters) so that callers can
 * say where a wrong value is.
 *
 * Strict means: no comments, no trailing commas, no single quotes, no
 * leading zeros, no lone surrogates, only valid UTF-8.  A UTF-8 byte order
 * mark at the start is accepted, because editors write one.
 */
#ifndef PG_JSON_H
#define PG_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Nesting deeper than this is refused with PG_ELIMIT. */
#define PG_JSON_MAX_DEPTH 512

typedef enum {
	PG_JSON_NULL,
	PG_JSON_BOOL,
	PG_JSON_NUMBER,
	PG_JSON_STRING,
	PG_JSON_ARRAY,
	PG_JSON_OBJECT
} pg_json_type;

#define PG_JSON_NONE ((size_t)-1)

typedef struct {
	pg_json_type type;
	uint32_t line, column;    /* where the value starts */
	char *key;                /* the member's name in an object, else NULL */
	size_t key_len;
	uint32_t key_line, key_column;
	char *str;                /* STRING: the decoded value (NUL-terminated, may hold NULs); NUMBER: its text */
	size_t str_len;
	double number;            /* NUMBER */
	int boolean;              /* BOOL */
	size_t count;             /* ARRAY/OBJECT: number of children */
	size_t first, last, next; /* indices of the first/last child and of the next sibling, or PG_JSON_NONE */
} pg_json_node;

typedef struct {
	pg_json_node *nodes; /* nodes[0] is the root */
	size_t len, cap;
} pg_json_doc;

#define PG_JSON_DOC_INIT {NULL, 0, 0}

/*
 * Parses `text`.  On error returns PG_EINVALID (or PG_ELIMIT for nesting)
 * with a message "origin:line:column: what is wrong", and leaves the
 * document empty.
 */
int pg_json_parse(pg_json_doc *doc, const char *text, size_t len, const char *origin);
void pg_json_free(pg_json_doc *doc);

const pg_json_node *pg_json_root(const pg_json_doc *doc);
/* The first child of an array or object, the sibling after `n`; NULL at the end. */
const pg_json_node *pg_json_first(const pg_json_doc *doc, const pg_json_node *n);
const pg_json_node *pg_json_next(const pg_json_doc *doc, const pg_json_node *n);
/* The last member of object `obj` named `key` (NULL when absent or obj is not an object). */
const pg_json_node *pg_json_get(const pg_json_doc *doc, const pg_json_node *obj, const char *key);

/* "null", "a boolean", "a number", "a string", "an array", "an object": for messages. */
const char *pg_json_type_name(pg_json_type t);

/*
 * Appends s as a JSON string literal: quotes, escapes, control characters
 * as \uXXXX, and any byte that is not valid UTF-8 as U+FFFD, so the output
 * is valid JSON whatever the bytes (file names, source text).  NULL is "".
 */
void pg_json_put_string(pg_buf *b, const char *s);

#endif
