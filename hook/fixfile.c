/*
 * fixfile.c - `check --fix [--dry-run]` for one file on disk.
 *
 * The rewriting is analysis/fix.c's; this file does what touches the file
 * system and the terminal.  A fixed file is written next to itself under a
 * temporary name, given the original's mode, and renamed over it, so a
 * reader (an editor, a running build) sees the old bytes or the new ones,
 * never half of them; a symbolic link is followed and its target replaced,
 * the link kept.  --dry-run prints the change as a unified diff instead,
 * made by libgit2 (already the project's git library), which `git apply`
 * and `patch -p1` take.
 */
#define _XOPEN_SOURCE 700 /* realpath, mkstemp, fchmod */

#include "fixfile.h"

#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fix.h"

/* The unified diff (a git patch, paths a/PATH b/PATH) from old to new text; "" when equal. */
static int patch_of(const char *path, const char *old, size_t old_len, const char *new_text, size_t new_len,
                    pg_buf *out)
{
	git_patch *patch = NULL;
	git_buf b = {0};
	git_diff_options opts;
	int rc = PG_OK;
	pg_buf_clear(out);
	pg_buf_put(out, "", 0);
	if (old_len == new_len && !memcmp(old, new_text, old_len))
		return PG_OK;
	git_libgit2_init();
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 3;
	if (git_patch_from_buffers(&patch, old, old_len, path, new_text, new_len, path, &opts) < 0 ||
	    git_patch_to_buf(&b, patch) < 0) {
		const git_error *ge = git_error_last();
		rc = pg_error_set(PG_ERROR, "%s: cannot make the diff: %s", path, ge ? ge->message : "?");
	} else {
		pg_buf_put(out, b.ptr, b.size);
	}
	git_buf_dispose(&b);
	git_patch_free(patch);
	git_libgit2_shutdown();
	return rc;
}

/* Writes through a temporary file in the same folder and a rename; the mode is kept. */
static int write_atomically(const char *path, const char *data, size_t len)
{
	char real[PATH_MAX];
	struct stat st;
	const char *target = realpath(path, real) ? real : path;
	char *tmp;
	FILE *f;
	int fd, ok, err = 0;
	if (stat(target, &st) < 0)
		return pg_error_set(PG_ERROR, "%s: %s", path, strerror(errno));
	tmp = pg_xasprintf("%s.pgleak-fix-XXXXXX", target);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		free(tmp);
		return pg_error_set(PG_ERROR, "%s: cannot write next to it: %s", path, strerror(err));
	}
	f = fdopen(fd, "wb");
	ok = f && fchmod(fd, st.st_mode & 07777) == 0 && fwrite(data, 1, len, f) == len;
	if (!ok)
		err = errno;
	if (f ? fclose(f) != 0 : close(fd) != 0) {
		if (ok)
			err = errno;
		ok = 0;
	}
	if (ok && rename(tmp, target) != 0) {
		err = errno;
		ok = 0;
	}
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? PG_OK : pg_error_set(PG_ERROR, "%s: cannot write the fix: %s", path, strerror(err));
}

static void say(const char *path, const pg_fix_result *r, int dry_run)
{
	if (r->reason)
		fprintf(stderr, "%s:%u:%u: no automatic fix: %s (in %s)\n", path, (unsigned)r->line, (unsigned)r->column,
		        r->reason, r->function);
	else
		fprintf(stderr, "%s:%u:%u: %s in a finally block (in %s)\n", path, (unsigned)r->line,
		        (unsigned)r->column, dry_run ? "would fix: the release would run" : "fixed: the release now runs",
		        r->function);
}

/*
 * The engine as fix.c's checker, remembering what its last check counted:
 * fix.c checks the text again after each try and last the fixed text (it is
 * given `left`), and only that last one is the file's count.
 */
typedef struct {
	pg_engine *e;
	pg_stats before, after; /* the engine's counts around the last check */
} counting_checker;

static int check_counting(void *ctx, const char *path, const char *data, size_t len, pg_findings *out)
{
	counting_checker *c = ctx;
	int rc;
	c->before = *pg_engine_stats(c->e);
	rc = pg_engine_check_text(c->e, path, data, len, out);
	c->after = *pg_engine_stats(c->e);
	return rc;
}

int pg_fixfile(pg_engine *e, const pg_config *cfg, const char *path, int dry_run, pg_findings *left,
               pg_stats *counted)
{
	pg_buf src = PG_BUF_INIT, fixed = PG_BUF_INIT, diff = PG_BUF_INIT;
	pg_fix_results res = {0};
	counting_checker cc = {e, {0}, {0}};
	int rc = pg_read_file(path, &src);
	if (rc == PG_OK)
		rc = pg_fix_buffer(&(pg_fix_checker){check_counting, &cc}, cfg, path, src.data, src.len, 0, &fixed, &res,
		                   left);
	if (rc == PG_OK)
		pg_stats_add(counted, &cc.after, &cc.before);
	for (size_t i = 0; rc == PG_OK && i < res.len; i++)
		say(path, &res.items[i], dry_run);
	if (rc == PG_OK && (fixed.len != src.len || (src.len && memcmp(fixed.data, src.data, src.len)))) {
		if (dry_run) {
			rc = patch_of(path, src.data, src.len, fixed.data, fixed.len, &diff);
			if (rc == PG_OK && diff.len && fwrite(diff.data, 1, diff.len, stdout) != diff.len)
				rc = pg_error_set(PG_ERROR, "cannot write the diff: %s", strerror(errno));
		} else {
			rc = write_atomically(path, fixed.data, fixed.len);
		}
	}
	pg_fix_results_free(&res);
	pg_buf_free(&src);
	pg_buf_free(&fixed);
	pg_buf_free(&diff);
	return rc;
}
