/*
 * parse_only.c - the benchmark's physical limit for parsing: reads every
 * file of a list and parses it with the same tree-sitter runtime and grammars
 * as pgleak-hook (linked from its libpgleak.a), and does nothing else.
 *
 *   parse_only [--mentioning WORD] [--functions] LISTFILE
 *
 * LISTFILE holds one path per line.  A path whose language pg_lang_from_path
 * does not know (a .d.ts, a .json) is read but not parsed, as `check` does.
 * --mentioning WORD parses only the files whose bytes contain WORD, which is
 * the engine's own pre-filter (a file without an acquire method name is
 * scanned, not parsed): the parse cost of exactly the files `check` parses.
 * --functions also walks each tree to count its functions (declarations,
 * expressions, arrows, methods); it makes the run slower, so the bench uses
 * it in a separate, untimed run, for the functions/s figures.
 *
 * Prints one line of key=value pairs: files, bytes, parsed, parsed_bytes,
 * errors (trees holding an ERROR or MISSING node), functions, ms (the
 * whole loop, reading included).
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tree_sitter/api.h>

#include "engine.h"
#include "util.h"

const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);

static const char *const function_types[] = {
	"function_declaration", "function_expression", "function", "arrow_function",
	"method_definition", "generator_function_declaration", "generator_function",
};
#define NTYPES (sizeof(function_types) / sizeof(function_types[0]))

typedef struct {
	TSParser *parser;
	TSSymbol fn[NTYPES];   /* named symbols; a name may map to none (0) */
} lang_state;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int lang_init(lang_state *ls, const TSLanguage *lang)
{
	ls->parser = ts_parser_new();
	if (!ls->parser || !ts_parser_set_language(ls->parser, lang))
		return pg_error_set(PG_ERROR, "tree-sitter refused the grammar (ABI mismatch)");
	for (size_t i = 0; i < NTYPES; i++)
		ls->fn[i] = ts_language_symbol_for_name(lang, function_types[i],
		                                        (uint32_t)strlen(function_types[i]), true);
	return PG_OK;
}

static int is_function(const lang_state *ls, TSSymbol s)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (ls->fn[i] && ls->fn[i] == s)
			return 1;
	return 0;
}

/* Pre-order walk with a cursor: no recursion, whatever the nesting depth. */
static size_t count_functions(const lang_state *ls, TSTree *tree)
{
	TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(tree));
	size_t n = 0;
	for (;;) {
		if (is_function(ls, ts_node_symbol(ts_tree_cursor_current_node(&c))))
			n++;
		if (ts_tree_cursor_goto_first_child(&c) || ts_tree_cursor_goto_next_sibling(&c))
			continue;
		for (;;) {
			if (!ts_tree_cursor_goto_parent(&c))
				goto done;
			if (ts_tree_cursor_goto_next_sibling(&c))
				break;
		}
	}
done:
	ts_tree_cursor_delete(&c);
	return n;
}

static int usage(void)
{
	fprintf(stderr, "usage: parse_only [--mentioning WORD] [--functions] LISTFILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *word = NULL, *list = NULL;
	int want_functions = 0, rc = 0;
	lang_state langs[4];
	size_t files = 0, parsed = 0, errors = 0, functions = 0;
	unsigned long long bytes = 0, parsed_bytes = 0;
	char line[8192];
	double t0;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mentioning") && i + 1 < argc)
			word = argv[++i];
		else if (!strcmp(argv[i], "--functions"))
			want_functions = 1;
		else if (argv[i][0] == '-' || list)
			return usage();
		else
			list = argv[i];
	}
	if (!list)
		return usage();
	memset(langs, 0, sizeof(langs));
	if (lang_init(&langs[PG_LANG_JS], tree_sitter_javascript()) < 0 ||
	    lang_init(&langs[PG_LANG_TS], tree_sitter_typescript()) < 0 ||
	    lang_init(&langs[PG_LANG_TSX], tree_sitter_tsx()) < 0) {
		fprintf(stderr, "parse_only: %s\n", pg_error_last());
		rc = 2;
		goto out;
	}
	f = fopen(list, "r");
	if (!f) {
		fprintf(stderr, "parse_only: cannot open %s\n", list);
		rc = 2;
		goto out;
	}
	t0 = now_ms();
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");
		pg_lang lang;
		pg_buf b = PG_BUF_INIT;
		TSTree *tree;
		line[n] = '\0';
		if (!n)
			continue;
		if (pg_read_file(line, &b) < 0) {
			fprintf(stderr, "parse_only: %s: %s\n", line, pg_error_last());
			rc = 2;
			continue;
		}
		files++;
		bytes += b.len;
		lang = pg_lang_from_path(line);
		if (lang == PG_LANG_NONE || b.len > UINT32_MAX ||
		    (word && !memmem(b.data, b.len, word, strlen(word)))) {
			pg_buf_free(&b);
			continue;
		}
		tree = ts_parser_parse_string(langs[lang].parser, NULL, b.data, (uint32_t)b.len);
		if (tree) {
			parsed++;
			parsed_bytes += b.len;
			if (ts_node_has_error(ts_tree_root_node(tree)))
				errors++;
			if (want_functions)
				functions += count_functions(&langs[lang], tree);
			ts_tree_delete(tree);
		} else {
			fprintf(stderr, "parse_only: %s: the parser gave up\n", line);
			rc = 2;
		}
		pg_buf_free(&b);
	}
	fclose(f);
	printf("files=%zu bytes=%llu parsed=%zu parsed_bytes=%llu errors=%zu functions=%zu ms=%.1f\n", files,
	       bytes, parsed, parsed_bytes, errors, functions, now_ms() - t0);
out:
	for (int i = 0; i < 4; i++)
		if (langs[i].parser)
			ts_parser_delete(langs[i].parser);
	return rc;
}
