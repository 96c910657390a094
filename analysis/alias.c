/*
 * alias.c - specifiers to repository paths: relative joins, and the
 * `paths` / `baseUrl` of the nearest tsconfig.json or jsconfig.json
 * (see alias.h).
 *
 * The config that applies to a folder is found by probing tsconfig.json
 * then jsconfig.json in it and in each folder above; the first that exists
 * wins.  Its `extends` chain (relative paths, a string or the last entry of
 * an array; packages are not followed) is read iteratively, at most
 * PG_ALIAS_MAX_EXTENDS deep, a file seen twice ending it.  Like TypeScript,
 * the config nearest the file wins per option; `baseUrl` is relative to the
 * file that sets it; `paths` targets are relative to the effective baseUrl,
 * else to the file that sets `paths`.  A pattern with `*` matches by prefix
 * and suffix, the longest prefix winning, an exact key before any; when no
 * pattern matches, baseUrl joined with the specifier is tried.
 *
 * Config files are JSONC: comments and trailing commas are blanked out
 * here, so the strict JSON reader (json.c) stays strict for everyone else.
 * A config that still does not parse, or is over 1 MB, is ignored (no aliases), not an error:
 * it is the project's, and the check must go on.  The result is memoised
 * per folder, with the list of config paths it depended on.
 */
#include "alias.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

#define PG_ALIAS_MAX_EXTENDS 8
#define PG_ALIAS_MAX_LEVELS 64
/* A tsconfig is a few hundred bytes; one this large is not read (no aliases from it). */
#define PG_ALIAS_MAX_CONFIG_BYTES (1024u * 1024)

typedef struct {
	char *pattern;
	pg_strlist targets; /* repository paths, '*' still in them */
} alias_path;

#define NO_ENTRY ((size_t)-1)

/* One folder: the configs probed in it, and where its options come from. */
typedef struct {
	char *base_url; /* repository path of the effective baseUrl, or NULL */
	alias_path *paths;
	size_t npaths, cpaths;
	pg_strlist deps; /* config paths probed or read for this folder itself */
	size_t from;     /* the folder entry whose config applies (itself when found here), or NO_ENTRY */
	size_t up;       /* the parent folder's entry when none was found here, or NO_ENTRY */
} alias_cfg;

struct pg_alias {
	pg_read_fn read;
	pg_alias_note_fn note;
	void *ctx;
	pg_strmap by_dir; /* folder -> index into cfgs */
	alias_cfg *cfgs;
	size_t ncfgs, ccfgs;
};

pg_alias *pg_alias_new(pg_read_fn read, pg_alias_note_fn note, void *ctx)
{
	pg_alias *al = pg_xcalloc(1, sizeof(*al));
	al->read = read;
	al->note = note;
	al->ctx = ctx;
	return al;
}

static void cfg_free(alias_cfg *c)
{
	free(c->base_url);
	for (size_t i = 0; i < c->npaths; i++) {
		free(c->paths[i].pattern);
		pg_strlist_free(&c->paths[i].targets);
	}
	free(c->paths);
	pg_strlist_free(&c->deps);
}

void pg_alias_free(pg_alias *al)
{
	if (!al)
		return;
	for (size_t i = 0; i < al->ncfgs; i++)
		cfg_free(&al->cfgs[i]);
	free(al->cfgs);
	pg_strmap_free(&al->by_dir);
	free(al);
}

int pg_alias_is_config_path(const char *path)
{
	size_t n = strlen(path);
	return n >= 5 && !strcmp(path + n - 5, ".json");
}

/* ---- JSONC ------------------------------------------------------------- */

/* The index just after the JSON string whose opening quote is at t[i]. */
static size_t after_string(const char *t, size_t len, size_t i)
{
	for (i++; i < len && t[i] != '"'; i++)
		if (t[i] == '\\')
			i++;
	return i + 1;
}

/* Blanks comments (keeping newlines) outside strings. */
static void blank_comments(char *t, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (t[i] == '"') {
			i = after_string(t, len, i);
		} else if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
			for (; i < len && t[i] != '\n'; i++)
				t[i] = ' ';
		} else if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
			size_t j = i + 2;
			while (j < len && !(t[j] == '*' && j + 1 < len && t[j + 1] == '/'))
				j++;
			j = j < len ? j + 2 : len;
			for (; i < j; i++)
				if (t[i] != '\n')
					t[i] = ' ';
		} else {
			i++;
		}
	}
}

void pg_alias_jsonc_to_json(char *t, size_t len)
{
	size_t i = 0;
	blank_comments(t, len);
	while (i < len) {
		if (t[i] == '"') {
			i = after_string(t, len, i);
		} else if (t[i] == ',') {
			size_t j = i + 1;
			while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r'))
				j++;
			if (j < len && (t[j] == '}' || t[j] == ']'))
				t[i] = ' ';
			i++;
		} else {
			i++;
		}
	}
}

/* ---- reading one config chain --------------------------------------------- */

typedef struct {
	pg_json_doc doc;
	char *dir;
} layer;

/* Reads and parses one config; 0 when absent or unreadable as JSONC. */
static int read_layer(pg_alias *al, alias_cfg *c, const char *path, layer *out)
{
	pg_buf b = PG_BUF_INIT;
	int ok;
	pg_strlist_push(&c->deps, path);
	if (al->read(al->ctx, path, &b) != PG_OK || b.len > PG_ALIAS_MAX_CONFIG_BYTES) {
		pg_buf_free(&b);
		pg_error_clear();
		return 0;
	}
	if (b.len)
		pg_alias_jsonc_to_json(b.data, b.len);
	memset(out, 0, sizeof(*out));
	ok = pg_json_parse(&out->doc, b.data, b.len, path) == PG_OK &&
	     pg_json_root(&out->doc)->type == PG_JSON_OBJECT;
	if (!ok) {
		pg_json_free(&out->doc);
		pg_error_clear();
	} else {
		out->dir = pg_path_dirname(path);
	}
	pg_buf_free(&b);
	return ok;
}

/* The relative config a layer extends ("./base", "../tsconfig.json"), or NULL. */
static const char *extends_of(const layer *l)
{
	const pg_json_node *e = pg_json_get(&l->doc, pg_json_root(&l->doc), "extends");
	if (e && e->type == PG_JSON_ARRAY && e->count)
		e = &l->doc.nodes[e->last]; /* the last one's options win */
	if (!e || e->type != PG_JSON_STRING || e->str_len != strlen(e->str))
		return NULL;
	return e->str[0] == '.' ? e->str : NULL;
}

/* The layer's option `key` under compilerOptions, of type `type`, or NULL. */
static const pg_json_node *option(const layer *l, const char *key, pg_json_type type)
{
	const pg_json_node *co = pg_json_get(&l->doc, pg_json_root(&l->doc), "compilerOptions");
	const pg_json_node *v = co && co->type == PG_JSON_OBJECT ? pg_json_get(&l->doc, co, key) : NULL;
	return v && v->type == type ? v : NULL;
}

static void take_paths(alias_cfg *c, const layer *l, const pg_json_node *paths, const char *base)
{
	for (size_t i = 0; i < c->npaths; i++) {
		free(c->paths[i].pattern);
		pg_strlist_free(&c->paths[i].targets);
	}
	c->npaths = 0;
	for (const pg_json_node *m = pg_json_first(&l->doc, paths); m; m = pg_json_next(&l->doc, m)) {
		alias_path *p;
		if (m->type != PG_JSON_ARRAY || !m->key || m->key_len != strlen(m->key))
			continue;
		PG_GROW(c->paths, c->cpaths, c->npaths + 1);
		p = &c->paths[c->npaths++];
		memset(p, 0, sizeof(*p));
		p->pattern = pg_xstrdup(m->key);
		for (const pg_json_node *t = pg_json_first(&l->doc, m); t; t = pg_json_next(&l->doc, t)) {
			if (t->type != PG_JSON_STRING || t->str_len != strlen(t->str) || t->str[0] == '/')
				continue;
			char *joined = pg_path_join(base, t->str);
			pg_strlist_push(&p->targets, joined);
			free(joined);
		}
	}
}

/* The options of the config at `path` and the configs it extends, nearest winning. */
static void read_chain(pg_alias *al, alias_cfg *c, const char *path)
{
	layer layers[PG_ALIAS_MAX_EXTENDS];
	char *seen[PG_ALIAS_MAX_EXTENDS];
	int n = 0, cycle = 0;
	char *cur = pg_xstrdup(path);
	while (cur && n < PG_ALIAS_MAX_EXTENDS) {
		const char *ext;
		for (int i = 0; i < n && !cycle; i++)
			cycle = !strcmp(seen[i], cur);
		if (cycle || !read_layer(al, c, cur, &layers[n]))
			break;
		seen[n] = cur;
		ext = extends_of(&layers[n]);
		cur = NULL;
		if (ext) {
			cur = pg_path_join(layers[n].dir, ext);
			if (!pg_alias_is_config_path(cur)) {
				char *with = pg_xasprintf("%s.json", cur);
				free(cur);
				cur = with;
			}
		}
		n++;
	}
	free(cur);
	for (int i = 0; i < n; i++)
		free(seen[i]);

	/* from the base-most to the nearest: later layers override */
	const layer *paths_layer = NULL;
	const pg_json_node *paths = NULL;
	for (int i = n; i-- > 0;) {
		const pg_json_node *bu = option(&layers[i], "baseUrl", PG_JSON_STRING);
		const pg_json_node *ps = option(&layers[i], "paths", PG_JSON_OBJECT);
		if (bu && bu->str_len == strlen(bu->str)) {
			free(c->base_url);
			c->base_url = pg_path_join(layers[i].dir, bu->str);
		}
		if (ps) {
			paths = ps;
			paths_layer = &layers[i];
		}
	}
	if (paths)
		take_paths(c, paths_layer, paths, c->base_url ? c->base_url : paths_layer->dir);
	for (int i = 0; i < n; i++) {
		pg_json_free(&layers[i].doc);
		free(layers[i].dir);
	}
}

/* The entry of folder `dir`: probes tsconfig.json and jsconfig.json there and,
 * when neither exists, takes its parent's (memoised, so each folder of a run
 * is probed once however many files and specifiers ask). */
static size_t dir_entry(pg_alias *al, const char *dir)
{
	static const char *const names[] = {"tsconfig.json", "jsconfig.json", NULL};
	size_t *known = pg_strmap_get(&al->by_dir, dir, strlen(dir));
	size_t first = al->ncfgs, anchor = NO_ENTRY;
	char *d;
	if (known)
		return *known;
	d = pg_xstrdup(dir);
	for (int level = 0; level < PG_ALIAS_MAX_LEVELS; level++) {
		size_t *k = pg_strmap_get(&al->by_dir, d, strlen(d)), at;
		alias_cfg *c;
		int found = 0;
		if (k) {
			anchor = *k;
			break;
		}
		PG_GROW(al->cfgs, al->ccfgs, al->ncfgs + 1);
		at = al->ncfgs++;
		c = &al->cfgs[at];
		memset(c, 0, sizeof(*c));
		c->from = c->up = NO_ENTRY;
		pg_strmap_put(&al->by_dir, d, strlen(d), at);
		for (int i = 0; names[i] && !found; i++) {
			char *p = pg_path_join(d, names[i]);
			pg_buf b = PG_BUF_INIT;
			found = al->read(al->ctx, p, &b) == PG_OK;
			if (!found)
				pg_error_clear();
			pg_buf_free(&b);
			if (found)
				read_chain(al, c, p); /* records p itself first */
			else
				pg_strlist_push(&c->deps, p);
			free(p);
		}
		if (found) {
			c->from = at;
			break;
		}
		if (!d[0] || !strcmp(d, "/") || !strcmp(d, "."))
			break;
		char *parent = pg_path_dirname(d);
		free(d);
		d = parent;
	}
	free(d);
	/* the entries made here, nearest first: each without a config of its own takes the next one's */
	for (size_t i = al->ncfgs; i-- > first;) {
		alias_cfg *c = &al->cfgs[i];
		if (c->from != NO_ENTRY)
			continue;
		c->up = i + 1 < al->ncfgs ? i + 1 : anchor;
		c->from = c->up == NO_ENTRY ? NO_ENTRY : al->cfgs[c->up].from;
	}
	return first;
}

/* The options that apply to folder `dir` (NULL: no config), noting what they depend on. */
static const alias_cfg *config_for(pg_alias *al, const char *dir)
{
	size_t e = dir_entry(al, dir), from = al->cfgs[e].from;
	for (size_t i = e; al->note && i != NO_ENTRY; i = al->cfgs[i].up) {
		const alias_cfg *c = &al->cfgs[i];
		for (size_t j = 0; j < c->deps.len; j++)
			al->note(al->ctx, c->deps.items[j]);
	}
	return from == NO_ENTRY ? NULL : &al->cfgs[from];
}

/* ---- mapping ------------------------------------------------------------- */

static void push_target(pg_strlist *out, const char *target, const char *star, size_t nstar)
{
	const char *s = strchr(target, '*');
	char *p = s ? pg_xasprintf("%.*s%.*s%s", (int)(s - target), target, (int)nstar, star, s + 1)
	            : pg_xstrdup(target);
	pg_strlist_push(out, p);
	free(p);
}

static size_t map_spec(const alias_cfg *c, const char *spec, pg_strlist *out)
{
	size_t n = strlen(spec), before = out->len, best_len = 0;
	const alias_path *best = NULL, *exact = NULL;
	for (size_t i = 0; i < c->npaths && !exact; i++) {
		const char *p = c->paths[i].pattern, *star = strchr(p, '*');
		if (!star) {
			if (!strcmp(p, spec))
				exact = &c->paths[i];
			continue;
		}
		size_t pre = (size_t)(star - p), suf = strlen(star + 1);
		if (n >= pre + suf && !strncmp(spec, p, pre) && !strcmp(spec + n - suf, star + 1) &&
		    (!best || pre > best_len)) {
			best = &c->paths[i];
			best_len = pre;
		}
	}
	if (exact) {
		for (size_t i = 0; i < exact->targets.len; i++)
			push_target(out, exact->targets.items[i], "", 0);
	} else if (best) {
		const char *star = strchr(best->pattern, '*');
		size_t suf = strlen(star + 1);
		for (size_t i = 0; i < best->targets.len; i++)
			push_target(out, best->targets.items[i], spec + best_len, n - best_len - suf);
	} else if (c->base_url) {
		char *p = pg_path_join(c->base_url, spec);
		pg_strlist_push(out, p);
		free(p);
	}
	return out->len - before;
}

/* Is the specifier relative ('./x', '../x', '.', '..')? */
static int is_relative(const char *spec)
{
	return spec[0] == '.' && (spec[1] == '/' || spec[1] == '\0' ||
	                          (spec[1] == '.' && (spec[2] == '/' || spec[2] == '\0')));
}

int pg_alias_relative_tail(const char *spec, const char **tail, size_t *len)
{
	size_t end = strlen(spec), start;
	if (!is_relative(spec))
		return 0;
	while (end && spec[end - 1] == '/')
		end--;
	for (start = end; start && spec[start - 1] != '/'; start--)
		;
	*tail = spec + start;
	*len = end - start;
	return *len && !(*len == 1 && spec[start] == '.') && !(*len == 2 && !strncmp(spec + start, "..", 2));
}

/* The same for an importer in folder `dir` ("" at the top), for callers that map many specifiers. */
static size_t bases_in(pg_alias *al, const char *dir, const char *spec, pg_strlist *out)
{
	if (is_relative(spec)) {
		char *p = pg_path_join(dir, spec);
		pg_strlist_push(out, p);
		free(p);
		return 1;
	}
	if (spec[0] && spec[0] != '/' && al) {
		const alias_cfg *c = config_for(al, dir);
		return c ? map_spec(c, spec, out) : 0;
	}
	return 0;
}

size_t pg_alias_bases(pg_alias *al, const char *from_path, const char *spec, pg_strlist *out)
{
	char *dir = pg_path_dirname(from_path);
	size_t n = bases_in(al, dir, spec, out);
	free(dir);
	return n;
}
