/*
 * json.c - a deterministic mutation run over the JSON reader and the
 * configuration parser: valid seeds with bytes flipped, inserted, deleted
 * and truncated (a fixed-seed generator, so a failure reproduces).  Every
 * input must either parse into a consistent tree or fail with a message
 * that says where; under `make SANITIZE=1` this is also a memory check.
 */
#define UNIT_NAME "json"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static const char *const seeds[] = {
	"{\"pools\":[\"db\",\"this.pg\"],\"acquire\":[\"connect\",\"checkout\"],\"release\":[\"release\"],"
	"\"releaseHelpers\":[\"returnClient\"],\"ignore\":[\"dist\",\"legacy/**/*.js\"],\"maxFileBytes\":2097152}",
	"[1, -2.5e10, true, false, null, \"\\u00e9\\ud83d\\ude00\\n\", {\"a\": [[], {}]}]",
	"{\n  \"ignore\": [\"**/fixtures/**\", \"*.test.js\", \"dist/\"]\n}\n",
};

static const char alphabet[] = "{}[]\",:\\/ \n\tu0123456789abcdef-+.eEtrufalsn\xc3\xa9\xff\x00";

/* Walks the tree without recursion and checks the links and counts agree. */
static int consistent(const pg_json_doc *d)
{
	for (size_t i = 0; i < d->len; i++) {
		const pg_json_node *n = &d->nodes[i];
		size_t count = 0;
		if (n->line == 0 || n->column == 0)
			return 0;
		if (n->type == PG_JSON_STRING && !n->str)
			return 0;
		for (const pg_json_node *c = pg_json_first(d, n); c; c = pg_json_next(d, c)) {
			if (c <= n || (n->type == PG_JSON_OBJECT) != (c->key != NULL))
				return 0;
			count++;
		}
		if ((n->type == PG_JSON_ARRAY || n->type == PG_JSON_OBJECT) && count != n->count)
			return 0;
	}
	return 1;
}

static void mutations_never_crash(void)
{
	pg_buf b = PG_BUF_INIT;
	int ok = 0, bad = 0, broken = 0, unplaced = 0;
	for (int round = 0; round < 30000; round++) {
		const char *seed = seeds[rnd(sizeof(seeds) / sizeof(seeds[0]))];
		pg_json_doc d = PG_JSON_DOC_INIT;
		pg_config cfg;
		int edits = 1 + (int)rnd(4), rc;
		pg_buf_clear(&b);
		pg_buf_puts(&b, seed);
		for (int e = 0; e < edits; e++) {
			size_t at = b.len ? rnd((uint32_t)b.len) : 0;
			char c = alphabet[rnd(sizeof(alphabet) - 1)];
			switch (rnd(4)) {
			case 0: if (b.len) b.data[at] = c; break;
			case 1: /* insert */
				pg_buf_putc(&b, 0);
				memmove(b.data + at + 1, b.data + at, b.len - at - 1);
				b.data[at] = c;
				break;
			case 2: /* delete */
				if (b.len) {
					memmove(b.data + at, b.data + at + 1, b.len - at - 1);
					b.len--;
				}
				break;
			default: b.len = at; break; /* truncate */
			}
		}
		rc = pg_json_parse(&d, b.data, b.len, "fuzz.json");
		if (rc == 0) {
			ok++;
			broken += !consistent(&d);
		} else {
			bad++;
			unplaced += strncmp(pg_error_last(), "fuzz.json:", 10) != 0;
			if (d.len != 0)
				broken++;
		}
		pg_json_free(&d);
		pg_config_init(&cfg);
		rc = pg_config_parse(&cfg, b.data, b.len, "fuzz.json");
		if (rc != 0 && rc != PG_EINVALID)
			broken++;
		if (rc == 0 && (!pg_strlist_has(&cfg.acquire, "connect") || !pg_strlist_has(&cfg.release, "release")))
			broken++;
		if (rc == 0)
			(void)pg_config_ignores(&cfg, "src/legacy/a/b/fixtures/x.test.js");
		pg_config_free(&cfg);
	}
	pg_buf_free(&b);
	CHECK(broken == 0);
	CHECK(unplaced == 0);
	CHECK(ok > 100 && bad > 100); /* the run exercised both sides */
}

int main(void)
{
	RUN(mutations_never_crash);
	return unit_failures ? 1 : 0;
}
