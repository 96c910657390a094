/*
 * fuzz_cached.c - libFuzzer harness: the analysis with the result cache
 * must answer exactly what the analysis without it answers.
 *
 * Each input (as JavaScript) is analysed without a cache, then through a
 * cache that lives for the whole fuzzing session (so entries stored for
 * earlier inputs, whose functions may have the same bytes in another
 * context, are there to be wrongly reused), then again shifted down by one
 * line (a newline in front: function records are reused "moved").  Each
 * cached answer must equal the uncached answer for the same bytes:
 * findings field by field, and units.  The cache is small (the minimum
 * size), so compaction runs often.  Run.sh closes the harness's stderr: run
 * a crash input directly (build-fuzz/fuzz_cached FILE) to see what differs.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "fuzz_source.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[80];

static void remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char *p;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = pg_xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/pgleak-fuzz-cached-%ld", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
	         (long)getpid());
	remove_dir();
	atexit(remove_dir);
	return 0;
}

typedef struct {
	pg_findings f;
	pg_units u;
	int rc;
} answer;

static void analyse(answer *a, const char *data, size_t size, pg_cache *cache)
{
	static const char path[] = "src/input.js";
	fuzz_source_ctx ctx = {path, data, size};
	pg_source src;
	pg_config cfg;
	pg_engine *e = NULL;

	memset(&src, 0, sizeof(src)); /* later members (e.g. fingerprint) stay unset */
	src.read = fuzz_read;
	src.ctx = &ctx;
	pg_config_init(&cfg);
	pg_strlist_push(&cfg.release_helpers, "returnClient");
	pg_findings_init(&a->f);
	pg_units_init(&a->u);
	if (pg_engine_new(&e, &cfg, &src) != PG_OK)
		abort();
	if (cache)
		pg_engine_set_cache(e, cache);
	a->rc = pg_engine_check_buffer(e, path, data, size, &a->f, &a->u);
	pg_findings_sort(&a->f);
	pg_engine_free(e);
	pg_config_free(&cfg);
	pg_error_clear();
}

static void answer_free(answer *a)
{
	pg_findings_free(&a->f);
	pg_units_free(&a->u);
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void expect_same(const answer *fresh, const answer *cached, const char *what)
{
	size_t i;
	if (fresh->rc != cached->rc || fresh->f.len != cached->f.len || fresh->u.len != cached->u.len) {
		fprintf(stderr, "%s: rc %d/%d, %zu/%zu findings, %zu/%zu units (fresh/cached)\n", what, fresh->rc,
		        cached->rc, fresh->f.len, cached->f.len, fresh->u.len, cached->u.len);
		for (i = 0; i < fresh->f.len; i++)
			fprintf(stderr, "  fresh:  %u:%u %s in %s #%u\n", fresh->f.items[i].line, fresh->f.items[i].column,
			        pg_kind_name(fresh->f.items[i].kind), fresh->f.items[i].function, fresh->f.items[i].order);
		for (i = 0; i < cached->f.len; i++)
			fprintf(stderr, "  cached: %u:%u %s in %s #%u\n", cached->f.items[i].line, cached->f.items[i].column,
			        pg_kind_name(cached->f.items[i].kind), cached->f.items[i].function, cached->f.items[i].order);
		abort();
	}
	for (i = 0; i < fresh->f.len; i++) {
		const pg_finding *x = &fresh->f.items[i], *y = &cached->f.items[i];
		if (x->line != y->line || x->column != y->column || x->kind != y->kind || x->order != y->order ||
		    x->via != y->via || x->exit_line != y->exit_line || x->fn_line != y->fn_line ||
		    x->fn_end != y->fn_end || !same_str(x->function, y->function) || !same_str(x->message, y->message) ||
		    !same_str(x->path_text, y->path_text) || !same_str(x->hint, y->hint) || !same_str(x->path, y->path)) {
			fprintf(stderr, "%s: finding %zu differs: fresh %u:%u %s %s exit %u | cached %u:%u %s %s exit %u\n",
			        what, i, x->line, x->column, pg_kind_name(x->kind), x->function, x->exit_line, y->line,
			        y->column, pg_kind_name(y->kind), y->function, y->exit_line);
			abort();
		}
	}
	for (i = 0; i < fresh->u.len; i++) {
		const pg_unit *x = &fresh->u.items[i], *y = &cached->u.items[i];
		if (x->line != y->line || x->end != y->end || x->start_byte != y->start_byte ||
		    x->end_byte != y->end_byte || !same_str(x->name, y->name)) {
			fprintf(stderr, "%s: unit %zu differs: fresh %s %u-%u | cached %s %u-%u\n", what, i, x->name, x->line,
			        x->end, y->name, y->line, y->end);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *shifted = pg_xmalloc(size + 1);
	answer fresh, cached, fresh_shifted, cached_shifted;
	pg_cache *cache = NULL;

	shifted[0] = '\n';
	memcpy(shifted + 1, data, size);

	analyse(&fresh, (const char *)data, size, NULL);
	pg_cache_open(&cache, dir, PG_CACHE_MIN_MAX_BYTES);
	analyse(&cached, (const char *)data, size, cache);
	expect_same(&fresh, &cached, "same bytes");
	analyse(&cached_shifted, shifted, size + 1, cache);
	pg_cache_close(cache);
	analyse(&fresh_shifted, shifted, size + 1, NULL);
	expect_same(&fresh_shifted, &cached_shifted, "moved down one line");

	answer_free(&fresh);
	answer_free(&cached);
	answer_free(&fresh_shifted);
	answer_free(&cached_shifted);
	free(shifted);
	return 0;
}
