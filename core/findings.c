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
	static const char *const ends[] = {".d.ts", ".d.mts", ".d.cts"};
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t k = strlen(ends[i]);
		if (n >= k && !strcmp(path + n - k, ends[i]))
			return 1;
	}
	return 0;
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

pg_lang pg_lang_from_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (!dot || (slash && dot < slash))
		return PG_LANG_NONE;
	if (!strcmp(dot, ".js") || !strcmp(dot, ".mjs") || !strcmp(dot, ".cjs") || !strcmp(dot, ".jsx"))
		return PG_LANG_JS;
	if (!strcmp(dot, ".ts") || !strcmp(dot, ".mts") || !strcmp(dot, ".cts"))
		return pg_is_declaration_file(path) ? PG_LANG_NONE : PG_LANG_TS;
	if (!strcmp(dot, ".tsx"))
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
