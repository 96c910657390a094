/*
 * deps.c - finding importers of changed files without parsing them.
 *
 * Every quoted string that starts with "./" or "../" is taken as a
 * specifier: resolving it against the importer's folder and comparing it,
 * extension aside, with the changed paths over-approximates the imports
 * (a string that merely looks like a path adds a file to check, never
 * drops one).  A blob is only scanned when it contains the name of a
 * changed file at all, which rules out most files after one memmem.
 * One level of importers is followed: the engine itself resolves a pool or
 * helper one module away.
 */
#define _GNU_SOURCE /* memmem */
#include "deps.h"

#include <stdlib.h>
#include <string.h>

#include "repo.h"

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

/* The last path segment of a module key: what an importer's text must contain. */
static const char *key_name(const char *key)
{
	const char *slash = strrchr(key, '/');
	return slash ? slash + 1 : key;
}

/* Does `text` import one of `keys` (module keys of the changed files)? */
static int imports_any(const char *importer, const char *text, size_t len, const pg_strlist *keys)
{
	char *dir = pg_path_dirname(importer);
	size_t i;
	int found = 0;
	for (i = 0; i + 2 < len && !found; i++) {
		char q = text[i], *spec, *target, *key;
		size_t j;
		if (q != '\'' && q != '"' && q != '`')
			continue;
		if (text[i + 1] != '.' || (text[i + 2] != '/' && !(text[i + 2] == '.' && i + 3 < len && text[i + 3] == '/')))
			continue;
		for (j = i + 1; j < len && j - i < MAX_SPECIFIER && text[j] != q && text[j] != '\n'; j++)
			;
		if (j >= len || text[j] != q)
			continue;
		spec = pg_xstrndup(text + i + 1, j - i - 1);
		target = pg_path_join(dir, spec);
		key = module_key(target);
		found = pg_strlist_has(keys, key);
		free(key);
		free(target);
		free(spec);
		i = j;
	}
	free(dir);
	return found;
}

int pg_git_deps_collect(pg_strlist *out, const pg_git_side *side, const pg_git_changes *changes,
                        const pg_config *cfg)
{
	pg_strlist files = {0}, keys = {0};
	pg_buf b = PG_BUF_INIT;
	size_t i, k;
	int rc = PG_OK;

	if (changes->len == 0)
		return PG_OK;
	for (i = 0; i < changes->len; i++) {
		char *key = module_key(changes->items[i].new_path);
		if (*key_name(key))
			pg_strlist_push(&keys, key);
		free(key);
	}
	rc = pg_git_side_list(side, &files);
	for (i = 0; i < files.len && rc == PG_OK; i++) {
		const char *path = files.items[i];
		int mentions = 0;
		if (pg_git_changes_find(changes, path) || pg_config_ignores(cfg, path))
			continue;
		rc = pg_git_side_read(side, path, &b);
		if (rc < 0)
			break;
		for (k = 0; k < keys.len && !mentions; k++) {
			const char *name = key_name(keys.items[k]);
			mentions = memmem(b.data, b.len, name, strlen(name)) != NULL;
		}
		if (mentions && imports_any(path, b.data, b.len, &keys))
			pg_strlist_push(out, path);
	}
	pg_buf_free(&b);
	pg_strlist_free(&files);
	pg_strlist_free(&keys);
	return rc;
}
