/*
 * cases.c - the runner of tests/cases: each file there is one analysis case,
 * a JavaScript or TypeScript source that states what the analysis must find
 * in it (the format is in tests/cases/README.md).
 *
 * Every case is analysed as `src/NAME` (or where its `// path:` line puts
 * it) by the analyser itself (no engine, no cache: analysis/analyser.h),
 * through a source that serves the other files of `src/` from
 * tests/cases/modules/, so relative imports ('./db.js') resolve to the
 * shared sibling modules, and any other path P from tests/cases/modules/P,
 * so that a case can live in a tree with its own tsconfig/jsconfig chain.
 * The findings are compared with the `// expect:` lines: the same count, and
 * each finding, in line order, matching every field its line gives.  A case
 * without an expectation, or with a line the runner cannot read, fails: a
 * case that states nothing cannot fail.
 *
 * PGLEAK_CASES_DIR names the folder (tests/run.sh sets it); one "ok" or
 * "FAIL" line per case.  The empty input, which a file here cannot be (it
 * holds its expectation), is run from here.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyser.h"
#include "unit.h"

#define UNIT_NAME "cases"

/* One `// expect: leak ...` line; 0 / NULL fields were not given. */
typedef struct {
	uint32_t line, exit_line;
	const char *kind, *via; /* as pg_kind_name / pg_via_name spell them */
	char function[128];
	int has_kind, has_via, has_function;
} want;

typedef struct {
	want items[16];
	size_t len;
	int clean;      /* `// expect: clean` */
	char path[256]; /* `// path: P`: analysed as P; "" for src/NAME */
} wants;

static const char *cases_dir;

/* Serves src/X from the modules folder, and any other relative path P from modules/P. */
static int read_module(void *ctx, const char *path, pg_buf *out)
{
	(void)ctx;
	if (path[0] == '/' || strstr(path, ".."))
		return PG_ENOTFOUND;
	if (!strncmp(path, "src/", 4) && !strchr(path + 4, '/'))
		path += 4;
	char *full = pg_xasprintf("%s/modules/%s", cases_dir, path);
	int rc = pg_read_file(full, out);
	free(full);
	return rc;
}

/* Reads "leak line N [kind K] [via V] [exit N] [in FUNCTION]" into *w. */
static int parse_leak(const char *s, want *w)
{
	char word[32], arg[128];
	int n;
	memset(w, 0, sizeof(*w));
	if (sscanf(s, " leak line %u%n", &w->line, &n) != 1)
		return -1;
	s += n;
	while (sscanf(s, " %31s %127s%n", word, arg, &n) == 2) {
		s += n;
		if (!strcmp(word, "kind")) {
			w->kind = !strcmp(arg, "never-released")           ? "never-released"
			          : !strcmp(arg, "release-not-guaranteed") ? "release-not-guaranteed"
			          : !strcmp(arg, "discarded")              ? "discarded"
			                                                   : NULL;
			if (!w->kind)
				return -1;
			w->has_kind = 1;
		} else if (!strcmp(word, "via")) {
			w->via = !strcmp(arg, "return")      ? "return"
			         : !strcmp(arg, "throw")     ? "throw"
			         : !strcmp(arg, "exception") ? "exception"
			         : !strcmp(arg, "end")       ? "end"
			                                     : NULL;
			if (!w->via)
				return -1;
			w->has_via = 1;
		} else if (!strcmp(word, "exit")) {
			if (sscanf(arg, "%u", &w->exit_line) != 1)
				return -1;
		} else if (!strcmp(word, "in")) {
			snprintf(w->function, sizeof(w->function), "%s", arg);
			w->has_function = 1;
		} else {
			return -1;
		}
	}
	return strspn(s, " \t\r") == strlen(s) ? 0 : -1;
}

/* Collects the expectation lines of a case; -1 (message printed) when malformed. */
static int read_wants(const char *name, const pg_buf *text, wants *ws)
{
	const char *p = text->data, *end = text->data + text->len;
	memset(ws, 0, sizeof(*ws));
	if (text->len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	for (uint32_t lineno = 1; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		static const char tag[] = "// expect:", where[] = "// path: ";
		if (len > sizeof(where) - 1 && !strncmp(p, where, sizeof(where) - 1)) {
			snprintf(ws->path, sizeof(ws->path), "%.*s", (int)(len - (sizeof(where) - 1)), p + sizeof(where) - 1);
			ws->path[strcspn(ws->path, "\r")] = '\0';
		} else if (len > sizeof(tag) - 1 && !strncmp(p, tag, sizeof(tag) - 1)) {
			char line[256];
			snprintf(line, sizeof(line), "%.*s", (int)(len - (sizeof(tag) - 1)), p + sizeof(tag) - 1);
			line[strcspn(line, "\r")] = '\0';
			if (!strcmp(line, " clean")) {
				ws->clean = 1;
			} else if (ws->len == sizeof(ws->items) / sizeof(ws->items[0]) ||
			           parse_leak(line, &ws->items[ws->len++])) {
				fprintf(stderr, "    %s:%u: cannot read the expectation '%s'\n", name, lineno, line);
				return -1;
			}
		}
		p += len + 1;
	}
	if (ws->clean == !!ws->len) {
		fprintf(stderr, "    %s: needs either '// expect: clean' or '// expect: leak ...' lines\n", name);
		return -1;
	}
	return 0;
}

static int matches(const want *w, const pg_finding *f)
{
	return w->line == f->line && (!w->has_kind || !strcmp(w->kind, pg_kind_name(f->kind))) &&
	       (!w->has_via || !strcmp(w->via, pg_via_name(f->via))) &&
	       (!w->exit_line || w->exit_line == f->exit_line) &&
	       (!w->has_function || !strcmp(w->function, f->function));
}

static void print_findings(const pg_findings *f)
{
	if (!f->len)
		fprintf(stderr, "      got: no finding\n");
	for (size_t i = 0; i < f->len; i++)
		fprintf(stderr, "      got: leak line %u kind %s via %s exit %u in %s\n", f->items[i].line,
		        pg_kind_name(f->items[i].kind), pg_via_name(f->items[i].via), f->items[i].exit_line,
		        f->items[i].function);
}

/* Analyses the bytes as `as` (NULL or "": src/NAME) into *f; -1 (message printed) on an engine error. */
static int analyse(const char *name, const char *as, const char *data, size_t len, pg_findings *f)
{
	char *path = as && *as ? pg_xstrdup(as) : pg_xasprintf("src/%s", name);
	pg_config cfg;
	pg_source source = {read_module, NULL, NULL};
	pg_analyser *a = NULL;
	int rc = 0;
	pg_config_init(&cfg);
	if (pg_analyser_new(&a, &cfg, &source) || pg_analyser_check(a, path, data, len, f, NULL)) {
		fprintf(stderr, "    %s: engine error: %s\n", name, pg_error_last());
		rc = -1;
	}
	pg_findings_sort(f);
	pg_analyser_free(a);
	pg_config_free(&cfg);
	free(path);
	return rc;
}

static void report(const char *name)
{
	printf("%s %s:%s\n", unit_case_failed ? "FAIL" : "ok", UNIT_NAME, name);
	fflush(stdout);
	unit_failures += unit_case_failed;
}

/* The one case a file cannot hold (it needs its expectation line): no bytes at all. */
static void run_empty(void)
{
	pg_findings f;
	pg_findings_init(&f);
	unit_case_failed = analyse("empty.js", NULL, "", 0, &f) || f.len;
	if (f.len)
		print_findings(&f);
	report("(no bytes)");
	pg_findings_free(&f);
}

static void run_case(const char *name)
{
	char *file = pg_xasprintf("%s/%s", cases_dir, name);
	pg_buf text = PG_BUF_INIT;
	pg_findings f;
	wants ws;
	pg_findings_init(&f);
	unit_case_failed = 0;
	if (pg_read_file(file, &text)) {
		fprintf(stderr, "    %s: %s\n", name, pg_error_last());
		unit_case_failed = 1;
	} else if (read_wants(name, &text, &ws) || analyse(name, ws.path, text.data, text.len, &f)) {
		unit_case_failed = 1;
	} else {
		int ok = f.len == ws.len;
		for (size_t i = 0; ok && i < f.len; i++)
			ok = matches(&ws.items[i], &f.items[i]);
		if (!ok) {
			fprintf(stderr, "    %s: the findings differ from its %zu expected\n", name, ws.len);
			print_findings(&f);
			unit_case_failed = 1;
		}
	}
	report(name);
	pg_findings_free(&f);
	pg_buf_free(&text);
	free(file);
}

static int is_case(const struct dirent *d)
{
	return d->d_name[0] != '.' && pg_lang_from_path(d->d_name) != PG_LANG_NONE;
}

int main(void)
{
	struct dirent **names;
	cases_dir = getenv("PGLEAK_CASES_DIR");
	if (!cases_dir)
		cases_dir = "tests/cases";
	int n = scandir(cases_dir, &names, is_case, alphasort);
	if (n <= 0) {
		fprintf(stderr, "    no cases in %s\n", cases_dir);
		printf("FAIL %s:found\n", UNIT_NAME);
		return 1;
	}
	run_empty();
	for (int i = 0; i < n; i++) {
		run_case(names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return unit_failures ? 1 : 0;
}
