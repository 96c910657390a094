/*
 * engine.c - the reuse policy: one engine per run (or per side of a diff),
 * holding the configuration, the source the files come from, the analyser
 * (analysis/analyser.h), the optional cache and the run's counters; it
 * decides what is analysed and what is reused, and what is stored.
 *
 * A file that cannot hold an acquisition (pg_may_acquire) is not parsed,
 * even when the caller asks for its units: the diff reads units only to
 * place findings, and such a file has none.
 *
 * Reuse (when a cache is attached) works at three levels:
 *  - a file's fingerprint (size, times, inode; `check` on disk only): a file
 *    unchanged since the last run is not even read;
 *  - a file: keyed by its path and bytes; the record keeps the findings, the
 *    units (when asked for) and the paths (with content hashes) of every
 *    other module the analysis looked at, so an unchanged file whose
 *    imports are unchanged is not parsed;
 *  - a function holding an acquisition: keyed by the facts the analyser
 *    gives for it (its own bytes and name, the file's import/export/pool
 *    facts, the bytes of the same-file helpers it calls), with the same
 *    dependency list; a reused function found at another line is shifted
 *    there.  Not used in files with parse errors, whose recovery depends on
 *    the whole file.
 * Every key starts with the analyser's identity (a digest of the sources
 * that decide results, made by the Makefile), the configuration's digest
 * and, inside the cache's hasher, the cache format and the program's version.
 */
#define _GNU_SOURCE /* memmem */
#include "engine.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyser.h"
#include "analyser_id.h"
#include "alias.h"
#include "record.h"

struct pg_engine {
	const pg_config *cfg;
	uint64_t cfg_digest;
	pg_source src;
	pg_stats stats;
	pg_analyser *an;
	pg_cache *cache;
	pg_strmap dep_hashes; /* path -> content hash (0 absent), read once per run */
	size_t last_nunits;   /* units of the file check_buffer last parsed */
	int last_parsed;      /* did it parse (or reuse) the file at all */
	pg_buf reused_deps;   /* the dependency list of the file record last reused, if it was */
	pg_buf unit_deps;     /* the dependencies of the units of this file reused from their records */
};

int pg_engine_new(pg_engine **out, const pg_config *cfg, const pg_source *src)
{
	pg_engine *e = pg_xcalloc(1, sizeof(*e));
	e->cfg = cfg;
	e->cfg_digest = pg_config_digest(cfg);
	e->src = *src;
	pg_analyser_new(&e->an, cfg, &e->src);
	*out = e;
	return PG_OK;
}

void pg_engine_free(pg_engine *e)
{
	if (!e)
		return;
	pg_analyser_free(e->an);
	pg_strmap_free(&e->dep_hashes);
	pg_buf_free(&e->reused_deps);
	pg_buf_free(&e->unit_deps);
	free(e);
}

void pg_engine_set_cache(pg_engine *e, pg_cache *c)
{
	e->cache = c && pg_cache_enabled(c) ? c : NULL;
}

int pg_engine_check_text(void *engine, const char *path, const char *data, size_t len, pg_findings *out)
{
	return pg_engine_check_buffer(engine, path, data, len, out, NULL);
}

const pg_stats *pg_engine_stats(const pg_engine *e)
{
	return &e->stats;
}

void pg_stats_add(pg_stats *sum, const pg_stats *after, const pg_stats *before)
{
	static const pg_stats none;
	if (!before)
		before = &none;
	sum->files += after->files - before->files;
	sum->parsed += after->parsed - before->parsed;
	sum->functions += after->functions - before->functions;
	sum->analyzed += after->analyzed - before->analyzed;
	sum->cached += after->cached - before->cached;
	sum->skipped += after->skipped - before->skipped;
	sum->bytes += after->bytes - before->bytes;
}

/* ---- dependency lists ------------------------------------------------------ */

/* "PGD1", the unit's first line, then (path, hash) of every module looked at. */
static void put_u32(pg_buf *b, uint32_t v)
{
	uint8_t p[4];
	pg_le32_put(p, v);
	pg_buf_put(b, p, 4);
}

static void encode_deps(pg_engine *e, uint32_t unit_line, pg_buf *out)
{
	size_t n = pg_analyser_deps_count(e->an);
	pg_strmap seen = {0};
	size_t count_at;
	uint32_t count = 0;
	pg_buf_put(out, "PGD1", 4);
	put_u32(out, unit_line);
	count_at = out->len;
	put_u32(out, 0);
	for (size_t i = 0; i < n; i++) {
		const char *path;
		uint64_t hash;
		pg_analyser_dep_at(e->an, i, &path, &hash);
		if (pg_strmap_get(&seen, path, strlen(path)))
			continue;
		pg_strmap_put(&seen, path, strlen(path), 1);
		put_u32(out, (uint32_t)strlen(path));
		pg_buf_puts(out, path);
		put_u32(out, (uint32_t)hash);
		put_u32(out, (uint32_t)(hash >> 32));
		count++;
	}
	/* A unit reused from its record was not analysed: the files it looked at are in
	 * its record only, and the file's record must name them too, or a later reuse
	 * of the whole file would miss a change of one of them. */
	for (size_t at = 0; at + 4 <= e->unit_deps.len;) {
		const char *path = e->unit_deps.data + at + 4;
		uint32_t len = pg_le32_get((const uint8_t *)e->unit_deps.data + at);
		size_t entry = 4 + (size_t)len + 8;
		if (!pg_strmap_get(&seen, path, len)) {
			pg_strmap_put(&seen, path, len, 1);
			pg_buf_put(out, e->unit_deps.data + at, entry);
			count++;
		}
		at += entry;
	}
	pg_strmap_free(&seen);
	pg_le32_put((uint8_t *)out->data + count_at, count);
}

/* What the module table would hash for this path now (0: absent, or neither JS/TS nor a config). */
static uint64_t current_hash(pg_engine *e, const char *path, size_t n)
{
	size_t *known = pg_strmap_get(&e->dep_hashes, path, n);
	uint64_t h = 0;
	char *p;
	if (known)
		return *known;
	p = pg_xstrndup(path, n);
	if (pg_lang_from_path(p) != PG_LANG_NONE || pg_alias_is_config_path(p)) {
		pg_buf b = PG_BUF_INIT;
		if (e->src.read(e->src.ctx, p, &b) == PG_OK)
			h = pg_content_hash(b.data, b.len);
		pg_buf_free(&b);
	}
	pg_strmap_put(&e->dep_hashes, path, n, (size_t)h);
	free(p);
	return h;
}

/* Are the dependencies recorded in a cached result unchanged?  Also gives the unit's line. */
static int deps_valid(pg_engine *e, const pg_buf *extra, uint32_t *unit_line)
{
	const unsigned char *p = (const unsigned char *)extra->data, *end = p + extra->len;
	uint32_t n;
	if (extra->len < 12 || memcmp(p, "PGD1", 4))
		return 0;
	*unit_line = pg_le32_get(p + 4);
	n = pg_le32_get(p + 8);
	p += 12;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len;
		uint64_t hash;
		if ((size_t)(end - p) < 4)
			return 0;
		len = pg_le32_get(p);
		p += 4;
		if ((size_t)(end - p) < (size_t)len + 8)
			return 0;
		hash = (uint64_t)pg_le32_get(p + len) | (uint64_t)pg_le32_get(p + len + 4) << 32;
		if (current_hash(e, (const char *)p, len) != hash)
			return 0;
		p += len + 8;
	}
	return p == end;
}

/* ---- keys -------------------------------------------------------------------- */

static pg_cache_hasher *key_start(pg_engine *e, const char *what, pg_lang lang, const char *path)
{
	pg_cache_hasher *h = pg_cache_hasher_new();
	pg_cache_hasher_str(h, what);
	pg_cache_hasher_str(h, PG_ANALYSER_ID);
	pg_cache_hasher_u64(h, e->cfg_digest);
	pg_cache_hasher_u64(h, (uint64_t)lang);
	pg_cache_hasher_str(h, path);
	return h;
}

/* Everything file-wide that the analysis of a function reads (once per file). */
static pg_cache_key facts_key(const pg_module *m)
{
	pg_cache_hasher *h = pg_cache_hasher_new();
	pg_buf facts = PG_BUF_INIT;
	pg_analyser_file_facts(m, &facts);
	pg_cache_hasher_bytes(h, facts.data, facts.len);
	pg_buf_free(&facts);
	return pg_cache_hasher_finish(h);
}

static pg_cache_key unit_key(pg_engine *e, const char *path, pg_lang lang, const pg_module *m,
                             const pg_cache_key *facts, size_t unit)
{
	pg_cache_hasher *h = key_start(e, "unit", lang, path);
	pg_buf own = PG_BUF_INIT;
	pg_analyser_unit_facts(m, unit, &own);
	pg_cache_hasher_bytes(h, own.data, own.len);
	pg_cache_hasher_key(h, facts);
	pg_buf_free(&own);
	return pg_cache_hasher_finish(h);
}

/* Adds delta to every "line N" in a text (the leaking path names lines of its function). */
static void shift_line_mentions(char **text, int64_t delta)
{
	pg_buf out = PG_BUF_INIT;
	const char *s = *text;
	if (!s || !delta)
		return;
	while (*s) {
		if (!strncmp(s, "line ", 5) && isdigit((unsigned char)s[5])) {
			char *end;
			unsigned long v = strtoul(s + 5, &end, 10);
			pg_buf_printf(&out, "line %lld", (long long)v + (long long)delta);
			s = end;
		} else {
			pg_buf_putc(&out, *s++);
		}
	}
	free(*text);
	*text = pg_buf_detach(&out);
}

/* ---- one file ------------------------------------------------------------------ */

typedef struct {
	pg_cache_key key;
	size_t first, count; /* its findings in the file's list */
	uint32_t line;
} unit_result;

/* Reuses the stored findings of unit u (moved to its line now) into found: 1 on a hit. */
static int reuse_unit(pg_engine *e, const pg_cache_key *k, const char *path, const pg_unit *u,
                      pg_findings *found)
{
	pg_buf rec = PG_BUF_INIT, extra = PG_BUF_INIT;
	pg_findings tmp;
	uint32_t stored_line = 0;
	int hit = 0;
	pg_findings_init(&tmp);
	if (pg_cache_get(e->cache, k, &rec) == PG_OK &&
	    pg_record_decode(rec.data, rec.len, NULL, &tmp, NULL, &extra) == PG_OK &&
	    deps_valid(e, &extra, &stored_line)) {
		int64_t delta = (int64_t)u->line - (int64_t)stored_line;
		hit = 1;
		pg_buf_put(&e->unit_deps, extra.data + 12, extra.len - 12); /* its entries, after "PGD1", line, count */
		for (size_t i = 0; i < tmp.len; i++) {
			pg_finding *f = &tmp.items[i];
			f->line = (uint32_t)((int64_t)f->line + delta);
			f->exit_line = (uint32_t)((int64_t)f->exit_line + delta);
			f->fn_line = u->line;
			f->fn_end = u->end;
			free(f->path);
			f->path = pg_xstrdup(path);
			shift_line_mentions(&f->path_text, delta);
			pg_findings_push_copy(found, f);
		}
	}
	pg_findings_free(&tmp);
	pg_buf_free(&rec);
	pg_buf_free(&extra);
	return hit;
}

/* Analyses (or reuses) every unit holding an acquisition; `all` holds the file's units. */
static int analyse_units(pg_engine *e, const char *path, pg_lang lang, pg_module *m, const pg_units *all,
                         pg_findings *found, unit_result **results, size_t *nresults)
{
	size_t cap = 0;
	int rc = PG_OK;
	pg_cache_key facts = {0, 0};
	*results = NULL;
	*nresults = 0;
	/* In a file that does not parse cleanly, tree-sitter's error recovery depends on the
	 * whole file: a function's own bytes no longer decide its tree, so it is not reused. */
	int per_function = e->cache && pg_analyser_parsed_cleanly(m);
	if (per_function)
		facts = facts_key(m);
	for (size_t u = 0; u < all->len && rc == PG_OK; u++) {
		if (!all->items[u].has_acquisition)
			continue;
		if (per_function) {
			pg_cache_key k = unit_key(e, path, lang, m, &facts, u);
			size_t before = found->len;
			if (reuse_unit(e, &k, path, &all->items[u], found)) {
				e->stats.cached++;
				continue;
			}
			rc = pg_analyser_check_unit(e->an, m, u, found);
			PG_GROW(*results, cap, *nresults + 1);
			(*results)[(*nresults)++] = (unit_result){k, before, found->len - before, all->items[u].line};
		} else {
			rc = pg_analyser_check_unit(e->an, m, u, found);
		}
		e->stats.analyzed++;
	}
	return rc;
}

static void store(pg_engine *e, const pg_cache_key *k, const pg_findings *f, const pg_units *u, uint32_t line)
{
	pg_buf rec = PG_BUF_INIT, extra = PG_BUF_INIT;
	encode_deps(e, line, &extra);
	pg_record_encode(&rec, f, u, extra.data, extra.len);
	pg_cache_put(e->cache, k, rec.data, rec.len); /* a failed put only costs a later miss */
	pg_buf_free(&rec);
	pg_buf_free(&extra);
}

/* A file-level hit: appends its findings and units and says yes. */
static int reuse_file(pg_engine *e, const pg_cache_key *k, const char *path, pg_findings *out, pg_units *units)
{
	pg_buf rec = PG_BUF_INIT, extra = PG_BUF_INIT;
	pg_findings f;
	pg_units u;
	uint32_t nunits; /* a file record keeps its unit count where a function's keeps its line */
	int hit = 0;
	pg_findings_init(&f);
	pg_units_init(&u);
	pg_record_shift shift = {path, 0, 0};
	if (pg_cache_get(e->cache, k, &rec) == PG_OK &&
	    pg_record_decode(rec.data, rec.len, &shift, &f, &u, &extra) == PG_OK &&
	    deps_valid(e, &extra, &nunits)) {
		hit = 1;
		for (size_t i = 0; i < f.len; i++)
			pg_findings_push_copy(out, &f.items[i]);
		for (size_t i = 0; units && i < u.len; i++) {
			PG_GROW(units->items, units->cap, units->len + 1);
			units->items[units->len] = u.items[i];
			units->items[units->len++].name = pg_xstrdup(u.items[i].name);
		}
		e->stats.functions += nunits;
		e->stats.cached += nunits;
		e->last_nunits = nunits;
		pg_buf_clear(&e->reused_deps);
		pg_buf_put(&e->reused_deps, extra.data, extra.len);
	}
	pg_findings_free(&f);
	pg_units_free(&u);
	pg_buf_free(&rec);
	pg_buf_free(&extra);
	return hit;
}

int pg_engine_check_buffer(pg_engine *e, const char *path, const char *data, size_t len,
                           pg_findings *out, pg_units *units)
{
	pg_lang lang = pg_lang_from_path(path);
	pg_module *m = NULL;
	pg_findings found;
	pg_units all;
	unit_result *results = NULL;
	size_t nresults = 0;
	pg_cache_key fkey = {0, 0};
	int rc;

	if (lang == PG_LANG_NONE)
		return pg_error_set(PG_EINVALID, "%s: not a JavaScript or TypeScript file", path);
	e->last_parsed = 0;
	e->last_nunits = 0;
	pg_buf_clear(&e->reused_deps);
	e->stats.files++;
	e->stats.bytes += len;
	if (len > e->cfg->max_file_bytes) {
		e->stats.skipped++;
		fprintf(stderr, "pgleak-hook: notice: %s: skipped, %zu bytes is over the %llu-byte limit "
		        "(maxFileBytes in .pgleak.json)\n", path, len, (unsigned long long)e->cfg->max_file_bytes);
		return PG_OK;
	}
	if (!pg_may_acquire(e->cfg, data, len))
		return PG_OK;
	if (e->cache) {
		/* check asks for no units: its records stay small (a 9 MB bundle has 20,000 units) */
		pg_cache_hasher *h = key_start(e, units ? "file+units" : "file", lang, path);
		pg_cache_hasher_bytes(h, data, len);
		fkey = pg_cache_hasher_finish(h);
		if (reuse_file(e, &fkey, path, out, units)) {
			e->last_parsed = 1;
			return PG_OK;
		}
	}

	/* An editor sends the same file again and again: the analyser reparses from the last one. */
	rc = pg_analyser_parse(e->an, path, lang, data, len, &m);
	if (rc == PG_ELIMIT) {
		/* a file the parser cannot get through in its time is skipped, and said so */
		e->stats.skipped++;
		fprintf(stderr, "pgleak-hook: notice: %s: not analysed: %s\n", path, pg_error_last());
		return PG_OK;
	}
	if (rc < 0)
		return rc;
	e->last_parsed = 1;
	e->last_nunits = pg_analyser_unit_count(m);
	e->stats.parsed++;
	e->stats.functions += e->last_nunits;
	pg_findings_init(&found);
	pg_units_init(&all);
	pg_analyser_units(m, &all);
	pg_analyser_deps_reset(e->an);
	pg_buf_clear(&e->unit_deps);
	rc = analyse_units(e, path, lang, m, &all, &found, &results, &nresults);
	if (rc == PG_OK) {
		if (e->cache) {
			for (size_t i = 0; i < nresults; i++) {
				pg_findings slice = {found.items ? found.items + results[i].first : NULL, results[i].count,
				                     results[i].count};
				store(e, &results[i].key, &slice, NULL, results[i].line);
			}
			store(e, &fkey, &found, units ? &all : NULL, (uint32_t)e->last_nunits);
		}
		for (size_t i = 0; i < found.len; i++)
			pg_findings_push_copy(out, &found.items[i]);
		for (size_t i = 0; units && i < all.len; i++) {
			PG_GROW(units->items, units->cap, units->len + 1);
			units->items[units->len] = all.items[i];
			units->items[units->len++].name = pg_xstrdup(all.items[i].name);
		}
	}
	free(results);
	pg_findings_free(&found);
	pg_units_free(&all);
	pg_analyser_done(e->an, m);
	return rc;
}

/*
 * The fast path of a warm `check`: a file whose fingerprint (size, times,
 * inode) is the one recorded is not read at all.  The record says either
 * "no acquisition can be here" or holds the file's findings with their
 * dependencies, checked as for any cached file.  A file modified in the last
 * two seconds is not recorded: its fingerprint could still change without
 * its time moving (git calls this "racily clean").
 */
static pg_cache_key fingerprint_key(pg_engine *e, const char *path, const uint64_t fp[4])
{
	pg_cache_hasher *h = key_start(e, "fingerprint", pg_lang_from_path(path), path);
	for (int i = 0; i < 4; i++)
		pg_cache_hasher_u64(h, fp[i]);
	return pg_cache_hasher_finish(h);
}

static int reuse_fingerprint(pg_engine *e, const pg_cache_key *k, const char *path, pg_findings *out)
{
	pg_buf rec = PG_BUF_INIT, extra = PG_BUF_INIT;
	pg_findings f;
	uint32_t nunits;
	int hit = 0;
	pg_record_shift shift = {path, 0, 0};
	pg_findings_init(&f);
	if (pg_cache_get(e->cache, k, &rec) == PG_OK &&
	    pg_record_decode(rec.data, rec.len, &shift, &f, NULL, &extra) == PG_OK &&
	    deps_valid(e, &extra, &nunits)) {
		hit = 1;
		for (size_t i = 0; i < f.len; i++)
			pg_findings_push_copy(out, &f.items[i]);
		e->stats.files++;
		e->stats.functions += nunits;
		e->stats.cached += nunits;
	}
	pg_findings_free(&f);
	pg_buf_free(&rec);
	pg_buf_free(&extra);
	return hit;
}

int pg_engine_check_file(pg_engine *e, const char *path, pg_findings *out, pg_units *units)
{
	pg_buf b = PG_BUF_INIT;
	uint64_t fp[4];
	pg_cache_key k;
	int fast = e->cache && !units && e->src.fingerprint && pg_lang_from_path(path) != PG_LANG_NONE &&
	           e->src.fingerprint(e->src.ctx, path, fp) == PG_OK &&
	           (int64_t)fp[3] < (int64_t)time(NULL) - 2; /* a racy fingerprint is neither trusted nor kept */
	size_t before = out->len;
	int rc;
	if (fast) {
		k = fingerprint_key(e, path, fp);
		if (reuse_fingerprint(e, &k, path, out))
			return PG_OK;
	}
	rc = e->src.read(e->src.ctx, path, &b);
	if (rc == PG_OK) {
		pg_analyser_deps_reset(e->an);
		rc = pg_engine_check_buffer(e, path, b.data, b.len, out, units);
	}
	if (rc == PG_OK && fast && b.len <= e->cfg->max_file_bytes) {
		pg_findings mine = {out->items ? out->items + before : NULL, out->len - before, out->len - before};
		if (e->reused_deps.len) {
			/* reused from its file record: that record's dependencies are this one's */
			pg_buf rec = PG_BUF_INIT;
			pg_record_encode(&rec, &mine, NULL, e->reused_deps.data, e->reused_deps.len);
			pg_cache_put(e->cache, &k, rec.data, rec.len);
			pg_buf_free(&rec);
		} else {
			store(e, &k, &mine, NULL, (uint32_t)e->last_nunits);
		}
	}
	pg_buf_free(&b);
	return rc;
}
