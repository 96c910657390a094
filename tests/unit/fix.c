/*
 * fix.c - unit tests of the automatic fix (analysis/fix.c) on the labelled
 * corpus (../shared/corpus, or PGLEAK_CORPUS): for every file, all its
 * leaking acquisitions are fixed where possible, then
 *  - a rewritten file parses without an error (the originals all do);
 *  - every function that holds no fixed acquisition keeps its bytes: it is
 *    found, under its name, with exactly the text it had;
 *  - fixing the fixed text again changes nothing (the fixed ones are gone);
 *  - a file where nothing was fixed comes back byte-identical.
 * Without the corpus it says NOT RUN (tests/run.sh counts that apart).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ast.h"
#include "engine.h"
#include "fix.h"
#include "unit.h"

#define UNIT_NAME "fix"

static const char *corpus_dir(void)
{
	const char *d = getenv("PGLEAK_CORPUS");
	return d && *d ? d : "../shared/corpus";
}

static int read_disk(void *ctx, const char *path, pg_buf *out)
{
	(void)ctx;
	return pg_read_file(path, out);
}

static int parses_clean(const char *path, const pg_buf *b)
{
	pg_ast a;
	int ok;
	if (pg_ast_parse(&a, pg_lang_from_path(path), b->data, (uint32_t)b->len) < 0)
		return 0;
	ok = !ts_node_has_error(ts_tree_root_node(a.tree));
	pg_ast_free(&a);
	return ok;
}

/* Does function `u` of the new text hold a fixed acquisition? */
static int holds_fix(const pg_unit *u, const pg_fix_results *r)
{
	for (size_t i = 0; i < r->len; i++)
		if (!r->items[i].reason && r->items[i].line >= u->line && r->items[i].line <= u->end)
			return 1;
	return 0;
}

static size_t fixed_total, considered_total;

static void check_one(const char *path)
{
	pg_config cfg;
	pg_source src = {read_disk, NULL, NULL};
	pg_engine *e = NULL;
	pg_buf text = PG_BUF_INIT, fixed = PG_BUF_INIT, again = PG_BUF_INIT;
	pg_fix_results res = {0}, res2 = {0};
	pg_units before, after;
	pg_findings scratch;
	size_t nfixed = 0;

	pg_config_init(&cfg);
	pg_units_init(&before);
	pg_units_init(&after);
	pg_findings_init(&scratch);
	CHECK(pg_read_file(path, &text) == PG_OK);
	CHECK(pg_engine_new(&e, &cfg, &src) == PG_OK);
	CHECK(pg_fix_buffer(&(pg_fix_checker){pg_engine_check_text, e}, &cfg, path, text.data, text.len, 0, &fixed, &res, NULL) == PG_OK);
	for (size_t i = 0; i < res.len; i++)
		nfixed += res.items[i].reason == NULL;
	fixed_total += nfixed;
	considered_total += res.len;
	if (!nfixed) {
		CHECK(fixed.len == text.len && (!text.len || !memcmp(fixed.data, text.data, text.len)));
	} else {
		if (!parses_clean(path, &fixed))
			fprintf(stderr, "    %s: the fixed text does not parse\n", path);
		CHECK(parses_clean(path, &fixed));
		CHECK(pg_engine_check_buffer(e, path, text.data, text.len, &scratch, &before) == PG_OK);
		CHECK(pg_engine_check_buffer(e, path, fixed.data, fixed.len, &scratch, &after) == PG_OK);
		for (size_t i = 0; i < after.len; i++) {
			const pg_unit *u = &after.items[i];
			int found = 0;
			if (holds_fix(u, &res))
				continue;
			for (size_t j = 0; j < before.len && !found; j++) {
				const pg_unit *o = &before.items[j];
				found = !strcmp(o->name, u->name) && o->end_byte - o->start_byte == u->end_byte - u->start_byte &&
				        !memcmp(text.data + o->start_byte, fixed.data + u->start_byte, u->end_byte - u->start_byte);
			}
			if (!found)
				fprintf(stderr, "    %s: function %s changed though nothing in it was fixed\n", path, u->name);
			CHECK(found);
		}
		CHECK(pg_fix_buffer(&(pg_fix_checker){pg_engine_check_text, e}, &cfg, path, fixed.data, fixed.len, 0, &again, &res2, NULL) == PG_OK);
		CHECK(again.len == fixed.len && !memcmp(again.data, fixed.data, fixed.len));
		for (size_t i = 0; i < res2.len; i++)
			CHECK(res2.items[i].reason != NULL);
	}
	pg_fix_results_free(&res);
	pg_fix_results_free(&res2);
	pg_units_free(&before);
	pg_units_free(&after);
	pg_findings_free(&scratch);
	pg_buf_free(&text);
	pg_buf_free(&fixed);
	pg_buf_free(&again);
	pg_engine_free(e);
	pg_config_free(&cfg);
}

/* Every JS/TS file of cases/, and of its case folders (one level: the corpus's layout). */
static void test_corpus_fixes_keep_the_rest(void)
{
	char *cases = pg_xasprintf("%s/cases", corpus_dir());
	pg_strlist dirs = {0};
	pg_strlist_push(&dirs, cases);
	for (size_t d = 0; d < dirs.len; d++) {
		DIR *dir = opendir(dirs.items[d]);
		struct dirent *ent;
		CHECK(dir != NULL);
		while (dir && (ent = readdir(dir)) != NULL) {
			char *p;
			struct stat st;
			if (ent->d_name[0] == '.')
				continue;
			p = pg_xasprintf("%s/%s", dirs.items[d], ent->d_name);
			if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && d == 0)
				pg_strlist_push(&dirs, p);
			else if (S_ISREG(st.st_mode) && pg_lang_from_path(p) != PG_LANG_NONE)
				check_one(p);
			free(p);
		}
		if (dir)
			closedir(dir);
	}
	printf("# fix: %zu of %zu leaking acquisitions of the corpus fixed\n", fixed_total, considered_total);
	CHECK(fixed_total >= 8);
	pg_strlist_free(&dirs);
	free(cases);
}

int main(void)
{
	char *expected = pg_xasprintf("%s/expected.tsv", corpus_dir());
	struct stat st;
	int have = stat(expected, &st) == 0;
	free(expected);
	if (!have) {
		printf("NOT RUN fix: no labelled corpus at %s (set PGLEAK_CORPUS)\n", corpus_dir());
		return 0;
	}
	RUN(test_corpus_fixes_keep_the_rest);
	pg_ast_thread_done();
	return unit_failures ? 1 : 0;
}
