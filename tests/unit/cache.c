/*
 * cache.c - unit tests of the result cache (cache/), through its public API
 * only: round trips, the record encoding, every byte of the files flipped
 * and every truncation, garbage and foreign files, writers killed with
 * SIGKILL, eight processes at once (with a clear in the middle), eviction
 * within the size limit, an unusable directory, the figures, and the cost
 * of opening and looking up.
 *
 * A value is a function of its key (value_for), so any process can tell a
 * right answer from a wrong one without talking to the writer.
 */
#define _DEFAULT_SOURCE
#define UNIT_NAME "cache"
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "record.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * The damage tests rewrite files thousands of times: on a memory file system
 * when there is one (ext4 flushes data on every replace-by-truncate), else
 * under /tmp.  open_and_lookup_are_cheap always measures on /tmp.
 */
static char *tmpdir_in(const char *base)
{
	char *tmpl = pg_xasprintf("%s/pgcache-unit-XXXXXX", base);
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

static char *tmpdir(void)
{
	char *d = tmpdir_in("/dev/shm");
	return d ? d : tmpdir_in("/tmp");
}

static void rmrf(const char *dir)
{
	char *cmd = pg_xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "    could not remove %s\n", dir);
	free(cmd);
}

static pg_cache_key key_n(uint64_t n)
{
	pg_cache_hasher *h = pg_cache_hasher_new();
	pg_cache_hasher_str(h, "unit");
	pg_cache_hasher_u64(h, n);
	return pg_cache_hasher_finish(h);
}

static size_t value_for(const pg_cache_key *k, uint8_t *out, size_t max)
{
	size_t n = 1 + (size_t)(k->hi % 200);
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)((k->lo >> (i % 8 * 8)) + i * 31);
	return n;
}

/* 0 miss, 1 right value, -1 wrong value. */
static int get_check(pg_cache *c, uint64_t n)
{
	pg_cache_key k = key_n(n);
	uint8_t want[256];
	size_t wn = value_for(&k, want, sizeof(want));
	pg_buf got = PG_BUF_INIT;
	int rc = pg_cache_get(c, &k, &got), res;
	if (rc == PG_ENOTFOUND)
		res = 0;
	else if (rc == 0 && got.len == wn && memcmp(got.data, want, wn) == 0)
		res = 1;
	else
		res = -1;
	pg_buf_free(&got);
	return res;
}

static void put_n(pg_cache *c, uint64_t n)
{
	pg_cache_key k = key_n(n);
	uint8_t v[256];
	size_t vn = value_for(&k, v, sizeof(v));
	CHECK(pg_cache_put(c, &k, v, vn) == 0);
}

static void put_big(pg_cache *c, uint64_t n, size_t len)
{
	pg_cache_key k = key_n(n);
	uint8_t *v = pg_xmalloc(len);
	for (size_t i = 0; i < len; i++)
		v[i] = (uint8_t)(n * 7 + i);
	CHECK(pg_cache_put(c, &k, v, len) == 0);
	free(v);
}

static int get_big(pg_cache *c, uint64_t n, size_t len)
{
	pg_cache_key k = key_n(n);
	pg_buf got = PG_BUF_INIT;
	int rc = pg_cache_get(c, &k, &got), res = 0;
	if (rc == 0) {
		res = got.len == len ? 1 : -1;
		for (size_t i = 0; res == 1 && i < len; i++)
			if ((uint8_t)got.data[i] != (uint8_t)(n * 7 + i))
				res = -1;
	}
	pg_buf_free(&got);
	return res;
}

static uint64_t dir_bytes(const char *dir)
{
	char *cmd = pg_xasprintf("du -sb --apparent-size '%s'", dir);
	FILE *p = popen(cmd, "r");
	unsigned long long n = 0;
	free(cmd);
	if (!p)
		return 0;
	if (fscanf(p, "%llu", &n) != 1)
		n = 0;
	pclose(p);
	return n;
}

static int read_whole(const char *path, pg_buf *b)
{
	pg_buf_clear(b);
	return pg_read_file(path, b);
}

/* A new file each time: ext4 flushes a file rewritten after truncation to 0. */
static int write_whole(const char *path, const void *data, size_t len)
{
	FILE *f;
	unlink(path);
	f = fopen(path, "wb");
	int ok;
	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Removes the logs, temporary files and stats: a run may have compacted into a new log. */
static void remove_logs(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!strncmp(de->d_name, "log-", 4) || !strncmp(de->d_name, "tmp-", 4) ||
		    !strcmp(de->d_name, "stats")) {
			char *p = pg_path_join(dir, de->d_name);
			unlink(p);
			free(p);
		}
	}
	closedir(d);
}

static int count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* The name of the one log file in dir (NULL if none). */
static char *find_log(const char *dir)
{
	char *cmd = pg_xasprintf("ls '%s' | grep '^log-' | head -n 1", dir);
	FILE *p = popen(cmd, "r");
	char line[256] = "";
	free(cmd);
	if (!p)
		return NULL;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	return line[0] ? pg_path_join(dir, line) : NULL;
}

static void round_trip(void)
{
	char *dir = tmpdir();
	pg_cache *c;
	pg_cache_stats s;

	CHECK(pg_cache_open(&c, dir, 0) == 0);
	CHECK(pg_cache_enabled(c));
	CHECK(pg_cache_warning(c) == NULL);
	for (uint64_t i = 0; i < 50; i++)
		CHECK(get_check(c, i) == 0);
	for (uint64_t i = 0; i < 50; i++)
		put_n(c, i);
	for (uint64_t i = 0; i < 50; i++)
		CHECK(get_check(c, i) == 1); /* visible before the flush */
	CHECK(pg_cache_close(c) == 0);

	CHECK(pg_cache_open(&c, dir, 0) == 0);
	for (uint64_t i = 0; i < 60; i++)
		CHECK(get_check(c, i) == (i < 50 ? 1 : 0));
	CHECK(pg_cache_verify(c) == 0);
	CHECK(pg_cache_close(c) == 0);

	CHECK(pg_cache_open_ext(&c, dir, 0, PG_CACHE_READONLY) == 0);
	CHECK(pg_cache_stats_get(c, &s) == 0);
	CHECK(s.entries == 50);
	CHECK(s.runs == 2);
	CHECK(s.last_hits == 50 && s.last_misses == 10);
	CHECK(s.total_hits == 100 && s.total_misses == 60);
	CHECK(s.bytes > 50 * 40);
	CHECK(s.max_bytes == PG_CACHE_DEFAULT_MAX_BYTES);
	CHECK(pg_cache_close(c) == 0);

	/* clear empties and resets the figures */
	CHECK(pg_cache_open(&c, dir, 0) == 0);
	CHECK(pg_cache_clear(c) == 0);
	CHECK(pg_cache_close(c) == 0);
	CHECK(pg_cache_open_ext(&c, dir, 0, PG_CACHE_READONLY) == 0);
	CHECK(pg_cache_stats_get(c, &s) == 0);
	CHECK(s.entries == 0 && s.total_hits == 0 && s.runs == 0);
	CHECK(get_check(c, 1) == 0);
	CHECK(pg_cache_verify(c) == 0);
	CHECK(pg_cache_close(c) == 0);
	rmrf(dir);
	free(dir);
}

static void keys_are_framed(void)
{
	pg_cache_hasher *a = pg_cache_hasher_new(), *b = pg_cache_hasher_new();
	pg_cache_key ka, kb;
	pg_cache_hasher_str(a, "ab");
	pg_cache_hasher_str(a, "c");
	pg_cache_hasher_str(b, "a");
	pg_cache_hasher_str(b, "bc");
	ka = pg_cache_hasher_finish(a);
	kb = pg_cache_hasher_finish(b);
	CHECK(ka.hi != kb.hi || ka.lo != kb.lo);
	ka = key_n(7);
	kb = key_n(7);
	CHECK(ka.hi == kb.hi && ka.lo == kb.lo);
}

/* The one-step key: a function of prefix and bytes, apart from the hasher's keys, any length. */
static void keys_under_a_prefix(void)
{
	pg_cache_key p = key_n(1), q = key_n(2), a, b;
	char big[200];
	memset(big, 'x', sizeof(big));
	a = pg_cache_key_under(&p, "0123456789abcdefghij", 20);
	b = pg_cache_key_under(&p, "0123456789abcdefghij", 20);
	CHECK(a.hi == b.hi && a.lo == b.lo);
	b = pg_cache_key_under(&q, "0123456789abcdefghij", 20);
	CHECK(a.hi != b.hi || a.lo != b.lo);
	b = pg_cache_key_under(&p, "0123456789abcdefghiJ", 20);
	CHECK(a.hi != b.hi || a.lo != b.lo);
	b = pg_cache_key_under(&p, "0123456789abcdefghi", 19);
	CHECK(a.hi != b.hi || a.lo != b.lo);
	a = pg_cache_key_under(&p, big, sizeof(big));
	big[199] = 'y';
	b = pg_cache_key_under(&p, big, sizeof(big));
	CHECK(a.hi != b.hi || a.lo != b.lo);
}

static void sample_result(pg_findings *f, pg_units *u)
{
	pg_finding x;
	pg_unit un;
	memset(&x, 0, sizeof(x));
	x.path = "src/a.ts";
	x.line = 12;
	x.column = 31;
	x.kind = PG_KIND_NOT_GUARANTEED;
	x.function = "Repo.byId";
	x.order = 1;
	x.via = PG_VIA_EXCEPTION;
	x.exit_line = 13;
	x.message = "the client from pool.connect() is not released";
	x.path_text = NULL;
	x.hint = "release it in finally";
	x.fn_line = 10;
	x.fn_end = 20;
	x.introduced = -1;
	pg_findings_init(f);
	pg_units_init(u);
	pg_findings_push_copy(f, &x);
	un.name = pg_xstrdup("Repo.byId");
	un.line = 10;
	un.end = 20;
	un.start_byte = 100;
	un.end_byte = 400;
	un.has_acquisition = 1;
	PG_GROW(u->items, u->cap, u->len + 1);
	u->items[u->len++] = un;
}

static void record_encoding(void)
{
	pg_findings f, g;
	pg_units u, v;
	pg_buf b = PG_BUF_INIT, extra = PG_BUF_INIT;
	pg_record_shift sh = {"src/b.ts", 5, -50};

	sample_result(&f, &u);
	pg_record_encode(&b, &f, &u, "summary", 7);
	pg_findings_init(&g);
	pg_units_init(&v);
	CHECK(pg_record_decode(b.data, b.len, &sh, &g, &v, &extra) == 0);
	CHECK(g.len == 1 && v.len == 1);
	if (g.len == 1 && v.len == 1) {
		CHECK(!strcmp(g.items[0].path, "src/b.ts"));
		CHECK(g.items[0].line == 17 && g.items[0].column == 31);
		CHECK(g.items[0].exit_line == 18 && g.items[0].fn_line == 15 && g.items[0].fn_end == 25);
		CHECK(g.items[0].kind == PG_KIND_NOT_GUARANTEED && g.items[0].via == PG_VIA_EXCEPTION);
		CHECK(g.items[0].path_text == NULL && g.items[0].introduced == -1);
		CHECK(!strcmp(g.items[0].function, "Repo.byId") && !strcmp(g.items[0].hint, "release it in finally"));
		CHECK(!strcmp(v.items[0].name, "Repo.byId") && v.items[0].line == 15 && v.items[0].end == 25);
		CHECK(v.items[0].start_byte == 50 && v.items[0].end_byte == 350 && v.items[0].has_acquisition == 1);
	}
	CHECK(extra.len == 7 && !memcmp(extra.data, "summary", 7));

	/* every truncation is refused and leaves the lists as they were */
	for (size_t n = 0; n < b.len; n++) {
		CHECK(pg_record_decode(b.data, n, NULL, &g, &v, &extra) == PG_EINVALID);
		CHECK(g.len == 1 && v.len == 1);
	}
	/* every flipped byte decodes to something well-formed or is refused; never a crash */
	for (size_t n = 0; n < b.len; n++) {
		size_t gl = g.len;
		b.data[n] ^= 0x5a;
		if (pg_record_decode(b.data, b.len, NULL, &g, &v, NULL) == 0) {
			CHECK(g.len == gl + 1);
			CHECK(g.items[g.len - 1].kind <= PG_KIND_DISCARDED);
		} else {
			CHECK(g.len == gl);
		}
		b.data[n] ^= 0x5a;
	}
	/* a shift that would put a line before 1 is refused */
	sh.line_delta = -100;
	CHECK(pg_record_decode(b.data, b.len, &sh, &g, &v, NULL) == PG_EINVALID);
	/* counts that promise more than the bytes hold */
	b.data[4] = (char)0xff;
	b.data[5] = (char)0xff;
	CHECK(pg_record_decode(b.data, b.len, NULL, &g, &v, NULL) == PG_EINVALID);

	pg_findings_free(&f);
	pg_findings_free(&g);
	pg_units_free(&u);
	pg_units_free(&v);
	pg_buf_free(&b);
	pg_buf_free(&extra);
}

/*
 * A small cache with a segment (keys 100..103) and a log (keys 0..5).  The
 * segment comes from a rebuild: a garbage cache.seg makes the next run
 * compact the log into a fresh one.
 */
static void make_small_cache(const char *dir)
{
	char *seg = pg_path_join(dir, "cache.seg");
	pg_cache *c;
	pg_cache_open(&c, dir, 0);
	for (uint64_t i = 0; i < 4; i++)
		put_n(c, 100 + i);
	pg_cache_close(c);
	write_whole(seg, "garbage", 7);
	pg_cache_open(&c, dir, 0);
	CHECK(get_check(c, 100) == 1);
	pg_cache_close(c);
	pg_cache_open(&c, dir, 0);
	for (uint64_t i = 0; i < 6; i++)
		put_n(c, i);
	pg_cache_close(c);
	free(seg);
}

/* A run over damaged files: right answers or misses; it stores what it missed. */
static int damaged_run(const char *dir)
{
	pg_cache *c;
	int bad = 0;
	static const uint64_t keys[] = {100, 101, 102, 103, 0, 1, 2, 3, 4, 5};
	pg_cache_open(&c, dir, 0);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int r = get_check(c, keys[i]);
		bad += r < 0;
		if (r == 0)
			put_n(c, keys[i]);
	}
	pg_cache_close(c);
	/* the next run gets every answer, right */
	pg_cache_open(&c, dir, 0);
	for (uint64_t i = 0; i < 4; i++)
		bad += get_check(c, 100 + i) != 1;
	for (uint64_t i = 0; i < 6; i++)
		bad += get_check(c, i) != 1;
	pg_cache_close(c);
	return bad;
}

static void damage_each(const char *dir, int truncate_mode)
{
	char *seg = pg_path_join(dir, "cache.seg"), *logp;
	pg_buf orig_seg = PG_BUF_INIT, orig_log = PG_BUF_INIT, tmp = PG_BUF_INIT;
	int failures = 0;

	make_small_cache(dir);
	logp = find_log(dir);
	CHECK(logp != NULL);
	CHECK(read_whole(seg, &orig_seg) == 0);
	if (!logp || read_whole(logp, &orig_log) != 0) {
		CHECK(0);
		goto out;
	}
	CHECK(orig_seg.len > 64 + 8 * 16 + 4 * 40 && orig_log.len > 32 + 6 * 40);
	for (int which = 0; which < 2; which++) {
		const pg_buf *o = which ? &orig_log : &orig_seg;
		const char *path = which ? logp : seg;
		for (size_t off = 0; off < o->len; off++) {
			/* start each time from the pristine pair of files */
			remove_logs(dir);
			write_whole(seg, orig_seg.data, orig_seg.len);
			write_whole(logp, orig_log.data, orig_log.len);
			pg_buf_clear(&tmp);
			pg_buf_put(&tmp, o->data, o->len);
			if (truncate_mode) {
				tmp.len = off;
			} else {
				tmp.data[off] ^= 0xff;
			}
			write_whole(path, tmp.data, tmp.len);
			if (damaged_run(dir) != 0) {
				if (failures++ < 5)
					fprintf(stderr, "    %s at byte %zu of %s: wrong or lost answers\n",
					        truncate_mode ? "truncated" : "flipped", off, path);
			}
		}
	}
	CHECK(failures == 0);
out:
	free(seg);
	free(logp);
	pg_buf_free(&orig_seg);
	pg_buf_free(&orig_log);
	pg_buf_free(&tmp);
}

static void every_byte_flipped(void)
{
	char *dir = tmpdir();
	damage_each(dir, 0);
	rmrf(dir);
	free(dir);
}

static void every_truncation(void)
{
	char *dir = tmpdir();
	damage_each(dir, 1);
	rmrf(dir);
	free(dir);
}

static void garbage_and_foreign_files(void)
{
	char *dir = tmpdir();
	char *seg = pg_path_join(dir, "cache.seg");
	char *log0 = pg_path_join(dir, "log-0000000000000000");
	uint8_t junk[4096];
	pg_cache *c;

	srand(42);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rand();
	memcpy(junk, "PGLKSEG1", 8); /* a plausible magic does not make it trusted */
	write_whole(seg, junk, sizeof(junk));
	write_whole(log0, "PGLKLOG1 but not really a log at all", 36);
	CHECK(damaged_run(dir) == 0);
	CHECK(pg_cache_open(&c, dir, 0) == 0);
	CHECK(pg_cache_verify(c) == 0);
	CHECK(pg_cache_close(c) == 0);

	/* a file of another program under our name */
	write_whole(seg, "#!/bin/sh\necho hello\n", 21);
	CHECK(damaged_run(dir) == 0);
	/* an empty one */
	write_whole(seg, "", 0);
	CHECK(damaged_run(dir) == 0);
	CHECK(pg_cache_open(&c, dir, 0) == 0);
	CHECK(pg_cache_verify(c) == 0);
	CHECK(pg_cache_close(c) == 0);
	free(seg);
	free(log0);
	rmrf(dir);
	free(dir);
}

/* Writes forever: values of all sizes, flushing after each, in a small cache that compacts often. */
static void writer_forever(const char *dir, uint64_t base)
{
	pg_cache *c;
	pg_cache_open(&c, dir, 64 * 1024);
	for (uint64_t i = 0;; i++) {
		if (i % 3 == 0)
			put_big(c, base + i, 100 + (size_t)(i * 37 % 3000));
		else
			put_n(c, base + i);
		pg_cache_flush(c);
	}
}

static void killed_writers(void)
{
	char *dir = tmpdir();
	int bad = 0;
	for (int round = 0; round < 12; round++) {
		pid_t pid = fork();
		pg_cache *c;
		struct timespec ts = {0, 3000000L + round * 2500000L};
		if (pid == 0)
			writer_forever(dir, (uint64_t)round << 32);
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		/* the next run: right answers or misses, and it can write */
		CHECK(pg_cache_open(&c, dir, 64 * 1024) == 0);
		for (uint64_t i = 0; i < 400; i++) {
			uint64_t n = ((uint64_t)round << 32) + i;
			bad += (i % 3 == 0 ? get_big(c, n, 100 + (size_t)(i * 37 % 3000)) : get_check(c, n)) < 0;
		}
		put_n(c, 999999);
		CHECK(pg_cache_close(c) == 0);
		/* after which it is whole again */
		CHECK(pg_cache_open(&c, dir, 64 * 1024) == 0);
		CHECK(get_check(c, 999999) == 1);
		CHECK(count_files(dir, "tmp-") == 0 && count_files(dir, "log-") <= 1);
		if (pg_cache_verify(c) != 0) {
			fprintf(stderr, "    round %d: %s\n", round, pg_error_last());
			CHECK(0);
		}
		CHECK(pg_cache_close(c) == 0);
	}
	CHECK(bad == 0);
	rmrf(dir);
	free(dir);
}

/* Child of parallel(): its own keys and everyone's shared keys, checking all it reads. */
static int parallel_child(const char *dir, int id, uint64_t max)
{
	pg_cache *c;
	int bad = 0;
	for (int run = 0; run < 6; run++) {
		pg_cache_open(&c, dir, max);
		for (uint64_t i = 0; i < 120; i++) {
			uint64_t own = ((uint64_t)(id + 1) << 40) + (uint64_t)run * 1000 + i;
			uint64_t shared = i * 7 + (uint64_t)run;
			put_n(c, own);
			if (get_check(c, shared) == 0)
				put_n(c, shared);
			bad += get_check(c, own) != 1;
			for (int other = 0; other < 8; other++)
				bad += get_check(c, ((uint64_t)(other + 1) << 40) + i) < 0;
			if (i % 40 == 0)
				pg_cache_flush(c);
		}
		pg_cache_close(c);
	}
	return bad;
}

static void run_parallel(uint64_t max, int with_clear)
{
	char *dir = tmpdir();
	pid_t pids[8];
	int bad = 0;
	pg_cache *c;

	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(parallel_child(dir, i, max) ? 1 : 0);
	}
	if (with_clear) {
		struct timespec ts = {0, 20000000L};
		for (int i = 0; i < 3; i++) {
			nanosleep(&ts, NULL);
			CHECK(pg_cache_open(&c, dir, max) == 0);
			CHECK(pg_cache_clear(c) == 0);
			CHECK(pg_cache_close(c) == 0);
		}
	}
	for (int i = 0; i < 8; i++) {
		int st;
		waitpid(pids[i], &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	CHECK(pg_cache_open(&c, dir, max) == 0);
	CHECK(pg_cache_verify(c) == 0);
	if (!with_clear && max >= PG_CACHE_DEFAULT_MAX_BYTES) {
		/* nothing evicted, nothing cleared: every answer stored is there */
		for (int id = 0; id < 8; id++)
			for (uint64_t run = 0; run < 6; run++)
				for (uint64_t i = 0; i < 120; i++)
					bad += get_check(c, ((uint64_t)(id + 1) << 40) + run * 1000 + i) != 1;
		for (uint64_t i = 0; i < 120 * 7 + 6; i++)
			if (i % 7 < 6 && i / 7 < 120)
				bad += get_check(c, i) != 1;
	} else {
		for (int id = 0; id < 8; id++)
			for (uint64_t i = 0; i < 120; i++)
				bad += get_check(c, ((uint64_t)(id + 1) << 40) + i) < 0;
	}
	CHECK(bad == 0);
	CHECK(pg_cache_close(c) == 0);
	rmrf(dir);
	free(dir);
}

static void eight_processes(void)
{
	run_parallel(PG_CACHE_DEFAULT_MAX_BYTES, 0);
}

static void eight_processes_small_cache(void)
{
	run_parallel(64 * 1024, 0); /* constant compaction and eviction */
}

static void eight_processes_and_clear(void)
{
	run_parallel(PG_CACHE_DEFAULT_MAX_BYTES, 1);
}

static void eviction_bounds_size(void)
{
	char *dir = tmpdir();
	uint64_t max = 64 * 1024, biggest = 0;
	pg_cache *c;
	int recent_kept = 0;

	for (int run = 0; run < 40; run++) {
		CHECK(pg_cache_open(&c, dir, max) == 0);
		for (uint64_t i = 0; i < 50; i++)
			put_n(c, (uint64_t)run * 50 + i);
		CHECK(pg_cache_close(c) == 0);
		uint64_t b = dir_bytes(dir);
		if (b > biggest)
			biggest = b;
	}
	/* segment and log stay within the limit (the lock and stats files are tiny) */
	CHECK(biggest <= max + 256);
	CHECK(pg_cache_open(&c, dir, max) == 0);
	for (uint64_t i = 0; i < 50; i++)
		recent_kept += get_check(c, 39 * 50 + i) == 1;
	CHECK(recent_kept == 50);            /* the last run's entries survive */
	CHECK(get_check(c, 0) == 0);          /* the first ones were evicted */
	CHECK(pg_cache_verify(c) == 0);
	CHECK(pg_cache_close(c) == 0);
	rmrf(dir);
	free(dir);
}

static void too_large_value(void)
{
	char *dir = tmpdir();
	pg_cache *c;
	pg_cache_key k = key_n(1);
	char *v = pg_xcalloc(1, 64 * 1024);
	CHECK(pg_cache_open(&c, dir, 64 * 1024) == 0);
	CHECK(pg_cache_put(c, &k, v, 64 * 1024) == PG_ELIMIT);
	CHECK(pg_cache_close(c) == 0);
	free(v);
	rmrf(dir);
	free(dir);
}

static void unusable_directory(void)
{
	const char *dirs[] = {"/dev/null/x", "/proc/version/pgleak"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		pg_cache *c;
		pg_buf b = PG_BUF_INIT;
		pg_cache_key k = key_n(1);
		CHECK(pg_cache_open(&c, dirs[i], 0) == 0);
		CHECK(!pg_cache_enabled(c));
		CHECK(pg_cache_warning(c) && strstr(pg_cache_warning(c), "running without the cache"));
		CHECK(pg_cache_put(c, &k, "x", 1) == 0);
		CHECK(pg_cache_get(c, &k, &b) == PG_ENOTFOUND);
		CHECK(pg_cache_close(c) == 0);
		pg_buf_free(&b);
	}
	/* NULL: no cache wanted, nothing to say */
	{
		pg_cache *c;
		CHECK(pg_cache_open(&c, NULL, 0) == 0);
		CHECK(!pg_cache_enabled(c) && pg_cache_warning(c) == NULL);
		CHECK(pg_cache_close(c) == 0);
	}
}

static void max_bytes_from_env(void)
{
	uint64_t v;
	setenv("PGLEAK_CACHE_MAX_BYTES", "8M", 1);
	CHECK(pg_cache_max_bytes_from_env(&v) == 0 && v == 8ull << 20);
	setenv("PGLEAK_CACHE_MAX_BYTES", "100000", 1);
	CHECK(pg_cache_max_bytes_from_env(&v) == 0 && v == 100000);
	setenv("PGLEAK_CACHE_MAX_BYTES", "1GiB", 1);
	CHECK(pg_cache_max_bytes_from_env(&v) == 0 && v == 1ull << 30);
	setenv("PGLEAK_CACHE_MAX_BYTES", "lots", 1);
	CHECK(pg_cache_max_bytes_from_env(&v) == PG_EINVALID);
	setenv("PGLEAK_CACHE_MAX_BYTES", "10", 1);
	CHECK(pg_cache_max_bytes_from_env(&v) == PG_EINVALID);
	setenv("PGLEAK_CACHE_MAX_BYTES", "", 1);
	CHECK(pg_cache_max_bytes_from_env(&v) == PG_EINVALID);
	setenv("PGLEAK_CACHE_MAX_BYTES", "-5", 1);
	CHECK(pg_cache_max_bytes_from_env(&v) == PG_EINVALID);
	setenv("PGLEAK_CACHE_MAX_BYTES", "1T", 1);
	CHECK(pg_cache_max_bytes_from_env(&v) == PG_EINVALID);
	unsetenv("PGLEAK_CACHE_MAX_BYTES");
	CHECK(pg_cache_max_bytes_from_env(&v) == 0 && v == PG_CACHE_DEFAULT_MAX_BYTES);
}


/* 20,000 entries; opening and 100 lookups must stay far below what a hook may spend. */
static void open_and_lookup_are_cheap(void)
{
	char *dir = tmpdir_in("/tmp");
	pg_cache *c;
	double t0, best = 1e9;
	int hits = 0;

	CHECK(pg_cache_open(&c, dir, 0) == 0);
	for (uint64_t i = 0; i < 20000; i++)
		put_n(c, i);
	CHECK(pg_cache_close(c) == 0);
	for (int round = 0; round < 5; round++) {
		t0 = now_ms();
		pg_cache_open(&c, dir, 0);
		hits = 0;
		for (uint64_t i = 0; i < 100; i++)
			hits += get_check(c, i * 197) == 1;
		pg_cache_close(c);
		if (now_ms() - t0 < best)
			best = now_ms() - t0;
	}
	CHECK(hits == 100);
	if (best >= 20.0) /* 0.06 ms measured on ext4 (0.18 with sanitizers): generous for a shared machine */
		fprintf(stderr, "    open + 100 lookups + close: %.3f ms\n", best);
	CHECK(best < 20.0);
	rmrf(dir);
	free(dir);
}

int main(void)
{
	unsetenv("PGLEAK_CACHE_MAX_BYTES");
	RUN(round_trip);
	RUN(keys_are_framed);
	RUN(keys_under_a_prefix);
	RUN(record_encoding);
	RUN(every_byte_flipped);
	RUN(every_truncation);
	RUN(garbage_and_foreign_files);
	RUN(killed_writers);
	RUN(eight_processes);
	RUN(eight_processes_small_cache);
	RUN(eight_processes_and_clear);
	RUN(eviction_bounds_size);
	RUN(too_large_value);
	RUN(unusable_directory);
	RUN(max_bytes_from_env);
	RUN(open_and_lookup_are_cheap);
	return unit_failures ? 1 : 0;
}
