/*
 * search.c - breadth-first search over (graph node, abstract state) pairs.
 *
 * There are at most 64 abstract states, so "visited" is one 64-bit mask per
 * node and the search is linear in the graph's size.  Breadth-first order
 * makes the first leak found one with a shortest path; each visited pair
 * remembers the edge it came in by, and walking those back to the nearest
 * labelled edge names the exit the leak leaves through.
 */
#include "cfg.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	uint32_t node;
	uint8_t config;
	uint32_t parent; /* index of the visit it came from; UINT32_MAX at the start */
	uint32_t edge;   /* index + 1 of the edge it came in by; 0 at the start */
} visit;

void pg_cfg_free(pg_cfg *g)
{
	free(g->nodes);
	free(g->edges);
	memset(g, 0, sizeof(*g));
}

static int acq(uint8_t c) { return c & 3; }
static uint8_t with_acq(uint8_t c, int a) { return (uint8_t)((c & ~3) | a); }
static int flag(uint8_t c, int i) { return (c >> (2 + i)) & 1; }
static uint8_t with_flag(uint8_t c, int i, int v)
{
	return (uint8_t)(v ? (c | (1u << (2 + i))) : (c & ~(1u << (2 + i))));
}

static void witness(const pg_cfg *g, const visit *v, uint32_t at, pg_search_result *out)
{
	while (at != UINT32_MAX) {
		if (v[at].edge) {
			const pg_cedge *e = &g->edges[v[at].edge - 1];
			if (e->via != PG_EDGE_VIA_NONE) {
				out->via = (pg_edge_via)e->via;
				out->raise = (pg_raise)e->raise;
				out->exit_line = e->line;
				return;
			}
		}
		at = v[at].parent;
	}
	out->via = PG_EDGE_VIA_END;
	out->exit_line = g->nodes[g->exit].line;
}

int pg_cfg_search(const pg_cfg *g, pg_search_result *out)
{
	uint64_t *seen;
	visit *q = NULL;
	size_t nq = 0, cq = 0, head = 0;
	memset(out, 0, sizeof(*out));
	if (g->nnodes > PG_CFG_MAX_NODES)
		return pg_error_set(PG_ELIMIT, "function too large to analyse (%zu graph nodes)", g->nnodes);
	seen = pg_xcalloc(g->nnodes ? g->nnodes : 1, sizeof(uint64_t));

#define PUSH(nd, cf, par, ed)                                                     \
	do {                                                                      \
		uint32_t n_ = (nd);                                               \
		uint8_t c_ = (cf);                                                \
		if (!(seen[n_] & (1ull << c_))) {                                 \
			seen[n_] |= 1ull << c_;                                   \
			PG_GROW(q, cq, nq + 1);                                   \
			q[nq++] = (visit){n_, c_, (par), (ed)};                   \
		}                                                                 \
	} while (0)

	for (int i = 0; i < g->ninitial; i++)
		PUSH(g->entry, g->initial[i], UINT32_MAX, 0);

	while (head < nq) {
		uint32_t at = (uint32_t)head++;
		const pg_cnode *n = &g->nodes[q[at].node];
		uint8_t c = q[at].config, outs[2];
		int nouts = 1;
		outs[0] = c;
		switch ((pg_cn_kind)n->kind) {
		case PG_CN_NOP:
			break;
		case PG_CN_ACQUIRE:
		case PG_CN_LOSE:
			if (acq(c) == ST_HELD && !out->leaks) {
				out->leaks = 1;
				out->lost = 1;
				out->lost_line = n->line;
				out->via = PG_EDGE_VIA_END;
				out->exit_line = n->line;
			}
			outs[0] = with_acq(c, n->kind == PG_CN_ACQUIRE ? ST_HELD : ST_NONE);
			break;
		case PG_CN_RELEASE:
		case PG_CN_HANDOVER:
			if (acq(c) == ST_HELD) {
				out->released_some = 1;
				outs[0] = with_acq(c, ST_DONE);
			}
			break;
		case PG_CN_ASSUME_CLIENT:
			if ((n->val && acq(c) == ST_NONE) || (!n->val && acq(c) == ST_HELD))
				nouts = 0;
			break;
		case PG_CN_ASSUME_FLAG:
			if (flag(c, n->arg) != n->val)
				nouts = 0;
			break;
		case PG_CN_SET_FLAG:
			if (n->val == 2) {
				outs[0] = with_flag(c, n->arg, 0);
				outs[1] = with_flag(c, n->arg, 1);
				nouts = 2;
			} else {
				outs[0] = with_flag(c, n->arg, n->val);
			}
			break;
		case PG_CN_EXIT:
			if (acq(c) == ST_HELD && !out->leaks) {
				out->leaks = 1;
				witness(g, q, at, out);
			}
			nouts = 0;
			break;
		}
		for (int o = 0; o < nouts; o++)
			for (uint32_t e = n->first_edge; e; e = g->edges[e - 1].next)
				PUSH(g->edges[e - 1].to, outs[o], at, e);
	}
#undef PUSH
	free(q);
	free(seen);
	return PG_OK;
}
