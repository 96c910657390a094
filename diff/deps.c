/*
 * deps.c - finding importers of changed files without parsing them.
 *
 * Every quoted string that starts with "./" or "../" is taken as a
 * specifier, and so is a bare one ('@/lib/db', 'lib/db') that stands where
 * a specifier does (after `from`, `import`, `require(`, `import(`).  Each is
 * turned into paths by the analysis's own rule (analysis/alias.h: relative
 * joins, tsconfig/jsconfig paths and baseUrl, read from the same side) and
 * compared, extension aside, with the changed paths: this
 * over-approximates the imports (a string that merely looks like a path
 * adds a file to check, never drops one).  One level of importers is
 * followed: the engine itself resolves a pool or helper one module away.
 *
 * Only a file that names an acquire method can hold an acquisition, hence
 * a finding (the engine's own pre-filter, analysis/engine.c): any other
 * importer is dropped without a look at its specifiers.
 *
 * What the scan needs from a blob (does it name an acquire method; its
 * relative specifiers) depends only on the blob's bytes and the acquire
 * names, so it is kept in the result cache under the blob id: a warm run
 * reads no unchanged blob at all, only the index.  The record is one byte,
 * '0' (no acquire name: nothing else is kept) or '1', followed by the
 * specifiers, each ended by a NUL.
 */
#define _GNU_SOURCE /* memmem */
#include "deps.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "cache.h"
#include "repo.h"
#include "source.h"

#define MAX_SPECIFIER 1024

/* "a/db.js" -> "a/db"; "a/pool/index.ts" -> "a/pool"; a path that is not JS/TS is its own key. */
static char *module_key(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	char *key;
	size_t n;
	if (pg_lang_from_path(path) == PG_LANG_NONE || !dot || (slash && dot < slash))
		return pg_xstrdup(path);
	key = pg_xstrndup(path, (size_t)(dot - path));
	n = strlen(key);
	if (n >= 6 && !strcmp(key + n - 6, "/index"))
		key[n - 6] = '\0';
	else if (!strcmp(key, "index"))
		key[0] = '\0';
	return key;
}

/* The last path segment of a module key: a changed file with an empty one cannot be named. */
static const char *key_name(const char *key)
{
	const char *slash = strrchr(key, '/');
	return slash ? slash + 1 : key;
}

static int mentions_acquire(const pg_config *cfg, const char *data, size_t len)
{
	size_t i;
	for (i = 0; i < cfg->acquire.len; i++) {
		size_t n = strlen(cfg->acquire.items[i]);
		if (n && memmem(data, len, cfg->acquire.items[i], n))
			return 1;
	}
	return 0;
}

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

/* Builds the record (see the top of the file) of a blob's bytes into *rec. */
static void scan_blob(pg_buf *rec, const char *text, size_t len, const pg_config *cfg)
{
	size_t i;

	pg_buf_clear(rec);
	if (!mentions_acquire(cfg, text, len)) {
		pg_buf_putc(rec, '0');
		return;
	}
	pg_buf_putc(rec, '1');
	for (i = 0; i + 2 < len; i++) {
		char q = text[i];
		size_t j;
		if (q != '\'' && q != '"' && q != '`')
			continue;
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
		i = j;
	}
}

/* A record as scan_blob makes it: a flag byte, then NUL-ended strings. */
static int record_valid(const pg_buf *rec)
{
	if (rec->len == 0 || (rec->data[0] != '0' && rec->data[0] != '1'))
		return 0;
	return rec->len == 1 || (rec->data[0] == '1' && rec->data[rec->len - 1] == '\0');
}

/* Does the record's importer, at `path`, name one of `keys` (module keys of the changed files)? */
static int imports_any(const char *path, const pg_buf *rec, const pg_strlist *keys, pg_alias *alias)
{
	pg_strlist targets = {0};
	size_t at;
	int found = 0;

	if (rec->data[0] != '1')
		return 0;
	for (at = 1; at < rec->len && !found; at += strlen(rec->data + at) + 1) {
		pg_alias_bases(alias, path, rec->data + at, &targets);
		for (size_t i = 0; i < targets.len && !found; i++) {
			char *key = module_key(targets.items[i]);
			found = pg_strlist_has(keys, key);
			free(key);
		}
		pg_strlist_free(&targets);
	}
	return found;
}

/* What every scan key starts with: the record's kind and the acquire names. */
static pg_cache_key scan_prefix(const pg_config *cfg)
{
	pg_cache_hasher *h = pg_cache_hasher_new();
	size_t i;
	pg_cache_hasher_str(h, "importscan/2"); /* 2: bare specifiers too */
	pg_cache_hasher_u64(h, cfg->acquire.len);
	for (i = 0; i < cfg->acquire.len; i++)
		pg_cache_hasher_str(h, cfg->acquire.items[i]);
	return pg_cache_hasher_finish(h);
}

static pg_cache_key scan_key(const pg_cache_key *prefix, const git_oid *id)
{
	pg_cache_hasher *h = pg_cache_hasher_new();
	pg_cache_hasher_key(h, prefix);
	pg_cache_hasher_bytes(h, id->id, GIT_OID_RAWSZ);
	return pg_cache_hasher_finish(h);
}

/* The record of the blob `id`: from the cache, or read, scanned and stored. */
static int blob_record(pg_buf *rec, pg_buf *tmp, const pg_git_side *side, const git_oid *id,
                       const pg_config *cfg, pg_cache *cache, const pg_cache_key *prefix)
{
	pg_cache_key k = {0, 0};
	int rc;

	if (cache) {
		k = scan_key(prefix, id);
		if (pg_cache_get(cache, &k, rec) == PG_OK && record_valid(rec))
			return PG_OK;
	}
	rc = pg_git_blob_read(side->repo, id, tmp);
	if (rc < 0)
		return rc;
	scan_blob(rec, tmp->data ? tmp->data : "", tmp->len, cfg);
	if (cache && pg_cache_put(cache, &k, rec->data, rec->len) < 0)
		pg_error_clear(); /* too large to keep: scanned again next time */
	return PG_OK;
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

int pg_git_deps_collect(pg_strlist *out, const pg_git_side *side, const pg_git_changes *changes,
                        const pg_config *cfg, pg_cache *cache)
{
	file_list files = {0};
	pg_strlist keys = {0};
	pg_buf rec = PG_BUF_INIT, tmp = PG_BUF_INIT;
	pg_cache_key prefix = {0, 0};
	pg_source src;
	pg_alias *alias;
	size_t i;
	int rc = PG_OK;

	if (changes->len == 0)
		return PG_OK;
	/* aliases are read from the side being checked, as the engine reads them */
	src = pg_git_source((pg_git_side *)side);
	alias = pg_alias_new(src.read, NULL, src.ctx);
	if (cache && !pg_cache_enabled(cache))
		cache = NULL;
	if (cache)
		prefix = scan_prefix(cfg);
	for (i = 0; i < changes->len; i++) {
		char *key = module_key(changes->items[i].new_path);
		if (*key_name(key))
			pg_strlist_push(&keys, key);
		free(key);
	}
	if (keys.len)
		rc = pg_git_side_each(side, list_one, &files);
	for (i = 0; i < files.len && rc == PG_OK; i++) {
		const char *path = files.paths[i];
		if (pg_git_changes_find(changes, path) || pg_config_ignores(cfg, path))
			continue;
		rc = blob_record(&rec, &tmp, side, &files.ids[i], cfg, cache, &prefix);
		if (rc == PG_OK && imports_any(path, &rec, &keys, alias))
			pg_strlist_push(out, path);
	}
	pg_alias_free(alias);
	pg_buf_free(&tmp);
	pg_buf_free(&rec);
	file_list_free(&files);
	pg_strlist_free(&keys);
	return rc;
}
