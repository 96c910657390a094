/*
 * fuzz_engine.c - libFuzzer harness: the whole analysis of one file on
 * arbitrary bytes, through the analyser itself (analysis/analyser.h: no
 * engine, no cache).  Built three times (FUZZ_EXT "js", "ts", "tsx") so
 * each grammar's parser and our walk over its trees are fuzzed.
 *
 * Every input is parsed and its units listed, even without the word
 * "connect" (the pre-scan that callers use would skip most mutants).
 * A negative return is allowed (a documented limit, PG_ELIMIT) but must
 * come with a message; crashes, leaks, UB and hangs are what we look for.
 */
#include <stdio.h>
#include <stdlib.h>

#include "analyser.h"
#include "fuzz_source.h"

#ifndef FUZZ_EXT
#define FUZZ_EXT "js"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char path[] = "src/input." FUZZ_EXT;
	fuzz_source_ctx ctx = {path, (const char *)data, size};
	pg_source src;
	pg_config cfg;
	pg_analyser *a = NULL;
	pg_module *m = NULL;
	pg_findings f;
	pg_units u;
	size_t i;
	int rc;

	memset(&src, 0, sizeof(src)); /* later members (e.g. fingerprint) stay unset */
	src.read = fuzz_read;
	src.ctx = &ctx;
	pg_config_init(&cfg);
	pg_strlist_push(&cfg.release_helpers, "returnClient");
	pg_findings_init(&f);
	pg_units_init(&u);
	if (pg_analyser_new(&a, &cfg, &src) != PG_OK)
		abort();
	rc = pg_analyser_parse(a, path, pg_lang_from_path(path), (const char *)data, size, &m);
	if (rc == PG_OK) {
		pg_analyser_units(m, &u);
		for (i = 0; i < u.len && rc == PG_OK; i++)
			if (u.items[i].has_acquisition)
				rc = pg_analyser_check_unit(a, m, i, &f);
		pg_module_free(m);
	}
	if (rc < 0 && (!pg_error_last() || !*pg_error_last()))
		abort(); /* an error without a message is a bug */
	for (i = 0; i < f.len; i++) {
		const pg_finding *x = &f.items[i];
		/* what the reports rely on */
		if (!x->path || !x->function || !x->message || !x->hint || x->line == 0 || x->column == 0)
			abort();
	}
	for (i = 0; i < u.len; i++)
		if (!u.items[i].name || u.items[i].line == 0 || u.items[i].end < u.items[i].line ||
		    u.items[i].end_byte < u.items[i].start_byte || u.items[i].end_byte > size)
			abort();
	pg_findings_sort(&f);
	pg_findings_free(&f);
	pg_units_free(&u);
	pg_analyser_free(a);
	pg_config_free(&cfg);
	pg_error_clear();
	return 0;
}
