/*
 * engine.c - TEMPORARY: the engine's entry points without the analysis, so
 * that the other modules link while analysis/ is being written.  Replaced
 * by the real driver in the next commits.
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

struct pg_engine {
	const pg_config *cfg;
	pg_source src;
	pg_stats stats;
};

int pg_engine_new(pg_engine **out, const pg_config *cfg, const pg_source *src)
{
	pg_engine *e = pg_xcalloc(1, sizeof(*e));
	e->cfg = cfg;
	e->src = *src;
	*out = e;
	return PG_OK;
}

void pg_engine_free(pg_engine *e)
{
	free(e);
}

int pg_engine_check_buffer(pg_engine *e, const char *path, const char *data, size_t len,
                           pg_findings *out, pg_units *units)
{
	(void)path; (void)data; (void)out; (void)units;
	e->stats.files++;
	e->stats.bytes += len;
	return PG_OK;
}

int pg_engine_check_file(pg_engine *e, const char *path, pg_findings *out, pg_units *units)
{
	pg_buf b = PG_BUF_INIT;
	int rc = e->src.read(e->src.ctx, path, &b);
	if (rc == PG_OK)
		rc = pg_engine_check_buffer(e, path, b.data, b.len, out, units);
	pg_buf_free(&b);
	return rc;
}

const pg_stats *pg_engine_stats(const pg_engine *e)
{
	return &e->stats;
}
