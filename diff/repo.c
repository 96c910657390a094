/*
 * repo.c - opening the repository and the index as a hook sees them.
 *
 * GIT_REPOSITORY_OPEN_FROM_ENV is not used: libgit2 1.5.1 fails with it
 * under `git --work-tree=.`, while opening GIT_DIR as a path works in every
 * mode git runs hooks in (plain, -a, <paths>, linked worktrees, where
 * GIT_DIR is .git/worktrees/NAME and libgit2 follows its commondir).
 *
 * Errors say what is wrong with the repository, not only what libgit2 saw:
 * an object that is not there is named as missing, with the reason that
 * is likely here (a shallow clone, whose history stops; a partial clone,
 * whose objects git fetches on demand and libgit2 cannot; else damage) and
 * what brings it back.  A damaged index is named as such, with git's own
 * way to rebuild it.  The caller adds how to bypass the check.
 */
#include "repo.h"

#include <git2/sys/repository.h> /* git_repository_set_index */
#include <stdlib.h>
#include <string.h>

/* What the repository opened last is (set by pg_git_open): for the advice on missing objects. */
static int repo_shallow, repo_partial;

static const char *missing_object_advice(void)
{
	if (repo_shallow)
		return "this is a shallow clone, whose history stops: fetch what is missing "
		       "(git fetch --unshallow; in CI, e.g. actions/checkout with fetch-depth: 0)";
	if (repo_partial)
		return "this is a partial clone (--filter): git fetches missing objects on demand, "
		       "pgleak-hook cannot: let git fetch it (`git cat-file -e` with the id above), "
		       "or use a clone without --filter";
	return "the object store is damaged or incomplete: `git fsck` lists what is missing";
}

int pg_git_error(const char *what)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown libgit2 error";
	if (e && e->klass == GIT_ERROR_ODB)
		return pg_error_set(PG_ERROR, "%s: an object is missing from the repository (%s); %s", what, msg,
		                    missing_object_advice());
	return pg_error_set(PG_ERROR, "%s: %s", what, msg);
}

/* Names git gives a promisor remote's settings; matched by hand (libgit2's regex leaks pcre2 data). */
static int promisor_entry(const git_config_entry *e, void *payload)
{
	const char *name = e->name, *dot = strrchr(name, '.');
	if (!strcmp(name, "extensions.partialclone") ||
	    (!strncmp(name, "remote.", 7) && dot && dot > name + 7 &&
	     (!strcmp(dot, ".promisor") || !strcmp(dot, ".partialclonefilter"))))
		*(int *)payload = 1;
	return 0;
}

/*
 * Whether the repository was cloned with --filter: git marks the promisor
 * remote (remote.<name>.promisor, .partialclonefilter; older git wrote
 * extensions.partialClone).  libgit2 hands the names lower-cased.
 */
static int is_partial(git_repository *repo)
{
	git_config *cfg = NULL;
	int partial = 0;
	if (git_repository_config_snapshot(&cfg, repo) == 0)
		git_config_foreach(cfg, promisor_entry, &partial);
	git_config_free(cfg);
	git_error_clear();
	return partial;
}

int pg_git_open(pg_git *g)
{
	const char *gitdir = getenv("GIT_DIR");
	memset(g, 0, sizeof(*g));
	if (git_libgit2_init() < 0)
		return pg_git_error("cannot initialise libgit2");
	/*
	 * libgit2 re-hashes every object it reads to check it against its id
	 * (most of the hook's time in a large repository).  We only read
	 * objects that git itself wrote, to the repository it is committing
	 * to; `git fsck` is the tool for a damaged object store, not a hook.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (gitdir && *gitdir) {
		if (git_repository_open_ext(&g->repo, gitdir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
			pg_git_error("cannot open the repository at GIT_DIR");
			git_libgit2_shutdown();
			return PG_ERROR;
		}
	} else if (git_repository_open_ext(&g->repo, ".", 0, NULL) < 0) {
		pg_git_error("not a git repository (or any parent up to /)");
		git_libgit2_shutdown();
		return PG_ERROR;
	}
	repo_shallow = git_repository_is_shallow(g->repo) == 1;
	repo_partial = is_partial(g->repo);
	return PG_OK;
}

/* libgit2 checks the index's header, entries and checksum; git itself can rebuild it from HEAD. */
static int index_error(const char *file)
{
	const git_error *e = git_error_last();
	return pg_error_set(PG_ERROR, "cannot read the index %s: %s; if git cannot read it either, it is damaged: "
	                    "rebuild it from HEAD with `rm %s && git reset` (your staged changes are unstaged, "
	                    "the work tree is kept)", file, e && e->message ? e->message : "unknown libgit2 error", file);
}

int pg_git_load_index(pg_git *g)
{
	const char *file = getenv("GIT_INDEX_FILE");
	if (file && *file) {
		/* Relative to the current directory, as git means it (a hook runs at the work tree's root). */
		if (git_index_open(&g->index, file) < 0)
			return index_error(file);
		/* The repository then answers from this index (attributes, lookups) instead of reading
		 * and checksumming .git/index a second time; nothing here writes an index. */
		if (git_repository_set_index(g->repo, g->index) < 0)
			return pg_git_error("cannot use the index GIT_INDEX_FILE names");
	} else if (git_repository_index(&g->index, g->repo) < 0) {
		char *path = pg_path_join(git_repository_path(g->repo), "index");
		int rc = index_error(path);
		free(path);
		return rc;
	}
	return PG_OK;
}

void pg_git_close(pg_git *g)
{
	if (!g->repo)
		return;
	git_index_free(g->index);
	git_repository_free(g->repo);
	memset(g, 0, sizeof(*g));
	git_libgit2_shutdown();
}

int pg_git_head_tree(git_tree **out, git_repository *repo)
{
	git_object *obj = NULL;
	int rc;
	*out = NULL;
	rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
		git_error_clear();
		return PG_OK; /* first commit: compared with the empty tree */
	}
	if (rc < 0)
		return pg_git_error("cannot read HEAD");
	*out = (git_tree *)obj;
	return PG_OK;
}

int pg_git_rev_tree(git_tree **out, const git_object *obj)
{
	git_object *peeled = NULL;
	if (git_object_peel(&peeled, obj, GIT_OBJECT_TREE) < 0)
		return pg_git_error("not a commit or tree");
	*out = (git_tree *)peeled;
	return PG_OK;
}

int pg_git_blob_read(git_repository *repo, const git_oid *id, pg_buf *out)
{
	git_blob *blob = NULL;
	if (git_blob_lookup(&blob, repo, id) < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		char *what = pg_xasprintf("cannot read the file contents %s", git_oid_tostr(hex, sizeof(hex), id));
		int rc = pg_git_error(what);
		free(what);
		return rc;
	}
	pg_buf_clear(out);
	pg_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return PG_OK;
}

int pg_git_config_load(pg_config *cfg, git_repository *repo, const git_oid *id)
{
	pg_buf b = PG_BUF_INIT;
	int rc;
	if (!id)
		return PG_OK;
	rc = pg_git_blob_read(repo, id, &b);
	if (rc == PG_OK)
		rc = pg_config_parse(cfg, b.data ? b.data : "", b.len, ".pgleak.json");
	pg_buf_free(&b);
	return rc;
}
