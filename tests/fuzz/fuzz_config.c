/*
 * fuzz_config.c - libFuzzer harness: `.pgleak.json` on arbitrary bytes.
 *
 * The bytes go through the JSON reader (walking every node the way the
 * callers do) and the configuration parser.  A parse that succeeds must
 * leave a configuration the rest of the program can use: its digest is
 * taken and its "ignore" globs are matched against fixed paths and against
 * each other (patterns are the worst-case texts for the matcher).  A parse
 * that fails must say why.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"a.js", "src/db.js", "dist/bundle.min.js", "legacy/old/x.ts", "node_modules/pg/lib/index.js",
	"a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z.tsx", "", ".", "..//./a",
};

static void walk_json(const char *text, size_t len)
{
	pg_json_doc doc = PG_JSON_DOC_INIT;
	size_t i;
	if (pg_json_parse(&doc, text, len, "fuzz.json") != PG_OK) {
		if (!pg_error_last() || !*pg_error_last())
			abort();
		return;
	}
	for (i = 0; i < doc.len; i++) {
		const pg_json_node *n = &doc.nodes[i], *c;
		size_t count = 0;
		if (n->line == 0 || n->column == 0)
			abort();
		if (n->type == PG_JSON_ARRAY || n->type == PG_JSON_OBJECT) {
			for (c = pg_json_first(&doc, n); c; c = pg_json_next(&doc, c))
				count++;
			if (count != n->count)
				abort();
			(void)pg_json_get(&doc, n, "pools");
		}
		(void)pg_json_type_name(n->type);
	}
	pg_json_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pg_config cfg;
	size_t i;

	walk_json((const char *)data, size);
	pg_config_init(&cfg);
	if (pg_config_parse(&cfg, (const char *)data, size, ".pgleak.json") == PG_OK) {
		(void)pg_config_digest(&cfg);
		if (!pg_strlist_has(&cfg.acquire, "connect") || !pg_strlist_has(&cfg.release, "release"))
			abort(); /* config.h: always contains them */
		for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			(void)pg_config_ignores(&cfg, paths[i]);
		for (i = 0; i < cfg.ignore.len && i < 16; i++)
			(void)pg_config_ignores(&cfg, cfg.ignore.items[i]);
		for (i = 0; i < cfg.pools.len && i < 16; i++)
			(void)pg_config_ignores(&cfg, cfg.pools.items[i]);
	} else if (!pg_error_last() || !*pg_error_last()) {
		abort();
	}
	pg_config_free(&cfg);
	pg_error_clear();
	return 0;
}
