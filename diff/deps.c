/*
 * deps.c - finding importers of changed files without parsing them.
 *
 * Every quoted string that starts with "./" or "../" is taken as a
 * specifier, and so is a bare one ('@/lib/db', 'lib/db') that stands where
 * a specifier does (after `from`, `import`, `require(`, `import(`).  Each is
 * resolved as the analysis resolves an import (analysis/alias.h: relative
 * joins, tsconfig/jsconfig paths and baseUrl, read from the same side; then
 * analysis/resolve.h: extensions and index files, among the side's files);
 * an importer that names a changed file depends on it (a string that
 * merely looks like a path adds a file to check, never drops one).  One level of importers
 * is followed, as the engine resolves a pool or helper one module away;
 * but a barrel, a file that passes a changed file's exports on as its own
 * (`module.exports = require('./x')`, `export { x } from`, `export *
 * from`), counts as changed itself, because the analysis follows
 * re-exports through it (up to the same number of hops).
 *
 * Only a file that names an acquire method can hold an acquisition, hence
 * a finding (the analysis's pre-scan, pg_may_acquire); only one that
 * holds the word "export" can be a barrel.  Any other file is dropped
 * without a look at its specifiers.
 *
 * What the scan needs from a blob depends only on the blob's bytes and the
 * acquire names, so it is kept in the result cache under the blob id: a
 * warm run reads no unchanged blob at all, only the index.  The record is
 * one flag byte, '0' + 1 (names an acquire method) + 2 (says "export"),
 * followed (unless '0') by the specifiers, each ended by a NUL.  Which
 * specifiers a barrel re-exports takes a parse; it is asked only of a file
 * that imports a changed one, and kept in the cache too ('r' and the
 * specifiers).
 *
 * Most specifiers name no changed file: a base (what a specifier means,
 * aliases applied) is resolved only when it is a stem of a target, one of
 * the bases that could resolve to it (pg_resolve_stems), which spares the
 * candidates' look-ups of all the others.
 */
#define _GNU_SOURCE /* memmem */
#include "deps.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "analyser.h"
#include "cache.h"
#include "module.h"
#include "repo.h"
#include "resolve.h"

#define MAX_SPECIFIER 1024

enum { DEPS_ACQUIRES = 1, DEPS_EXPORTS = 2 };

static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '.';
}

/* Does a bare string at text[i] (its opening quote) stand where a specifier does? */
static int specifier_position(const char *text, size_t i)
{
	static const char *const before[] = {"from", "import", "require(", "import(", NULL};
	size_t j = i;
	while (j > 0 && (text[j - 1] == ' ' || text[j - 1] == '\t' || text[j - 1] == '\n' || text[j - 1] == '\r'))
		j--;
	for (int k = 0; before[k]; k++) {
		size_t n = strlen(before[k]);
		if (j >= n && !memcmp(text + j - n, before[k], n) && (j == n || !word_char(text[j - n - 1])))
			return 1;
	}
	return 0;
}

/* A bare module specifier's characters: no spaces, no quotes. */
static int bare_char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("@~#$_./-+", c));
}

/*
 * The next quote at or after p, before end; NULL when none.  text[len] is
 * the buffer's NUL: strpbrk (vectorised in libc) stops at a NUL, so one
 * inside the text is stepped over.  The scan of every blob of a cold run
 * spends its time here.
 */
static const char *next_quote(const char *p, const char *end)
{
	while (p < end) {
		const char *q = strpbrk(p, "'\"`");
		if (q)
			return q < end ? q : NULL;
		p += strlen(p) + 1;
	}
	return NULL;
}

/* Builds the record (see the top of the file) of a blob's bytes (NUL-ended, as a pg_buf's) into *rec. */
static void scan_blob(pg_buf *rec, const char *text, size_t len, const pg_config *cfg)
{
	int flags = (pg_may_acquire(cfg, text, len) ? DEPS_ACQUIRES : 0) |
	            (memmem(text, len, "export", 6) ? DEPS_EXPORTS : 0);
	const char *p;

	pg_buf_clear(rec);
	pg_buf_putc(rec, (char)('0' + flags));
	if (!flags)
		return;
	for (p = next_quote(text, text + len); p && (size_t)(p - text) + 2 < len; p = next_quote(p + 1, text + len)) {
		size_t i = (size_t)(p - text), j;
		char q = *p;
		int relative = text[i + 1] == '.' &&
		               (text[i + 2] == '/' || (text[i + 2] == '.' && i + 3 < len && text[i + 3] == '/'));
		if (!relative && (text[i + 1] == '.' || text[i + 1] == '/' || !bare_char(text[i + 1]) ||
		                  !specifier_position(text, i)))
			continue;
		for (j = i + 1; j < len && j - i < MAX_SPECIFIER && text[j] != q && text[j] != '\n' &&
		                (relative || bare_char(text[j])); j++)
			;
		if (j >= len || text[j] != q)
			continue;
		/* A NUL inside would split it when read back: such a string is no specifier. */
		if (!memchr(text + i + 1, '\0', j - i - 1)) {
			pg_buf_put(rec, text + i + 1, j - i - 1);
			pg_buf_putc(rec, '\0');
		}
		p = text + j;
	}
}

/* A record as scan_blob (flag '0'..'3') or barrel_record ('r') makes it: NUL-ended strings follow. */
static int record_valid(const pg_buf *rec, char first, char last)
{
	if (rec->len == 0 || rec->data[0] < first || rec->data[0] > last)
		return 0;
	return rec->len == 1 || (rec->data[0] != '0' && rec->data[rec->len - 1] == '\0');
}

/* What every cache key starts with: the record's kind and the acquire names. */
static pg_cache_key scan_prefix(const char *kind, const pg_config *cfg)
{
	pg_cache_hasher *h = pg_cache_hasher_new();
	size_t i;
	pg_cache_hasher_str(h, kind);
	pg_cache_hasher_u64(h, cfg->acquire.len);
	for (i = 0; i < cfg->acquire.len; i++)
		pg_cache_hasher_str(h, cfg->acquire.items[i]);
	return pg_cache_hasher_finish(h);
}

/* The run's view of one side: its files, the cache, and the scratch buffers. */
typedef struct {
	const pg_git_side *side;
	const pg_config *cfg;
	pg_cache *cache;
	pg_cache_key scan, barrel; /* key prefixes of the two records */
	const char **paths;        /* every JS/TS path of the side, sorted (strcmp) */
	size_t npaths;
	pg_alias *alias;           /* tsconfig/jsconfig mappings, read from the side */
	pg_strmap stems;           /* the bases that could resolve to a target */
	pg_strmap tails;           /* the last name of each stem */
	pg_buf tmp;
} deps_ctx;

/* The record of the blob `id` under `prefix` from the cache, if there and well formed ('first'..'last'). */
static int record_cached(const deps_ctx *d, const pg_cache_key *prefix, const git_oid *id, char first, char last,
                         pg_buf *rec)
{
	pg_cache_key k = pg_cache_key_under(prefix, id->id, GIT_OID_RAWSZ);
	return pg_cache_get(d->cache, &k, rec) == PG_OK && record_valid(rec, first, last);
}

static void record_store(const deps_ctx *d, const pg_cache_key *prefix, const git_oid *id, const pg_buf *rec)
{
	pg_cache_key k = pg_cache_key_under(prefix, id->id, GIT_OID_RAWSZ);
	if (pg_cache_put(d->cache, &k, rec->data, rec->len) < 0)
		pg_error_clear(); /* too large to keep: made again next time */
}

/* The barrel record: 'r', then the specifiers the file re-exports (none if it cannot be analysed). */
static void barrel_scan(pg_buf *rec, const char *path, const char *text, size_t len, const pg_config *cfg)
{
	pg_module *m = NULL;
	pg_strlist specs = {0};

	pg_buf_clear(rec);
	pg_buf_putc(rec, 'r');
	if (len > cfg->max_file_bytes || memchr(text, '\0', len) ||
	    pg_module_build(&m, path, pg_lang_from_path(path), text, len, cfg) < 0) {
		pg_error_clear(); /* the analysis cannot read it either: no re-export to follow */
		return;
	}
	pg_module_reexports(m, &specs);
	for (size_t i = 0; i < specs.len; i++) {
		pg_buf_puts(rec, specs.items[i]);
		pg_buf_putc(rec, '\0');
	}
	pg_strlist_free(&specs);
	pg_module_free(m);
}

/* The barrel record of the blob `id` at `path`: from the cache, or made (a parse) and stored. */
static int barrel_record(pg_buf *rec, deps_ctx *d, const git_oid *id, const char *path)
{
	int rc;
	if (d->cache && record_cached(d, &d->barrel, id, 'r', 'r', rec))
		return PG_OK;
	if ((rc = pg_git_side_blob(d->side, id, &d->tmp)) < 0)
		return rc;
	barrel_scan(rec, path, d->tmp.data, d->tmp.len, d->cfg);
	if (d->cache)
		record_store(d, &d->barrel, id, rec);
	return PG_OK;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int path_exists(void *ctx, const char *path)
{
	const deps_ctx *d = ctx;
	return d->npaths && bsearch(&path, d->paths, d->npaths, sizeof(*d->paths), path_cmp) != NULL;
}

static void stem_add(void *ctx, const char *base, size_t n)
{
	deps_ctx *d = ctx;
	size_t tail = n;
	while (tail && base[tail - 1] != '/')
		tail--;
	pg_strmap_put(&d->stems, base, n, 1);
	pg_strmap_put(&d->tails, base + tail, n - tail, 1);
}

/* Can the specifier's bases hold a stem?  A relative one's all end in its last name. */
static int may_name_stem(const deps_ctx *d, const char *spec)
{
	const char *tail;
	size_t len;
	return !pg_alias_relative_tail(spec, &tail, &len) || pg_strmap_get(&d->tails, tail, len);
}

/* Makes `path` a target: a file whose importers are checked. */
static void target_add(deps_ctx *d, pg_strmap *targets, const char *path)
{
	pg_strmap_put(targets, path, strlen(path), 1);
	pg_resolve_stems(path, stem_add, d);
}

/* Does a specifier of the record (len bytes; specifiers from byte 1 on), written in `path`, resolve to one of `targets`? */
static int names_target(deps_ctx *d, const char *path, const char *rec, size_t len, const pg_strmap *targets)
{
	pg_strlist bases = {0};
	size_t at;
	int found = 0;
	for (at = 1; at < len && !found; at += strlen(rec + at) + 1) {
		if (!may_name_stem(d, rec + at))
			continue; /* most specifiers: spared the join */
		pg_alias_bases(d->alias, path, rec + at, &bases);
		for (size_t i = 0; i < bases.len && !found; i++) {
			if (!pg_strmap_get(&d->stems, bases.items[i], strlen(bases.items[i])))
				continue; /* resolves to no target, whichever file it names */
			char *target = pg_resolve_base(bases.items[i], path_exists, d);
			found = target && pg_strmap_get(targets, target, strlen(target));
			free(target);
		}
		pg_strlist_free(&bases);
	}
	return found;
}

/* The JS/TS files of a side with their blob ids (pg_git_side_each, diff/source.c). */
typedef struct {
	const char **paths; /* the index's own strings, or those of `owned` */
	git_oid *ids;
	size_t len, cap, ids_cap;
	pg_strlist owned;
} file_list;

static void file_list_push(file_list *l, const char *path, const git_oid *id)
{
	PG_GROW(l->paths, l->cap, l->len + 1);
	PG_GROW(l->ids, l->ids_cap, l->len + 1);
	l->paths[l->len] = path;
	git_oid_cpy(&l->ids[l->len++], id);
}

static void file_list_free(file_list *l)
{
	pg_strlist_free(&l->owned);
	free(l->paths);
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

static void list_one(const char *path, const git_oid *id, int stable, void *payload)
{
	file_list *l = payload;
	if (!stable) {
		pg_strlist_push(&l->owned, path); /* a copy, which stays where it is */
		path = l->owned.items[l->owned.len - 1];
	}
	file_list_push(l, path, id);
}

/* The list's paths in strcmp order: the list itself when so (an index, a tree walked in order), else a sorted copy. */
static const char **sorted_paths(const file_list *l)
{
	const char **copy;
	size_t i;
	for (i = 1; i < l->len && strcmp(l->paths[i - 1], l->paths[i]) < 0; i++)
		;
	if (i >= l->len)
		return l->paths;
	copy = pg_xmalloc(l->len * sizeof(*copy));
	memcpy(copy, l->paths, l->len * sizeof(*copy));
	qsort(copy, l->len, sizeof(*copy), path_cmp);
	return copy;
}

/*
 * The blobs the cache lacks (all of them on a first run) are read and
 * scanned by several threads that take them in turn.  Each extra thread
 * opens the object database for itself: libgit2 holds one database's lock
 * while it reads an object, so threads sharing one wait for each other.
 * Each record and each error lands in its task's slot, so the result and
 * the error said do not depend on who scanned what.
 */
#define SCAN_BLOBS_PER_THREAD 32

typedef struct {
	const deps_ctx *d;
	const char *objects; /* the object folder, which each extra thread opens */
	const file_list *files;
	const size_t *which; /* the files to scan */
	size_t n;
	atomic_size_t next; /* the next task */
	pg_buf *recs;       /* by task */
	char **errors;      /* by task: why its blob could not be read */
} scan_job;

/* Takes tasks until none is left; odb NULL: reads through the side (the calling thread). */
static void scan_tasks(scan_job *j, git_odb *odb)
{
	pg_buf text = PG_BUF_INIT;
	size_t k;
	while ((k = atomic_fetch_add(&j->next, 1)) < j->n) {
		size_t i = j->which[k];
		int rc = odb ? pg_git_odb_blob_read(odb, &j->files->ids[i], &text)
		             : pg_git_side_blob(j->d->side, &j->files->ids[i], &text);
		if (rc < 0)
			j->errors[k] = pg_xstrdup(pg_error_last()); /* this thread's */
		else
			scan_blob(&j->recs[k], text.data, text.len, j->d->cfg);
	}
	pg_buf_free(&text);
}

static void *scan_thread(void *arg)
{
	scan_job *j = arg;
	git_odb *odb = NULL;
	if (git_odb_open(&odb, j->objects) == 0)
		scan_tasks(j, odb); /* else the other threads take them */
	git_odb_free(odb);
	return NULL;
}

static int scan_blobs(const deps_ctx *d, const file_list *files, const size_t *which, size_t n, pg_buf *recs)
{
	scan_job j = {.d = d, .files = files, .which = which, .n = n, .recs = recs};
	git_buf objects = {0};
	pthread_t tids[PG_MAX_JOBS];
	size_t threads = 1, started = 0, k;
	int rc = PG_OK;

	if (!n)
		return PG_OK;
	/* a listing reads through one `git cat-file`; a few blobs do not pay for a thread */
	if (!d->side->listing && n >= 2 * SCAN_BLOBS_PER_THREAD) {
		if (git_repository_item_path(&objects, d->side->repo, GIT_REPOSITORY_ITEM_OBJECTS) == 0)
			threads = pg_jobs_wanted(n / SCAN_BLOBS_PER_THREAD);
		else
			git_error_clear(); /* not an error: this thread reads them all */
		j.objects = objects.ptr;
	}
	j.errors = pg_xcalloc(n, sizeof(*j.errors));
	for (k = 1; k < threads; k++, started++)
		if (pthread_create(&tids[k], NULL, scan_thread, &j) != 0)
			break; /* fewer threads: the others take the rest */
	scan_tasks(&j, NULL);
	for (k = 1; k <= started; k++)
		pthread_join(tids[k], NULL);
	for (k = 0; k < n; k++) {
		if (j.errors[k] && rc == PG_OK)
			rc = pg_error_set(PG_ERROR, "%s", j.errors[k]);
		free(j.errors[k]);
	}
	free(j.errors);
	git_buf_dispose(&objects);
	return rc;
}

/* Where a file's scan record is kept in the run's arena of records; len < 2: nothing to follow. */
typedef struct {
	size_t off, len;
} rec_span;

static void span_keep(pg_buf *arena, rec_span *span, const pg_buf *rec)
{
	span->len = rec->len;
	if (rec->len < 2)
		return; /* names neither an acquire method nor "export", or no specifier */
	span->off = arena->len;
	pg_buf_put(arena, rec->data, rec->len);
}

/*
 * The scan record of every unchanged file, kept in `arena` (one buffer for
 * all, where each lookup once copied into a buffer of its own) and placed by
 * spans (by file): from the cache, else scanned and stored.
 */
static int scan_side(const deps_ctx *d, const file_list *files, const pg_git_changes *changes, rec_span *spans,
                     pg_buf *arena)
{
	size_t *missing = NULL, cap = 0, n = 0, i;
	pg_buf rec = PG_BUF_INIT, *made;
	int rc;
	for (i = 0; i < files->len; i++) {
		if (pg_git_changes_find(changes, files->paths[i]))
			continue;
		if (d->cache && record_cached(d, &d->scan, &files->ids[i], '0', '3', &rec)) {
			span_keep(arena, &spans[i], &rec);
			continue;
		}
		PG_GROW(missing, cap, n + 1);
		missing[n++] = i;
	}
	made = pg_xcalloc(n + 1, sizeof(*made));
	rc = scan_blobs(d, files, missing, n, made);
	for (i = 0; rc == PG_OK && i < n; i++) {
		span_keep(arena, &spans[missing[i]], &made[i]);
		if (d->cache)
			record_store(d, &d->scan, &files->ids[missing[i]], &made[i]);
	}
	for (i = 0; i < n; i++)
		pg_buf_free(&made[i]);
	free(made);
	free(missing);
	pg_buf_free(&rec);
	return rc;
}

/* A file that may depend on a change: its scan record, and what the rounds found it to be. */
typedef struct {
	size_t file;  /* index in the file list */
	rec_span rec; /* in the arena */
	int checked;  /* imports a changed file or barrel: in *out (if it acquires) */
	int barrel;   /* passes a changed file's exports on: a target itself */
} candidate;

/*
 * One round over the candidates: each that names a target is checked; each
 * that re-exports a target becomes one.  Returns how many became targets.
 */
static int deps_round(deps_ctx *d, file_list *files, const pg_buf *arena, candidate *c, size_t nc,
                      pg_strmap *targets, pg_strlist *out, pg_buf *tmp, int *rc)
{
	size_t i, added = 0;
	pg_strlist fresh = {0};
	for (i = 0; i < nc && *rc == PG_OK; i++) {
		const char *path = files->paths[c[i].file], *rec = arena->data + c[i].rec.off;
		int flags = rec[0] - '0';
		if (c[i].barrel || !names_target(d, path, rec, c[i].rec.len, targets))
			continue;
		if ((flags & DEPS_ACQUIRES) && !c[i].checked && !pg_config_ignores(d->cfg, path))
			pg_strlist_push(out, path);
		c[i].checked = 1;
		if (!(flags & DEPS_EXPORTS))
			continue;
		*rc = barrel_record(tmp, d, &files->ids[c[i].file], path);
		if (*rc == PG_OK && names_target(d, path, tmp->data, tmp->len, targets)) {
			c[i].barrel = 1;
			pg_strlist_push(&fresh, path);
		}
	}
	/* Added after the round, so that one round follows one hop, as the analysis counts them. */
	for (i = 0; i < fresh.len; i++, added++)
		target_add(d, targets, fresh.items[i]);
	pg_strlist_free(&fresh);
	return (int)added;
}

int pg_git_deps_collect(pg_strlist *out, const pg_git_side *side, const pg_git_changes *changes,
                        const pg_config *cfg, pg_cache *cache)
{
	deps_ctx d = {.side = side, .cfg = cfg, .tmp = PG_BUF_INIT};
	pg_source src = pg_git_source((pg_git_side *)side);
	file_list files = {0};
	candidate *c = NULL;
	rec_span *spans;
	pg_buf arena = PG_BUF_INIT;
	size_t nc = 0, cc = 0, i;
	pg_strmap targets = {0};
	pg_buf rec = PG_BUF_INIT;
	int rc = PG_OK;

	if (changes->len == 0)
		return PG_OK;
	/* aliases are read from the side being checked, as the engine reads them */
	d.alias = pg_alias_new(src.read, NULL, src.ctx);
	if (cache && pg_cache_enabled(cache)) {
		d.cache = cache;
		d.scan = scan_prefix("importscan/3", cfg); /* 3: flags, bare specifiers too */
		d.barrel = scan_prefix("barrel/1", cfg);
	}
	for (i = 0; i < changes->len; i++)
		target_add(&d, &targets, changes->items[i].new_path);
	rc = pg_git_side_each(side, list_one, &files);
	d.paths = sorted_paths(&files);
	d.npaths = files.len;
	spans = pg_xcalloc(files.len + 1, sizeof(*spans));
	if (rc == PG_OK)
		rc = scan_side(&d, &files, changes, spans, &arena);
	for (i = 0; i < files.len && rc == PG_OK; i++) {
		if (spans[i].len < 2)
			continue; /* changed, or nothing to follow */
		PG_GROW(c, cc, nc + 1);
		c[nc].file = i;
		c[nc].rec = spans[i];
		c[nc].checked = c[nc].barrel = 0;
		nc++;
	}
	free(spans);
	for (int hop = 0; rc == PG_OK && hop <= PG_MAX_REEXPORT_HOPS; hop++)
		if (!deps_round(&d, &files, &arena, c, nc, &targets, out, &rec, &rc))
			break;
	free(c);
	pg_buf_free(&arena);
	pg_buf_free(&rec);
	pg_buf_free(&d.tmp);
	pg_alias_free(d.alias);
	if (d.paths != files.paths)
		free(d.paths);
	pg_strmap_free(&d.stems);
	pg_strmap_free(&d.tails);
	pg_strmap_free(&targets);
	file_list_free(&files);
	return rc;
}
