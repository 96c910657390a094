/*
 * prescan.c - can the text hold an acquisition at all (pg_may_acquire,
 * analyser.h)?  The one owner of that question: the engine asks it before
 * parsing, the module walk before recording call sites, the importer scan
 * of diff/ before reading specifiers; so all three skip the same files.
 *
 * The parser sees an acquisition in a member call whose property is an
 * acquire name; this scan accepts a superset of those texts, so that
 * skipping a file never changes an answer.  It is below everything else
 * in analysis/ (it reads only bytes and the configuration).
 */
#define _GNU_SOURCE /* memmem */
#include "analyser.h"

#include <string.h>

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
 * The name, preceded by a dot (white space and block comments allowed
 * between) and not followed by a character that would make it a longer
 * name: `disconnect(`, `connectionString` and the bare word in prose do not
 * count; `pool.connect<T>(` does.
 */
int pg_may_acquire(const pg_config *cfg, const char *data, size_t len)
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
