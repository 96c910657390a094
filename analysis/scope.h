/*
 * scope.h - JavaScript's lexical scoping for the analyser: which
 * declaration an identifier refers to.
 *
 * Every name the file declares (var / let / const, a parameter, a catch
 * parameter, a function or class name, an import) is a binding: one name
 * in one scope, where a scope is the source range the name is visible in
 * (the module, a function, a block, a `for`, a catch clause, a class
 * expression).  A reference resolves to the innermost binding of its name
 * whose range holds it (semantics v2 §2); none means a global.  The table
 * is built on a module's first question, in one iterative walk.
 */
#ifndef PG_SCOPE_H
#define PG_SCOPE_H

#include "module.h"

typedef enum {
	PG_BIND_VAR,      /* var (hoisted to its function) */
	PG_BIND_LEXICAL,  /* let, const */
	PG_BIND_PARAM,    /* a formal parameter */
	PG_BIND_CATCH,    /* catch (e) */
	PG_BIND_FUNCTION, /* function f() {}, or the name of a function expression */
	PG_BIND_CLASS,    /* class C {} */
	PG_BIND_IMPORT    /* import ... from */
} pg_bind_kind;

/* No binding: a global, or a name the file never declares. */
#define PG_NO_BINDING (-1)

/* The binding the identifier (or shorthand property) `id` refers to. */
int32_t pg_scope_resolve(const pg_module *m, TSNode id);
/* The binding `name` would refer to if written at byte offset `at`. */
int32_t pg_scope_resolve_at(const pg_module *m, const char *name, uint32_t len, uint32_t at);
/* Does `id` name the binding that `name` has at byte offset `at`? (Both globals: yes.) */
int pg_scope_refers(const pg_module *m, TSNode id, uint32_t at);

/* A binding's declaring identifier, its kind, and the function (or the
 * program) whose own code declares it; b must be a binding. */
TSNode pg_scope_decl(const pg_module *m, int32_t b);
TSNode pg_scope_owner(const pg_module *m, int32_t b);

/* The function an identifier is bound to: a function declaration, or a
 * var/let/const whose initialiser is a function; a null node otherwise. */
TSNode pg_scope_function(const pg_module *m, TSNode id);

/* Is `id` bound (by scope) to a declaration of the module's top level?
 * A local or parameter of the same name is another value. */
int pg_scope_is_top_level(const pg_module *m, TSNode id);

/* Is `id` bound (by scope) to a `const self = this` declaration? */
int pg_scope_is_this_alias(const pg_module *m, TSNode id);
/* The method (or function-valued field) `name` of the nearest class around `n`; a null node if none. */
TSNode pg_scope_class_member(const pg_ast *a, TSNode n, const char *name, uint32_t len);

/*
 * A set of bindings named by their identifiers (the tracked client and its
 * aliases, the functions that release it): an identifier is in the set
 * when its text and its binding both match, so a shadowing inner
 * declaration of the same name is another variable.
 */
typedef struct {
	pg_strlist text;
	int32_t *bind; /* per text entry: its binding */
	size_t cbind;
} pg_scope_set;

/* Adds the binding `id` declares or refers to (nothing if already there). */
void pg_scope_set_add(const pg_module *m, pg_scope_set *set, TSNode id);
/* Is `id` (an identifier or a shorthand property) one of the set's bindings? */
int pg_scope_set_has(const pg_module *m, const pg_scope_set *set, TSNode id);
void pg_scope_set_free(pg_scope_set *set);

void pg_scope_free(struct pg_scope *s);

#endif
