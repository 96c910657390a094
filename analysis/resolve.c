/*
 * resolve.c - module specifier to file path (see resolve.h).
 *
 * Candidates are tried in a fixed order, so that two files that could both
 * answer ('./db' with db.js and db.ts side by side) always resolve to the
 * same one, whoever asks.
 */
#include "resolve.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const pg_resolve_suffixes[] = {
	"", ".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".tsx", ".jsx",
	"/index.js", "/index.ts", "/index.mjs", "/index.cjs", "/index.tsx", "/index.jsx", NULL,
};

/* TypeScript sources import './db.js' that is really './db.ts' on disk: pairs by position. */
static const char *const pg_resolve_js[] = {".js", ".mjs", ".cjs", ".jsx", NULL};
static const char *const pg_resolve_ts[] = {".ts", ".mts", ".cts", ".tsx", NULL};

static char *resolve_try(char *candidate, pg_resolve_exists_fn exists, void *ctx)
{
	if (exists(ctx, candidate))
		return candidate;
	free(candidate);
	return NULL;
}

char *pg_resolve_base(const char *base, pg_resolve_exists_fn exists, void *ctx)
{
	char *found = NULL;
	size_t n = strlen(base);

	for (int i = 0; pg_resolve_suffixes[i] && !found; i++)
		found = resolve_try(pg_xasprintf("%s%s", base, pg_resolve_suffixes[i]), exists, ctx);
	for (int i = 0; pg_resolve_js[i] && !found; i++) {
		size_t l = strlen(pg_resolve_js[i]);
		if (n > l && !strcmp(base + n - l, pg_resolve_js[i]))
			found = resolve_try(pg_xasprintf("%.*s%s", (int)(n - l), base, pg_resolve_ts[i]), exists, ctx);
	}
	return found;
}

static int ends_with(const char *s, size_t n, const char *end, size_t l)
{
	return n >= l && !memcmp(s + n - l, end, l);
}

void pg_resolve_stems(const char *path, void (*fn)(void *ctx, const char *base, size_t n), void *ctx)
{
	size_t n = strlen(path);
	pg_buf js = PG_BUF_INIT;

	for (int i = 0; pg_resolve_suffixes[i]; i++) {
		size_t l = strlen(pg_resolve_suffixes[i]);
		if (ends_with(path, n, pg_resolve_suffixes[i], l))
			fn(ctx, path, n - l);
	}
	for (int i = 0; pg_resolve_ts[i]; i++) {
		size_t l = strlen(pg_resolve_ts[i]);
		if (!ends_with(path, n, pg_resolve_ts[i], l))
			continue;
		pg_buf_clear(&js);
		pg_buf_put(&js, path, n - l);
		pg_buf_puts(&js, pg_resolve_js[i]);
		fn(ctx, js.data, js.len);
	}
	pg_buf_free(&js);
}
