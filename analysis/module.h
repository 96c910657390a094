/*
 * module.h - what the analyser knows about one source file as a whole.
 *
 * One pass over the syntax tree (iterative, with a tree cursor) collects:
 * the functions of the file (the units of analysis, with their qualified
 * names), the imports and exports, which names are bound to a pg Pool
 * (`new Pool(...)` where Pool comes from a PostgreSQL package), which class
 * fields hold one, and which named functions exist (the candidates for
 * helper summaries).  Cross-file questions ("does ./db.js export a pool
 * under this name?") are answered by pg_modules, which loads and caches
 * the modules of one run through the engine's pg_source.
 */
#ifndef PG_MODULE_H
#define PG_MODULE_H

#include "ast.h"
#include "analyser.h"

typedef struct {
	char *local;    /* the name bound in this file */
	char *spec;     /* the module specifier as written */
	char *imported; /* exported name, "default", "*" (namespace) or "=" (require's whole value) */
	uint32_t at;    /* byte offset of the local name's declaration (its scope: scope.h) */
} pg_import;

typedef struct {
	char *exported; /* the name importers use; "default"; "=" for module.exports itself */
	char *local;    /* the local name it refers to (NULL when is_pool) */
	char *spec;     /* re-export: the module it comes from */
	char *imported; /* re-export: the name there */
	int is_pool;    /* the exported value is `new Pool(...)` itself */
} pg_export;

typedef struct {
	char *name;       /* qualified name */
	TSNode node;      /* the function node, or the program for <module> */
	TSNode body;      /* statement block, expression (arrow), or the program */
	uint32_t line, end;
	int parent;       /* index of the enclosing unit, -1 for <module> */
	uint32_t level;   /* depth of its node in the tree */
	uint32_t depth;   /* how many levels of tree lie below it (nested units included) */
} pg_unit_info;

typedef struct {
	char *name;
	TSNode node;      /* a function node */
} pg_named_fn;

/* A member of an object literal that names another value: `{ releaseIt }`, `{ a: other.f }`. */
typedef struct {
	char *name;   /* "api.releaseIt", "module.exports.db.f" */
	char *target; /* the name or path it refers to: "releaseIt", "other.f" */
} pg_member_alias;

/* Item 7 (issue 9): what may make class field X a pool besides `this.X = new Pool()`. */
typedef struct {
	char *name;   /* "X" or "#X" */
	TSNode value; /* the field's declared type (is_type), or the identifier assigned to this.X */
	int is_type;
} pg_field_cand;

/* A memoised helper summary: how function `fn` treats its parameter `param`. */
typedef enum {
	PG_SUM_UNKNOWN = 0, /* not computed */
	PG_SUM_BUSY,        /* being computed (a cycle: treated as NONE) */
	PG_SUM_ALL,         /* releases or hands it over on every path */
	PG_SUM_SOME,        /* on some paths only */
	PG_SUM_NONE         /* neither: the caller keeps it */
} pg_summary;

typedef struct {
	char *fn;
	uint32_t param;        /* the client's parameter (UINT32_MAX: none) */
	uint32_t release_mask; /* bit i: parameter i receives the release function */
	pg_summary sum;
} pg_summary_memo;

/* A call `R.connect(...)` (any configured acquire method), in source order. */
typedef struct {
	TSNode call;
	int unit; /* the unit whose own code holds it */
} pg_acq_site;

typedef struct pg_module {
	char *path;
	pg_lang lang;
	pg_buf src;
	pg_ast ast;
	pg_strlist pg_ctors;      /* identifiers that name a pg Pool constructor */
	pg_strlist pg_namespaces; /* identifiers bound to a pg package itself */
	pg_strlist pool_vars;     /* identifiers bound to a pool */
	uint32_t *pool_var_at;    /* per pool_vars entry: byte offset of the `new Pool` it is bound to */
	size_t cpool_var_at;
	pg_strlist pool_fields;   /* class fields (this.X / this.#X) holding a pool: "X", "#X" */
	pg_field_cand *field_cands; size_t nfield_cands, cfield_cands; /* typed or assigned fields */
	pg_import *imports; size_t nimports, cimports;
	pg_export *exports; size_t nexports, cexports;
	pg_named_fn *fns; size_t nfns, cfns;  /* also object members: "api.f", "module.exports.f" */
	pg_member_alias *aliases; size_t naliases, caliases;
	pg_unit_info *units; size_t nunits, cunits;
	pg_summary_memo *memo; size_t nmemo, cmemo;
	pg_strmap fn_index;       /* function name -> index in fns */
	pg_strmap unit_names;     /* unit name -> how many units bear it so far */
	pg_acq_site *sites; size_t nsites, csites;
	uint32_t *unit_site_start; /* per unit + 1: its sites are by_unit[start[u] .. start[u+1]) */
	uint32_t *by_unit;         /* site indices grouped by unit, in source order */
	int maybe_acquires;       /* the text holds an acquire method name at all */
	struct pg_scope *scope;   /* the binding table (scope.c), built on first use */
} pg_module;

/* Builds a module from bytes it takes a copy of. */
int pg_module_build(pg_module **out, const char *path, pg_lang lang, const char *src, size_t len,
                    const pg_config *cfg);
/* The same, parsing incrementally from `prev`, an earlier version of the same file (not changed). */
int pg_module_build_from(pg_module **out, const char *path, pg_lang lang, const char *src, size_t len,
                         const pg_config *cfg, const pg_module *prev);
void pg_module_free(pg_module *m);

const pg_import *pg_module_import(const pg_module *m, const char *local, size_t n);
/* The import that identifier `id` refers to (by JavaScript's scoping), or NULL. */
const pg_import *pg_module_import_of(const pg_module *m, TSNode id);
/* Is identifier `id` bound to one of the module's pools (`new Pool(...)` assigned to it)? */
int pg_module_is_pool_var(const pg_module *m, TSNode id);
/*
 * The function a name or dotted path ("f", "this.f", "api.db.f") names in
 * m's own code, through m's object members and their aliases, never
 * leaving m; NULL when it names none there (or only an import).
 */
const pg_named_fn *pg_module_local_path_fn(const pg_module *m, const char *path);
/*
 * Appends to *out (once each) the specifiers whose names m exports as its
 * own: `export { x } from`, `export * from`, `module.exports = require()`,
 * an imported name exported again.  What makes m a barrel for them.
 */
void pg_module_reexports(const pg_module *m, pg_strlist *out);
/* How many re-exports a lookup follows from the module imported to the one defining the name. */
#define PG_MAX_REEXPORT_HOPS 8

/* The modules of one run, loaded on demand and kept until the end. */
typedef struct pg_modules pg_modules;
pg_modules *pg_modules_new(const pg_source *src, const pg_config *cfg);
void pg_modules_free(pg_modules *ms);

/* Is `name`, imported from `spec` into the module at from_path, a pg pool? */
int pg_modules_import_is_pool(pg_modules *ms, const pg_module *from, const pg_import *imp,
                              const char *member);
/* Finds the function an import names, in the module it comes from. */
const pg_named_fn *pg_modules_import_fn(pg_modules *ms, const pg_module *from, const pg_import *imp,
                                        pg_module **where);
/*
 * Finds the function a callee path names in module m (semantics v2 §6):
 * "f", "api.f" (an object literal of the file), "helpers.f" (a relative
 * require or `import * as`), "api.db.f" (nested objects), following
 * imports, re-exports and object members across files.  NULL if unknown.
 */
const pg_named_fn *pg_modules_path_fn(pg_modules *ms, pg_module *m, const char *path, pg_module **where);

int pg_is_pg_package(const char *spec);

/* XXH3-64 of a file's bytes; never 0, which stands for "absent". */
uint64_t pg_content_hash(const void *data, size_t len);

/*
 * The access log: every path the module table was asked for (found or
 * not, with its content hash) since the last reset.  A result cached for
 * a file is valid only while all of these still hash the same.
 */
void pg_modules_log_reset(pg_modules *ms);
size_t pg_modules_log_count(const pg_modules *ms);
void pg_modules_log_at(const pg_modules *ms, size_t i, const char **path, uint64_t *hash);

#endif
