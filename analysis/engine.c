/*
 * engine.c - the analyser's driver: one engine per run (or per side of a
 * diff), holding the configuration, the source the files come from, the
 * modules loaded for cross-file questions, and the run's counters.
 *
 * A file is first scanned for an acquire method name ("connect"); a file
 * without one cannot hold an acquisition and is not parsed, unless the
 * caller asks for its units (the diff needs them).
 */
#define _GNU_SOURCE /* memmem */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "module.h"

struct pg_engine {
	const pg_config *cfg;
	pg_source src;
	pg_stats stats;
	pg_analysis an;
};

int pg_engine_new(pg_engine **out, const pg_config *cfg, const pg_source *src)
{
	pg_engine *e = pg_xcalloc(1, sizeof(*e));
	e->cfg = cfg;
	e->src = *src;
	e->an.cfg = cfg;
	e->an.ms = pg_modules_new(&e->src, cfg);
	*out = e;
	return PG_OK;
}

void pg_engine_free(pg_engine *e)
{
	if (!e)
		return;
	pg_modules_free(e->an.ms);
	pg_buf_free(&e->an.notices);
	free(e);
}

static int mentions_acquire(const pg_config *cfg, const char *data, size_t len)
{
	for (size_t i = 0; i < cfg->acquire.len; i++) {
		size_t wl = strlen(cfg->acquire.items[i]);
		if (wl && memmem(data, len, cfg->acquire.items[i], wl))
			return 1;
	}
	return 0;
}

static void flush_notices(pg_engine *e)
{
	if (e->an.notices.len) {
		fprintf(stderr, "%s", e->an.notices.data);
		pg_buf_clear(&e->an.notices);
	}
}

int pg_engine_check_buffer(pg_engine *e, const char *path, const char *data, size_t len,
                           pg_findings *out, pg_units *units)
{
	pg_lang lang = pg_lang_from_path(path);
	pg_module *m = NULL;
	int rc;

	if (lang == PG_LANG_NONE)
		return pg_error_set(PG_EINVALID, "%s: not a JavaScript or TypeScript file", path);
	e->stats.files++;
	e->stats.bytes += len;
	if (len > e->cfg->max_file_bytes) {
		e->stats.skipped++;
		fprintf(stderr, "pgleak-hook: notice: %s: skipped, %zu bytes is over the %llu-byte limit "
		        "(maxFileBytes in .pgleak.json)\n", path, len, (unsigned long long)e->cfg->max_file_bytes);
		return PG_OK;
	}
	if (!units && !mentions_acquire(e->cfg, data, len))
		return PG_OK;

	rc = pg_module_build(&m, path, lang, data, len, e->cfg);
	if (rc < 0)
		return rc;
	e->stats.parsed++;
	e->stats.functions += m->nunits;
	e->stats.analyzed += m->nunits;
	rc = pg_leak_check_module(&e->an, m, out);
	flush_notices(e);
	if (rc == PG_OK && units) {
		for (size_t i = 0; i < m->nunits; i++) {
			pg_unit *u;
			PG_GROW(units->items, units->cap, units->len + 1);
			u = &units->items[units->len++];
			u->name = pg_xstrdup(m->units[i].name);
			u->line = m->units[i].line;
			u->end = m->units[i].end;
			u->start_byte = ts_node_start_byte(m->units[i].node);
			u->end_byte = ts_node_end_byte(m->units[i].node);
			u->has_acquisition = 0;
		}
	}
	pg_module_free(m);
	return rc;
}

int pg_engine_check_file(pg_engine *e, const char *path, pg_findings *out, pg_units *units)
{
	pg_buf b = PG_BUF_INIT;
	int rc = e->src.read(e->src.ctx, path, &b);
	if (rc == PG_OK)
		rc = pg_engine_check_buffer(e, path, b.data ? b.data : "", b.len, out, units);
	pg_buf_free(&b);
	return rc;
}

const pg_stats *pg_engine_stats(const pg_engine *e)
{
	return &e->stats;
}
