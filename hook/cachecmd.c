/*
 * cachecmd.c - `pgleak-hook cache stats|clear|path|verify [--format text|json]`.
 *
 * `stats` opens the cache read-only, so asking for figures never creates
 * a cache directory or disturbs the recency of entries.  `clear` takes the
 * cache's exclusive lock and writes an empty segment, which other processes
 * using the cache at that moment survive (see cache.c).
 */
#include "cachedir.h"
#include "commands.h"
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: pgleak-hook cache stats|clear|path|verify [--format text|json]\n"
	"\n"
	"  stats   entries, bytes on disk, hits and misses of the last run and in all\n"
	"  clear   empty the cache (safe while other runs use it)\n"
	"  path    print the cache directory\n"
	"  verify  check every record of the cache files\n"
	"\n"
	"The cache lives in $PGLEAK_CACHE_DIR (a relative one from the work tree's\n"
	"root), else pgleak/ in the repository's\n"
	"common git directory, else $XDG_CACHE_HOME/pgleak (~/.cache/pgleak).\n"
	"Its size is limited to PGLEAK_CACHE_MAX_BYTES (default 64M; K, M, G\n"
	"suffixes), evicting what was used least recently.\n";

static int print_stats(pg_cache *c, int json)
{
	pg_cache_stats s;
	pg_buf b = PG_BUF_INIT;
	pg_cache_stats_get(c, &s);
	if (json) {
		pg_buf_puts(&b, "{\"version\":1,\"path\":");
		pg_json_put_string(&b, pg_cache_dir(c));
		pg_buf_printf(&b,
		              ",\"entries\":%llu,\"bytes\":%llu,\"max_bytes\":%llu,"
		              "\"last_run\":{\"hits\":%llu,\"misses\":%llu},"
		              "\"total\":{\"hits\":%llu,\"misses\":%llu,\"runs\":%llu}}\n",
		              (unsigned long long)s.entries, (unsigned long long)s.bytes,
		              (unsigned long long)s.max_bytes, (unsigned long long)s.last_hits,
		              (unsigned long long)s.last_misses, (unsigned long long)s.total_hits,
		              (unsigned long long)s.total_misses, (unsigned long long)s.runs);
	} else {
		pg_buf_printf(&b,
		              "path:     %s\n"
		              "entries:  %llu\n"
		              "bytes:    %llu (limit %llu)\n"
		              "last run: %llu hits, %llu misses\n"
		              "total:    %llu hits, %llu misses in %llu runs\n",
		              pg_cache_dir(c), (unsigned long long)s.entries,
		              (unsigned long long)s.bytes, (unsigned long long)s.max_bytes,
		              (unsigned long long)s.last_hits, (unsigned long long)s.last_misses,
		              (unsigned long long)s.total_hits, (unsigned long long)s.total_misses,
		              (unsigned long long)s.runs);
	}
	fputs(b.data, stdout);
	pg_buf_free(&b);
	return 0;
}

int pg_cmd_cache(int argc, char **argv)
{
	const char *sub = NULL;
	int json = 0, rc = 0;
	char *dir;
	pg_cache *c;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *fmt = NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return 0;
		}
		if (!strcmp(a, "--format")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "pgleak-hook: cache: --format needs a value\n");
				return 2;
			}
			fmt = argv[++i];
		} else if (!strncmp(a, "--format=", 9)) {
			fmt = a + 9;
		} else if (a[0] == '-' || sub) {
			fprintf(stderr, "pgleak-hook: cache: unexpected argument '%s'\n%s", a, usage);
			return 2;
		} else {
			sub = a;
		}
		if (fmt) {
			if (!strcmp(fmt, "json"))
				json = 1;
			else if (!strcmp(fmt, "text"))
				json = 0;
			else {
				fprintf(stderr, "pgleak-hook: cache: unknown format '%s' (text or json)\n", fmt);
				return 2;
			}
		}
	}
	if (!sub || (strcmp(sub, "stats") && strcmp(sub, "clear") && strcmp(sub, "path") &&
	             strcmp(sub, "verify"))) {
		if (sub)
			fprintf(stderr, "pgleak-hook: cache: unknown subcommand '%s'\n", sub);
		fputs(usage, stderr);
		return 2;
	}

	dir = pg_cachedir_path(NULL);
	if (!strcmp(sub, "path")) {
		if (json) {
			pg_buf b = PG_BUF_INIT;
			pg_buf_puts(&b, "{\"version\":1,\"path\":");
			pg_json_put_string(&b, dir);
			pg_buf_puts(&b, "}\n");
			fputs(b.data, stdout);
			pg_buf_free(&b);
		} else {
			printf("%s\n", dir);
		}
		free(dir);
		return 0;
	}

	pg_cache_open_ext(&c, dir, 0, strcmp(sub, "clear") ? PG_CACHE_READONLY : 0);
	free(dir);
	if (pg_cache_warning(c))
		fprintf(stderr, "pgleak-hook: %s\n", pg_cache_warning(c));
	if (!pg_cache_enabled(c)) {
		rc = 2;
	} else if (!strcmp(sub, "stats")) {
		rc = print_stats(c, json);
	} else if (!strcmp(sub, "clear")) {
		if (pg_cache_clear(c) != 0) {
			fprintf(stderr, "pgleak-hook: %s\n", pg_error_last());
			rc = 2;
		} else if (json) {
			pg_buf b = PG_BUF_INIT;
			pg_buf_puts(&b, "{\"version\":1,\"cleared\":");
			pg_json_put_string(&b, pg_cache_dir(c));
			pg_buf_puts(&b, "}\n");
			fputs(b.data, stdout);
			pg_buf_free(&b);
		} else {
			printf("cleared %s\n", pg_cache_dir(c));
		}
	} else {
		if (pg_cache_verify(c) != 0) {
			fprintf(stderr, "pgleak-hook: %s\n", pg_error_last());
			rc = 2;
		} else if (json) {
			puts("{\"version\":1,\"ok\":true}");
		} else {
			puts("ok");
		}
	}
	pg_cache_close(c);
	return rc;
}
