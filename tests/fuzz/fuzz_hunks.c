/*
 * fuzz_hunks.c - libFuzzer harness: mapping a change's line ranges to the
 * functions they touch (diff/compare.c), on arbitrary ranges and arbitrary
 * file contents.
 *
 * Input: byte 0 picks the language (bits 0-1) and whether the file is new
 * (bit 2) and the number of ranges (bits 3-7, up to 31); then 9 bytes per
 * range (start and end as little-endian 32-bit numbers, a deletion flag);
 * the rest is the file.  Both sides hold the same file, so every finding
 * is matched and goes through the touched-function test with the fuzzed
 * ranges (unless the file is "new", which exercises the introduced path).
 *
 * The repository is libgit2's in-memory object store (mempack) behind an
 * in-memory index, so no file is written: the store is emptied before
 * each input and the fixed files of fuzz_source.h added again, so that
 * relative imports resolve through the same git reader `run` uses.
 */
#include <git2.h>
#include <git2/sys/mempack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "fuzz_source.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static git_repository *repo;
static git_odb_backend *mempack;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	git_odb *odb = NULL;
	(void)argc;
	(void)argv;
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0); /* objects would outlive each input */
	if (git_odb_new(&odb) < 0 || git_mempack_new(&mempack) < 0 || git_odb_add_backend(odb, mempack, 1) < 0 ||
	    git_repository_wrap_odb(&repo, odb) < 0)
		abort();
	git_odb_free(odb); /* the repository holds it */
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void add_file(git_index *index, const char *path, const void *data, size_t len, git_oid *id)
{
	git_index_entry e;
	if (git_blob_create_from_buffer(id, repo, data, len) < 0)
		abort();
	memset(&e, 0, sizeof(e));
	e.mode = GIT_FILEMODE_BLOB;
	e.path = path;
	git_oid_cpy(&e.id, id);
	if (git_index_add(index, &e) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"src/input.js", "src/input.ts", "src/input.tsx", "src/input.jsx"};
	pg_git_side old_side = {repo, NULL, NULL, NULL, NULL}, new_side = {repo, NULL, NULL, NULL, NULL};
	pg_git_entries old_entries = {0}, new_entries = {0};
	git_index *old_index = NULL, *new_index = NULL;
	pg_git_changes changes = {NULL, 0, 0};
	pg_git_change *c;
	pg_git_verdict v;
	pg_strlist deps = {NULL, 0, 0};
	pg_config cfg;
	size_t nranges, i, off;
	const char *path;
	git_oid id;
	int rc;

	if (size < 1)
		return 0;
	path = paths[data[0] & 3];
	nranges = data[0] >> 3;
	if (size < 1 + nranges * 9)
		return 0;
	off = 1 + nranges * 9;

	git_mempack_reset(mempack);
	if (git_index_new(&old_index) < 0 || git_index_new(&new_index) < 0)
		abort();
	for (i = 0; i < sizeof(fuzz_files) / sizeof(fuzz_files[0]); i++) {
		add_file(old_index, fuzz_files[i].path, fuzz_files[i].text, strlen(fuzz_files[i].text), &id);
		add_file(new_index, fuzz_files[i].path, fuzz_files[i].text, strlen(fuzz_files[i].text), &id);
	}
	PG_GROW(changes.items, changes.cap, 1);
	c = &changes.items[changes.len++];
	memset(c, 0, sizeof(*c));
	c->new_path = pg_xstrdup(path);
	add_file(new_index, path, data + off, size - off, &c->new_id);
	if (!(data[0] & 4)) {
		c->old_path = pg_xstrdup(path);
		add_file(old_index, path, data + off, size - off, &c->old_id);
	}
	for (i = 0; i < nranges; i++) {
		const uint8_t *r = data + 1 + i * 9;
		PG_GROW(c->ranges, c->cap, c->nranges + 1);
		c->ranges[c->nranges].start = le32(r);
		c->ranges[c->nranges].end = le32(r + 4);
		c->ranges[c->nranges].deletion = r[8] & 1;
		c->nranges++;
	}
	pg_git_entries_from_index(&old_entries, old_index);
	pg_git_entries_from_index(&new_entries, new_index);
	old_side.index = &old_entries;
	new_side.index = &new_entries;
	pg_strlist_push(&deps, "src/index.js");
	pg_config_init(&cfg);
	pg_strlist_push(&cfg.release_helpers, "returnClient");

	rc = pg_git_compare(&v, &old_side, &new_side, &changes, &deps, &cfg, NULL, 1, NULL);
	if (rc < 0 && (!pg_error_last() || !*pg_error_last()))
		abort();
	if (rc == PG_OK) {
		if (v.introduced + v.warnings != v.shown.len)
			abort();
		if (c->old_path && v.introduced > 0) {
			/* same bytes on both sides: the file itself introduces nothing */
			for (i = 0; i < v.shown.len; i++)
				if (v.shown.items[i].introduced == 1 && !strcmp(v.shown.items[i].path, path)) {
					fprintf(stderr, "introduced by identical bytes: %s:%u:%u %s #%u (%s)\n", path,
					        v.shown.items[i].line, v.shown.items[i].column, v.shown.items[i].function,
					        v.shown.items[i].order, pg_kind_name(v.shown.items[i].kind));
					abort();
				}
		}
	}
	pg_git_verdict_free(&v);
	pg_config_free(&cfg);
	pg_strlist_free(&deps);
	pg_git_changes_free(&changes);
	pg_git_entries_free(&old_entries);
	pg_git_entries_free(&new_entries);
	git_index_free(old_index);
	git_index_free(new_index);
	pg_error_clear();
	return 0;
}
