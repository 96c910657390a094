/*
 * files.c - the cache's files as files: their names, the lock, reading a
 * descriptor whole, replacing a file by rename(2), and scanning a log's
 * records into the in-memory index.  Below both cache.c (open, get, put,
 * flush) and compact.c (merging the log into a new segment), which use
 * these and not each other's internals; the layout is at the top of cache.c.
 */
#include "cache_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

char *pg_cache_file(const pg_cache *c, const char *name)
{
	return pg_path_join(c->dir, name);
}

char *pg_cache_log_name(const pg_cache *c, uint64_t id)
{
	char name[64];
	snprintf(name, sizeof(name), PG_LOG_PREFIX "%016llx", (unsigned long long)id);
	return pg_cache_file(c, name);
}

int pg_cache_lock(pg_cache *c, int exclusive, int ms)
{
	long waited_us = 0, step = 200;
	if (c->lock_fd < 0)
		return PG_ERROR;
	for (;;) {
		if (flock(c->lock_fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return PG_ERROR;
		if (waited_us >= (long)ms * 1000)
			return PG_ERROR;
		struct timespec ts = {0, step * 1000};
		nanosleep(&ts, NULL);
		waited_us += step;
		if (step < 10000)
			step *= 2;
	}
}

void pg_cache_unlock(pg_cache *c)
{
	if (c->lock_fd >= 0)
		flock(c->lock_fd, LOCK_UN);
}

int pg_cache_read_fd(int fd, size_t max, pg_buf *out)
{
	char chunk[65536];
	off_t off = 0;
	pg_buf_clear(out);
	while (out->len < max) {
		size_t want = max - out->len < sizeof(chunk) ? max - out->len : sizeof(chunk);
		ssize_t n = pread(fd, chunk, want, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pg_error_set(PG_ERROR, "cache: read: %s", strerror(errno));
		}
		if (n == 0)
			break;
		pg_buf_put(out, chunk, (size_t)n);
		off += n;
	}
	return 0;
}

int pg_cache_write_all(int fd, const void *data, size_t len, off_t off)
{
	const char *p = data;
	while (len) {
		ssize_t n = pwrite(fd, p, len, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return PG_ERROR;
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int pg_cache_write_replace(pg_cache *c, const char *name, const void *data, size_t len)
{
	static unsigned counter;
	char tmpname[64];
	char *tmp, *dst;
	int fd, rc = 0;

	snprintf(tmpname, sizeof(tmpname), PG_TMP_PREFIX "%ld-%u", (long)getpid(), counter++);
	tmp = pg_cache_file(c, tmpname);
	dst = pg_cache_file(c, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		rc = pg_error_set(PG_ERROR, "cache: cannot create %s: %s", tmp, strerror(errno));
	} else {
		if (pg_cache_write_all(fd, data, len, 0) != 0)
			rc = pg_error_set(PG_ERROR, "cache: cannot write %s: %s", tmp, strerror(errno));
		if (close(fd) != 0 && rc == 0)
			rc = pg_error_set(PG_ERROR, "cache: cannot write %s: %s", tmp, strerror(errno));
		if (rc == 0 && rename(tmp, dst) != 0)
			rc = pg_error_set(PG_ERROR, "cache: cannot rename to %s: %s", dst, strerror(errno));
		if (rc != 0)
			unlink(tmp);
	}
	free(tmp);
	free(dst);
	return rc;
}

size_t pg_log_scan(pg_cache *c, const pg_buf *buf, size_t from, pg_map *map)
{
	const uint8_t *p = (const uint8_t *)buf->data;
	size_t off = from;
	pg_rec r;
	(void)c;
	while (off < buf->len && pg_rec_read(p + off, buf->len - off, PG_MAX_VALUE, &r) == 0) {
		if (map) {
			pg_map_ent *e = pg_map_upsert(map, &r.key);
			if (r.type == PG_REC_VALUE) {
				e->kind = PG_MAP_VALUE;
				e->src = PG_SRC_LOG;
				e->off = off;
				e->len = r.len;
				e->stamp = r.stamp;
			} else if (!e->kind) {
				e->kind = PG_MAP_TOUCH;
				e->src = PG_SRC_LOG;
				e->stamp = r.stamp;
			} else if (r.stamp > e->stamp) {
				e->stamp = r.stamp;
			}
		}
		off += pg_rec_size(r.len);
	}
	return off;
}
