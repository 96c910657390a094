/*
 * findings.c - the lists of findings and units the engine hands out, and
 * the names of kinds and exits as the JSON contract spells them.
 */
#include "types.h"

#include <stdlib.h>
#include <string.h>

const char *pg_kind_name(pg_kind kind)
{
	switch (kind) {
	case PG_KIND_NEVER_RELEASED: return "never-released";
	case PG_KIND_NOT_GUARANTEED: return "release-not-guaranteed";
	case PG_KIND_DISCARDED: return "discarded";
	}
	return "unknown";
}

const char *pg_via_name(pg_via via)
{
	switch (via) {
	case PG_VIA_RETURN: return "return";
	case PG_VIA_THROW: return "throw";
	case PG_VIA_EXCEPTION: return "exception";
	case PG_VIA_END: return "end";
	}
	return "end";
}

int pg_is_declaration_file(const char *path)
{
	size_t n = strlen(path);
	const char *e = path + n;
	return (n >= 5 && !memcmp(e - 5, ".d.ts", 5)) ||
	       (n >= 6 && (!memcmp(e - 6, ".d.mts", 6) || !memcmp(e - 6, ".d.cts", 6)));
}

int pg_folder_is_skipped(const char *name)
{
	return name[0] == '.' || !strcmp(name, "node_modules");
}

int pg_path_in_node_modules(const char *path)
{
	for (const char *p = path; (p = strstr(p, "node_modules")) != NULL; p++)
		if ((p == path || p[-1] == '/') && (p[12] == '\0' || p[12] == '/'))
			return 1;
	return 0;
}

/* Is the extension at `dot` (n bytes, up to the end) `ext`?  Lengths first: memcmp of a known size is inlined. */
#define PG_EXT_IS(dot, n, ext) ((n) == sizeof(ext) - 1 && !memcmp((dot), (ext), sizeof(ext) - 1))

pg_lang pg_lang_from_path(const char *path)
{
	/* the extension found from the end, in one pass: every index entry of a repository comes here */
	const char *end = path + strlen(path), *dot = end;
	size_t n;
	while (dot > path && dot[-1] != '.' && dot[-1] != '/' && end - dot < 4)
		dot--;
	if (dot == path || dot[-1] != '.')
		return PG_LANG_NONE;
	dot--;
	n = (size_t)(end - dot);
	if (PG_EXT_IS(dot, n, ".js") || PG_EXT_IS(dot, n, ".mjs") || PG_EXT_IS(dot, n, ".cjs") ||
	    PG_EXT_IS(dot, n, ".jsx"))
		return PG_LANG_JS;
	if (PG_EXT_IS(dot, n, ".ts") || PG_EXT_IS(dot, n, ".mts") || PG_EXT_IS(dot, n, ".cts"))
		return pg_is_declaration_file(path) ? PG_LANG_NONE : PG_LANG_TS;
	if (PG_EXT_IS(dot, n, ".tsx"))
		return PG_LANG_TSX;
	return PG_LANG_NONE;
}

void pg_findings_init(pg_findings *f)
{
	memset(f, 0, sizeof(*f));
}

static void finding_free(pg_finding *f)
{
	free(f->path);
	free(f->function);
	free(f->message);
	free(f->path_text);
	free(f->hint);
	memset(f, 0, sizeof(*f));
}

void pg_findings_free(pg_findings *f)
{
	for (size_t i = 0; i < f->len; i++)
		finding_free(&f->items[i]);
	free(f->items);
	pg_findings_init(f);
}

static char *dup_or_null(const char *s)
{
	return s ? pg_xstrdup(s) : NULL;
}

int pg_findings_push_copy(pg_findings *f, const pg_finding *src)
{
	pg_finding *d;
	PG_GROW(f->items, f->cap, f->len + 1);
	d = &f->items[f->len++];
	*d = *src;
	d->path = dup_or_null(src->path);
	d->function = dup_or_null(src->function);
	d->message = dup_or_null(src->message);
	d->path_text = dup_or_null(src->path_text);
	d->hint = dup_or_null(src->hint);
	return PG_OK;
}

static int cmp_finding(const void *a, const void *b)
{
	const pg_finding *x = a, *y = b;
	int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return 0;
}

void pg_findings_sort(pg_findings *f)
{
	if (f->len > 1)
		qsort(f->items, f->len, sizeof(f->items[0]), cmp_finding);
}

void pg_units_init(pg_units *u)
{
	memset(u, 0, sizeof(*u));
}

void pg_units_free(pg_units *u)
{
	for (size_t i = 0; i < u->len; i++)
		free(u->items[i].name);
	free(u->items);
	pg_units_init(u);
}
