/*
 * config.c - unit tests of the JSON reader (core/json.c) and the
 * configuration (analysis/config.c): values and positions, strictness,
 * nesting without recursion, config keys and their errors, the digest and
 * the ignore globs (including a pattern built to blow up a backtracking
 * matcher).
 */
#define UNIT_NAME "config"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "json.h"

static int parses(const char *text)
{
	pg_json_doc d = PG_JSON_DOC_INIT;
	int rc = pg_json_parse(&d, text, strlen(text), "t.json");
	pg_json_free(&d);
	return rc == 0;
}

static int error_has(const char *needle)
{
	const char *e = pg_error_last();
	if (!e || !strstr(e, needle)) {
		fprintf(stderr, "    message '%s' lacks '%s'\n", e ? e : "(none)", needle);
		return 0;
	}
	return 1;
}

static void json_values(void)
{
	pg_json_doc d = PG_JSON_DOC_INIT;
	const char *t = "{\n  \"a\": [1, -2.5e1, true, false, null],\n  \"s\": \"x\\u00e9\\ud83d\\ude00\\n\\\"\",\n  \"o\": {}\n}";
	const pg_json_node *root, *a, *v, *s;
	CHECK(pg_json_parse(&d, t, strlen(t), "t.json") == 0);
	root = pg_json_root(&d);
	CHECK(root && root->type == PG_JSON_OBJECT && root->count == 3);
	a = pg_json_get(&d, root, "a");
	CHECK(a && a->type == PG_JSON_ARRAY && a->count == 5 && a->line == 2 && a->column == 8);
	CHECK(a && a->key_line == 2 && a->key_column == 3);
	v = pg_json_first(&d, a);
	CHECK(v && v->type == PG_JSON_NUMBER && v->number == 1);
	v = pg_json_next(&d, v);
	CHECK(v && v->number == -25 && !strcmp(v->str, "-2.5e1"));
	v = pg_json_next(&d, v);
	CHECK(v && v->type == PG_JSON_BOOL && v->boolean == 1);
	v = pg_json_next(&d, v);
	CHECK(v && v->type == PG_JSON_BOOL && v->boolean == 0);
	v = pg_json_next(&d, v);
	CHECK(v && v->type == PG_JSON_NULL && pg_json_next(&d, v) == NULL);
	s = pg_json_get(&d, root, "s");
	CHECK(s && s->type == PG_JSON_STRING && !strcmp(s->str, "x\xc3\xa9\xf0\x9f\x98\x80\n\""));
	CHECK(pg_json_get(&d, root, "o") && pg_json_get(&d, root, "o")->count == 0);
	CHECK(pg_json_get(&d, root, "missing") == NULL);
	pg_json_free(&d);
	CHECK(d.nodes == NULL && d.len == 0);
}

static void json_strict(void)
{
	CHECK(parses("[]"));
	CHECK(parses(" \"top\" "));
	CHECK(parses("\xef\xbb\xbf{}"));
	CHECK(parses("0"));
	CHECK(!parses(""));
	CHECK(!parses("   "));
	CHECK(!parses("[1,]"));
	CHECK(!parses("{\"a\":1,}"));
	CHECK(!parses("{'a':1}"));
	CHECK(!parses("{a:1}"));
	CHECK(!parses("// c\n{}"));
	CHECK(error_has("comments are not allowed"));
	CHECK(!parses("01"));
	CHECK(!parses("1."));
	CHECK(!parses("-"));
	CHECK(!parses("+1"));
	CHECK(!parses("[1 2]"));
	CHECK(!parses("{} {}"));
	CHECK(!parses("tru"));
	CHECK(!parses("nul"));
	CHECK(!parses("\"a\tb\""));
	CHECK(!parses("\"\\x\""));
	CHECK(!parses("\"\\ud800\""));
	CHECK(!parses("\"\\udc00\""));
	CHECK(!parses("\"\xff\""));
	CHECK(!parses("\"\xc0\xaf\""));   /* overlong */
	CHECK(!parses("\"\xed\xa0\x80\"")); /* surrogate in UTF-8 */
	CHECK(!parses("\"abc"));
	CHECK(!parses("[[["));
	CHECK(!parses("{\"a\" 1}"));
}

static void json_error_positions(void)
{
	CHECK(!parses("{\n  \"a\": 1,\n  \"b\": ,\n}"));
	CHECK(error_has("t.json:3:8:"));
	CHECK(!parses("[\"\xc3\xa9\xc3\xa9\", x]"));
	CHECK(error_has("t.json:1:8:")); /* columns count characters, not bytes */
}

static void json_deep_nesting_no_recursion(void)
{
	size_t n = 200000;
	char *s = malloc(2 * n + 1);
	pg_json_doc d = PG_JSON_DOC_INIT;
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = 0;
	CHECK(pg_json_parse(&d, s, 2 * n, "deep.json") == PG_ELIMIT);
	CHECK(error_has("nested deeper than"));
	CHECK(d.len == 0);
	/* Just within the limit is fine. */
	memset(s, '[', PG_JSON_MAX_DEPTH);
	memset(s + PG_JSON_MAX_DEPTH, ']', PG_JSON_MAX_DEPTH);
	CHECK(pg_json_parse(&d, s, 2 * PG_JSON_MAX_DEPTH, "ok.json") == 0);
	pg_json_free(&d);
	free(s);
}

static int cfg_parse(pg_config *c, const char *text)
{
	return pg_config_parse(c, text, strlen(text), ".pgleak.json");
}

static void config_defaults(void)
{
	pg_config c;
	pg_config_init(&c);
	CHECK(c.acquire.len == 1 && !strcmp(c.acquire.items[0], "connect"));
	CHECK(c.release.len == 1 && !strcmp(c.release.items[0], "release"));
	CHECK(c.pools.len == 0 && c.ignore.len == 0 && c.release_helpers.len == 0);
	CHECK(c.max_file_bytes == PG_DEFAULT_MAX_FILE_BYTES);
	CHECK(!pg_config_ignores(&c, "a/b.js"));
	pg_config_free(&c);
}

static void config_keys(void)
{
	pg_config c;
	pg_config_init(&c);
	CHECK(cfg_parse(&c, "{\"pools\":[\"db\",\"this.pg\"],\"acquire\":[\"checkout\",\"connect\"],"
	                    "\"release\":[\"giveBack\"],\"releaseHelpers\":[\"returnClient\"],"
	                    "\"ignore\":[\"dist\"],\"maxFileBytes\":1000}") == 0);
	CHECK(c.pools.len == 2 && pg_strlist_has(&c.pools, "this.pg"));
	CHECK(c.acquire.len == 2 && pg_strlist_has(&c.acquire, "connect") && pg_strlist_has(&c.acquire, "checkout"));
	CHECK(c.release.len == 2 && pg_strlist_has(&c.release, "release") && pg_strlist_has(&c.release, "giveBack"));
	CHECK(c.release_helpers.len == 1 && pg_strlist_has(&c.release_helpers, "returnClient"));
	CHECK(c.max_file_bytes == 1000);
	CHECK(pg_config_ignores(&c, "dist/x.js"));
	/* A later parse replaces, it does not accumulate. */
	CHECK(cfg_parse(&c, "{}") == 0);
	CHECK(c.pools.len == 0 && c.acquire.len == 1 && c.max_file_bytes == PG_DEFAULT_MAX_FILE_BYTES);
	pg_config_free(&c);
}

static void config_errors(void)
{
	pg_config c;
	pg_config_init(&c);
	CHECK(cfg_parse(&c, "{\"pools\":[\"db\"]}") == 0);

	CHECK(cfg_parse(&c, "{\n  \"pool\": [\"x\"]\n}") == PG_EINVALID);
	CHECK(error_has(".pgleak.json:2:3:") && error_has("unknown key \"pool\"") && error_has("did you mean \"pools\""));
	CHECK(cfg_parse(&c, "{\"frobnicate\": 1}") == PG_EINVALID);
	CHECK(error_has("unknown key \"frobnicate\"") && error_has("known keys"));
	CHECK(cfg_parse(&c, "{\n\"pools\": \"db\"}") == PG_EINVALID);
	CHECK(error_has(".pgleak.json:2:10:") && error_has("\"pools\" must be an array of strings, not a string"));
	CHECK(cfg_parse(&c, "{\"ignore\": [\"a\", 3]}") == PG_EINVALID);
	CHECK(error_has("1:18:") && error_has("\"ignore\" must hold strings only, not a number"));
	CHECK(cfg_parse(&c, "{\"acquire\": [\"\"]}") == PG_EINVALID);
	CHECK(error_has("empty string"));
	CHECK(cfg_parse(&c, "{\"release\": [\"a\\u0000b\"]}") == PG_EINVALID);
	CHECK(error_has("NUL"));
	CHECK(cfg_parse(&c, "{\"maxFileBytes\": \"big\"}") == PG_EINVALID);
	CHECK(error_has("\"maxFileBytes\" must be a number"));
	CHECK(cfg_parse(&c, "{\"maxFileBytes\": 1.5}") == PG_EINVALID);
	CHECK(cfg_parse(&c, "{\"maxFileBytes\": -1}") == PG_EINVALID);
	CHECK(cfg_parse(&c, "{\"maxFileBytes\": 0}") == PG_EINVALID);
	CHECK(cfg_parse(&c, "{\"maxFileBytes\": 99999999999999999999999}") == PG_EINVALID);
	CHECK(cfg_parse(&c, "{\"pools\": [], \"pools\": []}") == PG_EINVALID);
	CHECK(error_has("duplicate key \"pools\""));
	CHECK(cfg_parse(&c, "[]") == PG_EINVALID);
	CHECK(error_has("must be a JSON object"));
	CHECK(cfg_parse(&c, "{\"pools\": [\"db\",]}") == PG_EINVALID);
	CHECK(error_has(".pgleak.json:1:"));
	/* Failed parses left the earlier configuration alone. */
	CHECK(c.pools.len == 1 && !strcmp(c.pools.items[0], "db"));
	pg_config_free(&c);
}

static void config_load(void)
{
	pg_config c;
	char path[] = "/tmp/pgleak-config-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	pg_config_init(&c);
	CHECK(pg_config_load(&c, "/nonexistent/.pgleak.json") == PG_ENOTFOUND);
	CHECK(c.acquire.len == 1);
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fputs("{\n  \"ignore\": [\"gen/**\"],\n  \"nope\": true\n}\n", f);
	fclose(f);
	CHECK(pg_config_load(&c, path) == PG_EINVALID);
	CHECK(error_has(path) && error_has(":3:3:") && error_has("\"nope\""));
	remove(path);
	pg_config_free(&c);
}

static void config_digest(void)
{
	pg_config a, b;
	pg_config_init(&a);
	pg_config_init(&b);
	CHECK(pg_config_digest(&a) == pg_config_digest(&b));
	CHECK(cfg_parse(&a, "{\"pools\":[\"x\",\"y\"]}") == 0);
	CHECK(cfg_parse(&b, "{\"pools\":[\"y\",\"x\"]}") == 0);
	CHECK(pg_config_digest(&a) == pg_config_digest(&b)); /* order in the file changes nothing */
	CHECK(cfg_parse(&b, "{\"releaseHelpers\":[\"y\",\"x\"]}") == 0);
	CHECK(pg_config_digest(&a) != pg_config_digest(&b)); /* same names, other key */
	CHECK(cfg_parse(&b, "{\"pools\":[\"xy\"]}") == 0);
	CHECK(pg_config_digest(&a) != pg_config_digest(&b));
	CHECK(cfg_parse(&a, "{\"maxFileBytes\": 10}") == 0);
	CHECK(cfg_parse(&b, "{\"maxFileBytes\": 11}") == 0);
	CHECK(pg_config_digest(&a) != pg_config_digest(&b));
	/* The default acquire name listed explicitly is the same configuration. */
	CHECK(cfg_parse(&a, "{\"acquire\":[\"connect\"]}") == 0);
	CHECK(cfg_parse(&b, "{}") == 0);
	CHECK(pg_config_digest(&a) == pg_config_digest(&b));
	pg_config_free(&a);
	pg_config_free(&b);
}

static int ign(const char *pattern, const char *path)
{
	pg_config c;
	char *json = pg_xasprintf("{\"ignore\":[\"%s\"]}", pattern);
	int r;
	pg_config_init(&c);
	if (cfg_parse(&c, json) != 0) {
		fprintf(stderr, "    bad pattern %s: %s\n", pattern, pg_error_last());
		r = -1;
	} else {
		r = pg_config_ignores(&c, path);
	}
	pg_config_free(&c);
	free(json);
	return r;
}

static void config_ignore_globs(void)
{
	/* No slash: any file or folder name, at any depth. */
	CHECK(ign("dist", "dist/a.js") == 1);
	CHECK(ign("dist", "packages/web/dist/a.js") == 1);
	CHECK(ign("dist", "dist") == 1);
	CHECK(ign("dist", "distribution/a.js") == 0);
	CHECK(ign("*.test.js", "src/a.test.js") == 1);
	CHECK(ign("*.test.js", "src/a.test.ts") == 0);
	CHECK(ign("*.js", "src/x/a.js") == 1);
	CHECK(ign("a?c.js", "abc.js") == 1);
	CHECK(ign("a?c.js", "ac.js") == 0);
	/* A slash anchors at the root. */
	CHECK(ign("legacy/old.js", "legacy/old.js") == 1);
	CHECK(ign("legacy/old.js", "src/legacy/old.js") == 0);
	CHECK(ign("/dist", "dist/a.js") == 1);
	CHECK(ign("/dist", "x/dist/a.js") == 0);
	CHECK(ign("./src/gen", "src/gen/a.ts") == 1);
	CHECK(ign("src/*.js", "src/a.js") == 1);
	CHECK(ign("src/*.js", "src/sub/a.js") == 0); /* one star stays in its segment */
	/* Two stars cross folders. */
	CHECK(ign("src/**/a.js", "src/a.js") == 1);
	CHECK(ign("src/**/a.js", "src/x/y/z/a.js") == 1);
	CHECK(ign("src/**/a.js", "lib/x/a.js") == 0);
	CHECK(ign("**/fixtures", "test/unit/fixtures/a.js") == 1);
	CHECK(ign("**", "anything/at/all.js") == 1);
	CHECK(ign("legacy/**", "legacy/a/b.js") == 1);
	CHECK(ign("legacy/**", "legacyx/a.js") == 0);
	/* A trailing slash: folders only. */
	CHECK(ign("build/", "build/a.js") == 1);
	CHECK(ign("build/", "x/build/a.js") == 1);
	CHECK(ign("build/", "build") == 0);
	CHECK(ign("src/", "src.js") == 0);
	/* Paths with ./ and doubled slashes are read as segments. */
	CHECK(ign("dist", "./dist//a.js") == 1);
}

static void config_ignore_hostile_pattern_is_fast(void)
{
	/* Exponential for a naive backtracking matcher: many stars, a long near-miss. */
	pg_config c;
	clock_t t0;
	char seg_pat[200], text[4000];
	pg_buf pat = PG_BUF_INIT;
	size_t i;
	pg_config_init(&c);
	for (i = 0; i < 40; i++)
		seg_pat[2 * i] = '*', seg_pat[2 * i + 1] = 'a';
	seg_pat[80] = 'b';
	seg_pat[81] = 0;
	for (i = 0; i < 30; i++)
		pg_buf_printf(&pat, "**/%s/", seg_pat);
	pg_buf_puts(&pat, "z");
	pg_strlist_push(&c.ignore, pat.data);
	for (i = 0; i + 1 < 200; i++)
		text[i] = 'a';
	text[199] = 0;
	{
		pg_buf path = PG_BUF_INIT;
		for (i = 0; i < 15; i++)
			pg_buf_printf(&path, "%s/", text);
		pg_buf_puts(&path, "y");
		t0 = clock();
		CHECK(pg_config_ignores(&c, path.data) == 0);
		CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
		pg_buf_free(&path);
	}
	pg_buf_free(&pat);
	pg_config_free(&c);
}

int main(void)
{
	RUN(json_values);
	RUN(json_strict);
	RUN(json_error_positions);
	RUN(json_deep_nesting_no_recursion);
	RUN(config_defaults);
	RUN(config_keys);
	RUN(config_errors);
	RUN(config_load);
	RUN(config_digest);
	RUN(config_ignore_globs);
	RUN(config_ignore_hostile_pattern_is_fast);
	return unit_failures ? 1 : 0;
}
