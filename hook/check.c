/*
 * check.c - `pgleak-hook check [--format F] [--config FILE] [--quiet] PATH...`:
 * whole files and folders, from disk, no repository needed.
 *
 * First every argument is resolved into a list of files (folders walked
 * with an explicit stack, entries sorted so that the output is the same on
 * every machine); a missing path or a named file of an unsupported type is
 * an error before anything is analysed, because a typo in a CI script must
 * not pass as "no leaks".  Then each file goes through the engine, on as
 * many workers as there are processors (see "Cold runs use every core"
 * below); an engine error on one file is reported and the others are still
 * checked, the exit code saying 2.
 *
 * The configuration is --config FILE, else `.pgleak.json` at the root of
 * the git work tree around the current folder.  Its "ignore" globs are
 * relative to the folder that holds it, so each file's path is made
 * relative to that folder before matching.
 */
/* realpath() is XSI; d_type is a BSD/GNU extension of readdir. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ast.h"
#include "cache.h"
#include "cachedir.h"
#include "commands.h"
#include "engine.h"
#include "fixfile.h"
#include "report.h"
#include "signals.h"

#define SUPPORTED ".js .mjs .cjs .jsx .ts .mts .cts .tsx"

static const char usage[] =
	"usage: pgleak-hook check [--format text|json|sarif] [--config FILE] [--quiet] [--fix [--dry-run]] PATH...\n"
	"\n"
	"Checks whole files and folders for pool clients that are not released on\n"
	"every path.  Folders are walked recursively for " SUPPORTED "\n"
	"files, skipping node_modules and folders whose name starts with a dot.\n"
	"Findings name the files as given on the command line.\n"
	"\n"
	"  --format F      text (default), json or sarif (SARIF 2.1.0)\n"
	"  --config FILE   use this configuration instead of .pgleak.json at the\n"
	"                  root of the git work tree around the current folder\n"
	"  --quiet         no summary line on stderr\n"
	"  --fix           rewrite what can be rewritten safely: the code after\n"
	"                  `const c = await R.connect()` goes into try { ... }\n"
	"                  finally { c.release(); }; says why for the others; then\n"
	"                  reports the leaks that are left\n"
	"  --dry-run       with --fix: print the change as a unified diff, write nothing\n"
	"\n"
	"Examples:\n"
	"  pgleak-hook check src/\n"
	"  pgleak-hook check --format sarif . > pgleak.sarif\n"
	"\n"
	"Environment: PGLEAK_JOBS=N checks with N workers (default: one per processor).\n"
	"\n"
	"Exit: 0 no leak found (with --fix: none left), 1 leaks found (left), 2 error (missing path, unsupported\n"
	"file, unreadable file, malformed configuration).\n";

typedef struct {
	pg_format format;
	const char *config_path;
	int quiet;
	int fix, dry_run;
	pg_strlist paths;
} check_opts;

/* ------------------------------------------------------------ arguments */

/* Returns -1 to go on, else the exit code. */
static int parse_args(check_opts *o, int argc, char **argv)
{
	int only_paths = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *fmt = NULL;
		if (only_paths || a[0] != '-' || !strcmp(a, "-")) {
			pg_strlist_push(&o->paths, a);
			continue;
		}
		if (!strcmp(a, "--")) {
			only_paths = 1;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o->quiet = 1;
		} else if (!strcmp(a, "--fix")) {
			o->fix = 1;
		} else if (!strcmp(a, "--dry-run")) {
			o->dry_run = 1;
		} else if (!strcmp(a, "--format") || !strcmp(a, "--config")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "pgleak-hook: check: %s needs a value (see 'pgleak-hook check --help')\n", a);
				return 2;
			}
			if (a[2] == 'f')
				fmt = argv[++i];
			else
				o->config_path = argv[++i];
		} else if (!strncmp(a, "--format=", 9)) {
			fmt = a + 9;
		} else if (!strncmp(a, "--config=", 9)) {
			o->config_path = a + 9;
		} else {
			fprintf(stderr, "pgleak-hook: check: unknown option '%s' (see 'pgleak-hook check --help')\n", a);
			return 2;
		}
		if (fmt && pg_format_parse(fmt, &o->format) < 0) {
			fprintf(stderr, "pgleak-hook: check: %s\n", pg_error_last());
			return 2;
		}
	}
	if (o->dry_run && !o->fix) {
		fprintf(stderr, "pgleak-hook: check: --dry-run goes with --fix (see 'pgleak-hook check --help')\n");
		return 2;
	}
	if (o->paths.len == 0) {
		fprintf(stderr, "pgleak-hook: check: no file or folder given\n%s", usage);
		return 2;
	}
	return -1;
}

/* -------------------------------------------------------- configuration */

/* The root of the git work tree around the current folder (a `.git` file or folder), or NULL. */
static char *find_worktree_root(void)
{
	char cwd[PATH_MAX];
	size_t n;
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	for (;;) {
		struct stat st;
		char *git = pg_xasprintf("%s%s.git", cwd, strcmp(cwd, "/") ? "/" : "");
		int found = lstat(git, &st) == 0;
		free(git);
		if (found)
			return pg_xstrdup(cwd);
		if (!strcmp(cwd, "/"))
			return NULL;
		n = strlen(cwd);
		while (n > 1 && cwd[n - 1] != '/')
			n--;
		cwd[n > 1 ? n - 1 : 1] = '\0';
	}
}

/* Loads the configuration; *root receives the absolute folder its "ignore" globs are relative to. */
static int load_config(pg_config *cfg, const check_opts *o, char **root)
{
	int rc;
	*root = NULL;
	if (o->config_path) {
		char real[PATH_MAX];
		rc = pg_config_load(cfg, o->config_path);
		if (rc == PG_ENOTFOUND)
			return pg_error_set(PG_EINVALID, "%s: no such configuration file", o->config_path);
		if (rc == PG_OK && realpath(o->config_path, real)) {
			char *dir = pg_path_dirname(real);
			*root = dir;
		}
		return rc;
	}
	*root = find_worktree_root();
	if (*root) {
		char *path = pg_path_join(*root, ".pgleak.json");
		rc = pg_config_load(cfg, path);
		free(path);
		if (rc == PG_ENOTFOUND)
			rc = PG_OK; /* no configuration: the defaults */
		return rc;
	}
	return PG_OK;
}

/* The path of `file` relative to `root`, or NULL when it is not below it. */
static char *relative_to(const char *root, const char *file)
{
	char real[PATH_MAX];
	size_t n;
	if (!root || !realpath(file, real))
		return NULL;
	n = strlen(root);
	if (!strcmp(root, "/"))
		return pg_xstrdup(real + 1);
	if (strncmp(real, root, n) != 0 || real[n] != '/')
		return NULL;
	return pg_xstrdup(real + n + 1);
}

/* ------------------------------------------------------------ the walk */

typedef struct {
	char *path;
	dev_t dev;
	ino_t ino;
	struct stat st; /* as the walk saw it: the cache's fingerprint needs no second stat() */
} file_entry;

typedef struct {
	file_entry *items;
	size_t len, cap;
} file_list;

static void files_push(file_list *l, char *path, const struct stat *st)
{
	PG_GROW(l->items, l->cap, l->len + 1);
	l->items[l->len].path = path;
	l->items[l->len].dev = st->st_dev;
	l->items[l->len].ino = st->st_ino;
	l->items[l->len].st = *st;
	l->len++;
}

static void files_free(file_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i].path);
	free(l->items);
}

/* "src" + "a.js" -> "src/a.js"; "." + "a.js" -> "a.js"; "src/" + "a.js" -> "src/a.js". */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	if (!strcmp(dir, "."))
		return pg_xstrdup(name);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return pg_xasprintf("/%s", name);
	return pg_xasprintf("%.*s/%s", (int)n, dir, name);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Sorted names of a folder's entries, without "." and "..", and without the
 * regular files that are not JS/TS: on a large tree most entries are those,
 * and the file system's d_type spares a stat() for each.
 */
static int list_dir(const char *dir, pg_strlist *names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return pg_error_set(PG_ERROR, "%s: cannot open folder: %s", dir, strerror(errno));
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_type == DT_REG && pg_lang_from_path(e->d_name) == PG_LANG_NONE)
			continue;
		if (e->d_type == DT_DIR && pg_folder_is_skipped(e->d_name))
			continue;
		pg_strlist_push(names, e->d_name);
	}
	closedir(d);
	if (names->len > 1)
		qsort(names->items, names->len, sizeof(char *), cmp_name);
	return PG_OK;
}

/*
 * Walks `top` depth first with an explicit stack.  Symbolic links to
 * folders are not followed (they can make cycles); links to files are.
 */
static int walk(const char *top, file_list *out)
{
	pg_strlist stack = {0};
	int rc = PG_OK;
	pg_strlist_push(&stack, top);
	while (stack.len > 0 && rc == PG_OK) {
		char *dir = stack.items[--stack.len];
		pg_strlist names = {0};
		size_t first_child = stack.len;
		rc = list_dir(dir, &names);
		for (size_t i = 0; rc == PG_OK && i < names.len; i++) {
			const char *name = names.items[i];
			char *path;
			struct stat st;
			path = join(dir, name);
			if (lstat(path, &st) < 0) {
				free(path); /* vanished while we looked: nothing to check */
				continue;
			}
			if (S_ISDIR(st.st_mode)) {
				/* Dot-folders (.git, .next, .cache) and dependencies are not the project's code. */
				if (!pg_folder_is_skipped(name))
					pg_strlist_push(&stack, path);
				free(path);
				continue;
			}
			if (S_ISLNK(st.st_mode) && (stat(path, &st) < 0 || !S_ISREG(st.st_mode))) {
				free(path);
				continue;
			}
			if (S_ISREG(st.st_mode) && pg_lang_from_path(name) != PG_LANG_NONE)
				files_push(out, path, &st);
			else
				free(path);
		}
		/* Subfolders were pushed in sorted order; reverse them so the first pops first. */
		for (size_t a = first_child, b = stack.len; b > a + 1; a++, b--) {
			char *t = stack.items[a];
			stack.items[a] = stack.items[b - 1];
			stack.items[b - 1] = t;
		}
		pg_strlist_free(&names);
		free(dir);
	}
	pg_strlist_free(&stack);
	return rc;
}

/* Resolves every argument; reports each bad one and returns the number of them. */
static int collect(const pg_strlist *args, file_list *out)
{
	int bad = 0;
	for (size_t i = 0; i < args->len; i++) {
		const char *a = args->items[i];
		struct stat st;
		if (stat(a, &st) < 0) {
			fprintf(stderr, "pgleak-hook: check: %s: %s\n", a,
			        errno == ENOENT || errno == ENOTDIR ? "no such file or folder" : strerror(errno));
			bad++;
		} else if (S_ISDIR(st.st_mode)) {
			if (walk(a, out) < 0) {
				fprintf(stderr, "pgleak-hook: check: %s\n", pg_error_last());
				bad++;
			}
		} else if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "pgleak-hook: check: %s: not a regular file or folder\n", a);
			bad++;
		} else if (pg_lang_from_path(a) != PG_LANG_NONE) {
			files_push(out, pg_xstrdup(a), &st);
		} else {
			/* Declaration files are TypeScript but hold no code: nothing to check, no error. */
			if (!pg_is_declaration_file(a)) {
				fprintf(stderr, "pgleak-hook: check: %s: not a JavaScript or TypeScript file (supported: %s)\n",
				        a, SUPPORTED);
				bad++;
			}
		}
	}
	return bad;
}

/* Orders by file identity, then by position on the command line (the first name wins). */
static int cmp_identity(const void *a, const void *b)
{
	const file_entry *const *x = a, *const *y = b;
	if ((*x)->dev != (*y)->dev)
		return (*x)->dev < (*y)->dev ? -1 : 1;
	if ((*x)->ino != (*y)->ino)
		return (*x)->ino < (*y)->ino ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

/* The same file named twice (`check src src/a.js`) is checked once, under its first name. */
static void dedup(file_list *l)
{
	file_entry **by_id;
	size_t o = 0;
	if (l->len < 2)
		return;
	by_id = pg_xmalloc(l->len * sizeof(*by_id));
	for (size_t i = 0; i < l->len; i++)
		by_id[i] = &l->items[i];
	qsort(by_id, l->len, sizeof(*by_id), cmp_identity);
	for (size_t i = 1; i < l->len; i++)
		if (by_id[i]->dev == by_id[i - 1]->dev && by_id[i]->ino == by_id[i - 1]->ino) {
			free(by_id[i]->path);
			by_id[i]->path = NULL;
		}
	free(by_id);
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i].path)
			l->items[o++] = l->items[i];
	l->len = o;
}

/* ------------------------------------------------------------- running */

/* The file being checked, whose stat() the walk already made (the fingerprint's context; one per worker). */
typedef struct {
	const file_entry *current;
} disk_ctx;

/* size, modification time, inode and change time: what git trusts to skip a file */
static int fingerprint_disk(void *ctx, const char *path, uint64_t fp[4])
{
	const disk_ctx *dc = ctx;
	struct stat mine;
	const struct stat *st = &mine;
	if (dc && dc->current && !strcmp(dc->current->path, path))
		st = &dc->current->st;
	else if (stat(path, &mine) != 0)
		return PG_ENOTFOUND;
	if (!S_ISREG(st->st_mode))
		return PG_ENOTFOUND;
	fp[0] = (uint64_t)st->st_size;
	fp[1] = (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
	fp[2] = (uint64_t)st->st_ino ^ ((uint64_t)st->st_dev << 32);
	fp[3] = (uint64_t)(st->st_mtim.tv_sec > st->st_ctim.tv_sec ? st->st_mtim.tv_sec : st->st_ctim.tv_sec);
	return PG_OK;
}

static int read_disk(void *ctx, const char *path, pg_buf *out)
{
	(void)ctx;
	return pg_read_file(path, out);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static size_t count_files_with_findings(const pg_findings *fs)
{
	size_t n = 0;
	for (size_t i = 0; i < fs->len; i++)
		if (i == 0 || strcmp(fs->items[i].path, fs->items[i - 1].path))
			n++;
	return n;
}

static void summary(const pg_findings *fs, size_t nfiles, const pg_stats *st, double ms)
{
	size_t with = count_files_with_findings(fs);
	char skipped[64] = "";
	if (st->skipped)
		snprintf(skipped, sizeof(skipped), ", %zu skipped", st->skipped);
	if (fs->len)
		fprintf(stderr, "pgleak-hook: %zu leak%s in %zu of %zu file%s (%zu functions%s) in %.0f ms\n", fs->len,
		        fs->len == 1 ? "" : "s", with, nfiles, nfiles == 1 ? "" : "s", st->functions, skipped, ms);
	else
		fprintf(stderr, "pgleak-hook: no leaks in %zu file%s (%zu functions%s) in %.0f ms\n", nfiles,
		        nfiles == 1 ? "" : "s", st->functions, skipped, ms);
}

/*
 * Cold runs use every core: workers take the files in turn, each with its
 * own engine (parser, module table, disk context); the cache is shared
 * (its lookups and puts take its mutex).  Each file's findings are kept
 * apart and put together in the order of the file list, then sorted as
 * before, so the output does not depend on which worker took which file;
 * errors are printed in that order too.  PGLEAK_JOBS sets how many
 * workers (default: the online processors; 1 runs in the calling thread).
 */
typedef struct {
	size_t worker;       /* whose findings list holds this file's */
	size_t start, count; /* their range there */
	int ignored;         /* by the configuration: not checked */
	char *error;         /* the engine's message when it failed */
} file_result;

typedef struct {
	const pg_config *cfg;
	const char *root;
	const file_list *files;
	int fix, dry_run; /* check --fix [--dry-run] */
	pg_cache *cache;
	file_result *results;
	size_t next; /* the next file to take, under mu */
	pthread_mutex_t mu;
} check_job;

typedef struct {
	check_job *job;
	size_t id;
	disk_ctx dc;
	pg_source src;
	pg_engine *e;
	pg_findings fs;
	pg_stats fixed; /* --fix: the counts of the fixed texts' checks (the engine also counts the tries) */
	int rc;         /* pg_engine_new's */
} worker;

static int ignored(const check_job *job, const char *path)
{
	char *rel;
	int skip;
	if (!job->cfg->ignore.len || !job->root)
		return 0;
	rel = relative_to(job->root, path);
	skip = rel && pg_config_ignores(job->cfg, rel);
	free(rel);
	return skip;
}

static void *work(void *arg)
{
	worker *w = arg;
	check_job *job = w->job;
	for (;;) {
		size_t i;
		file_result *r;
		const char *path;
		pthread_mutex_lock(&job->mu);
		i = job->next++;
		pthread_mutex_unlock(&job->mu);
		if (i >= job->files->len)
			break;
		r = &job->results[i];
		r->worker = w->id;
		r->start = w->fs.len;
		if (ignored(job, job->files->items[i].path)) {
			r->ignored = 1;
			continue;
		}
		w->dc.current = &job->files->items[i];
		path = job->files->items[i].path;
		if ((job->fix ? pg_fixfile(w->e, job->cfg, path, job->dry_run, &w->fs, &w->fixed)
		              : pg_engine_check_file(w->e, path, &w->fs, NULL)) < 0)
			r->error = pg_xstrdup(pg_error_last());
		w->dc.current = NULL;
		r->count = w->fs.len - r->start;
	}
	pg_ast_thread_done(); /* the parsers are per thread: a worker's would outlive it */
	return NULL;
}

/* Runs the workers (the first in this thread); 0, or -1 when an engine cannot be made. */
static int run_workers(check_job *job, worker *ws, size_t n)
{
	pthread_t *tids = pg_xcalloc(n, sizeof(*tids));
	size_t started = 0, i;
	int rc = 0;
	for (i = 0; i < n; i++) {
		ws[i].job = job;
		ws[i].id = i;
		ws[i].src = (pg_source){read_disk, &ws[i].dc, fingerprint_disk};
		pg_findings_init(&ws[i].fs);
		if ((ws[i].rc = pg_engine_new(&ws[i].e, job->cfg, &ws[i].src)) < 0) {
			fprintf(stderr, "pgleak-hook: check: %s\n", pg_error_last());
			rc = -1;
		} else {
			pg_engine_set_cache(ws[i].e, job->cache);
		}
	}
	for (i = 1; rc == 0 && i < n; i++, started++)
		if (pthread_create(&tids[i], NULL, work, &ws[i]) != 0)
			break; /* fewer workers: the others take the rest */
	if (rc == 0)
		work(&ws[0]);
	for (i = 1; i <= started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	return rc;
}

/* SARIF's %SRCROOT%: the work tree around the current folder, else the current folder. */
static char *sarif_root_dir(void)
{
	char cwd[PATH_MAX], *root = find_worktree_root();
	if (!root && getcwd(cwd, sizeof(cwd)))
		root = pg_xstrdup(cwd);
	return root;
}

/*
 * Each finding's path as code scanning places it: relative to `root` (a
 * `../x` or absolute path given on the command line included), else the
 * absolute path ("" when it cannot be resolved: the path as given is kept).
 */
static char **sarif_paths(const char *root, const pg_findings *fs)
{
	char **out = pg_xcalloc(fs->len + 1, sizeof(*out));
	for (size_t i = 0; i < fs->len; i++) {
		char real[PATH_MAX];
		out[i] = relative_to(root, fs->items[i].path);
		if (!out[i])
			out[i] = pg_xstrdup(realpath(fs->items[i].path, real) ? real : "");
	}
	return out;
}

static int check_files(const check_opts *o, const pg_config *cfg, const char *root, file_list *files, double t0)
{
	pg_source src = {read_disk, NULL, fingerprint_disk};
	check_job job = {cfg, root, files, o->fix, o->dry_run, NULL, NULL, 0, PTHREAD_MUTEX_INITIALIZER};
	/* --fix rewrites files and --dry-run prints their patches in file order: one worker */
	size_t nw = o->fix ? 1 : pg_jobs_wanted(files->len), checked = 0, i;
	worker *ws = pg_xcalloc(nw, sizeof(*ws));
	pg_report_opts ro = {.format = o->format, .fix_cfg = o->fix ? NULL : cfg};
	pg_findings fs;
	pg_stats stats = {0};
	int errors = 0, rc;

	pg_findings_init(&fs);
	pg_signals_catch("check stopped");
	/* The cache only ever saves work: a cache that cannot be used is said once and skipped. */
	job.cache = pg_cachedir_open(NULL, "pgleak-hook", o->quiet);
	job.results = pg_xcalloc(files->len + 1, sizeof(*job.results));
	rc = run_workers(&job, ws, nw);
	/* Findings and errors in the order of the file list, as one worker would have made them. */
	for (i = 0; rc == 0 && i < files->len; i++) {
		const file_result *r = &job.results[i];
		if (r->ignored)
			continue;
		checked++;
		if (r->error) {
			fprintf(stderr, "pgleak-hook: check: %s: %s\n", files->items[i].path, r->error);
			errors++;
		}
		for (size_t k = 0; k < r->count; k++) {
			PG_GROW(fs.items, fs.cap, fs.len + 1);
			fs.items[fs.len++] = ws[r->worker].fs.items[r->start + k]; /* moved: the worker's list lets go */
		}
	}
	for (i = 0; i < nw; i++) {
		if (ws[i].e)
			pg_stats_add(&stats, o->fix ? &ws[i].fixed : pg_engine_stats(ws[i].e), NULL);
		if (rc == 0)
			ws[i].fs.len = 0; /* every finding was moved */
		pg_findings_free(&ws[i].fs);
		pg_engine_free(ws[i].e);
	}
	for (i = 0; i < files->len; i++)
		free(job.results[i].error);
	free(job.results);
	free(ws);
	if (rc < 0) {
		pg_cache_close_shielded(job.cache);
		pg_findings_free(&fs);
		return 2;
	}
	pg_findings_sort(&fs);
	ro.color = o->format == PG_FORMAT_TEXT && pg_report_color_wanted(stdout);
	char *sarif_root = o->format == PG_FORMAT_SARIF ? sarif_root_dir() : NULL;
	char **root_paths = sarif_root ? sarif_paths(sarif_root, &fs) : NULL;
	ro.root = sarif_root;
	ro.root_paths = root_paths;
	/* --dry-run's stdout is the patch: the leaks it would leave are only counted */
	rc = o->dry_run ? PG_OK : pg_report_write(stdout, &ro, &fs, &stats, &src);
	if (rc < 0 && errno != EPIPE) {
		fprintf(stderr, "pgleak-hook: check: %s\n", pg_error_last());
		errors++;
	}
	for (i = 0; root_paths && i < fs.len; i++)
		free(root_paths[i]);
	free(root_paths);
	free(sarif_root);
	if (o->format == PG_FORMAT_TEXT && !o->quiet)
		summary(&fs, checked, &stats, now_ms() - t0);
	rc = errors ? 2 : fs.len ? 1 : 0;
	pg_findings_free(&fs);
	pg_cache_close_shielded(job.cache);
	return rc;
}

int pg_cmd_check(int argc, char **argv)
{
	check_opts o = {PG_FORMAT_TEXT, NULL, 0, 0, 0, {0}};
	pg_config cfg;
	file_list files = {0};
	char *root = NULL;
	double t0 = now_ms();
	int rc = parse_args(&o, argc, argv);

	pg_config_init(&cfg);
	if (rc < 0 && load_config(&cfg, &o, &root) < 0) {
		fprintf(stderr, "pgleak-hook: check: %s\n", pg_error_last());
		rc = 2;
	}
	if (rc < 0 && collect(&o.paths, &files) > 0)
		rc = 2;
	if (rc < 0) {
		dedup(&files);
		rc = check_files(&o, &cfg, root, &files, t0);
	}
	files_free(&files);
	free(root);
	pg_config_free(&cfg);
	pg_strlist_free(&o.paths);
	return rc;
}
