/*
 * config.c - reads `.pgleak.json` (see config.h), digests it for the cache
 * and matches the "ignore" globs.
 *
 * Parsing goes through the strict JSON reader, then checks each key against
 * a table: unknown keys, wrong types, empty names and duplicate keys are
 * errors naming the file, line and key, because a typo that silently
 * changes nothing is worse than a message.
 *
 * Ignore patterns follow .gitignore's reading: a pattern without a slash
 * matches a file or folder name at any depth, one with a slash is anchored
 * at the root, `*` and `?` stay within a segment, `**` spans segments, and a
 * pattern that matches a folder ignores everything below it.  The matcher
 * is the classic iterative wildcard algorithm with one backtrack point,
 * applied twice (characters within a segment, segments within the path), so
 * its cost is polynomial whatever the pattern.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "json.h"

void pg_config_init(pg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	pg_strlist_push(&cfg->acquire, "connect");
	pg_strlist_push(&cfg->release, "release");
	cfg->max_file_bytes = PG_DEFAULT_MAX_FILE_BYTES;
}

void pg_config_free(pg_config *cfg)
{
	pg_strlist_free(&cfg->pools);
	pg_strlist_free(&cfg->acquire);
	pg_strlist_free(&cfg->release);
	pg_strlist_free(&cfg->release_helpers);
	pg_strlist_free(&cfg->ignore);
}

/* ------------------------------------------------------------- parsing */

enum { K_POOLS, K_ACQUIRE, K_RELEASE, K_HELPERS, K_IGNORE, K_MAXBYTES, K_COUNT };

static const char *const key_names[K_COUNT] = {
	"pools", "acquire", "release", "releaseHelpers", "ignore", "maxFileBytes",
};

/* A printable rendering of a key for messages (keys may hold any character). */
static char *printable(const char *s, size_t n)
{
	pg_buf b = PG_BUF_INIT;
	if (n > 60)
		n = 60;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			pg_buf_printf(&b, "\\x%02x", c);
		else
			pg_buf_putc(&b, (char)c);
	}
	pg_buf_put(&b, "", 0);
	return pg_buf_detach(&b);
}

static int unknown_key(const char *origin, const pg_json_node *m)
{
	char *name = printable(m->key, m->key_len);
	const char *best = NULL;
	size_t best_d = 3; /* suggest only close misspellings */
	int rc;
	for (int k = 0; k < K_COUNT; k++) {
		size_t d = pg_edit_distance(name, key_names[k]);
		if (d < best_d) {
			best_d = d;
			best = key_names[k];
		}
	}
	if (best)
		rc = pg_error_set(PG_EINVALID, "%s:%u:%u: unknown key \"%s\" (did you mean \"%s\"?)", origin,
		                  (unsigned)m->key_line, (unsigned)m->key_column, name, best);
	else
		rc = pg_error_set(PG_EINVALID,
		                  "%s:%u:%u: unknown key \"%s\" (known keys: pools, acquire, release, "
		                  "releaseHelpers, ignore, maxFileBytes)",
		                  origin, (unsigned)m->key_line, (unsigned)m->key_column, name);
	free(name);
	return rc;
}

/* Reads an array of non-empty strings into `list` (which keeps its defaults; duplicates are dropped). */
static int read_names(const pg_json_doc *doc, const pg_json_node *m, const char *origin, pg_strlist *list)
{
	if (m->type != PG_JSON_ARRAY)
		return pg_error_set(PG_EINVALID, "%s:%u:%u: \"%s\" must be an array of strings, not %s", origin,
		                    (unsigned)m->line, (unsigned)m->column, m->key, pg_json_type_name(m->type));
	for (const pg_json_node *v = pg_json_first(doc, m); v; v = pg_json_next(doc, v)) {
		if (v->type != PG_JSON_STRING)
			return pg_error_set(PG_EINVALID, "%s:%u:%u: \"%s\" must hold strings only, not %s", origin,
			                    (unsigned)v->line, (unsigned)v->column, m->key, pg_json_type_name(v->type));
		if (v->str_len == 0)
			return pg_error_set(PG_EINVALID, "%s:%u:%u: \"%s\" holds an empty string", origin,
			                    (unsigned)v->line, (unsigned)v->column, m->key);
		if (strlen(v->str) != v->str_len)
			return pg_error_set(PG_EINVALID, "%s:%u:%u: \"%s\" holds a string with a NUL character", origin,
			                    (unsigned)v->line, (unsigned)v->column, m->key);
		if (!pg_strlist_has(list, v->str))
			pg_strlist_push(list, v->str);
	}
	return PG_OK;
}

static int read_max_bytes(const pg_json_node *m, const char *origin, uint64_t *out)
{
	uint64_t v = 0;
	if (m->type != PG_JSON_NUMBER)
		return pg_error_set(PG_EINVALID, "%s:%u:%u: \"maxFileBytes\" must be a number of bytes, not %s", origin,
		                    (unsigned)m->line, (unsigned)m->column, pg_json_type_name(m->type));
	for (size_t i = 0; i < m->str_len; i++) {
		char c = m->str[i];
		if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10)
			return pg_error_set(PG_EINVALID,
			                    "%s:%u:%u: \"maxFileBytes\" must be a whole, positive number of bytes (got %s)",
			                    origin, (unsigned)m->line, (unsigned)m->column, m->str);
		v = v * 10 + (uint64_t)(c - '0');
	}
	if (v == 0)
		return pg_error_set(PG_EINVALID, "%s:%u:%u: \"maxFileBytes\" must be greater than 0", origin,
		                    (unsigned)m->line, (unsigned)m->column);
	*out = v;
	return PG_OK;
}

int pg_config_parse(pg_config *cfg, const char *json, size_t len, const char *origin)
{
	pg_json_doc doc = PG_JSON_DOC_INIT;
	const pg_json_node *root, *seen[K_COUNT] = {0};
	pg_config next;
	int rc;
	if (!origin)
		origin = ".pgleak.json";
	if ((rc = pg_json_parse(&doc, json, len, origin)) != 0)
		return rc == PG_ELIMIT ? PG_EINVALID : rc;
	root = pg_json_root(&doc);
	if (root->type != PG_JSON_OBJECT) {
		rc = pg_error_set(PG_EINVALID, "%s:%u:%u: the configuration must be a JSON object, not %s", origin,
		                  (unsigned)root->line, (unsigned)root->column, pg_json_type_name(root->type));
		pg_json_free(&doc);
		return rc;
	}
	/* Built aside and swapped in, so a failed parse leaves cfg as it was. */
	pg_config_init(&next);
	for (const pg_json_node *m = pg_json_first(&doc, root); m && rc == 0; m = pg_json_next(&doc, m)) {
		int k;
		for (k = 0; k < K_COUNT; k++)
			if (strlen(key_names[k]) == m->key_len && !memcmp(key_names[k], m->key, m->key_len))
				break;
		if (k == K_COUNT) {
			rc = unknown_key(origin, m);
			break;
		}
		if (seen[k]) {
			rc = pg_error_set(PG_EINVALID, "%s:%u:%u: duplicate key \"%s\" (first at line %u)", origin,
			                  (unsigned)m->key_line, (unsigned)m->key_column, key_names[k],
			                  (unsigned)seen[k]->key_line);
			break;
		}
		seen[k] = m;
		switch (k) {
		case K_POOLS: rc = read_names(&doc, m, origin, &next.pools); break;
		case K_ACQUIRE: rc = read_names(&doc, m, origin, &next.acquire); break;
		case K_RELEASE: rc = read_names(&doc, m, origin, &next.release); break;
		case K_HELPERS: rc = read_names(&doc, m, origin, &next.release_helpers); break;
		case K_IGNORE: rc = read_names(&doc, m, origin, &next.ignore); break;
		case K_MAXBYTES: rc = read_max_bytes(m, origin, &next.max_file_bytes); break;
		}
	}
	pg_json_free(&doc);
	if (rc) {
		pg_config_free(&next);
		return rc;
	}
	pg_config_free(cfg);
	*cfg = next;
	return PG_OK;
}

int pg_config_load(pg_config *cfg, const char *path)
{
	pg_buf b = PG_BUF_INIT;
	int rc = pg_read_file(path, &b);
	if (rc == PG_OK)
		rc = pg_config_parse(cfg, b.data, b.len, path);
	pg_buf_free(&b);
	return rc;
}

/* -------------------------------------------------------------- digest */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each list sorted (order in the file changes no result) and length-prefixed (no ambiguity). */
static void digest_list(pg_buf *b, const char *name, const pg_strlist *l)
{
	char **sorted = pg_xmalloc((l->len ? l->len : 1) * sizeof(char *));
	if (l->len) {
		memcpy(sorted, l->items, l->len * sizeof(char *));
		qsort(sorted, l->len, sizeof(char *), cmp_str);
	}
	pg_buf_printf(b, "%s:%zu\n", name, l->len);
	for (size_t i = 0; i < l->len; i++)
		pg_buf_printf(b, "%zu:%s\n", strlen(sorted[i]), sorted[i]);
	free(sorted);
}

uint64_t pg_config_digest(const pg_config *cfg)
{
	pg_buf b = PG_BUF_INIT;
	uint64_t h;
	pg_buf_puts(&b, "pgleak-config/1\n");
	digest_list(&b, "pools", &cfg->pools);
	digest_list(&b, "acquire", &cfg->acquire);
	digest_list(&b, "release", &cfg->release);
	digest_list(&b, "releaseHelpers", &cfg->release_helpers);
	digest_list(&b, "ignore", &cfg->ignore);
	pg_buf_printf(&b, "maxFileBytes:%llu\n", (unsigned long long)cfg->max_file_bytes);
	h = XXH3_64bits(b.data, b.len);
	pg_buf_free(&b);
	return h;
}

/* ------------------------------------------------------------- ignores */

typedef struct {
	const char *s;
	size_t len;
} seg;

/* Splits on '/', dropping empty and "." segments. */
static size_t split(const char *s, seg **out)
{
	size_t n = 0, cap = 0;
	seg *v = NULL;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len && !(len == 1 && s[0] == '.')) {
			PG_GROW(v, cap, n + 1);
			v[n].s = s;
			v[n].len = len;
			n++;
		}
		s += len;
		if (*s == '/')
			s++;
	}
	*out = v;
	return n;
}

/* `*` and `?` within one segment; `[` is literal (rarely wanted in paths, and simpler to predict). */
static int match_segment(const char *p, size_t pn, const char *t, size_t tn)
{
	size_t pi = 0, ti = 0, star_p = (size_t)-1, star_t = 0;
	while (ti < tn) {
		if (pi < pn && (p[pi] == '?' || p[pi] == t[ti])) {
			pi++;
			ti++;
		} else if (pi < pn && p[pi] == '*') {
			star_p = pi++;
			star_t = ti;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			ti = ++star_t;
		} else {
			return 0;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

static int is_globstar(const seg *s)
{
	return s->len == 2 && s->s[0] == '*' && s->s[1] == '*';
}

/* Segments of the pattern against segments of the path; `**` matches any number of them. */
static int match_segments(const seg *p, size_t pn, const seg *t, size_t tn)
{
	size_t pi = 0, ti = 0, star_p = (size_t)-1, star_t = 0;
	while (ti < tn) {
		if (pi < pn && is_globstar(&p[pi])) {
			star_p = pi++;
			star_t = ti;
		} else if (pi < pn && match_segment(p[pi].s, p[pi].len, t[ti].s, t[ti].len)) {
			pi++;
			ti++;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			ti = ++star_t;
		} else {
			return 0;
		}
	}
	while (pi < pn && is_globstar(&p[pi]))
		pi++;
	return pi == pn;
}

static int pattern_matches(const char *pattern, const seg *t, size_t tn)
{
	static const char star2[] = "**";
	size_t plen = strlen(pattern);
	int anchored, dir_only;
	seg *ps = NULL, *full;
	size_t pn, n = 0;
	int m;
	while (pattern[0] == '.' && pattern[1] == '/')
		pattern += 2, plen -= 2;
	dir_only = plen > 0 && pattern[plen - 1] == '/';
	pn = split(pattern, &ps);
	if (pn == 0) {
		free(ps);
		return 0;
	}
	/* A slash before the end anchors the pattern at the root, as in .gitignore. */
	anchored = pattern[0] == '/' || pn > 1;
	full = pg_xmalloc((pn + 3) * sizeof(seg));
	if (!anchored)
		full[n++] = (seg){star2, 2};
	memcpy(full + n, ps, pn * sizeof(seg));
	n += pn;
	if (dir_only)
		full[n++] = (seg){"*", 1}; /* a folder: something must be below it */
	full[n++] = (seg){star2, 2};       /* a matched folder ignores all below it */
	m = match_segments(full, n, t, tn);
	free(full);
	free(ps);
	return m;
}

int pg_config_ignores(const pg_config *cfg, const char *path)
{
	seg *t = NULL;
	size_t tn;
	int hit = 0;
	if (!cfg->ignore.len)
		return 0;
	tn = split(path, &t);
	for (size_t i = 0; i < cfg->ignore.len && !hit; i++)
		hit = pattern_matches(cfg->ignore.items[i], t, tn);
	free(t);
	return hit;
}
