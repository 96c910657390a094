/*
 * analysis.c - unit tests of analysis functions called directly, where a
 * case file (tests/cases, run by cases.c) cannot reach: the JSONC reader
 * that tsconfig/jsconfig files go through before the strict JSON parser,
 * the last name of a relative specifier that the importer scan compares, and
 * the language a path's extension gives (every index entry is asked).
 * Everything that is "this source must give these findings" is a case file.
 */
#include <string.h>

#include "alias.h"
#include "json.h"
#include "types.h"
#include "unit.h"

#define UNIT_NAME "analysis"

/* tsconfig is JSONC: made strict JSON of the same shape, the strict reader unchanged. */
static void test_jsonc(void)
{
	char text[] = "{\n  // c\n  \"a\": [1, 2,], /* x */\n  \"b\": \"//not a comment,}\",\n}\n";
	pg_json_doc doc = PG_JSON_DOC_INIT;
	CHECK(pg_json_parse(&doc, text, strlen(text), "t") != PG_OK);
	pg_error_clear();
	pg_alias_jsonc_to_json(text, strlen(text));
	CHECK(pg_json_parse(&doc, text, strlen(text), "t") == PG_OK);
	const pg_json_node *b = pg_json_get(&doc, pg_json_root(&doc), "b");
	CHECK(b && !strcmp(b->str, "//not a comment,}"));
	CHECK(pg_json_root(&doc)->count == 2);
	pg_json_free(&doc);
}

static int tail_is(const char *spec, const char *want)
{
	const char *t;
	size_t n;
	if (!pg_alias_relative_tail(spec, &t, &n))
		return want == NULL;
	return want && n == strlen(want) && !memcmp(t, want, n);
}

/* Every base of a relative specifier ends in its last name; '.', '..' and bare specifiers give none. */
static void test_relative_tail(void)
{
	CHECK(tail_is("./db", "db"));
	CHECK(tail_is("../lib/db.js", "db.js"));
	CHECK(tail_is("./lib/", "lib"));
	CHECK(tail_is("./lib//", "lib"));
	CHECK(tail_is("./lib/..", NULL));
	CHECK(tail_is("./lib/.", NULL));
	CHECK(tail_is(".", NULL));
	CHECK(tail_is("..", NULL));
	CHECK(tail_is("./", NULL));
	CHECK(tail_is("@/lib/db", NULL));
	CHECK(tail_is("pg", NULL));
	CHECK(tail_is(".hidden/x", NULL));
}

static void test_lang_from_path(void)
{
	CHECK(pg_lang_from_path("a/b.js") == PG_LANG_JS);
	CHECK(pg_lang_from_path("b.mjs") == PG_LANG_JS);
	CHECK(pg_lang_from_path("b.cjs") == PG_LANG_JS);
	CHECK(pg_lang_from_path("x/b.jsx") == PG_LANG_JS);
	CHECK(pg_lang_from_path("b.ts") == PG_LANG_TS);
	CHECK(pg_lang_from_path("b.mts") == PG_LANG_TS);
	CHECK(pg_lang_from_path("b.cts") == PG_LANG_TS);
	CHECK(pg_lang_from_path("src/b.tsx") == PG_LANG_TSX);
	CHECK(pg_lang_from_path("types/b.d.ts") == PG_LANG_NONE);
	CHECK(pg_lang_from_path("b.d.mts") == PG_LANG_NONE);
	CHECK(pg_lang_from_path(".js") == PG_LANG_JS);
	CHECK(pg_lang_from_path("x/.ts") == PG_LANG_TS);
	CHECK(pg_lang_from_path("dir.js/file") == PG_LANG_NONE);
	CHECK(pg_lang_from_path("dir.js/") == PG_LANG_NONE);
	CHECK(pg_lang_from_path("a.json") == PG_LANG_NONE);
	CHECK(pg_lang_from_path("a.markdown") == PG_LANG_NONE);
	CHECK(pg_lang_from_path("a.xjs") == PG_LANG_NONE);
	CHECK(pg_lang_from_path("js") == PG_LANG_NONE);
	CHECK(pg_lang_from_path("") == PG_LANG_NONE);
	CHECK(pg_lang_from_path("a.") == PG_LANG_NONE);
}

int main(void)
{
	RUN(test_jsonc);
	RUN(test_relative_tail);
	RUN(test_lang_from_path);
	return unit_failures ? 1 : 0;
}
