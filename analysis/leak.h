/*
 * leak.h - the acquire/release analysis of one file, and the pieces the
 * graph builder shares with it.
 *
 * pg_leak_check_unit finds the acquisitions of one unit of a module
 * (semantics §1), builds the graph of each one's scope (build.c), searches
 * it (search.c) and turns what leaks into findings (§5).  Helper summaries
 * (§4) are computed on demand with the same builder and search, memoised in
 * the module that defines the helper.
 */
#ifndef PG_LEAK_H
#define PG_LEAK_H

#include "cfg.h"
#include "module.h"
#include "scope.h"

typedef struct {
	pg_modules *ms;
	const pg_config *cfg;
	int summary_depth; /* helpers being summarised right now (bounded) */
	int max_depth;     /* syntax levels the graph builder may recurse (0: PG_BUILD_MAX_DEPTH) */
	pg_buf notices;    /* one line per function that could not be analysed */
} pg_analysis;

/* What the graph is built for. */
typedef struct {
	pg_scope_set names;       /* variables that hold the client */
	pg_scope_set release_fns; /* variables whose call releases it (destructured release, done) */
	char *flags[PG_CFG_MAX_FLAGS];
	int32_t flag_bind[PG_CFG_MAX_FLAGS]; /* each flag's binding (scope.h) */
	int nflags;
	TSNode acquire;         /* the acquisition call inside the scope, or a null node */
} pg_track;

typedef enum {
	PG_SCOPE_BODY,     /* a unit's body; the client is acquired at track.acquire */
	PG_SCOPE_CALLBACK, /* pool.connect((err, client, done) => ...): the callback's body */
	PG_SCOPE_CHAIN,    /* pool.connect().then(...)...: the chain's handlers */
	PG_SCOPE_SUMMARY   /* a helper's body; its parameter holds a client on entry */
} pg_scope_kind;

/*
 * Builds the graph.  `node` is the unit's body (PG_SCOPE_BODY), the callback
 * function (PG_SCOPE_CALLBACK), the acquisition call (PG_SCOPE_CHAIN) or the
 * helper function (PG_SCOPE_SUMMARY).  `err_flag` is the flag index of the
 * callback's error parameter, or -1.
 */
int pg_build(pg_analysis *an, pg_module *m, pg_scope_kind kind, TSNode node, pg_track *t,
             int err_flag, pg_cfg *g);

/*
 * How helper `fn` (defined in module m) treats a client passed as parameter
 * `param` (UINT32_MAX: the client itself is not passed) when the parameters
 * in `release_mask` (bit i: parameter i) receive its release function
 * (`done`, `client.release`): the same code inline would give the same.
 */
pg_summary pg_helper_summary(pg_analysis *an, pg_module *m, TSNode fn, uint32_t param, uint32_t release_mask);

/*
 * The function of m a callee (a call's function expression) names without
 * leaving m, or a null node: a name bound to a function
 * (pg_scope_function), or a dotted path rooted at `this` or at a top-level
 * declaration of m through m's own objects (pg_module_local_path_fn).  The
 * builder resolves a call with this before looking in other modules, and a
 * unit's reuse key hashes what this names (analyser.c), so the two cannot
 * disagree.
 */
TSNode pg_build_local_callee(const pg_module *m, TSNode fn);
/* Does `fn` return its parameter `param` itself on some path (`return client`, `(c) => c`)? */
int pg_fn_returns_param(const pg_ast *a, TSNode fn, uint32_t param);

/* Appends the findings of one unit's own acquisitions (suppressions applied) to out. */
int pg_leak_check_unit(pg_analysis *an, pg_module *m, size_t unit, pg_findings *out);
/* Does the unit hold a candidate acquisition of its own? */
int pg_module_unit_has_sites(const pg_module *m, size_t unit);

/*
 * The checkout inside an expression (semantics v2 §1): the last node up
 * from `n` while the parent passes n's value on (an await, a `?:` branch,
 * a `||`/`&&`/`??` operand, `.catch`/`.finally`), *awaited set when an
 * await is among them.
 */
TSNode pg_acq_top(const pg_ast *a, TSNode n, int *awaited);

#endif
