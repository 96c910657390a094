/*
 * dir.c - where the cache lives and how large it may grow.
 *
 * Inside a repository the cache goes into the common git directory, so that
 * linked worktrees (which share objects, hence blobs and results) share it
 * too, and `git clean` never touches it.  libgit2 finds the repository the
 * way git does: GIT_DIR when set, else upwards from the current directory
 * (stopping at GIT_CEILING_DIRECTORIES); GIT_COMMON_DIR, which libgit2 does
 * not read, is honoured here first.
 */
#include "cache_int.h"

#include <ctype.h>
#include <errno.h>
#include <git2.h>
#include <stdlib.h>

char *pg_cache_dir_for_commondir(const char *commondir)
{
	size_t n = strlen(commondir);
	char *base = pg_xstrndup(commondir, n);
	char *dir;
	while (n > 1 && base[n - 1] == '/')
		base[--n] = '\0';
	dir = pg_path_join(base, "pgleak");
	free(base);
	return dir;
}

static char *from_git(void)
{
	const char *env = getenv("GIT_COMMON_DIR");
	git_repository *repo = NULL;
	char *dir = NULL;
	int rc;

	if (env && *env)
		return pg_cache_dir_for_commondir(env);
	git_libgit2_init();
	env = getenv("GIT_DIR");
	if (env && *env)
		rc = git_repository_open_ext(&repo, env, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	else
		rc = git_repository_open_ext(&repo, ".", 0, getenv("GIT_CEILING_DIRECTORIES"));
	if (rc == 0)
		dir = pg_cache_dir_for_commondir(git_repository_commondir(repo));
	git_repository_free(repo);
	git_libgit2_shutdown();
	return dir;
}

char *pg_cache_default_dir(void)
{
	const char *env = getenv("PGLEAK_CACHE_DIR");
	char *dir;
	if (env && *env)
		return pg_xstrdup(env);
	if ((dir = from_git()) != NULL)
		return dir;
	env = getenv("XDG_CACHE_HOME");
	/* The XDG spec says relative values are to be ignored. */
	if (env && env[0] == '/')
		return pg_path_join(env, "pgleak");
	env = getenv("HOME");
	if (env && *env)
		return pg_xasprintf("%s/.cache/pgleak", env);
	return pg_xstrdup(".pgleak-cache");
}

int pg_cache_max_bytes_from_env(uint64_t *out)
{
	const char *env = getenv("PGLEAK_CACHE_MAX_BYTES");
	unsigned long long v;
	char *end;
	int unit;

	*out = PG_CACHE_DEFAULT_MAX_BYTES;
	if (!env)
		return 0;
	if (!*env)
		return pg_error_set(PG_EINVALID, "PGLEAK_CACHE_MAX_BYTES is set but empty");
	errno = 0;
	if (!isdigit((unsigned char)env[0]))
		goto bad;
	v = strtoull(env, &end, 10);
	if (errno)
		goto bad;
	unit = 1;
	switch (*end) {
	case 'k': case 'K': unit = 10; break;
	case 'm': case 'M': unit = 20; break;
	case 'g': case 'G': unit = 30; break;
	default: break;
	}
	if (unit > 1) {
		v = v > UINT64_MAX >> unit ? UINT64_MAX : v << unit;
		end++;
		if (*end == 'i')
			end++; /* KiB, MiB, GiB */
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		goto bad;
	if (v < PG_CACHE_MIN_MAX_BYTES || v > PG_CACHE_MAX_MAX_BYTES)
		return pg_error_set(PG_EINVALID,
		                    "PGLEAK_CACHE_MAX_BYTES=%s is outside %llu bytes .. %llu GiB", env,
		                    (unsigned long long)PG_CACHE_MIN_MAX_BYTES,
		                    (unsigned long long)(PG_CACHE_MAX_MAX_BYTES >> 30));
	*out = v;
	return 0;
bad:
	return pg_error_set(PG_EINVALID,
	                    "PGLEAK_CACHE_MAX_BYTES=%s is not a size (bytes, or with K, M or G)", env);
}
