/*
 * analysis.c - unit tests of the analysis, one construct at a time.
 *
 * Each case is a small source file and the findings it must produce, as
 * "line:kind:via:exit_line" strings (kind n = never-released, g = release-
 * not-guaranteed, d = discarded; via r/t/e/x = return/throw/exception/end,
 * or * for "any").  The engine runs on the bytes with a source that serves
 * a few sibling files, so cross-file cases resolve too.
 *
 * Most cases live as files in tests/cases (run by cases.c).  The ones here
 * need what a case file cannot state yet: sibling folders with their own
 * tsconfig/jsconfig chains (path aliases), the JSONC reader called directly,
 * and the module-lifetime cases that landed with them; they move to
 * tests/cases when its runner serves nested folders.
 */
#include <string.h>

#include "alias.h"
#include "engine.h"
#include "json.h"
#include "unit.h"

#define UNIT_NAME "analysis"

#define PG "import { Pool } from 'pg';\nconst pool = new Pool();\n"

typedef struct {
	const char *path;
	const char *text;
} file;

static const file siblings[] = {
	{"src/db.js", "import { Pool } from 'pg';\nexport const pool = new Pool();\nexport default pool;\n"},
	{"src/cjs.js", "const { Pool } = require('pg');\nmodule.exports = new Pool();\n"},
	{"src/reexport.ts", "export { pool as db } from './db';\n"},
	{"src/helpers.js", "export function done(c) { c.release(); }\nexport function maybe(c, x) { if (x) c.release(); }\n"
	                   "export async function prep(c) { await c.query('SET x'); }\n"},
	{"src/objhelpers.js", "function releaseAll(c) { c.release(); }\nfunction keep(c) { return c.query('x'); }\n"
	                      "module.exports = { releaseAll, keep, inline: (c) => c.release(),\n"
	                      "  db: { done(c) { c.release(); }, keep: function (c) { c.query('y'); } } };\n"},
	{"src/named_object.js", "const api = { put(c) { c.release(); }, look(c) { return c.query('x'); } };\n"
	                        "module.exports = api;\n"},
	{"src/cbhelpers.js", "exports.stop = function (c) {\n  c.query('ROLLBACK', () => c.release());\n};\n"},
	{"src/notpool.js", "import { Pool } from 'undici';\nexport const pool = new Pool('http://x');\n"},
	/* item 9: an app whose tsconfig extends a JSONC base that maps @/ to src/ */
	{"cfg/base.json", "{\n  // shared\n  \"compilerOptions\": {\n    \"baseUrl\": \"../app\", /* the app */\n"
	                  "    \"paths\": { \"@/*\": [\"./src/*\"], },\n  },\n}\n"},
	{"app/tsconfig.json", "{ \"extends\": \"../cfg/base\" }\n"},
	{"app/src/lib/db.ts", "import { Pool } from 'pg';\nexport const pool = new Pool();\n"},
	{"app/src/lib/helpers.ts", "export function done(c) { c.release(); }\nexport function keep(c) {}\n"},
	{"js/jsconfig.json", "{ \"compilerOptions\": { \"baseUrl\": \".\" } }\n"},
	{"js/lib/db.js", "const { Pool } = require('pg');\nmodule.exports = new Pool();\n"},
	/* extends chains that loop */
	{"loop/tsconfig.json", "{ \"extends\": \"./b.json\", \"compilerOptions\": { \"paths\": { \"@/*\": [\"x/*\"] } } }\n"},
	{"loop/b.json", "{ \"extends\": \"./tsconfig.json\" }\n"},
	{"loop/x/db.ts", "import { Pool } from 'pg';\nexport const pool = new Pool();\n"},
	{NULL, NULL},
};

static int read_sibling(void *ctx, const char *path, pg_buf *out)
{
	(void)ctx;
	for (int i = 0; siblings[i].path; i++)
		if (!strcmp(siblings[i].path, path)) {
			pg_buf_clear(out);
			pg_buf_puts(out, siblings[i].text);
			return PG_OK;
		}
	return PG_ENOTFOUND;
}

static char kind_letter(pg_kind k)
{
	return k == PG_KIND_NEVER_RELEASED ? 'n' : k == PG_KIND_NOT_GUARANTEED ? 'g' : 'd';
}

static char via_letter(pg_via v)
{
	return v == PG_VIA_RETURN ? 'r' : v == PG_VIA_THROW ? 't' : v == PG_VIA_EXCEPTION ? 'e' : 'x';
}

/* Runs one case; `want` is a space-separated list of "line:kind[:via[:exit]]". */
static void expect(const char *path, const char *src, const char *want)
{
	pg_config cfg;
	pg_source source = {read_sibling, NULL, NULL};
	pg_engine *e;
	pg_findings f;
	char got[512] = "";
	pg_config_init(&cfg);
	pg_findings_init(&f);
	pg_engine_new(&e, &cfg, &source);
	if (pg_engine_check_buffer(e, path, src, strlen(src), &f, NULL) != PG_OK) {
		fprintf(stderr, "    %s: engine error: %s\n", path, pg_error_last());
		unit_case_failed = 1;
	}
	pg_findings_sort(&f);
	for (size_t i = 0; i < f.len; i++) {
		char one[64];
		snprintf(one, sizeof(one), "%s%u:%c:%c:%u", i ? " " : "", f.items[i].line,
		         kind_letter(f.items[i].kind), via_letter(f.items[i].via), f.items[i].exit_line);
		strncat(got, one, sizeof(got) - strlen(got) - 1);
	}
	/* compare, letting the expectation stop early in each item */
	const char *w = want, *g = got;
	int ok = 1;
	while (*w || *g) {
		size_t wl = strcspn(w, " "), gl = strcspn(g, " ");
		if (!wl || !gl || wl > gl || strncmp(w, g, wl) || (wl < gl && g[wl] != ':'))
			ok = 0;
		if (!ok)
			break;
		w += wl + (w[wl] == ' ');
		g += gl + (g[gl] == ' ');
	}
	if (!ok) {
		fprintf(stderr, "    %s: want [%s] got [%s]\n", path, want, got);
		unit_case_failed = 1;
	}
	pg_findings_free(&f);
	pg_engine_free(e);
	pg_config_free(&cfg);
}


/* Issue 9 item 8: a module-level client captured by exported functions is the module's. */
static void test_module_lifetime(void)
{
	expect("src/a.mjs", PG "const client = await pool.connect();\nexport async function q(sql) {\n  return client.query(sql);\n}\n", "");
	expect("src/a.mjs", PG "const client = await pool.connect();\nexport async function q(sql) {\n  return pool.query(sql);\n}\n", "3:n");
	/* captured only by a function nobody outside can call */
	expect("src/a.mjs", PG "const client = await pool.connect();\nasync function q(sql) {\n  return client.query(sql);\n}\n", "3:n");
	/* a method of an exported class; CommonJS exports by name */
	expect("src/a.mjs", PG "const client = await pool.connect();\nexport class Repo {\n  find(id) {\n    return client.query('x', [id]);\n  }\n}\n", "");
	expect("src/a.js", PG "let client;\nasync function init() {\n  client = await pool.connect();\n}\n"
	       "function q(s) {\n  return client.query(s);\n}\nmodule.exports = { init, q };\n", "");
	/* a module-level `let` assigned at the top level: kept when an export reads it, a leak when nothing does */
	expect("src/a.mjs", PG "let client;\nclient = await pool.connect();\nexport function q(s) {\n  return client.query(s);\n}\n", "");
	expect("src/a.mjs", PG "let client;\nclient = await pool.connect();\nawait client.query('SET x');\n"
	       "export function q(s) {\n  return pool.query(s);\n}\n", "4:n");
	/* assigned in an init function: stored into an outer variable, a hand-over (§4) */
	expect("src/a.mjs", PG "let client;\nexport async function init() {\n  client = await pool.connect();\n}\n"
	       "export function q(s) {\n  return client.query(s);\n}\n", "");
	/* the client variable itself exported: importers share it */
	expect("src/a.mjs", PG "export const client = await pool.connect();\n", "");
	expect("src/a.mjs", PG "const client = await pool.connect();\nexport { pool, client };\n", "");
	expect("src/a.mjs", PG "const client = await pool.connect();\nexport { pool };\n", "3:n");
	/* still a leak when discarded */
	expect("src/a.mjs", PG "await pool.connect();\nexport async function q(sql) {\n  return pool.query(sql);\n}\n", "3:d");
}

/* Issue 9 item 9: specifiers mapped by the nearest tsconfig/jsconfig resolve like relative ones. */
static void test_path_aliases(void)
{
	const char *use = "export async function f() {\n  const c = await pool.connect();\n  await c.foo();\n}\n";
	char src[512];
	snprintf(src, sizeof(src), "import { pool } from '@/lib/db';\n%s", use);
	expect("app/src/routes/a.ts", src, "3:n");
	snprintf(src, sizeof(src), "import { pool } from '@/lib/none';\n%s", use);
	expect("app/src/routes/a.ts", src, "");
	/* the same specifier outside the config's folder maps to nothing */
	snprintf(src, sizeof(src), "import { pool } from '@/lib/db';\n%s", use);
	expect("other/a.ts", src, "");
	/* jsconfig baseUrl, CommonJS */
	expect("js/routes/a.js", "const pool = require('lib/db');\nasync function f() {\n  const c = await pool.connect();\n  await c.foo();\n}\n",
	       "3:n");
	/* helper summaries through an alias: keep() leaves the leak with the caller, an unknown callee takes it */
	const char *helper = "export async function f() {\n  const c = await pool.connect();\n  try {\n    await c.query('x');\n"
	                     "  } finally {\n    %s(c);\n  }\n}\n";
	char body[256];
	snprintf(body, sizeof(body), helper, "keep");
	snprintf(src, sizeof(src), "import { pool } from '@/lib/db';\nimport { keep } from '@/lib/helpers';\n%s", body);
	expect("app/src/routes/a.ts", src, "4:n");
	snprintf(src, sizeof(src), "import { pool } from '@/lib/db';\nimport { keep } from '@/lib/nohelpers';\n%s", body);
	expect("app/src/routes/a.ts", src, "");
	snprintf(body, sizeof(body), helper, "done");
	snprintf(src, sizeof(src), "import { pool } from '@/lib/db';\nimport { done } from '@/lib/helpers';\n%s", body);
	expect("app/src/routes/a.ts", src, "");
	/* a cycle of extends ends; the nearest config's own paths still apply */
	snprintf(src, sizeof(src), "import { pool } from '@/db';\n%s", use);
	expect("loop/src/a.ts", src, "3:n");
}

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

/* console and the timers do not throw only where no declaration rebinds their name (scope). */
static void test_console_and_timers_by_scope(void)
{
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n"
	       "  console.log('x');\n  c.release();\n}\n", "");
	expect("src/a.js", PG "async function f(console) {\n  const c = await pool.connect();\n"
	       "  console.log('x');\n  c.release();\n}\n", "4:g:e:5");
	expect("src/a.js", PG "async function f(setTimeout) {\n  const c = await pool.connect();\n"
	       "  setTimeout(() => {}, 1);\n  c.release();\n}\n", "4:g:e:5");
}

int main(void)
{
	RUN(test_module_lifetime);
	RUN(test_path_aliases);
	RUN(test_jsonc);
	RUN(test_console_and_timers_by_scope);
	return unit_failures ? 1 : 0;
}
