/*
 * cachedir.c - the repository facts the cache's folder depends on (see
 * cachedir.h), found with libgit2, and the one way commands open the cache.
 *
 * A command that has no repository open (check, lsp, cache) opens one here
 * only to read two folders, then frees it: that costs a few small reads,
 * against the cache being in a different place than the hook's.
 */
#include "cachedir.h"

#include <stdio.h>
#include <stdlib.h>

static char *choose_for(git_repository *repo)
{
	const char *env = getenv("GIT_COMMON_DIR");
	const char *common = env && *env ? env : repo ? git_repository_commondir(repo) : NULL;
	return pg_cache_dir_choose(common, repo ? git_repository_workdir(repo) : NULL);
}

char *pg_cachedir_path(git_repository *repo)
{
	const char *env;
	char *dir;
	int rc;
	if (repo)
		return choose_for(repo);
	git_libgit2_init();
	env = getenv("GIT_DIR");
	if (env && *env)
		rc = git_repository_open_ext(&repo, env, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	else
		rc = git_repository_open_ext(&repo, ".", 0, getenv("GIT_CEILING_DIRECTORIES"));
	dir = choose_for(rc == 0 ? repo : NULL);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return dir;
}

/* Opens the cache in folder `dir` (taken), saying once why it cannot be used. */
static pg_cache *open_in(char *dir, const char *who, int quiet)
{
	pg_cache *cache = NULL;
	pg_cache_open(&cache, dir, 0);
	free(dir);
	if (pg_cache_warning(cache) && !quiet)
		fprintf(stderr, "%s: %s\n", who, pg_cache_warning(cache));
	return cache;
}

pg_cache *pg_cachedir_open(git_repository *repo, const char *who, int quiet)
{
	return open_in(pg_cachedir_path(repo), who, quiet);
}

pg_cache *pg_cachedir_open_at(const char *commondir, const char *workroot, const char *who, int quiet)
{
	const char *env = getenv("GIT_COMMON_DIR");
	return open_in(pg_cache_dir_choose(env && *env ? env : commondir, workroot), who, quiet);
}
