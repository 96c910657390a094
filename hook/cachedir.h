/*
 * cachedir.h - opening the result cache where every command finds the same
 * one: run, diff, check, lsp and `cache` all come through here, and the
 * folder is decided by cache/'s pg_cache_dir_choose from the repository's
 * folders found here (the store itself knows nothing of git).
 */
#ifndef PG_CACHEDIR_H
#define PG_CACHEDIR_H

#include <git2.h>

#include "cache.h"

/*
 * The cache's folder for `repo`, or, when it is NULL, for the repository
 * around the current directory as git finds it (GIT_DIR, else upwards,
 * stopping at GIT_CEILING_DIRECTORIES; GIT_COMMON_DIR, which libgit2 does
 * not read, wins for the common directory).  Never NULL; owned by the caller.
 */
char *pg_cachedir_path(git_repository *repo);

/*
 * Opens the cache at pg_cachedir_path(repo).  Never NULL: a cache that
 * cannot be used is a disabled handle, its warning printed once on stderr
 * after `who` (unless `quiet`), because the cache only ever saves work.
 */
pg_cache *pg_cachedir_open(git_repository *repo, const char *who, int quiet);

/* The same from the two folders themselves, for a repository libgit2 cannot open (read through git). */
pg_cache *pg_cachedir_open_at(const char *commondir, const char *workroot, const char *who, int quiet);

#endif
