/*
 * run.c - `pgleak-hook run` (the pre-commit hook) and `pgleak-hook diff`
 * (CI): the findings a change introduces.
 *
 * Both build two sides (diff/source.h) and hand them to diff/compare.h:
 * run compares HEAD's tree (or the empty tree) with the index git is
 * committing; diff compares two revisions, or one revision with the index.
 * Everything is read from git objects, never from the work tree, so partial
 * staging, `commit -a` and `commit <paths>` are judged on what they commit.
 *
 * Exit codes (cli.md): 0 allowed, 1 blocked / introduced findings, 2 error.
 * An error blocks the commit, saying what failed and how to bypass.
 *
 * Interruption (SIGINT, SIGTERM, SIGHUP): see signals.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cachedir.h"
#include "commands.h"
#include "compare.h"
#include "confdiff.h"
#include "deps.h"
#include "gitcli.h"
#include "repo.h"
#include "report.h"
#include "signals.h"
#include "staged.h"

#define BYPASS "git commit --no-verify, or PGLEAK_SKIP=1 git commit"

typedef struct {
	int strict;
	pg_format format;
	const char *rev; /* diff only */
	int ci;          /* diff --ci: no advice to bypass a hook that CI does not run */
} run_opts;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void usage(FILE *f, int is_diff)
{
	if (is_diff)
		fputs("usage: pgleak-hook diff [--ci] [--format text|json|sarif] REV[..REV]\n"
		      "  The leaks that the second revision (default: the index) introduces over the first.\n"
		      "  REV...REV compares with their merge base, as for a pull request.\n"
		      "  --ci  for a CI job: the message says to fix and push, not how to bypass a local hook\n", f);
	else
		fputs("usage: pgleak-hook run [--strict] [--format text|json|sarif]\n"
		      "  Checks what is staged against HEAD; blocks (exit 1) when a leak is introduced.\n"
		      "  --strict  also block on leaks already present in the functions the commit changes\n"
		      "  PGLEAK_SKIP=1 allows the commit without checking.\n", f);
}

/* Returns -1 to go on, or the exit code to stop with. */
static int parse_args(run_opts *o, int argc, char **argv, int is_diff)
{
	int i;
	memset(o, 0, sizeof(*o));
	o->format = PG_FORMAT_TEXT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *fmt = NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout, is_diff);
			return 0;
		} else if (!strcmp(a, "--strict")) {
			o->strict = 1;
		} else if (is_diff && !strcmp(a, "--ci")) {
			o->ci = 1;
		} else if (!strcmp(a, "--format")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "pgleak-hook: --format needs a value (text, json, sarif)\n");
				return 2;
			}
			fmt = argv[++i];
		} else if (!strncmp(a, "--format=", 9)) {
			fmt = a + 9;
		} else if (is_diff && a[0] != '-' && !o->rev) {
			o->rev = a;
		} else {
			fprintf(stderr, "pgleak-hook: unexpected argument '%s'\n", a);
			usage(stderr, is_diff);
			return 2;
		}
		if (fmt && pg_format_parse(fmt, &o->format) < 0) {
			fprintf(stderr, "pgleak-hook: %s\n", pg_error_last());
			return 2;
		}
	}
	if (is_diff && !o->rev) {
		usage(stderr, is_diff);
		return 2;
	}
	return -1;
}

static const char *mode_name(uint32_t mode)
{
	if (mode == GIT_FILEMODE_TREE)
		return "a directory";
	if (mode == GIT_FILEMODE_LINK)
		return "a symbolic link";
	if (mode == GIT_FILEMODE_COMMIT)
		return "a submodule";
	return pg_git_is_file_mode(mode) ? NULL : "not a regular file";
}

/* What `path` is on that side when it is there but not a file ("a directory"...); else NULL. */
static const char *non_file(const pg_git_side *side, const char *path)
{
	const char *what = NULL;
	if (side->index) {
		const git_index_entry *e = pg_git_entries_get(side->index, path);
		char *prefix = pg_xasprintf("%s/", path);
		size_t pos = pg_git_entries_lower(side->index, prefix);
		if (e)
			what = mode_name(e->mode);
		else if (pos < side->index->len && !strncmp(side->index->items[pos].path, prefix, strlen(prefix)))
			what = "a directory";
		free(prefix);
	} else if (side->tree) {
		git_tree_entry *e = NULL;
		if (git_tree_entry_bypath(&e, side->tree, path) == 0)
			what = mode_name(git_tree_entry_filemode(e));
		git_tree_entry_free(e);
	}
	git_error_clear();
	return what;
}

/*
 * Changes, their importers, and the verdict between two sides; *cfg
 * (initialised by the caller, who frees it) is left holding the new side's
 * configuration, which the report's fix lines use too.
 */
static int judge(pg_git_verdict *v, pg_git_side *old_side, pg_git_side *new_side, int want_warnings,
                 pg_config *cfg)
{
	pg_config old_cfg;
	pg_git_changes changes = {0};
	pg_strlist deps = {0};
	pg_cache *cache = NULL;
	git_oid cfg_id = {{0}}, old_cfg_id;
	int rc, cfg_changed = 0;

	pg_config_init(&old_cfg);
	rc = pg_git_side_lookup(&cfg_id, new_side, ".pgleak.json");
	if (rc == PG_OK) {
		rc = pg_git_config_blob(cfg, new_side, &cfg_id);
	} else if (rc == PG_ENOTFOUND) {
		/* A configuration that cannot be read is an error, not the defaults: they may let leaks through. */
		const char *what = non_file(new_side, ".pgleak.json");
		rc = what ? pg_error_set(PG_EINVALID, ".pgleak.json is %s in what is being checked, not a JSON file: "
		                                      "make it a file, or remove it from the index (git rm --cached)",
		                         what)
		          : PG_OK;
	}
	/* HEAD's configuration judged HEAD: one that does not load (being fixed now) is the defaults */
	if (rc == PG_OK && pg_git_side_config(&old_cfg, old_side, &old_cfg_id) < 0) {
		pg_error_clear();
		pg_config_free(&old_cfg);
		pg_config_init(&old_cfg);
	}
	if (rc == PG_OK)
		rc = pg_git_changes_collect(&changes, old_side, new_side, cfg);
	if (rc == PG_OK) {
		rc = pg_git_config_changes(&changes, old_side, new_side, cfg, &cfg_id, &old_cfg, &old_cfg_id);
		cfg_changed = rc == 1;
		rc = rc < 0 ? rc : PG_OK;
	}
	/*
	 * Functions whose text and dependencies did not change keep their stored
	 * results (counted in v->stats.cached), and the importer scan keeps what
	 * it found in each blob, so a warm run reads no unchanged blob.
	 */
	if (rc == PG_OK && changes.len > 0)
		cache = pg_cachedir_open_at(pg_git_side_commondir(new_side), pg_git_side_workdir(new_side), "pgleak-hook", 0);
	/* a configuration change compares every file already: no importer is left to find */
	if (rc == PG_OK && !cfg_changed)
		rc = pg_git_deps_collect(&deps, new_side, &changes, cfg, cache);
	if (rc == PG_OK)
		rc = pg_git_compare(v, old_side, new_side, &changes, &deps, cfg, &old_cfg, want_warnings, cache);
	if (cache)
		pg_cache_close_shielded(cache);
	pg_strlist_free(&deps);
	pg_git_changes_free(&changes);
	pg_config_free(&old_cfg);
	return rc;
}

static int report(const run_opts *o, const pg_git_verdict *v, pg_git_side *new_side, const pg_config *cfg)
{
	pg_source src = pg_git_source(new_side);
	pg_report_opts ro = {0};
	ro.format = o->format;
	/* paths are relative to the work tree already: SARIF only needs to say where that is */
	ro.root = pg_git_side_workdir(new_side);
	ro.color = o->format == PG_FORMAT_TEXT && pg_report_color_wanted(stdout);
	ro.with_introduced = 1;
	ro.fix_cfg = cfg;
	/* A clean check prints nothing in text; json and sarif are always a whole document. */
	if (o->format == PG_FORMAT_TEXT && v->shown.len == 0)
		return PG_OK;
	if (pg_report_write(stdout, &ro, &v->shown, &v->stats, &src) < 0 || fflush(stdout) == EOF)
		return pg_error_set(PG_ERROR, "cannot write the report");
	return PG_OK;
}

static void summary(const pg_git_verdict *v, double ms, int blocked, const char *what, int ci)
{
	char figures[160];
	snprintf(figures, sizeof(figures), "%zu file%s, %zu function%s checked, %zu reused from cache, %.0f ms",
	         v->stats.files, v->stats.files == 1 ? "" : "s", v->stats.functions,
	         v->stats.functions == 1 ? "" : "s", v->stats.cached, ms);
	if (blocked) {
		fprintf(stderr, "pgleak-hook: %s blocked: %zu leak%s introduced%s (%s)\n", what, v->introduced,
		        v->introduced == 1 ? "" : "s",
		        v->introduced ? "" : ", and --strict blocks on the leaks in the functions you changed",
		        figures);
		if (ci)
			fprintf(stderr, "pgleak-hook: fix the leak%s shown above and push again\n", v->introduced == 1 ? "" : "s");
		else
			fprintf(stderr, "pgleak-hook: fix it, or bypass in an emergency: " BYPASS "\n");
	} else if (v->warnings) {
		fprintf(stderr, "pgleak-hook: %zu leak%s already there in the functions you changed, not blocking (%s)\n",
		        v->warnings, v->warnings == 1 ? " was" : "s were", figures);
	}
}

/*
 * When git, asked after libgit2 failed, cannot read the repository either,
 * both complaints are said: libgit2's (`libgit2`, NULL when the test switch
 * sent us to git) and then git's.
 */
static int both_complaints(int rc, const char *libgit2)
{
	if (rc < 0 && libgit2) {
		char *git = pg_xstrdup(pg_error_last());
		rc = pg_error_set(rc, "%s; %s", libgit2, git);
		free(git);
	}
	return rc;
}

/*
 * The sides read through git itself (gitcli.h): where libgit2 could not
 * open the repository or its index (`why`: what it said; NULL when the
 * test switch asked), HEAD's files (none on an unborn branch) and the
 * index's.
 */
static int cli_sides(pg_git_cli **cli, pg_git_side *old_side, pg_git_side *new_side, const char *why)
{
	char *libgit2 = why ? pg_xstrdup(why) : NULL; /* the calls below overwrite the last error */
	int rc;
	pg_error_clear();
	rc = pg_git_cli_open(cli);
	if (rc == PG_OK)
		rc = pg_git_listing_new(&new_side->listing, *cli, NULL);
	if (rc == PG_OK)
		rc = pg_git_listing_new(&old_side->listing, *cli, pg_git_cli_has_commit(*cli, "HEAD") ? "HEAD" : "");
	rc = both_complaints(rc, libgit2);
	free(libgit2);
	return rc;
}

int pg_cmd_run(int argc, char **argv)
{
	run_opts o;
	pg_git g;
	pg_git_side old_side = {0}, new_side = {0};
	git_tree *head = NULL;
	pg_git_cli *cli = NULL;
	pg_git_verdict v;
	pg_config cfg;
	const char *skip = getenv("PGLEAK_SKIP");
	double t0 = now_ms();
	int rc, code;

	if ((code = parse_args(&o, argc, argv, 0)) >= 0)
		return code;
	if (skip && !strcmp(skip, "1")) {
		fprintf(stderr, "pgleak-hook: PGLEAK_SKIP=1: commit allowed without checking for leaks\n");
		return 0;
	}
	pg_signals_catch("stopped; nothing is committed");
	memset(&v, 0, sizeof(v));
	memset(&g, 0, sizeof(g));
	pg_config_init(&cfg);
	rc = pg_git_cli_forced() ? PG_ERROR : pg_git_open(&g);
	if (rc == PG_OK)
		rc = pg_git_load_index(&g);
	if (rc == PG_OK)
		rc = pg_git_head_tree(&head, g.repo);
	if (rc == PG_OK) {
		old_side.repo = new_side.repo = g.repo;
		old_side.tree = head;
		new_side.index = &g.entries;
		new_side.cache_tree = &g.cache_tree;
	} else {
		/* a split or sparse index, a SHA-256 repository: git itself reads them */
		rc = cli_sides(&cli, &old_side, &new_side, pg_git_cli_forced() ? NULL : pg_error_last());
	}
	if (rc == PG_OK)
		rc = judge(&v, &old_side, &new_side, 1, &cfg);
	if (rc == PG_OK)
		rc = report(&o, &v, &new_side, &cfg);
	if (rc < 0) {
		fprintf(stderr, "pgleak-hook: error: %s\n", pg_error_last());
		fprintf(stderr, "pgleak-hook: the commit is blocked because the leak check could not run; "
		                "to commit anyway: " BYPASS "\n");
		code = 2;
	} else {
		int blocked = v.introduced > 0 || (o.strict && v.warnings > 0);
		summary(&v, now_ms() - t0, blocked, "commit", 0);
		code = blocked ? 1 : 0;
	}
	pg_git_verdict_free(&v);
	pg_config_free(&cfg);
	git_tree_free(head);
	pg_git_listing_free(old_side.listing);
	pg_git_listing_free(new_side.listing);
	pg_git_cli_free(cli);
	pg_git_close(&g);
	return code;
}

static int no_commit_yet(const char *rev)
{
	return pg_error_set(PG_ERROR,
	                    "%s: this repository has no commit yet, so there is nothing to compare with; "
	                    "'pgleak-hook check .' checks the files themselves",
	                    rev);
}

/* Resolves REV, REV..REV or REV...REV into the two sides of `diff`. */
static int diff_sides(pg_git *g, const char *rev, git_tree **old_tree, git_tree **new_tree, int *use_index)
{
	git_revspec spec;
	int rc = PG_OK;

	*old_tree = *new_tree = NULL;
	*use_index = 0;
	if (git_revparse(&spec, g->repo, rev) < 0) {
		/* libgit2's "revspec 'HEAD' not found" reads like a typo; before the first commit it is not one. */
		if (git_repository_head_unborn(g->repo) == 1)
			return no_commit_yet(rev);
		return pg_git_error(rev);
	}
	if (spec.flags & GIT_REVSPEC_SINGLE) {
		*use_index = 1;
		rc = pg_git_rev_tree(old_tree, spec.from);
	} else if (spec.flags & GIT_REVSPEC_MERGE_BASE) {
		git_oid base;
		git_commit *c = NULL;
		if (git_merge_base(&base, g->repo, git_object_id(spec.from), git_object_id(spec.to)) < 0 ||
		    git_commit_lookup(&c, g->repo, &base) < 0)
			rc = pg_git_error("cannot find the merge base");
		else
			rc = pg_git_rev_tree(old_tree, (git_object *)c);
		git_commit_free(c);
		if (rc == PG_OK)
			rc = pg_git_rev_tree(new_tree, spec.to);
	} else {
		rc = pg_git_rev_tree(old_tree, spec.from);
		if (rc == PG_OK)
			rc = pg_git_rev_tree(new_tree, spec.to);
	}
	git_object_free(spec.from);
	git_object_free(spec.to);
	return rc;
}

/*
 * diff's commits as git resolves them: REV (against the index: *new_id
 * NULL), A..B, or A...B from their merge base, an empty end meaning HEAD.
 */
static int cli_diff_ids(pg_git_cli *cli, const char *rev, char **old_id, char **new_id)
{
	const char *dots = strstr(rev, "...");
	size_t ndots = dots ? 3 : 2;

	*old_id = *new_id = NULL;
	if (!dots)
		dots = strstr(rev, "..");
	if (dots) {
		char *from = dots == rev ? pg_xstrdup("HEAD") : pg_xasprintf("%.*s", (int)(dots - rev), rev);
		char *to = pg_xstrdup(dots[ndots] ? dots + ndots : "HEAD");
		*old_id = pg_git_cli_commit_id(cli, from);
		*new_id = *old_id ? pg_git_cli_commit_id(cli, to) : NULL;
		if (*new_id && ndots == 3) {
			char *base = pg_git_cli_merge_base(cli, *old_id, *new_id);
			free(*old_id);
			*old_id = base;
		}
		free(from);
		free(to);
		if (*old_id && *new_id)
			return PG_OK;
	} else if ((*old_id = pg_git_cli_commit_id(cli, rev))) {
		return PG_OK;
	}
	free(*old_id);
	free(*new_id);
	*old_id = *new_id = NULL;
	char *why_not = pg_xstrdup(pg_error_last()); /* asking git about HEAD clears it */
	int rc = pg_git_cli_has_commit(cli, "HEAD") ? pg_error_set(PG_ERROR, "%s", why_not) : no_commit_yet(rev);
	free(why_not);
	return rc;
}

/*
 * diff's sides read through git itself (see cli_sides).  A revision git
 * cannot resolve is the user's to mend, so libgit2's complaint is said only
 * when git cannot open the repository or list a side.
 */
static int cli_diff_sides(pg_git_cli **cli, const char *rev, pg_git_side *old_side, pg_git_side *new_side,
                          const char *why)
{
	char *libgit2 = why ? pg_xstrdup(why) : NULL;
	char *old_id = NULL, *new_id = NULL;
	int rc;

	pg_error_clear();
	rc = both_complaints(pg_git_cli_open(cli), libgit2);
	if (rc == PG_OK)
		rc = cli_diff_ids(*cli, rev, &old_id, &new_id);
	if (rc == PG_OK)
		rc = both_complaints(pg_git_listing_new(&old_side->listing, *cli, old_id), libgit2);
	if (rc == PG_OK)
		rc = both_complaints(pg_git_listing_new(&new_side->listing, *cli, new_id), libgit2); /* NULL: the index */
	free(libgit2);
	free(old_id);
	free(new_id);
	return rc;
}

int pg_cmd_diff(int argc, char **argv)
{
	run_opts o;
	pg_git g;
	pg_git_side old_side = {0}, new_side = {0};
	git_tree *old_tree = NULL, *new_tree = NULL;
	pg_git_cli *cli = NULL;
	pg_git_verdict v;
	pg_config cfg;
	double t0 = now_ms();
	int rc, code, use_index = 0;

	if ((code = parse_args(&o, argc, argv, 1)) >= 0)
		return code;
	pg_signals_catch("stopped; nothing is committed");
	memset(&v, 0, sizeof(v));
	memset(&g, 0, sizeof(g));
	pg_config_init(&cfg);
	rc = pg_git_cli_forced() ? PG_ERROR : pg_git_open(&g);
	if (rc == PG_OK)
		rc = diff_sides(&g, o.rev, &old_tree, &new_tree, &use_index);
	if (rc == PG_OK && use_index)
		rc = pg_git_load_index(&g);
	if (rc == PG_OK) {
		old_side.repo = new_side.repo = g.repo;
		old_side.tree = old_tree;
		new_side.tree = new_tree;
		new_side.index = use_index ? &g.entries : NULL;
		new_side.cache_tree = use_index ? &g.cache_tree : NULL;
	} else if (pg_git_cli_forced() || !g.repo || use_index) {
		/* libgit2 cannot open the repository (SHA-256) or its index (split, sparse): git itself reads them */
		rc = cli_diff_sides(&cli, o.rev, &old_side, &new_side, pg_git_cli_forced() ? NULL : pg_error_last());
	}
	if (rc == PG_OK)
		rc = judge(&v, &old_side, &new_side, 0, &cfg);
	if (rc == PG_OK)
		rc = report(&o, &v, &new_side, &cfg);
	if (rc < 0) {
		fprintf(stderr, "pgleak-hook: error: %s\n", pg_error_last());
		code = 2;
	} else {
		if (v.introduced)
			summary(&v, now_ms() - t0, 1, "change", o.ci);
		code = v.introduced ? 1 : 0;
	}
	pg_git_verdict_free(&v);
	pg_config_free(&cfg);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	pg_git_listing_free(old_side.listing);
	pg_git_listing_free(new_side.listing);
	pg_git_cli_free(cli);
	pg_git_close(&g);
	return code;
}
