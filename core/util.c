/*
 * util.c - error state, allocation, buffers, string lists and paths.
 *
 * The last error lives in a thread-local buffer so that a worker thread's
 * failure does not overwrite the main thread's message.
 */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void buf_vprintf(pg_buf *b, const char *fmt, va_list ap);

static _Thread_local char last_error[1024];

/* Formats into a scratch buffer first: callers often pass pg_error_last()
 * as an argument to add context, and vsnprintf into the buffer it reads
 * from is undefined behaviour. */
int pg_error_set(int code, const char *fmt, ...)
{
	char msg[sizeof(last_error)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(last_error, msg, sizeof(last_error));
	return code;
}

int pg_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *pg_error_last(void)
{
	return last_error[0] ? last_error : "unknown error";
}

void pg_error_clear(void)
{
	last_error[0] = '\0';
}

static void out_of_memory(size_t n)
{
	fprintf(stderr, "pgleak-hook: out of memory (asked for %zu bytes)\n", n);
	exit(2);
}

void *pg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *pg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *pg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *pg_xstrdup(const char *s)
{
	return pg_xstrndup(s, strlen(s));
}

char *pg_xstrndup(const char *s, size_t n)
{
	char *p = pg_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *pg_xasprintf(const char *fmt, ...)
{
	pg_buf b = PG_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return pg_buf_detach(&b);
}

void pg_grow(void **items, size_t *cap, size_t need, size_t elem)
{
	size_t n;
	if (need <= *cap)
		return;
	n = *cap ? *cap : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			out_of_memory(SIZE_MAX);
		n *= 2;
	}
	*items = pg_xrealloc(*items, n * elem);
	*cap = n;
}

char pg_buf_empty[1];

void pg_buf_free(pg_buf *b)
{
	if (b->cap)
		free(b->data);
	b->data = pg_buf_empty;
	b->len = b->cap = 0;
}

void pg_buf_clear(pg_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
	else
		b->data = pg_buf_empty;
}

void pg_buf_reserve(pg_buf *b, size_t need)
{
	if (!b->cap)
		b->data = NULL;
	pg_grow((void **)&b->data, &b->cap, need, 1);
}

void pg_buf_put(pg_buf *b, const void *data, size_t len)
{
	if (len > SIZE_MAX - b->len - 1)
		out_of_memory(SIZE_MAX);
	pg_buf_reserve(b, b->len + len + 1);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void pg_buf_puts(pg_buf *b, const char *s)
{
	pg_buf_put(b, s, strlen(s));
}

void pg_buf_putc(pg_buf *b, char c)
{
	pg_buf_put(b, &c, 1);
}

static void buf_vprintf(pg_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	pg_buf_reserve(b, b->len + (size_t)n + 1);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void pg_buf_printf(pg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *pg_buf_detach(pg_buf *b)
{
	char *p = b->cap ? b->data : pg_xstrdup("");
	b->data = pg_buf_empty;
	b->len = b->cap = 0;
	return p;
}

/* One open, one fstat and (usually) one read into a buffer of the right size. */
int pg_read_file(const char *path, pg_buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t want;
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return pg_error_set(PG_ENOTFOUND, "%s: no such file", path);
		return pg_error_set(PG_ERROR, "%s: cannot open: %s", path, strerror(errno));
	}
	pg_buf_clear(out);
	want = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size : 65536;
	pg_buf_reserve(out, want + 1);
	for (;;) {
		ssize_t n;
		if (out->cap - out->len < 2)
			pg_buf_reserve(out, out->len + 65536);
		n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return pg_error_set(PG_ERROR, "%s: read failed: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
	}
	close(fd);
	out->data[out->len] = '\0';
	return PG_OK;
}

void pg_strlist_push(pg_strlist *l, const char *s)
{
	PG_GROW(l->items, l->cap, l->len + 1);
	l->items[l->len++] = pg_xstrdup(s);
}

int pg_strlist_has_n(const pg_strlist *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->len; i++)
		if (strlen(l->items[i]) == n && memcmp(l->items[i], s, n) == 0)
			return 1;
	return 0;
}

int pg_strlist_has(const pg_strlist *l, const char *s)
{
	return pg_strlist_has_n(l, s, strlen(s));
}

void pg_strlist_free(pg_strlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

char *pg_path_join(const char *dir, const char *rel)
{
	char *joined, *norm;
	if (rel[0] == '/' || !dir[0])
		return pg_path_normalize(rel);
	/* by hand, not pg_xasprintf: the importer scan joins once per specifier of every file */
	size_t dl = strlen(dir), rl = strlen(rel);
	joined = pg_xmalloc(dl + rl + 2);
	memcpy(joined, dir, dl);
	joined[dl] = '/';
	memcpy(joined + dl + 1, rel, rl + 1);
	norm = pg_path_normalize(joined);
	free(joined);
	return norm;
}

/* Collapses "." and ".." segments and repeated slashes, textually. */
char *pg_path_normalize(const char *path)
{
	size_t n = strlen(path);
	char *out = pg_xmalloc(n + 1);
	size_t *seg = pg_xmalloc((n / 2 + 2) * sizeof(size_t)); /* starts of kept segments */
	size_t nseg = 0, o = 0, i = 0;
	int absolute = path[0] == '/';
	if (absolute)
		out[o++] = '/';
	while (i < n) {
		size_t j = i;
		while (j < n && path[j] != '/')
			j++;
		size_t len = j - i;
		if (len == 0 || (len == 1 && path[i] == '.')) {
			/* skip */
		} else if (len == 2 && path[i] == '.' && path[i + 1] == '.' && nseg > 0 &&
		           !(o - seg[nseg - 1] == 2 && out[seg[nseg - 1]] == '.' && out[seg[nseg - 1] + 1] == '.')) {
			o = seg[--nseg];
			if (o > (size_t)absolute)
				o--; /* drop the slash before it */
		} else {
			if (o > (size_t)absolute)
				out[o++] = '/';
			seg[nseg++] = o;
			memcpy(out + o, path + i, len);
			o += len;
		}
		i = j + 1;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	free(seg);
	return out;
}

char *pg_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return pg_xstrdup("");
	if (slash == path)
		return pg_xstrdup("/");
	return pg_xstrndup(path, (size_t)(slash - path));
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static size_t strmap_slot(const pg_strmap *m, const char *key, size_t n)
{
	size_t mask = m->cap - 1, i = (size_t)hash_bytes(key, n) & mask;
	while (m->keys[i] && !(strlen(m->keys[i]) == n && !memcmp(m->keys[i], key, n)))
		i = (i + 1) & mask;
	return i;
}

size_t *pg_strmap_get(const pg_strmap *m, const char *key, size_t n)
{
	size_t i;
	if (!m->cap)
		return NULL;
	i = strmap_slot(m, key, n);
	return m->keys[i] ? &m->vals[i] : NULL;
}

void pg_strmap_put(pg_strmap *m, const char *key, size_t n, size_t val)
{
	size_t i;
	if ((m->len + 1) * 2 > m->cap) {
		pg_strmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 16;
		m->keys = pg_xcalloc(m->cap, sizeof(char *));
		m->vals = pg_xcalloc(m->cap, sizeof(size_t));
		m->len = 0;
		for (size_t j = 0; j < old.cap; j++)
			if (old.keys[j]) {
				size_t k = strmap_slot(m, old.keys[j], strlen(old.keys[j]));
				m->keys[k] = old.keys[j];
				m->vals[k] = old.vals[j];
				m->len++;
			}
		free(old.keys);
		free(old.vals);
	}
	i = strmap_slot(m, key, n);
	if (!m->keys[i]) {
		m->keys[i] = pg_xstrndup(key, n);
		m->len++;
	}
	m->vals[i] = val;
}

void pg_strmap_free(pg_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

size_t pg_jobs_wanted(size_t tasks)
{
	const char *env = getenv("PGLEAK_JOBS");
	long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > PG_MAX_JOBS)
		n = PG_MAX_JOBS;
	return (size_t)n < tasks ? (size_t)n : (tasks ? tasks : 1);
}

/* Case-insensitive Levenshtein distance; inputs are short names (a row of 65 at most). */
size_t pg_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), *row, result;
	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = pg_xmalloc((lb + 1) * sizeof(size_t));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	result = row[lb];
	free(row);
	return result;
}

int pg_has_lone_cr(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	while ((p = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		if (p + 1 == end || p[1] != '\n')
			return 1;
		p += 2;
	}
	return 0;
}

void pg_lone_cr_to_lf(char *s, size_t len)
{
	char *p = s, *end = s + len;
	while ((p = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		if (p + 1 == end || p[1] != '\n')
			*p = '\n';
		p++;
	}
}
