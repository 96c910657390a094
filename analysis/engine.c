/*
 * engine.c - the analyser's driver: one engine per run (or per side of a
 * diff), holding the configuration, the source the files come from, the
 * modules loaded for cross-file questions, the optional cache, and the
 * run's counters.
 *
 * A file is first scanned for a member call of an acquire method
 * (`.connect(`, see mentions_acquire); a file without one cannot hold an
 * acquisition and is not parsed, even when the caller asks for its units:
 * the diff reads units only to place findings, and such a file has none
 * (so a commit that touches no file naming an acquire method parses
 * nothing; its stats count no function).
 *
 * Reuse (when a cache is attached) works at three levels:
 *  - a file's fingerprint (size, times, inode; `check` on disk only): a file
 *    unchanged since the last run is not even read;
 *  - a file: keyed by its path and bytes; the record keeps the findings, the
 *    units (when asked for) and the paths (with content hashes) of every
 *    other module the analysis looked at, so an unchanged file whose
 *    imports are unchanged is not parsed;
 *  - a function holding an acquisition: keyed by its own bytes and name,
 *    the file's import/export/pool facts and the bytes of the same-file
 *    helpers it calls (transitively), with the same dependency list; a
 *    reused function found at another line is shifted there.  Not used in
 *    files with parse errors, whose recovery depends on the whole file.
 * Every key starts with the analyser's identity (a digest of analysis/'s
 * sources, made by the Makefile), the configuration's digest and, inside
 * the cache's hasher, the cache format and the program's version.
 */
#define _GNU_SOURCE /* memmem */
#include "engine.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyser_id.h"
#include "cache.h"
#include "alias.h"
#include "leak.h"
#include "scope.h"
#include "module.h"

struct pg_engine {
	const pg_config *cfg;
	uint64_t cfg_digest;
	pg_source src;
	pg_stats stats;
	pg_analysis an;
	pg_cache *cache;
	pg_strmap dep_hashes; /* path -> content hash (0 absent), read once per run */
	size_t last_nunits;   /* units of the file check_buffer last parsed */
	int last_parsed;      /* did it parse (or reuse) the file at all */
	pg_buf reused_deps;   /* the dependency list of the file record last reused, if it was */
	pg_module *last;      /* the module check_buffer last built: the next text of the same path reparses from it */
};

int pg_engine_new(pg_engine **out, const pg_config *cfg, const pg_source *src)
{
	pg_engine *e = pg_xcalloc(1, sizeof(*e));
	e->cfg = cfg;
	e->cfg_digest = pg_config_digest(cfg);
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
	pg_module_free(e->last);
	pg_buf_free(&e->an.notices);
	pg_strmap_free(&e->dep_hashes);
	pg_buf_free(&e->reused_deps);
	free(e);
}

void pg_engine_set_cache(pg_engine *e, struct pg_cache *c)
{
	e->cache = c && pg_cache_enabled(c) ? c : NULL;
}

const pg_stats *pg_engine_stats(const pg_engine *e)
{
	return &e->stats;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ASCII identifier characters only: a non-ASCII byte may be anything to the parser (even an
 * error it recovers from), and taking it as "not a name" only makes the scan accept more. */
static int is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

/* The index of the last character before `at` that is not white space or inside a block comment. */
static size_t skip_back(const char *data, size_t at)
{
	for (;;) {
		while (at > 0 && is_space(data[at - 1]))
			at--;
		if (at >= 2 && data[at - 1] == '/' && data[at - 2] == '*') {
			size_t k = at - 2;
			while (k >= 2 && !(data[k - 2] == '/' && data[k - 1] == '*'))
				k--;
			if (k < 2)
				return 0;
			at = k - 2;
			continue;
		}
		return at;
	}
}

/*
 * Can the text hold an acquisition at all?  The parser sees one in a member
 * call whose property is an acquire name (`pool.connect(`, `pool?.connect(`,
 * `pool\n  .connect /+ c +/ (`, `pool.connect<T>(`).  This scan accepts a
 * superset of those, so that skipping a file never changes an answer: the
 * name, preceded by a dot (white space and block comments allowed between)
 * and not followed by a character that would make it a longer name.
 * `disconnect(`, `connectionString` and the bare word in prose do not count.
 */
static int mentions_acquire(const pg_config *cfg, const char *data, size_t len)
{
	for (size_t i = 0; i < cfg->acquire.len; i++) {
		const char *w = cfg->acquire.items[i];
		size_t wl = strlen(w), at = 0;
		const char *hit;
		while (wl && at < len && (hit = memmem(data + at, len - at, w, wl)) != NULL) {
			size_t pos = (size_t)(hit - data), before = skip_back(data, pos), after = pos + wl;
			at = pos + 1;
			if (before > 0 && data[before - 1] == '.' && (after >= len || !is_ident_char(data[after])))
				return 1;
		}
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

/* ---- dependency lists ------------------------------------------------------ */

static void put_u32(pg_buf *b, uint32_t v)
{
	unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};
	pg_buf_put(b, p, 4);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* "PGD1", the unit's first line, then (path, hash) of every module looked at. */
static void encode_deps(pg_engine *e, uint32_t unit_line, pg_buf *out)
{
	size_t n = pg_modules_log_count(e->an.ms);
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
		pg_modules_log_at(e->an.ms, i, &path, &hash);
		if (pg_strmap_get(&seen, path, strlen(path)))
			continue;
		pg_strmap_put(&seen, path, strlen(path), 1);
		put_u32(out, (uint32_t)strlen(path));
		pg_buf_puts(out, path);
		put_u32(out, (uint32_t)hash);
		put_u32(out, (uint32_t)(hash >> 32));
		count++;
	}
	pg_strmap_free(&seen);
	out->data[count_at] = (char)count;
	out->data[count_at + 1] = (char)(count >> 8);
	out->data[count_at + 2] = (char)(count >> 16);
	out->data[count_at + 3] = (char)(count >> 24);
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
	*unit_line = get_u32(p + 4);
	n = get_u32(p + 8);
	p += 12;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len;
		uint64_t hash;
		if ((size_t)(end - p) < 4)
			return 0;
		len = get_u32(p);
		p += 4;
		if ((size_t)(end - p) < (size_t)len + 8)
			return 0;
		hash = (uint64_t)get_u32(p + len) | (uint64_t)get_u32(p + len + 4) << 32;
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

static void hash_list(pg_cache_hasher *h, const pg_strlist *l)
{
	pg_cache_hasher_u64(h, l->len);
	for (size_t i = 0; i < l->len; i++)
		pg_cache_hasher_str(h, l->items[i]);
}

/* Everything file-wide that the analysis of a function reads (once per file). */
static pg_cache_key facts_key(const pg_module *m)
{
	pg_cache_hasher *h = pg_cache_hasher_new();
	hash_list(h, &m->pg_ctors);
	hash_list(h, &m->pg_namespaces);
	hash_list(h, &m->pool_vars);
	hash_list(h, &m->pool_fields);
	pg_cache_hasher_u64(h, m->nfield_cands);
	for (size_t i = 0; i < m->nfield_cands; i++) {
		uint32_t len;
		const char *t = pg_text(&m->ast, m->field_cands[i].value, &len);
		pg_cache_hasher_str(h, m->field_cands[i].name);
		pg_cache_hasher_bytes(h, t, len);
	}
	pg_cache_hasher_u64(h, m->nimports);
	for (size_t i = 0; i < m->nimports; i++) {
		pg_cache_hasher_str(h, m->imports[i].local);
		pg_cache_hasher_str(h, m->imports[i].spec);
		pg_cache_hasher_str(h, m->imports[i].imported);
	}
	pg_cache_hasher_u64(h, m->nexports);
	for (size_t i = 0; i < m->nexports; i++) {
		pg_cache_hasher_str(h, m->exports[i].exported);
		pg_cache_hasher_str(h, m->exports[i].local);
		pg_cache_hasher_str(h, m->exports[i].spec);
		pg_cache_hasher_str(h, m->exports[i].imported);
		pg_cache_hasher_u64(h, (uint64_t)m->exports[i].is_pool);
	}
	return pg_cache_hasher_finish(h);
}

#define PG_MAX_KEYED_HELPERS 64

/* The bytes of the same-file functions (and this.methods) the unit calls, transitively (bounded). */
static void hash_helpers(pg_cache_hasher *h, const pg_module *m, TSNode root)
{
	const pg_ast *a = &m->ast;
	TSNode todo[PG_MAX_KEYED_HELPERS + 1];
	TSNode done[PG_MAX_KEYED_HELPERS];
	size_t ntodo = 0, ndone = 0, next = 0;
	todo[ntodo++] = root;
	while (next < ntodo) {
		pg_walk w;
		TSNode n;
		pg_walk_init(&w, todo[next++]);
		while (pg_walk_next(&w, &n)) {
			if (pg_nk_of(a, n) != NK_CALL)
				continue;
			TSNode f = pg_unwrap(a, pg_field_of(a, n, F_FUNCTION));
			uint32_t len;
			const char *t = pg_text(a, f, &len);
			const pg_named_fn *fn = NULL;
			TSNode target = {{0, 0, 0, 0}, NULL, NULL};
			if (pg_nk_of(a, f) == NK_IDENTIFIER) {
				/* the function the name is bound to there, as the analysis resolves it */
				target = pg_scope_function(m, f);
			} else if (pg_nk_of(a, f) == NK_MEMBER &&
			           pg_nk_of(a, pg_unwrap(a, pg_field_of(a, f, F_OBJECT))) == NK_THIS) {
				/* this.helper(...): the file's methods are keyed "this.name" */
				t = pg_text(a, pg_field_of(a, f, F_PROPERTY), &len);
				char *key = pg_xasprintf("this.%.*s", (int)len, t);
				fn = pg_module_fn(m, key, strlen(key));
				free(key);
				if (fn)
					target = fn->node;
			}
			int known = ts_node_is_null(target);
			for (size_t i = 0; !known && i < ndone; i++)
				known |= ts_node_eq(done[i], target);
			if (!known && ndone < PG_MAX_KEYED_HELPERS) {
				uint32_t bl;
				const char *bytes = pg_text(a, target, &bl);
				done[ndone++] = target;
				pg_cache_hasher_bytes(h, bytes, bl);
				todo[ntodo++] = target;
			}
		}
		pg_walk_done(&w);
	}
	pg_cache_hasher_u64(h, ndone);
}

static pg_cache_key unit_key(pg_engine *e, const pg_module *m, const pg_cache_key *facts, size_t unit)
{
	const pg_unit_info *u = &m->units[unit];
	pg_cache_hasher *h = key_start(e, "unit", m->lang, m->path);
	uint32_t len;
	const char *bytes = pg_text(&m->ast, u->node, &len);
	pg_cache_hasher_str(h, u->name);
	pg_cache_hasher_bytes(h, bytes, len);
	pg_cache_hasher_key(h, facts);
	hash_helpers(h, m, u->node);
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

/* Analyses (or reuses) every unit holding an acquisition. */
static int analyse_units(pg_engine *e, pg_module *m, pg_findings *found, unit_result **results, size_t *nresults)
{
	size_t cap = 0;
	int rc = PG_OK;
	pg_cache_key facts = {0, 0};
	*results = NULL;
	*nresults = 0;
	if (e->cache)
		facts = facts_key(m);
	/* In a file that does not parse cleanly, tree-sitter's error recovery depends on the
	 * whole file: a function's own bytes no longer decide its tree, so it is not reused. */
	int per_function = e->cache && !ts_node_has_error(ts_tree_root_node(m->ast.tree));
	for (size_t u = 0; u < m->nunits && rc == PG_OK; u++) {
		if (!pg_module_unit_has_sites(m, u))
			continue;
		if (per_function) {
			pg_cache_key k = unit_key(e, m, &facts, u);
			pg_buf rec = PG_BUF_INIT, extra = PG_BUF_INIT;
			uint32_t stored_line = 0;
			size_t before = found->len;
			int hit = pg_cache_get(e->cache, &k, &rec) == PG_OK;
			if (hit) {
				pg_findings tmp;
				pg_findings_init(&tmp);
				hit = pg_cache_record_decode(rec.data, rec.len, NULL, &tmp, NULL, &extra) == PG_OK &&
				      deps_valid(e, &extra, &stored_line);
				if (hit) {
					int64_t delta = (int64_t)m->units[u].line - (int64_t)stored_line;
					for (size_t i = 0; i < tmp.len; i++) {
						pg_finding *f = &tmp.items[i];
						f->line = (uint32_t)((int64_t)f->line + delta);
						f->exit_line = (uint32_t)((int64_t)f->exit_line + delta);
						f->fn_line = m->units[u].line;
						f->fn_end = m->units[u].end;
						free(f->path);
						f->path = pg_xstrdup(m->path);
						shift_line_mentions(&f->path_text, delta);
						pg_findings_push_copy(found, f);
					}
					e->stats.cached++;
				}
				pg_findings_free(&tmp);
			}
			pg_buf_free(&rec);
			pg_buf_free(&extra);
			if (hit)
				continue;
			rc = pg_leak_check_unit(&e->an, m, u, found);
			PG_GROW(*results, cap, *nresults + 1);
			(*results)[(*nresults)++] = (unit_result){k, before, found->len - before, m->units[u].line};
		} else {
			rc = pg_leak_check_unit(&e->an, m, u, found);
		}
		e->stats.analyzed++;
	}
	return rc;
}

static void store(pg_engine *e, const pg_cache_key *k, const pg_findings *f, const pg_units *u, uint32_t line)
{
	pg_buf rec = PG_BUF_INIT, extra = PG_BUF_INIT;
	encode_deps(e, line, &extra);
	pg_cache_record_encode(&rec, f, u, extra.data, extra.len);
	pg_cache_put(e->cache, k, rec.data, rec.len); /* a failed put only costs a later miss */
	pg_buf_free(&rec);
	pg_buf_free(&extra);
}

static void units_of(const pg_module *m, pg_units *units)
{
	for (size_t i = 0; i < m->nunits; i++) {
		pg_unit *u;
		PG_GROW(units->items, units->cap, units->len + 1);
		u = &units->items[units->len++];
		u->name = pg_xstrdup(m->units[i].name);
		u->line = m->units[i].line;
		u->end = m->units[i].end;
		u->start_byte = ts_node_start_byte(m->units[i].node);
		u->end_byte = ts_node_end_byte(m->units[i].node);
		u->has_acquisition = pg_module_unit_has_sites(m, i);
	}
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
	pg_cache_shift shift = {path, 0, 0};
	if (pg_cache_get(e->cache, k, &rec) == PG_OK &&
	    pg_cache_record_decode(rec.data, rec.len, &shift, &f, &u, &extra) == PG_OK &&
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
	if (!mentions_acquire(e->cfg, data, len))
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

	/* An editor sends the same file again and again: tree-sitter reuses what did not change. */
	rc = pg_module_build_from(&m, path, lang, data, len, e->cfg,
	                          e->last && !strcmp(e->last->path, path) ? e->last : NULL);
	if (rc == PG_ELIMIT) {
		/* a file the parser cannot get through in its time is skipped, and said so */
		e->stats.skipped++;
		fprintf(stderr, "pgleak-hook: notice: %s: not analysed: %s\n", path, pg_error_last());
		return PG_OK;
	}
	if (rc < 0)
		return rc;
	e->last_parsed = 1;
	e->last_nunits = m->nunits;
	e->stats.parsed++;
	e->stats.functions += m->nunits;
	pg_findings_init(&found);
	pg_units_init(&all);
	pg_modules_log_reset(e->an.ms);
	rc = analyse_units(e, m, &found, &results, &nresults);
	flush_notices(e);
	if (rc == PG_OK) {
		units_of(m, &all);
		if (e->cache) {
			for (size_t i = 0; i < nresults; i++) {
				pg_findings slice = {found.items ? found.items + results[i].first : NULL, results[i].count,
				                     results[i].count};
				store(e, &results[i].key, &slice, NULL, results[i].line);
			}
			store(e, &fkey, &found, units ? &all : NULL, (uint32_t)m->nunits);
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
	pg_module_free(e->last);
	e->last = m;
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
	pg_cache_shift shift = {path, 0, 0};
	pg_findings_init(&f);
	if (pg_cache_get(e->cache, k, &rec) == PG_OK &&
	    pg_cache_record_decode(rec.data, rec.len, &shift, &f, NULL, &extra) == PG_OK &&
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
		pg_modules_log_reset(e->an.ms);
		rc = pg_engine_check_buffer(e, path, b.data ? b.data : "", b.len, out, units);
	}
	if (rc == PG_OK && fast && b.len <= e->cfg->max_file_bytes) {
		pg_findings mine = {out->items ? out->items + before : NULL, out->len - before, out->len - before};
		if (e->reused_deps.len) {
			/* reused from its file record: that record's dependencies are this one's */
			pg_buf rec = PG_BUF_INIT;
			pg_cache_record_encode(&rec, &mine, NULL, e->reused_deps.data, e->reused_deps.len);
			pg_cache_put(e->cache, &k, rec.data, rec.len);
			pg_buf_free(&rec);
		} else {
			store(e, &k, &mine, NULL, (uint32_t)e->last_nunits);
		}
	}
	pg_buf_free(&b);
	return rc;
}
