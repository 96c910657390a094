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

typedef struct {
	pg_modules *ms;
	const pg_config *cfg;
	int summary_depth; /* helpers being summarised right now (bounded) */
	int max_depth;     /* syntax levels the graph builder may recurse (0: PG_BUILD_MAX_DEPTH) */
	pg_buf notices;    /* one line per function that could not be analysed */
} pg_analysis;

/* What the graph is built for. */
typedef struct {
	pg_strlist names;       /* identifiers that hold the client */
	pg_strlist release_fns; /* identifiers whose call releases it (destructured release, done) */
	char *flags[PG_CFG_MAX_FLAGS];
	int nflags;
	TSNode acquire;         /* the acquisition call inside the scope, or a null node */
} pg_track;

void pg_track_free(pg_track *t);

typedef enum {
	SCOPE_BODY,     /* a unit's body; the client is acquired at track.acquire */
	SCOPE_CALLBACK, /* pool.connect((err, client, done) => ...): the callback's body */
	SCOPE_CHAIN,    /* pool.connect().then(...)...: the chain's handlers */
	SCOPE_SUMMARY   /* a helper's body; its parameter holds a client on entry */
} pg_scope_kind;

/*
 * Builds the graph.  `node` is the unit's body (SCOPE_BODY), the callback
 * function (SCOPE_CALLBACK), the acquisition call (SCOPE_CHAIN) or the
 * helper function (SCOPE_SUMMARY).  `err_flag` is the flag index of the
 * callback's error parameter, or -1.
 */
int pg_build(pg_analysis *an, pg_module *m, pg_scope_kind kind, TSNode node, pg_track *t,
             int err_flag, pg_cfg *g);

/* How helper `fn` (defined in module m) treats a client passed as parameter `param`. */
pg_summary pg_helper_summary(pg_analysis *an, pg_module *m, TSNode fn, uint32_t param);

/* Appends the findings of one unit's own acquisitions (suppressions applied) to out. */
int pg_leak_check_unit(pg_analysis *an, pg_module *m, size_t unit, pg_findings *out);
/* Does the unit hold a candidate acquisition of its own? */
int pg_module_unit_has_sites(const pg_module *m, size_t unit);

/* The formal parameter nodes of a function (identifier or pattern), in order. */
uint32_t pg_fn_params(const pg_ast *a, TSNode fn, TSNode *out, uint32_t max);

#endif
