/*
 * cfg.h - the control-flow graph of one acquisition's scope, and the search
 * over it.
 *
 * The graph is built for one tracked client at a time (the variable that
 * holds it, its aliases, the functions that release it), so each node
 * carries at most one event that matters to that client: it is acquired,
 * released, handed over, tested, or the scope ends.  Edges are normal
 * flow or abrupt completions (return, throw, an exception from a call);
 * an abrupt edge is labelled with where it starts, which is what a
 * finding reports as its exit.
 *
 * The search (pg_cfg_search) walks the product of the graph and a small
 * abstract state: the client's state (none / held / done) and the values
 * of up to four boolean locals, so that `if (client)`, `if (err)` and
 * `released = true; ... if (!released)` are followed path by path.
 */
#ifndef PG_CFG_H
#define PG_CFG_H

#include <stdint.h>

#include "module.h"

typedef enum {
	PG_CN_NOP = 0,
	PG_CN_ACQUIRE,       /* the client is checked out (held); re-acquiring while held leaks */
	PG_CN_RELEASE,       /* released */
	PG_CN_HANDOVER,      /* handed over: no longer this function's to release */
	PG_CN_ASSUME_CLIENT, /* path continues only if the client variable is truthy (val 1) / falsy (0) */
	PG_CN_ASSUME_FLAG,   /* path continues only if flag `arg` == val */
	PG_CN_SET_FLAG,      /* flag `arg` := val (2: unknown) */
	PG_CN_LOSE,          /* the variable is overwritten: a held client leaks here */
	PG_CN_EXIT           /* the end of the scope */
} pg_cn_kind;

/*
 * An edge's label: normal flow, or the exit kind of a finding (pg_via,
 * types.h) shifted by one, so that a zeroed edge is normal flow.  One set
 * of exit kinds: pg_edge_exit turns a label back into the finding's.
 */
typedef enum {
	PG_EDGE_VIA_NONE = 0,
	PG_EDGE_VIA_RETURN = PG_VIA_RETURN + 1,
	PG_EDGE_VIA_THROW = PG_VIA_THROW + 1,
	PG_EDGE_VIA_EXCEPTION = PG_VIA_EXCEPTION + 1,
	PG_EDGE_VIA_END = PG_VIA_END + 1
} pg_edge_via;

static inline pg_via pg_edge_exit(pg_edge_via v)
{
	return v == PG_EDGE_VIA_NONE ? PG_VIA_END : (pg_via)(v - 1);
}

typedef struct {
	uint8_t kind, arg, val;
	uint32_t line;
	uint32_t first_edge; /* index + 1 into edges; 0: none */
} pg_cnode;

/* What raised an exception edge: said in the finding's path. */
typedef enum { RAISE_CALL = 0, RAISE_QUERY, RAISE_AWAIT, RAISE_NEW } pg_raise;

typedef struct {
	uint32_t to;
	uint32_t next;       /* index + 1 of the next edge of the same node */
	uint8_t via;         /* pg_edge_via */
	uint8_t raise;       /* pg_raise, for PG_EDGE_VIA_EXCEPTION */
	uint32_t line;
} pg_cedge;

#define PG_CFG_MAX_FLAGS 4

typedef struct {
	pg_cnode *nodes; size_t nnodes, cnodes;
	pg_cedge *edges; size_t nedges, cedges;
	uint32_t entry, exit;
	uint8_t initial[64]; /* initial abstract states (configs) */
	int ninitial;
} pg_cfg;

/* Configs: bits 0-1 the client state, bits 2-5 the flags. */
enum { ST_NONE = 0, ST_HELD = 1, ST_DONE = 2 };

void pg_cfg_free(pg_cfg *g);

/* What a search found. */
typedef struct {
	int leaks;           /* a held client reaches an exit or is lost */
	int released_some;   /* some path releases or hands it over */
	pg_edge_via via;     /* the witness path's exit */
	pg_raise raise;      /* what raised it, when via is PG_EDGE_VIA_EXCEPTION */
	uint32_t exit_line;
	int lost;            /* the witness is a re-acquisition / overwrite, at lost_line */
	uint32_t lost_line;
} pg_search_result;

/* Limits one search's work; PG_ELIMIT when exceeded. */
#define PG_CFG_MAX_NODES 2000000u

int pg_cfg_search(const pg_cfg *g, pg_search_result *out);

#endif
