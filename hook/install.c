/*
 * install.c - `pgleak-hook install [--husky] [--force]` and `uninstall`.
 *
 * The hook goes where git will run it: core.hooksPath when set (relative to
 * the work tree's root, as git reads it), else the hooks folder of the
 * common git directory, which linked worktrees share.  Two hooks are
 * written: pre-commit, and pre-merge-commit, which git runs instead for a
 * merge that needs no conflict resolution (the same `run`: a merge, like
 * any commit, is judged over HEAD, its first parent).  A hook already there is renamed
 * to NAME.pgleak-chained and run first by ours, its failure still
 * blocking; uninstall renames it back, so the two commands leave the
 * folder exactly as it was.  Ours is recognised by its marker line, which
 * is what makes a second install a no-op.  git runs no hook at all for
 * revert, cherry-pick, rebase and commit --no-verify (README).
 *
 * With --husky (v9), two lines (a marker comment and the call) are added
 * once to .husky/pre-commit and to .husky/pre-merge-commit (made when
 * missing: husky runs it for a merge, as git would run ours); husky owns
 * core.hooksPath (.husky/_) and rewrites it, so a plain install there is
 * refused with that advice.
 *
 * Every form runs the same line (hook_call): PGLEAK_SKIP=1 skips
 * it, else it looks in the project's node_modules (the npm platform
 * package's binary, then .bin), then PATH, then the absolute path of the
 * installing binary.  When none is there at commit
 * time the hook blocks (exit 2) and says in one line what to run: a check
 * that silently stops running is worse than a commit that stops.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "gitcli.h"
#include "repo.h"

#define MARKER "# pgleak-hook: installed by `pgleak-hook install`"
#define HUSKY_MARKER "# pgleak-hook: added by `pgleak-hook install --husky`"
#define CHAINED_SUFFIX ".pgleak-chained"
/* the static binary of npm's @pgleak-hook/linux-x64 (packaging/npm/); absent elsewhere */
#define NPM_PLATFORM_BIN "node_modules/@pgleak-hook/linux-x64/bin/pgleak-hook"

static int file_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Reads `path` into *out; 0 when it does not exist (out left empty), <0 on error. */
static int read_text(const char *path, pg_buf *out, int *exists)
{
	int rc = pg_read_file(path, out);
	*exists = rc == PG_OK;
	if (rc == PG_ENOTFOUND) {
		pg_error_clear();
		return PG_OK;
	}
	return rc;
}

/* Writes through a temporary file and a rename, so a hook is never half written. */
static int write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	char *tmp = pg_xasprintf("%s.pgleak-tmp", path);
	FILE *f = fopen(tmp, "wb");
	int ok = f != NULL;
	if (ok)
		ok = fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok)
		ok = chmod(tmp, mode) == 0 && rename(tmp, path) == 0;
	if (!ok) {
		int err = errno;
		unlink(tmp);
		free(tmp);
		return pg_error_set(PG_ERROR, "cannot write %s: %s", path, strerror(err));
	}
	free(tmp);
	return PG_OK;
}

static int mkdirs(const char *path)
{
	char *p = pg_xstrdup(path), *s;
	int rc = PG_OK;
	for (s = p + 1; rc == PG_OK; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			rc = pg_error_set(PG_ERROR, "cannot create %s: %s", p, strerror(errno));
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return rc;
}

/* How the hook names the binary: by name when PATH finds one now, else our absolute path (when /proc tells it). */
static int binary_command(char **out)
{
	const char *path = getenv("PATH");
	char self[PATH_MAX];
	ssize_t n;
	if (path) {
		char *copy = pg_xstrdup(path), *save = NULL, *dir;
		int found = 0;
		for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
			char *cand = pg_xasprintf("%s/pgleak-hook", *dir ? dir : ".");
			found = *dir == '/' && access(cand, X_OK) == 0;
			free(cand);
		}
		free(copy);
		if (found) {
			*out = pg_xstrdup("pgleak-hook");
			return PG_OK;
		}
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		/* no /proc (macOS, BSDs): by name; the hook line still looks in node_modules and PATH */
		*out = pg_xstrdup("pgleak-hook");
		return PG_OK;
	}
	self[n] = '\0';
	if (strchr(self, '\''))
		return pg_error_set(PG_ERROR, "the binary's path contains a quote: %s", self);
	*out = pg_xasprintf("'%s'", self);
	return PG_OK;
}

/*
 * The one line every form of the hook runs (plain hook, husky, and what
 * README gives for lefthook): PGLEAK_SKIP=1 skips it, then the project's own
 * node_modules (git runs hooks at the work tree's root, so a teammate's
 * `npm install` is enough), then PATH, then the binary that installed it.
 * In node_modules the prebuilt binary of the npm platform package comes
 * first: .bin/pgleak-hook is the JS launcher, which would start node (some
 * 40 to 200 ms) on every commit only to run that same binary.
 * Missing everywhere, it fails closed with one line saying what to run.
 * One line, so that husky's block stays the marker plus this line.
 */
static char *hook_call(const char *bin)
{
	char *abs = bin[0] == '\'' ? pg_xasprintf("elif [ -x %s ]; then %s run; ", bin, bin) : pg_xstrdup("");
	char *s = pg_xasprintf(
	    "if [ \"${PGLEAK_SKIP:-}\" = 1 ]; then echo 'pgleak-hook: PGLEAK_SKIP=1: commit allowed without checking' >&2; "
	    "elif [ -x " NPM_PLATFORM_BIN " ]; then " NPM_PLATFORM_BIN " run; "
	    "elif [ -x node_modules/.bin/pgleak-hook ]; then node_modules/.bin/pgleak-hook run; "
	    "elif command -v pgleak-hook >/dev/null 2>&1; then pgleak-hook run; "
	    "%s"
	    "else echo \"pgleak-hook: cannot find pgleak-hook (node_modules/.bin, PATH): commit blocked; run 'npm install' "
	    "(or npm i -D pgleak-hook), or bypass: PGLEAK_SKIP=1 git commit / git commit --no-verify\" >&2; exit 2; fi || exit $?\n",
	    abs);
	free(abs);
	return s;
}

/* The hooks install writes: git runs pre-merge-commit, not pre-commit, for a merge without conflicts. */
static const char *const pg_hook_names[] = {"pre-commit", "pre-merge-commit"};
#define PG_NHOOKS (sizeof(pg_hook_names) / sizeof(pg_hook_names[0]))

static char *hook_script(const char *bin, const char *name)
{
	char *call = hook_call(bin), *s;
	s = pg_xasprintf("#!/bin/sh\n"
	                 MARKER "\n"
	                 "# It blocks commits that introduce PostgreSQL pool-client leaks.  `pgleak-hook uninstall`\n"
	                 "# removes it and puts back the hook that was here (%s" CHAINED_SUFFIX ").\n"
	                 /* the hook's folder by parameter expansion: no process is started for it */
	                 "chained=\"${0%%/*}/%s" CHAINED_SUFFIX "\"\n"
	                 "if [ -x \"$chained\" ]; then\n"
	                 "\t\"$chained\" \"$@\" || exit $?\n"
	                 "fi\n"
	                 "%s",
	                 name, name, call);
	free(call);
	return s;
}

/* What install needs to know of the repository, from libgit2 or, where it cannot read it, from git. */
typedef struct {
	char *workdir;    /* NULL when bare */
	char *gitdir;     /* the repository's git directory */
	char *commondir;  /* shared by linked worktrees */
	char *hooks_path; /* core.hooksPath as a path, or NULL */
	int bare;
} repo_facts;

static void facts_free(repo_facts *f)
{
	free(f->workdir);
	free(f->gitdir);
	free(f->commondir);
	free(f->hooks_path);
	memset(f, 0, sizeof(*f));
}

static int facts_from_libgit2(repo_facts *f, git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf buf = {0};
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return pg_git_error("cannot read the repository's configuration");
	if (git_config_get_path(&buf, cfg, "core.hooksPath") == 0 && buf.ptr[0])
		f->hooks_path = pg_xstrdup(buf.ptr);
	git_error_clear();
	git_buf_dispose(&buf);
	git_config_free(cfg);
	f->workdir = git_repository_workdir(repo) ? pg_xstrdup(git_repository_workdir(repo)) : NULL;
	f->gitdir = pg_xstrdup(git_repository_path(repo));
	f->commondir = pg_xstrdup(git_repository_commondir(repo));
	f->bare = git_repository_is_bare(repo);
	return PG_OK;
}

/* Where libgit2 cannot open the repository (SHA-256 objects): git answers the same questions. */
static int facts_from_git(repo_facts *f, const char *libgit2_said)
{
	pg_git_cli *cli = NULL;
	char *why = pg_xstrdup(libgit2_said);
	int rc = pg_git_cli_open(&cli);
	if (rc == PG_OK) {
		const char *top = pg_git_cli_toplevel(cli);
		f->bare = pg_git_cli_is_bare(cli);
		f->workdir = top && !f->bare ? pg_xasprintf("%s/", top) : NULL;
		f->commondir = pg_xstrdup(pg_git_cli_commondir(cli));
		f->gitdir = pg_xstrdup(f->commondir);
		f->hooks_path = pg_git_cli_config_path(cli, "core.hooksPath");
	} else {
		char *git = pg_xstrdup(pg_error_last());
		rc = pg_error_set(rc, "%s; %s", why, git);
		free(git);
	}
	pg_git_cli_free(cli);
	free(why);
	return rc;
}

static int repo_facts_get(repo_facts *f)
{
	pg_git g;
	int rc;
	memset(f, 0, sizeof(*f));
	rc = pg_git_cli_forced() ? PG_ERROR : pg_git_open(&g);
	if (rc == PG_OK) {
		rc = facts_from_libgit2(f, g.repo);
		pg_git_close(&g);
		return rc;
	}
	return facts_from_git(f, pg_git_cli_forced() ? "PGLEAK_GIT_CLI=1" : pg_error_last());
}

/* Where git runs hooks for this repository; *husky set when core.hooksPath is husky's. */
static int hooks_dir(const repo_facts *f, char **out, int *husky)
{
	static const char *const husky_marks[] = {"h", "husky.sh", "_/husky.sh"};
	size_t i;
	*out = NULL;
	*husky = 0;
	if (f->hooks_path) {
		const char *base = f->workdir ? f->workdir : f->gitdir;
		char *rel;
		*out = f->hooks_path[0] == '/' ? pg_path_normalize(f->hooks_path) : pg_path_join(base, f->hooks_path);
		/* husky 9 keeps `h` in its hooks folder; husky 4-8 keep `_/husky.sh` beside their hooks. */
		for (i = 0; i < sizeof(husky_marks) / sizeof(husky_marks[0]) && !*husky; i++) {
			rel = pg_path_join(*out, husky_marks[i]);
			*husky = file_exists(rel);
			free(rel);
		}
	} else {
		*out = pg_path_join(f->commondir, "hooks");
	}
	return PG_OK;
}

/* Writes hook `name` into dir (see the top of the file). */
static int install_one_hook(const char *dir, const char *name, const char *bin, int force)
{
	char *hook = pg_path_join(dir, name), *chained = pg_xasprintf("%s" CHAINED_SUFFIX, hook), *script = NULL;
	pg_buf cur = PG_BUF_INIT;
	int exists, rc = read_text(hook, &cur, &exists);

	if (rc == PG_OK && exists && strstr(cur.data, MARKER) && !force) {
		printf("pgleak-hook: already installed in %s\n", hook);
	} else if (rc == PG_OK) {
		int ours = exists && strstr(cur.data, MARKER);
		if (exists && !ours) {
			if (file_exists(chained))
				rc = pg_error_set(PG_ERROR, "%s exists already, and %s is not ours: move one of them away first",
				                  chained, hook);
			else if (rename(hook, chained) < 0)
				rc = pg_error_set(PG_ERROR, "cannot move %s aside: %s", hook, strerror(errno));
		}
		if (rc == PG_OK) {
			script = hook_script(bin, name);
			rc = write_file(hook, script, strlen(script), 0755);
			if (rc < 0 && exists && !ours)
				(void)rename(chained, hook); /* leave things as they were */
		}
		if (rc == PG_OK)
			printf("pgleak-hook: installed %s%s%s\n", hook, exists && !ours ? "; the hook that was there runs first: " : "",
			       exists && !ours ? chained : "");
	}
	pg_buf_free(&cur);
	free(script);
	free(chained);
	free(hook);
	return rc;
}

static int install_git_hook(const repo_facts *repo, int force)
{
	char *dir = NULL, *bin = NULL;
	int husky, rc;

	rc = hooks_dir(repo, &dir, &husky);
	if (rc == PG_OK && husky)
		rc = pg_error_set(PG_EINVALID, "core.hooksPath is husky's (%s): run `pgleak-hook install --husky` "
		                  "to add the check to .husky/pre-commit", dir);
	if (rc == PG_OK)
		rc = mkdirs(dir);
	if (rc == PG_OK)
		rc = binary_command(&bin);
	for (size_t i = 0; rc == PG_OK && i < PG_NHOOKS; i++)
		rc = install_one_hook(dir, pg_hook_names[i], bin, force);
	free(bin);
	free(dir);
	return rc;
}

/* The work tree's .husky folder; NULL when there is no such folder. */
static char *husky_dir(const repo_facts *repo)
{
	struct stat st;
	char *dir;
	if (!repo->workdir)
		return NULL;
	dir = pg_path_join(repo->workdir, ".husky");
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return dir;
	free(dir);
	return NULL;
}

/* The two lines --husky adds, as one block (found again by uninstall). */
static char *husky_block(const char *bin)
{
	char *call = hook_call(bin);
	char *s = pg_xasprintf(HUSKY_MARKER "\n%s", call);
	free(call);
	return s;
}

/* The block's offset and length in `text`, found by the marker; 0 when absent. */
static int husky_find(const char *text, size_t *at, size_t *len)
{
	const char *m = strstr(text, HUSKY_MARKER "\n"), *end;
	if (!m)
		return 0;
	end = strchr(m + strlen(HUSKY_MARKER) + 1, '\n');
	end = end ? end + 1 : m + strlen(m);
	*at = (size_t)(m - text);
	*len = (size_t)(end - m);
	return 1;
}

/* Adds the block to one husky hook file (made when missing), or rewrites it with `force`. */
static int install_husky_one(const char *file, const char *bin, int force)
{
	int exists, rc;
	char *block = NULL;
	pg_buf cur = PG_BUF_INIT, next = PG_BUF_INIT;
	size_t at, len;

	rc = read_text(file, &cur, &exists);
	if (rc == PG_OK) {
		int found = exists && husky_find(cur.data, &at, &len);
		if (found && !force) {
			printf("pgleak-hook: already in %s\n", file);
		} else {
			block = husky_block(bin);
			if (found) {
				pg_buf_put(&next, cur.data, at);
				pg_buf_puts(&next, block);
				pg_buf_puts(&next, cur.data + at + len);
			} else {
				if (exists)
					pg_buf_put(&next, cur.data, cur.len);
				if (next.len && next.data[next.len - 1] != '\n')
					pg_buf_putc(&next, '\n');
				pg_buf_puts(&next, block);
			}
			rc = write_file(file, next.data, next.len, 0755);
			if (rc == PG_OK)
				printf("pgleak-hook: added the check to %s\n", file);
		}
	}
	pg_buf_free(&cur);
	pg_buf_free(&next);
	free(block);
	return rc;
}

static int install_husky(const repo_facts *repo, int force)
{
	int rc;
	char *bin = NULL, *dir = husky_dir(repo);

	if (!dir)
		return pg_error_set(PG_ERROR, "no .husky folder in the work tree: set husky up first (npx husky init)");
	rc = binary_command(&bin);
	for (size_t i = 0; rc == PG_OK && i < PG_NHOOKS; i++) {
		char *file = pg_path_join(dir, pg_hook_names[i]);
		rc = install_husky_one(file, bin, force);
		free(file);
	}
	/* .husky/ is committed and shared: a path that only exists here is worth a word. */
	if (rc == PG_OK && bin[0] == '\'')
		fprintf(stderr, "pgleak-hook: note: pgleak-hook is not on PATH, so the lines call %s; "
		                "teammates who share .husky/ need pgleak-hook there or on PATH\n", bin);
	free(bin);
	free(dir);
	return rc;
}

static int parse(int argc, char **argv, int *husky, int *force, int is_install)
{
	int i;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			if (is_install)
				puts("usage: pgleak-hook install [--husky] [--force]\n"
				     "  Installs the pre-commit and pre-merge-commit hooks where git runs them (core.hooksPath\n"
				     "  honoured), chaining a hook that is already there.  --husky: add the call to\n"
				     "  .husky/pre-commit and .husky/pre-merge-commit (commit both).\n"
				     "  --force: rewrite an installed hook (e.g. after moving the binary).");
			else
				puts("usage: pgleak-hook uninstall\n"
				     "  Removes what install added and puts back the hook it chained.");
			return 0;
		} else if (is_install && !strcmp(argv[i], "--husky")) {
			*husky = 1;
		} else if (is_install && !strcmp(argv[i], "--force")) {
			*force = 1;
		} else {
			fprintf(stderr, "pgleak-hook: unexpected argument '%s' (see --help)\n", argv[i]);
			return 2;
		}
	}
	return -1;
}

int pg_cmd_install(int argc, char **argv)
{
	repo_facts f;
	int husky = 0, force = 0, code, rc;
	if ((code = parse(argc, argv, &husky, &force, 1)) >= 0)
		return code;
	rc = repo_facts_get(&f);
	/* git commit never runs in a bare repository: hooks there would guard nothing */
	if (rc == PG_OK && f.bare)
		rc = pg_error_set(PG_EINVALID, "%s is a bare repository, where nothing is committed; "
		                  "install in a clone that has a work tree (server-side, run `pgleak-hook diff` in CI)",
		                  f.gitdir);
	if (rc == PG_OK)
		rc = husky ? install_husky(&f, force) : install_git_hook(&f, force);
	if (rc < 0)
		fprintf(stderr, "pgleak-hook: install: %s\n", pg_error_last());
	facts_free(&f);
	return rc < 0 ? 2 : 0;
}

static int uninstall_one_hook(const char *dir, const char *name, int *done)
{
	char *hook = pg_path_join(dir, name), *chained = pg_xasprintf("%s" CHAINED_SUFFIX, hook);
	pg_buf cur = PG_BUF_INIT;
	int exists, rc = read_text(hook, &cur, &exists);
	if (rc == PG_OK && exists && strstr(cur.data, MARKER)) {
		if (unlink(hook) < 0)
			rc = pg_error_set(PG_ERROR, "cannot remove %s: %s", hook, strerror(errno));
		else if (file_exists(chained) && rename(chained, hook) < 0)
			rc = pg_error_set(PG_ERROR, "cannot restore %s: %s", hook, strerror(errno));
		if (rc == PG_OK) {
			printf("pgleak-hook: removed %s%s\n", hook, file_exists(hook) ? " and put back the hook it chained" : "");
			*done = 1;
		}
	}
	pg_buf_free(&cur);
	free(chained);
	free(hook);
	return rc;
}

static int uninstall_git_hook(const repo_facts *repo, int *done)
{
	char *dir = NULL;
	int husky, rc = hooks_dir(repo, &dir, &husky);
	for (size_t i = 0; rc == PG_OK && i < PG_NHOOKS; i++)
		rc = uninstall_one_hook(dir, pg_hook_names[i], done);
	free(dir);
	return rc;
}

/* Takes the block out of one husky hook file; a file left empty (install made it) goes. */
static int uninstall_husky_one(const char *file, int *done)
{
	int exists, rc;
	pg_buf cur = PG_BUF_INIT, next = PG_BUF_INIT;
	size_t at, len;
	rc = read_text(file, &cur, &exists);
	if (rc == PG_OK && exists && husky_find(cur.data, &at, &len)) {
		pg_buf_put(&next, cur.data, at);
		pg_buf_puts(&next, cur.data + at + len);
		if (next.len == 0)
			rc = unlink(file) == 0 ? PG_OK : pg_error_set(PG_ERROR, "cannot remove %s: %s", file, strerror(errno));
		else
			rc = write_file(file, next.data, next.len, 0755);
		if (rc == PG_OK) {
			printf("pgleak-hook: removed the check from %s\n", file);
			*done = 1;
		}
	}
	pg_buf_free(&cur);
	pg_buf_free(&next);
	return rc;
}

static int uninstall_husky(const repo_facts *repo, int *done)
{
	int rc = PG_OK;
	char *dir = husky_dir(repo);
	for (size_t i = 0; dir && rc == PG_OK && i < PG_NHOOKS; i++) {
		char *file = pg_path_join(dir, pg_hook_names[i]);
		rc = uninstall_husky_one(file, done);
		free(file);
	}
	free(dir);
	return rc;
}

int pg_cmd_uninstall(int argc, char **argv)
{
	repo_facts f;
	int husky = 0, force = 0, code, rc, done = 0;
	if ((code = parse(argc, argv, &husky, &force, 0)) >= 0)
		return code;
	rc = repo_facts_get(&f);
	if (rc == PG_OK)
		rc = uninstall_git_hook(&f, &done);
	if (rc == PG_OK)
		rc = uninstall_husky(&f, &done);
	if (rc < 0)
		fprintf(stderr, "pgleak-hook: uninstall: %s\n", pg_error_last());
	else if (!done)
		printf("pgleak-hook: not installed in this repository; nothing to do\n");
	facts_free(&f);
	return rc < 0 ? 2 : 0;
}
