/*
 * dir.c - where the cache lives and how large it may grow: the one place
 * that decides both, from facts the caller gives (the store itself knows
 * nothing of git: hook/cachedir.c finds the repository and passes its
 * folders here).
 *
 * Inside a repository the cache goes into the common git directory, so that
 * linked worktrees (which share objects, hence blobs and results) share it
 * too, and `git clean` never touches it.  A relative PGLEAK_CACHE_DIR is
 * taken from the work tree's root, not from the folder a command runs in,
 * so `check` in a subfolder and the hook (which git runs at the root) use
 * the same cache.
 */
#include "cache_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

/* `dir`/NAME, without doubling a trailing slash. */
static char *join_trimmed(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *base = pg_xstrndup(dir, n);
	char *out;
	while (n > 1 && base[n - 1] == '/')
		base[--n] = '\0';
	out = pg_path_join(base, name);
	free(base);
	return out;
}

char *pg_cache_dir_choose(const char *commondir, const char *workroot)
{
	const char *env = getenv("PGLEAK_CACHE_DIR");
	if (env && *env)
		return env[0] != '/' && workroot && *workroot ? join_trimmed(workroot, env) : pg_xstrdup(env);
	if (commondir && *commondir)
		return join_trimmed(commondir, "pgleak");
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
