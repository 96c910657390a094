/*
 * analysis.c - unit tests of the analysis, one construct at a time.
 *
 * Each case is a small source file and the findings it must produce, as
 * "line:kind:via:exit_line" strings (kind n = never-released, g = release-
 * not-guaranteed, d = discarded; via r/t/e/x = return/throw/exception/end,
 * or * for "any").  The engine runs on the bytes with a source that serves
 * a few sibling files, so cross-file cases resolve too.
 */
#include <stdio.h>
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

static void test_straight_line(void)
{
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  c.release();\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  await c.query('x');\n  c.release();\n}\n",
	       "4:g:e:5");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  return 1;\n}\n", "4:n:r:5");
}

static void test_try_finally(void)
{
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  try {\n    return await c.query('x');\n"
	       "  } finally {\n    c.release();\n  }\n}\n", "");
	/* a finally that awaits before releasing */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  try {\n    return await c.query('x');\n"
	       "  } finally {\n    await c.query('RESET');\n    c.release();\n  }\n}\n", "4:g:e:8");
	/* release in try and catch, catch rethrows */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  try {\n    await c.query('x');\n"
	       "    c.release();\n  } catch (e) {\n    c.release();\n    throw e;\n  }\n}\n", "");
	/* nested finally: both levels */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  try {\n    try {\n      return 1;\n"
	       "    } finally {\n      await g();\n    }\n  } finally {\n    c.release();\n  }\n}\n", "");
}

static void test_let_and_checks(void)
{
	expect("src/a.js", PG "async function f() {\n  let c;\n  try {\n    c = await pool.connect();\n    await c.query('x');\n"
	       "  } finally {\n    if (c) c.release();\n  }\n}\n", "");
	expect("src/a.ts", PG "async function f() {\n  let c: any;\n  try {\n    c = await pool.connect();\n    await c.query('x');\n"
	       "  } finally {\n    c?.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  let c;\n  try {\n    c = await pool.connect();\n    await c.query('x');\n"
	       "  } finally {\n    if (typeof c !== 'undefined') c.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  let c;\n  try {\n    c = await pool.connect();\n    await c.query('x');\n"
	       "  } finally {\n    c && c.release();\n  }\n}\n", "");
	/* a released flag */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  let released = false;\n  try {\n"
	       "    await c.query('x');\n    c.release();\n    released = true;\n    await g();\n  } finally {\n"
	       "    if (!released) c.release();\n  }\n}\n", "");
	/* a flag that is never set leaves the path open */
	expect("src/a.js", PG "async function f(keep) {\n  const c = await pool.connect();\n  try {\n    await c.query('x');\n"
	       "  } finally {\n    if (!keep) c.release();\n  }\n}\n", "4:g");
}

static void test_loops(void)
{
	expect("src/a.js", PG "async function f(xs) {\n  for (const x of xs) {\n    const c = await pool.connect();\n    try {\n"
	       "      if (x) continue;\n      if (!x) break;\n      await c.query('x');\n    } finally {\n      c.release();\n    }\n  }\n}\n",
	       "");
	/* release after the loop covers the last iteration only */
	expect("src/a.js", PG "async function f(xs) {\n  let c;\n  for (const x of xs) {\n    c = await pool.connect();\n  }\n"
	       "  if (c) c.release();\n}\n", "6:g");
	/* continue skips the release */
	expect("src/a.js", PG "async function f(xs) {\n  for (let i = 0; i < xs.length; i++) {\n    const c = await pool.connect();\n"
	       "    if (xs[i]) continue;\n    c.release();\n  }\n}\n", "5:g");
	expect("src/a.js", PG "async function f() {\n  do {\n    const c = await pool.connect();\n    c.release();\n  } while (more());\n}\n",
	       "");
	expect("src/a.js", PG "async function f() {\n  while (more()) {\n    const c = await pool.connect();\n    if (x) break;\n"
	       "    c.release();\n  }\n}\n", "5:g");
	/* labelled break out of two loops through a finally */
	expect("src/a.js", PG "async function f(a) {\n  outer: for (const x of a) {\n    for (const y of x) {\n"
	       "      const c = await pool.connect();\n      try {\n        if (y) break outer;\n      } finally {\n        c.release();\n"
	       "      }\n    }\n  }\n}\n", "");
	expect("src/a.js", PG "async function f(a) {\n  outer: for (const x of a) {\n    const c = await pool.connect();\n"
	       "    for (const y of x) {\n      if (y) break outer;\n    }\n    c.release();\n  }\n}\n", "5:g");
}

static void test_switch(void)
{
	expect("src/a.js", PG "async function f(k) {\n  const c = await pool.connect();\n  switch (k) {\n  case 1:\n    c.release();\n"
	       "    return 1;\n  case 2:\n    return 2;\n  default:\n    c.release();\n  }\n}\n", "4:g:r:10");
	expect("src/a.js", PG "async function f(k) {\n  const c = await pool.connect();\n  switch (k) {\n  case 1:\n  case 2:\n"
	       "    c.release();\n    break;\n  default:\n    c.release();\n  }\n}\n", "");
}

static void test_conditional_expressions(void)
{
	expect("src/a.js", PG "async function f(x) {\n  const c = await pool.connect();\n  x ? c.release() : null;\n}\n", "4:g:x");
	expect("src/a.js", PG "async function f(x) {\n  const c = await pool.connect();\n  x ?? c.release();\n}\n", "4:g:x");
	expect("src/a.js", PG "async function f(x) {\n  const c = await pool.connect();\n  x || c.release();\n}\n", "4:g:x");
	expect("src/a.js", PG "async function f(x) {\n  const c = await pool.connect();\n  x ? c.release() : c.release();\n}\n", "");
}

/* Issue 9 item 1 (semantics v2 §1): a checkout inside an expression is an
 * acquisition on the branch that evaluates it; the test is a path guard. */
static void test_acquisition_in_expressions(void)
{
#define TRY_Q "  try {\n    return await c.query('x');\n  } finally {\n"
	/* each form, with the release guarded by the same test: safe */
	expect("src/a.js", PG "async function f(held) {\n  const c = held ? held : await pool.connect();\n" TRY_Q
	       "    if (!held) c.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f(held) {\n  const c = held || await pool.connect();\n" TRY_Q
	       "    if (!held) c.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f(q, own) {\n  const c = own ? await q.connect() : q;\n" TRY_Q
	       "    if (own) c.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f(x) {\n  let c;\n  c = x ?? await pool.connect();\n" TRY_Q
	       "    if (x == null) c.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f(need) {\n  const c = need && await pool.connect();\n  if (!need) return null;\n"
	       TRY_Q "    c.release();\n  }\n}\n", "");
	/* nesting, parentheses, a member as the guard, the await around the whole expression */
	expect("src/a.js", PG "async function f(a1, a2) {\n  const c = a1 ? a1 : (a2 || await pool.connect());\n" TRY_Q
	       "    if (!a1 && !a2) c.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f(o) {\n  const c = await (o.client !== undefined ? o.client : pool.connect());\n"
	       TRY_Q "    if (o.client === undefined) c.release();\n  }\n}\n", "");
	/* an unconditional release is safe on both branches */
	expect("src/a.js", PG "async function f(held) {\n  const c = held || await pool.connect();\n" TRY_Q
	       "    c.release();\n  }\n}\n", "");
	/* the twins: the guard the wrong way round, or a throw before the try */
	expect("src/a.js", PG "async function f(held) {\n  const c = held ? held : await pool.connect();\n" TRY_Q
	       "    if (held) c.release();\n  }\n}\n", "4:n:r:6");
	expect("src/a.js", PG "async function f(held) {\n  const c = held || await pool.connect();\n" TRY_Q
	       "    if (held) c.release();\n  }\n}\n", "4:n:r:6");
	expect("src/a.js", PG "async function f(q, own) {\n  const c = own ? await q.connect() : q;\n" TRY_Q
	       "    if (!own) c.release();\n  }\n}\n", "4:n:r:6");
	expect("src/a.js", PG "async function f(x) {\n  let c;\n  c = x ?? await pool.connect();\n" TRY_Q
	       "    if (x != null) c.release();\n  }\n}\n", "5:n:r:7");
	expect("src/a.js", PG "async function f(need) {\n  const c = need && await pool.connect();\n  if (!need) return null;\n"
	       "  await c.query('y');\n" TRY_Q "    c.release();\n  }\n}\n", "4:g:e:6");
	expect("src/a.js", PG "async function f(a1, a2) {\n  const c = a1 ? a1 : (a2 || await pool.connect());\n" TRY_Q
	       "    if (a1 && !a2) c.release();\n  }\n}\n", "4:n:r:6");
	/* the test kept in a local (`const shouldRelease = !client`), before or after the checkout */
	expect("src/a.js", PG "async function f(client) {\n  const db = client || await pool.connect();\n"
	       "  const shouldRelease = !client;\n  try {\n    return await db.query('x');\n  } finally {\n"
	       "    if (shouldRelease) db.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f(client) {\n  const own = client == null;\n  const db = client ?? await pool.connect();\n"
	       "  try {\n    return await db.query('x');\n  } finally {\n    if (own) db.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f(client) {\n  const given = !!client;\n  const db = client || await pool.connect();\n"
	       "  try {\n    return await db.query('x');\n  } finally {\n    if (given) db.release();\n  }\n}\n", "5:n:r:7");
	/* reassigned, the local no longer stands for the test */
	expect("src/a.js", PG "async function f(client, x) {\n  let own = !client;\n  const db = client || await pool.connect();\n"
	       "  own = x;\n  try {\n    return await db.query('x');\n  } finally {\n    if (own) db.release();\n  }\n}\n", "5:g");
	/* no release at all; a discarded one in an expression statement */
	expect("src/a.js", PG "async function f(held) {\n  const c = held || await pool.connect();\n  return c.query('x');\n}\n",
	       "4:n");
	expect("src/a.js", PG "async function f(held) {\n  held || await pool.connect();\n}\n", "4:d");
	/* returned: handed over on the branch that acquires */
	expect("src/a.js", PG "async function f(held) {\n  return held || await pool.connect();\n}\n", "");
#undef TRY_Q
}

static void test_destructured(void)
{
	expect("src/a.js", PG "async function f() {\n  const { query, release } = await pool.connect();\n  try {\n"
	       "    await query('x');\n  } finally {\n    release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  const { query, release: done } = await pool.connect();\n  await query('x');\n"
	       "  done();\n}\n", "4:g:e");
}

static void test_chains(void)
{
	expect("src/a.js", PG "function f() {\n  return pool.connect().then((c) => c.query('x').finally(() => c.release()));\n}\n", "");
	expect("src/a.js", PG "function f() {\n  return pool.connect().then((c) => c.query('x').then(() => c.release()));\n}\n", "4:g");
	expect("src/a.js", PG "function f() {\n  return pool.connect().then((c) => c.query('x').then((r) => { c.release(); return r; },"
	       " (e) => { c.release(); throw e; }));\n}\n", "");
	expect("src/a.js", PG "function f() {\n  pool.connect().then(() => 1);\n}\n", "4:d");
	expect("src/a.js", PG "function f() {\n  return pool.connect().then(async (c) => {\n    try {\n      await c.query('x');\n"
	       "    } finally {\n      c.release();\n    }\n  });\n}\n", "");
	/* a client-side chain inside an async function */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  return c.query('x').finally(c.release);\n}\n",
	       "");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  await c.query('x').then(() => c.release(),"
	       " (e) => { c.release(); throw e; });\n}\n", "");
}

static void test_passthrough_chains(void)
{
	/* .catch on the checkout hands the client through */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect().catch(() => null);\n  if (!c) return;\n"
	       "  try {\n    await c.query('x');\n  } finally {\n    c.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect().catch((e) => { throw e; });\n"
	       "  await c.query('x');\n  c.release();\n}\n", "4:g:e:5");
	expect("src/a.js", PG "function f() {\n  void pool.connect();\n}\n", "4:d");
	expect("src/a.js", PG "function f() {\n  pool.connect().catch(console.error);\n}\n", "4:d");
	expect("src/a.js", PG "function f() {\n  return pool.connect().catch(() => null).then((c) => c.query('x').finally(() => c.release()));\n}\n",
	       "");
}

static void test_callbacks(void)
{
	expect("src/a.js", PG "function f(cb) {\n  pool.connect((err, c, done) => {\n    if (err) return cb(err);\n"
	       "    c.query('x', (e, r) => {\n      done();\n      cb(e, r);\n    });\n  });\n}\n", "");
	expect("src/a.js", PG "function f(cb) {\n  pool.connect((err, c, done) => {\n    if (err) return cb(err);\n"
	       "    c.query('x', (e, r) => {\n      if (e) return cb(e);\n      done();\n    });\n  });\n}\n", "4:g");
	expect("src/a.js", PG "function f(cb) {\n  pool.connect((err, c, done) => {\n    if (err) return cb(err);\n"
	       "    c.query('COMMIT', done);\n  });\n}\n", "");
	/* completion callback after an await */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  c.query('x', [1], (e) => {\n"
	       "    c.release();\n  });\n}\n", "");
	/* a throw while building the arguments happens before the callback exists */
	expect("src/a.js", PG "async function f(v) {\n  const c = await pool.connect();\n  c.query('x', [v.get()], (e) => {\n"
	       "    c.release();\n  });\n}\n", "4:g:e:5");
}

static void test_nested_functions_do_not_count(void)
{
	expect("src/a.js", PG "async function f(res) {\n  const c = await pool.connect();\n  res.on('finish', () => c.release());\n}\n",
	       "4:n");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  setTimeout(() => c.release(), 10);\n}\n",
	       "4:n:x");
	/* a local helper closure called directly is a release */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  const done = () => c.release();\n"
	       "  try {\n    await c.query('x');\n  } finally {\n    done();\n  }\n}\n", "");
}

static void test_handovers(void)
{
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  return c;\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  return pool.connect();\n}\n", "");
	expect("src/a.js", PG "async function f(o) {\n  const c = await pool.connect();\n  o.client = c;\n}\n", "");
	expect("src/a.js", PG "let held;\nasync function f() {\n  held = await pool.connect();\n}\n", "");
	expect("src/a.js", PG "async function f(list) {\n  const c = await pool.connect();\n  list.push(c);\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  return { c, n: 1 };\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  return () => c.release();\n}\n", "");
	expect("src/a.js", PG "class A {\n  async f() {\n    this.c = await pool.connect();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  const s = new Session(c);\n"
	       "  await s.begin();\n  return s;\n}\n", "");
	/* handed over on one path only */
	expect("src/a.js", PG "async function f(x, list) {\n  const c = await pool.connect();\n  if (x) list.push(c);\n}\n", "4:g");
}

static void test_helpers(void)
{
	expect("src/a.js", PG "function put(c) {\n  c.release();\n}\nasync function f() {\n  const c = await pool.connect();\n"
	       "  try {\n    await c.query('x');\n  } finally {\n    put(c);\n  }\n}\n", "");
	expect("src/a.js", PG "async function use(c) {\n  await c.query('SET x');\n}\nasync function f() {\n"
	       "  const c = await pool.connect();\n  await use(c);\n}\n", "7:n");
	expect("src/a.js", PG "function put(c, x) {\n  if (x) c.release();\n}\nasync function f(x) {\n  const c = await pool.connect();\n"
	       "  put(c, x);\n}\n", "7:g");
	expect("src/a.js", "import { pool } from './db.js';\nimport { done, prep } from './helpers.js';\nasync function f() {\n"
	       "  const c = await pool.connect();\n  try {\n    await prep(c);\n  } finally {\n    done(c);\n  }\n}\n", "");
	expect("src/a.js", "import { pool } from './db.js';\nimport { prep } from './helpers.js';\nasync function f() {\n"
	       "  const c = await pool.connect();\n  await prep(c);\n}\n", "4:n");
	/* methods of the same file, called on this */
	expect("src/a.ts", PG "class R {\n  private async use(c: any) {\n    await c.query('SET x');\n  }\n"
	       "  private done = (c: any) => c.release();\n  async f() {\n    const c = await pool.connect();\n"
	       "    await this.use(c);\n    this.done(c);\n  }\n  async g() {\n    const c = await pool.connect();\n"
	       "    try {\n      await this.use(c);\n    } finally {\n      this.done(c);\n    }\n  }\n}\n",
	       "9:g:e:10");
	/* recursion between helpers terminates */
	expect("src/a.js", PG "function a(c) { return b(c); }\nfunction b(c) { return a(c); }\nasync function f() {\n"
	       "  const c = await pool.connect();\n  a(c);\n}\n", "6");
}

/* Issue 9 item 3 (semantics v2 §6): a helper reached through an object is
 * resolved to its function and its summary applies as for a direct call. */
static void test_helpers_through_objects(void)
{
#define USE "  const c = await pool.connect();\n  await c.query('x');\n"
	/* a relative require, an `import * as`, a default import of a CommonJS module */
	expect("src/a.js", "const pool = require('./cjs');\nconst h = require('./objhelpers');\nasync function f() {\n" USE
	       "  h.releaseAll(c);\n}\n", "4:g:e");
	expect("src/a.js", "const pool = require('./cjs');\nconst h = require('./objhelpers');\nasync function f() {\n"
	       "  const c = await pool.connect();\n  try {\n    await c.query('x');\n  } finally {\n    h.releaseAll(c);\n  }\n}\n", "");
	expect("src/a.js", "import * as h from './helpers.js';\nimport { pool } from './db.js';\nasync function f() {\n"
	       "  const c = await pool.connect();\n  h.done(c);\n}\n", "");
	expect("src/a.js", "import * as h from './helpers.js';\nimport { pool } from './db.js';\nasync function f() {\n"
	       "  const c = await pool.connect();\n  await h.prep(c);\n}\n", "4:n");
	expect("src/a.js", "import h from './objhelpers';\nimport { pool } from './db.js';\nasync function f() {\n"
	       "  const c = await pool.connect();\n  h.keep(c);\n}\n", "4:n");
	/* members written in place, nested objects, a module.exports = name of an object */
	expect("src/a.js", "const pool = require('./cjs');\nconst h = require('./objhelpers');\nasync function f() {\n"
	       "  const c = await pool.connect();\n  h.inline(c);\n  h.db.done(c);\n}\n", "");
	expect("src/a.js", "const pool = require('./cjs');\nconst h = require('./objhelpers');\nasync function f() {\n"
	       "  const c = await pool.connect();\n  h.db.keep(c);\n}\n", "4:n");
	expect("src/a.js", "const pool = require('./cjs');\nconst api = require('./named_object');\nasync function f() {\n"
	       "  const c = await pool.connect();\n  api.put(c);\n}\nasync function g() {\n  const c = await pool.connect();\n"
	       "  api.look(c);\n}\n", "8:n");
	/* an object literal of the same file: shorthand, pair, method, nested */
	expect("src/a.js", PG "function releaseIt(c) { c.release(); }\nfunction look(c) { return c.query('x'); }\n"
	       "const api = { releaseIt, look, other: { r: releaseIt }, m(c) { c.release(); } };\n"
	       "async function f() {\n  const c = await pool.connect();\n  api.releaseIt(c);\n}\n"
	       "async function g() {\n  const c = await pool.connect();\n  api.other.r(c);\n}\n"
	       "async function h() {\n  const c = await pool.connect();\n  api.m(c);\n}\n"
	       "async function k() {\n  const c = await pool.connect();\n  api.look(c);\n}\n", "19:n");
	/* a parameter named like the module's object is another value (scope): not resolved, a hand-over */
	expect("src/a.js", PG "const api = { look(c) { return c.query('x'); } };\nasync function f(api) {\n"
	       "  const c = await pool.connect();\n  api.look(c);\n}\nasync function g() {\n"
	       "  const c = await pool.connect();\n  api.look(c);\n}\n", "9:n");
	/* an unknown member is still a hand-over */
	expect("src/a.js", PG "const api = {};\nasync function f() {\n  const c = await pool.connect();\n  api.store(c);\n}\n", "");
#undef USE
}

/* Issue 9 item 4 (semantics v2 §7): a helper's summary is what the same
 * code inline would give; a helper that returns its parameter keeps the
 * client with the caller, and the kept result is the same client. */
static void test_summaries_equal_inline(void)
{
#define CB_BEGIN "function f() {\n  pool.connect((err, client, done) => {\n    if (err) return;\n" \
	"    client.query('BEGIN', (e) => {\n"
	/* the release function given to a helper that releases through a completion callback */
	expect("src/a.js", PG "function commit(client, done) {\n  client.query('COMMIT', (err) => { done(err); });\n}\n"
	       CB_BEGIN "      if (e) { done(e); return; }\n      commit(client, done);\n    });\n  });\n}\n", "");
	expect("src/a.js", PG "function rollback(client, done) {\n  client.query('ROLLBACK', done);\n}\n"
	       CB_BEGIN "      if (e) { rollback(client, done); return; }\n      done();\n    });\n  });\n}\n", "");
	expect("src/a.js", PG "function finish(done) {\n  done();\n}\n"
	       CB_BEGIN "      finish(done);\n    });\n  });\n}\n", "");
	/* twins: the helper ignores the release function, or releases on one path only */
	expect("src/a.js", PG "function commit(client, done) {\n  client.query('COMMIT', (err) => { log(err); });\n}\n"
	       CB_BEGIN "      if (e) { done(e); return; }\n      commit(client, done);\n    });\n  });\n}\n", "7:g");
	expect("src/a.js", PG "function finish(done, ok) {\n  if (ok) done();\n}\n"
	       CB_BEGIN "      finish(done, e);\n    });\n  });\n}\n", "7:g");
	/* a helper releasing through a promise chain on the client, as inline */
	expect("src/a.js", PG "function end(c) {\n  return c.query('COMMIT').finally(() => c.release());\n}\n"
	       "async function f() {\n  const c = await pool.connect();\n  await end(c);\n}\n", "");
	expect("src/a.js", PG "function end(c) {\n  return c.query('COMMIT').then(() => c.release());\n}\n"
	       "async function f() {\n  const c = await pool.connect();\n  await end(c);\n}\n", "7:g");
	/* the release as a completion callback inside a helper of another file */
	expect("src/a.js", "const pool = require('./cjs');\nconst { stop } = require('./cbhelpers');\nasync function f() {\n"
	       "  const c = await pool.connect();\n  stop(c);\n}\n", "");
	/* a helper returning its parameter: the caller still owns it, the result is the same client */
	expect("src/a.js", PG "function debug(client) {\n  console.log('got one');\n  return client;\n}\n"
	       "async function f() {\n  const c = await pool.connect();\n  const c2 = debug(c);\n  await c2.query('x');\n}\n",
	       "8:n");
	expect("src/a.js", PG "function debug(client) {\n  console.log('got one');\n  return client;\n}\n"
	       "async function f() {\n  const c = await pool.connect();\n  try {\n    const c2 = debug(c);\n"
	       "    await c2.query('x');\n  } finally {\n    c.release();\n  }\n}\n", "");
	/* the kept result is the client: releasing it releases (the call itself may throw, §3) */
	expect("src/a.js", PG "const tap = (c) => c;\nasync function f() {\n  const c = await pool.connect();\n"
	       "  const d = tap(c);\n  d.release();\n}\n", "5:g:e:6");
	expect("src/a.js", PG "const tap = (c) => c;\nasync function f() {\n  const c = await pool.connect();\n"
	       "  const d = tap(c);\n  d.query('x');\n}\n", "5:n");
	expect("src/a.js", PG "const tap = (c) => c;\nasync function f() {\n  const c = await pool.connect();\n"
	       "  try {\n    await tap(c).query('x');\n  } finally {\n    tap(c).release();\n  }\n}\n", "5:g:e:9");
	/* returning the helper's result hands the same client over (once the call is made) */
	expect("src/a.js", PG "const tap = (c) => c;\nasync function f() {\n  const c = await pool.connect();\n"
	       "  try {\n    return tap(c);\n  } catch (e) {\n    c.release();\n    throw e;\n  }\n}\n", "");
#undef CB_BEGIN
}

/* Issue 9 item 5 (semantics v2 §4): `this.connect()` that is the class's own
 * method (or `x.connect()` a function of the file) is judged by it. */
static void test_own_connect(void)
{
#define STORED "class R {\n  async connect() {\n    this.client = await pool.connect();\n    return this.client;\n  }\n"
#define FRESH "class R {\n  connect() {\n    return pool.connect();\n  }\n"
	/* stored in the instance and returned: the caller owns nothing */
	expect("src/a.js", PG STORED "  async run(sql) {\n    const c = await this.connect();\n    return c.query(sql);\n  }\n}\n", "");
	expect("src/a.js", PG STORED "  async run(sql) {\n    const self = this;\n    const c = await self.connect();\n"
	       "    return c.query(sql);\n  }\n}\n", "");
	expect("src/a.js", PG "class R {\n  async connect() {\n    if (!this.client) {\n      const c = await pool.connect();\n"
	       "      this.client = c;\n    }\n    return this.client;\n  }\n  async run() {\n"
	       "    const c = await this.connect();\n    await c.query('x');\n  }\n}\n", "");
	/* a fresh checkout returned: the caller owns it */
	expect("src/a.js", PG FRESH "  async run(sql) {\n    const c = await this.connect();\n    return c.query(sql);\n  }\n}\n",
	       "8:n");
	expect("src/a.js", PG FRESH "  async run(sql) {\n    const c = await this.connect();\n    try {\n"
	       "      return await c.query(sql);\n    } finally {\n      c.release();\n    }\n  }\n}\n", "");
	expect("src/a.js", PG FRESH "  async ping() {\n    await this.connect();\n  }\n}\n", "8:d");
	expect("src/a.js", PG "class R {\n  async connect() {\n    const c = await pool.connect();\n    return c;\n  }\n"
	       "  async run() {\n    const c = await this.connect();\n    await c.query('x');\n  }\n}\n", "9:n");
	/* a function of the same file reached through an object */
	expect("src/a.js", PG "const db = { connect: () => pool.connect() };\nasync function f() {\n"
	       "  const c = await db.connect();\n  await c.query('x');\n}\n", "5:n");
	expect("src/a.js", PG "const db = { connect: () => pool.connect() };\nasync function f() {\n"
	       "  const c = await db.connect();\n  try {\n    await c.query('x');\n  } finally {\n    c.release();\n  }\n}\n", "");
	/* the nearest class decides; a connect that hands out no client is no acquisition */
	expect("src/a.js", PG FRESH "}\n" STORED "  async run() {\n    const c = await this.connect();\n"
	       "    await c.query('x');\n  }\n}\n", "");
	expect("src/a.js", PG "class W {\n  async connect() {\n    await this.raw.connect();\n  }\n  async run() {\n"
	       "    const c = await this.connect();\n    await c.query('x');\n  }\n}\n", "");
	/* with a callback, the callback's client is the caller's to release, whatever connect returns */
	expect("src/a.js", PG STORED "  run() {\n    this.connect((err, c) => {\n      if (err) return;\n"
	       "      c.query('x');\n    });\n  }\n}\n", "9:n");
#undef STORED
#undef FRESH
}

static void test_pool_proofs(void)
{
	expect("src/a.js", "import { pool } from './db.js';\nasync function f() {\n  await pool.connect();\n}\n", "3:d");
	expect("src/a.js", "import db from './db.js';\nasync function f() {\n  await db.connect();\n}\n", "3:d");
	expect("src/a.js", "const pool = require('./cjs');\nasync function f() {\n  await pool.connect();\n}\n", "3:d");
	expect("src/a.ts", "import { db } from './reexport';\nasync function f() {\n  await db.connect();\n}\n", "3:d");
	expect("src/a.js", "import * as m from './db.js';\nasync function f() {\n  await m.pool.connect();\n}\n", "3:d");
	/* not a pg pool, and no use as a client */
	expect("src/a.js", "import { pool } from './notpool.js';\nasync function f() {\n  await pool.connect();\n}\n", "");
	expect("src/a.js", "async function f(broker) {\n  const c = await broker.connect();\n  return wrap(c);\n}\n", "");
	/* unknown receiver, used as a client */
	expect("src/a.js", "async function f(db) {\n  const c = await db.connect();\n  await c.query('x');\n}\n", "2:n");
	expect("src/a.js", "const pg = require('pg');\nconst p = new pg.Pool();\nasync function f() {\n  await p.connect();\n}\n",
	       "4:d");
	expect("src/a.js", "import PgPool from 'pg-pool';\nconst p = new PgPool();\nasync function f() {\n  await p.connect();\n}\n",
	       "4:d");
	expect("src/a.js", "import { Pool } from 'pg';\nclass S {\n  #p = new Pool();\n  async f() {\n    await this.#p.connect();\n  }\n}\n",
	       "5:d");
	/* the ESM way to get Pool out of the CommonJS pg package */
	expect("src/a.mjs", "import pg from 'pg';\nconst { Pool } = pg;\nconst p = new Pool();\nasync function f() {\n"
	       "  await p.connect();\n}\n", "5:d");
	expect("src/a.mjs", "import pg from 'pg';\nconst P = pg.Pool;\nconst p = new P();\nasync function f() {\n"
	       "  await p.connect();\n}\n", "5:d");
	/* a single Client is out of scope */
	expect("src/a.js", "import { Client } from 'pg';\nasync function f() {\n  const c = new Client();\n  await c.connect();\n"
	       "  await c.query('x');\n}\n", "");
}

/* Item 7: a parameter typed as pg's Pool is a proven pool, the client used only with other methods. */
static void test_typed_pools(void)
{
	static const struct { const char *head, *type, *want; } cases[] = {
		{"import { Pool } from 'pg';\n", "Pool", "4:n:x:6"},
		{"import type { Pool as PgPool } from 'pg';\n", "PgPool", "4:n:x:6"},
		{"import * as pg from 'pg';\n", "pg.Pool", "4:n:x:6"},
		{"import pg from 'pg';\n", "pg.Pool", "4:n:x:6"},
		{"import { Pool } from 'undici';\n", "Pool", ""},
		{"import { Pool } from 'pg';\n", "Socket", ""},
		{NULL, NULL, NULL},
	};
	for (int i = 0; cases[i].head; i++) {
		char src[512];
		snprintf(src, sizeof(src), "%s\nexport async function f(db: %s) {\n  const c = await db.connect();\n  await c.foo();\n}\n",
		         cases[i].head, cases[i].type);
		expect("src/t.ts", src, cases[i].want);
	}
	/* the safe twin */
	expect("src/t.ts", "import { Pool } from 'pg';\n\nexport async function f(db: Pool) {\n  const c = await db.connect();\n"
	       "  try {\n    await c.foo();\n  } finally {\n    c.release();\n  }\n}\n", "");
	/* item 7, fields and variables: the declared type proves the receiver; each with its twin */
	static const struct { const char *decl, *recv, *want; } fields[] = {
		{"  private pool: Pool;\n", "this.pool", "5:n:x:7"},
		{"  private pool: Socket;\n", "this.pool", ""},
		{"  #pool: Pool;\n", "this.#pool", "5:n:x:7"},
		{"  constructor(private readonly db: Pool) {}\n", "this.db", "5:n:x:7"},
		{"  constructor(db: Pool) {}\n", "this.db", ""},
		{"  constructor(pool: Pool) { this.pool = pool; }\n", "this.pool", "5:n:x:7"},
		{"  constructor(pool: Socket) { this.pool = pool; }\n", "this.pool", ""},
		{NULL, NULL, NULL},
	};
	for (int i = 0; fields[i].decl; i++) {
		char src[512];
		snprintf(src, sizeof(src), "import { Pool } from 'pg';\nexport class R {\n%s  async f() {\n"
		         "    const c = await %s.connect();\n    await c.foo();\n  }\n}\n", fields[i].decl, fields[i].recv);
		expect("src/t.ts", src, fields[i].want);
	}
	expect("src/t.ts", "import { Pool } from 'pg';\nconst db: Pool = make();\nexport async function f() {\n"
	       "  const c = await db.connect();\n  await c.foo();\n}\n", "4:n");
	expect("src/t.ts", "import { Pool } from 'pg';\nconst db: Broker = make();\nexport async function f() {\n"
	       "  const c = await db.connect();\n  await c.foo();\n}\n", "");
	expect("src/t.ts", "import * as pg from 'pg';\nlet p: pg.Pool;\nexport async function f() {\n"
	       "  const c = await p.connect();\n  await c.foo();\n}\n", "4:n");
	expect("src/t.ts", "import * as pg from 'pg';\nlet p: pg.Client;\nexport async function f() {\n"
	       "  const c = await p.connect();\n  await c.foo();\n}\n", "");
	/* an inner untyped parameter shadows the typed outer one */
	expect("src/t.ts", "import { Pool } from 'pg';\n\nexport function f(db: Pool) {\n  return async (db) => {\n"
	       "    const c = await db.connect();\n    await c.foo();\n  };\n}\n", "");
}

/* Issue 9 item 2: names are resolved by JavaScript's scoping, each case with its twin. */
static void test_scope(void)
{
	/* a parameter `pool` shadows the module's pool: not a proven pool */
	expect("src/a.js", PG "async function f(pool) {\n  const c = await pool.connect();\n  await c.foo();\n}\n", "");
	expect("src/a.js", PG "async function f(db) {\n  const c = await pool.connect();\n  await c.foo();\n}\n", "4:n");
	/* an import shadowed by a parameter */
	expect("src/a.js", "import db from './db';\nasync function f(db) {\n  const c = await db.connect();\n  await c.foo();\n}\n", "");
	expect("src/a.js", "import db from './db';\nasync function f(x) {\n  const c = await db.connect();\n  await c.foo();\n}\n", "3:n");
	/* the query callback's `err` is not the connect callback's */
	expect("src/a.js", PG "function f(cb) {\n  pool.connect((err, c, done) => {\n    if (err) return cb(err);\n"
	       "    c.query('x', (err, r) => {\n      if (err) return cb(err);\n      done();\n      cb(null, r);\n    });\n  });\n}\n",
	       "4:g");
	expect("src/a.js", PG "function f(cb) {\n  pool.connect((err, c, done) => {\n    if (err) return cb(err);\n"
	       "    c.query('x', (err, r) => {\n      done();\n      if (err) return cb(err);\n      cb(null, r);\n    });\n  });\n}\n",
	       "");
	/* an inner `const c` is another variable */
	expect("src/a.js", PG "async function f(other) {\n  const c = await pool.connect();\n  await c.query('x');\n  {\n"
	       "    const c = other;\n    c.release();\n  }\n}\n", "4:n");
	expect("src/a.js", PG "async function f(other) {\n  const c = await pool.connect();\n  await c.query('x');\n  {\n"
	       "    const d = other;\n    c.release();\n  }\n}\n", "4:g:e:5");
	/* a catch parameter named like the client is the error */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  try {\n    await c.query('x');\n"
	       "  } catch (c) {\n    c.release();\n    throw c;\n  }\n  c.release();\n}\n", "4:g:t:9");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  try {\n    await c.query('x');\n"
	       "  } catch (e) {\n    c.release();\n    throw e;\n  }\n  c.release();\n}\n", "");
	/* var is hoisted to its function, let stays in its block */
	expect("src/a.js", PG "async function f() {\n  {\n    var c = await pool.connect();\n  }\n  c.release();\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  {\n    let c = await pool.connect();\n  }\n  c.release();\n}\n", "5:n");
	/* a closure whose own parameter is named like the client does not capture it */
	expect("src/a.js", PG "async function f(other) {\n  const c = await pool.connect();\n  const done = (c) => c.release();\n"
	       "  await c.query('x');\n  done(other);\n}\n", "4:n");
	expect("src/a.js", PG "async function f(other) {\n  const c = await pool.connect();\n  const done = (c) => c.release();\n"
	       "  try {\n    await c.query('x');\n  } finally {\n    done(c);\n  }\n}\n", "");
	/* a helper is the function its name is bound to where it is called */
	expect("src/a.js", PG "function outer() {\n  function done(c) {}\n  return done;\n}\nfunction done(c) {\n  c.release();\n}\n"
	       "async function f() {\n  const c = await pool.connect();\n  try {\n    await c.query('x');\n  } finally {\n    done(c);\n  }\n}\n",
	       "");
	expect("src/a.js", PG "function done(c) {\n  c.release();\n}\nasync function f() {\n  function done(c) {}\n"
	       "  const c = await pool.connect();\n  try {\n    await c.query('x');\n  } finally {\n    done(c);\n  }\n}\n",
	       "8:n");
	/* a built-in is the global only where no declaration binds its name */
	expect("src/a.js", PG "function g(Math) {\n  return Math;\n}\nasync function f() {\n  const c = await pool.connect();\n"
	       "  const n = Math.max(1, 2);\n  c.release();\n  return n;\n}\n", "");
	expect("src/a.js", PG "async function f(Math) {\n  const c = await pool.connect();\n"
	       "  const n = Math.max(1, 2);\n  c.release();\n  return n;\n}\n", "4:g:e:5");
	/* so are console and the timers */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n"
	       "  console.log('x');\n  c.release();\n}\n", "");
	expect("src/a.js", PG "async function f(console) {\n  const c = await pool.connect();\n"
	       "  console.log('x');\n  c.release();\n}\n", "4:g:e:5");
	expect("src/a.js", PG "async function f(setTimeout) {\n  const c = await pool.connect();\n"
	       "  setTimeout(() => {}, 1);\n  c.release();\n}\n", "4:g:e:5");
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

static void test_top_level_and_names(void)
{
	expect("src/a.mjs", PG "const c = await pool.connect();\nawait c.query('x');\nc.release();\n", "3:g:e");
	expect("src/a.tsx", PG "export default async function Page() {\n  const c = await pool.connect();\n"
	       "  const r = await c.query<{ n: number }>('x');\n  return <div>{r.rows.length}</div>;\n}\n", "4:n");
	expect("src/a.ts", PG "export async function f(): Promise<void> {\n  const c = (await pool.connect()) as any;\n  c!.release();\n}\n",
	       "");
}

static void test_suppression(void)
{
	expect("src/a.js", PG "async function f() {\n  await pool.connect(); // pgleak-ignore\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  // pgleak-ignore-next-line\n  await pool.connect();\n}\n", "");
}

static void test_calls_that_do_not_throw(void)
{
	/* built-ins with ordinary arguments (semantics v2 §5) */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  const t = new Date(Date.now());\n"
	       "  const k = Object.keys(Math.max(1, Number('2'), String(3).length, Boolean(0), Symbol('x')));\n"
	       "  const id = crypto.randomUUID(), ok = Array.isArray(k), g = f.bind(null);\n"
	       "  try {\n    await c.query('x', [t, k, id, ok, g]);\n  } finally {\n    c.release();\n  }\n}\n", "");
	/* crypto from require('crypto') is still the built-in module */
	expect("src/a.js", PG "const crypto = require('crypto');\nasync function f() {\n  const c = await pool.connect();\n"
	       "  const id = crypto.randomUUID();\n  try {\n    await c.query('x', [id]);\n  } finally {\n    c.release();\n  }\n}\n", "");
	/* an argument that may throw still throws; JSON.stringify may throw */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  const m = Math.max(1, g());\n"
	       "  try {\n    await c.query('x', [m]);\n  } finally {\n    c.release();\n  }\n}\n", "4:g:e");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  const s = JSON.stringify(o);\n"
	       "  try {\n    await c.query('x', [s]);\n  } finally {\n    c.release();\n  }\n}\n", "4:g:e");
	/* a rebound Math / Date is not the built-in */
	expect("src/a.js", PG "const Math = require('./math');\nasync function f() {\n  const c = await pool.connect();\n"
	       "  const m = Math.max(1, 2);\n  try {\n    await c.query('x', [m]);\n  } finally {\n    c.release();\n  }\n}\n",
	       "5:g:e");
	expect("src/a.js", PG "async function f(Date) {\n  const c = await pool.connect();\n  const t = new Date();\n"
	       "  try {\n    await c.query('x', [t]);\n  } finally {\n    c.release();\n  }\n}\n", "4:g:e");
	expect("src/a.js", PG "const { Math } = require('./m');\nasync function f() {\n  const c = await pool.connect();\n"
	       "  const m = Math.max(1, 2);\n  try {\n    await c.query('x', [m]);\n  } finally {\n    c.release();\n  }\n}\n",
	       "5:g:e");
	/* passing the built-in as an argument does not rebind it */
	expect("src/a.js", PG "async function f(xs) {\n  const c = await pool.connect();\n  const m = Number(xs.length);\n  use(String);\n"
	       "}\nasync function g(xs) {\n  const c = await pool.connect();\n  const m = Number(xs.length);\n"
	       "  try {\n    await c.query('x', [m]);\n  } finally {\n    c.release();\n  }\n}\n", "4");
	/* the client's listener methods: inline and named listener judged the same */
	expect("src/a.js", PG "function h() {}\nasync function f() {\n  const c = await pool.connect();\n  c.on('error', h);\n"
	       "  try {\n    await c.query('x');\n  } finally {\n    c.off('error', h);\n    c.release();\n  }\n}\n", "");
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  c.once('error', (e) => log(e));\n"
	       "  try {\n    await c.query('x');\n  } finally {\n    c.removeAllListeners('error');\n    c.release();\n  }\n}\n", "");
	/* any other call before the try still throws */
	expect("src/a.js", PG "async function f() {\n  const c = await pool.connect();\n  c.on('error', h);\n  setup(c.x);\n"
	       "  try {\n    await c.query('x');\n  } finally {\n    c.release();\n  }\n}\n", "4:g:e");
}

static void test_hostile_bytes(void)
{
	expect("src/a.js", "", "");
	expect("src/a.js", "// only a comment\n/* and another */\n", "");
	expect("src/a.js", "\xef\xbb\xbf" PG "async function f() {\n  await pool.connect();\n}\n", "4:d");
	expect("src/a.js", "import { Pool } from 'pg';\r\nconst pool = new Pool();\r\nasync function f() {\r\n"
	       "  await pool.connect();\r\n}\r\n", "4:d");
	expect("src/a.js", PG "async function f() {\n  const s = '\xff\xfe';\n  await pool.connect();\n}\n", "5:d");
	expect("src/a.js", PG "function ( {{{ [[[ \n", "");
}

int main(void)
{
	RUN(test_straight_line);
	RUN(test_try_finally);
	RUN(test_let_and_checks);
	RUN(test_loops);
	RUN(test_switch);
	RUN(test_conditional_expressions);
	RUN(test_acquisition_in_expressions);
	RUN(test_destructured);
	RUN(test_chains);
	RUN(test_passthrough_chains);
	RUN(test_callbacks);
	RUN(test_nested_functions_do_not_count);
	RUN(test_handovers);
	RUN(test_helpers);
	RUN(test_helpers_through_objects);
	RUN(test_summaries_equal_inline);
	RUN(test_own_connect);
	RUN(test_pool_proofs);
	RUN(test_typed_pools);
	RUN(test_scope);
	RUN(test_module_lifetime);
	RUN(test_path_aliases);
	RUN(test_jsonc);
	RUN(test_top_level_and_names);
	RUN(test_suppression);
	RUN(test_calls_that_do_not_throw);
	RUN(test_hostile_bytes);
	return unit_failures ? 1 : 0;
}
