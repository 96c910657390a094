/*
 * types.h - what every layer says to every other: languages, findings,
 * units, and the way files are read (pg_source).  At the bottom with
 * util.h, so that the analysis, the store and the commands share these
 * without including each other's headers.
 */
#ifndef PG_TYPES_H
#define PG_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef enum {
	PG_LANG_NONE = 0, /* not a file we analyse */
	PG_LANG_JS,       /* .js .mjs .cjs .jsx (JSX included) */
	PG_LANG_TS,       /* .ts .mts .cts */
	PG_LANG_TSX       /* .tsx */
} pg_lang;

/*
 * Language by file name extension; PG_LANG_NONE when not JS/TS, and for a
 * declaration file (pg_is_declaration_file), which holds no code.  This is
 * what "a source file" means everywhere: check's walk, the staged diff, the
 * importer scan, the module resolution.
 */
pg_lang pg_lang_from_path(const char *path);
/* .d.ts, .d.mts, .d.cts: TypeScript declarations, nothing to check (and no error to name one). */
int pg_is_declaration_file(const char *path);
/* A folder whose files are not the project's code for `check`: node_modules, and dot-folders (.git, .next). */
int pg_folder_is_skipped(const char *name);
/* Is one of the path's segments node_modules (the dependencies the git-side walks leave out)? */
int pg_path_in_node_modules(const char *path);

typedef enum {
	PG_KIND_NEVER_RELEASED = 0,
	PG_KIND_NOT_GUARANTEED,
	PG_KIND_DISCARDED
} pg_kind;

typedef enum {
	PG_VIA_RETURN = 0,
	PG_VIA_THROW,
	PG_VIA_EXCEPTION,
	PG_VIA_END
} pg_via;

/* "never-released", "release-not-guaranteed", "discarded" */
const char *pg_kind_name(pg_kind kind);
/* "return", "throw", "exception", "end" */
const char *pg_via_name(pg_via via);

/* One leaking acquisition.  All strings are owned by the finding. */
typedef struct {
	char *path;        /* as the caller named the file */
	uint32_t line;     /* 1-based line of the `connect` token */
	uint32_t column;   /* 1-based column (in bytes) of the `connect` token */
	pg_kind kind;
	char *function;    /* qualified name: Class.method, outer.inner, <module> */
	uint32_t order;    /* 0-based order of the acquisition in its function */
	pg_via via;        /* how the leaking path leaves */
	uint32_t exit_line;/* the line of that exit */
	char *message;     /* one sentence: what leaks */
	char *path_text;   /* the leaking path in words: "leaks when the query at line 13 throws" */
	char *hint;        /* a concrete fix */
	uint32_t fn_line;  /* first line of the enclosing function */
	uint32_t fn_end;   /* last line of the enclosing function */
	int introduced;    /* -1: not applicable (check), 0: already there, 1: new */
} pg_finding;

typedef struct {
	pg_finding *items;
	size_t len, cap;
} pg_findings;

void pg_findings_init(pg_findings *f);
void pg_findings_free(pg_findings *f);
/* Appends a deep copy of *src. */
int pg_findings_push_copy(pg_findings *f, const pg_finding *src);
/* Sorts by path, line, column (the order every report uses). */
void pg_findings_sort(pg_findings *f);

/* One function of a file (a unit of analysis), for mapping diff hunks. */
typedef struct {
	char *name;           /* qualified name, as in pg_finding.function */
	uint32_t line, end;   /* 1-based first and last line */
	uint32_t start_byte, end_byte;
	int has_acquisition;  /* it contains a candidate `connect` */
} pg_unit;

typedef struct {
	pg_unit *items;
	size_t len, cap;
} pg_units;

void pg_units_init(pg_units *u);
void pg_units_free(pg_units *u);

/*
 * Where the engine reads files.  `path` is relative to the source's root
 * (or as given on the command line for `check`); on success *out holds the
 * bytes (owned by the caller, freed with pg_buf_free).  Returns 0, or
 * PG_ENOTFOUND when there is no such file, or another negative value on a
 * real error (with pg_error_set called).
 */
typedef int (*pg_read_fn)(void *ctx, const char *path, pg_buf *out);

/*
 * Optional: a cheap fingerprint of a file as it is now (size, modification
 * time, inode...), equal only if the bytes are surely equal.  0 and fp[] set,
 * or negative when there is none to give (then the file is read).  A source
 * with one lets a warm run skip reading unchanged files at all.
 */
typedef int (*pg_fingerprint_fn)(void *ctx, const char *path, uint64_t fp[4]);

typedef struct {
	pg_read_fn read;
	void *ctx;
	pg_fingerprint_fn fingerprint; /* may be NULL */
} pg_source;

#endif
