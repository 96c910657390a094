/*
 * record.c - what the reuse layer stores under a key: findings, units and an
 * opaque blob, as bytes.
 *
 * Layout (little-endian): "PGF1", counts of findings and units, the blob's
 * length; each finding's five strings (u32 length, 0xffffffff for NULL, then
 * the bytes) and nine u32 fields; each unit's name and five u32 fields; the
 * blob.  The cache already checksums every record, yet the decoder trusts
 * nothing: a record written by a buggy or older build must come out as
 * PG_EINVALID, never as a crash or a huge allocation, so every count is
 * checked against the bytes that remain before anything is allocated.
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#define REC_MAGIC 0x31464750u /* "PGF1" */
#define NULL_STR 0xffffffffu
#define MIN_FINDING (5 * 4 + 9 * 4)
#define MIN_UNIT (4 + 5 * 4)

static void put_u32(pg_buf *b, uint32_t v)
{
	uint8_t p[4];
	pg_le32_put(p, v);
	pg_buf_put(b, p, 4);
}

static void put_str(pg_buf *b, const char *s)
{
	size_t n;
	if (!s) {
		put_u32(b, NULL_STR);
		return;
	}
	n = strlen(s);
	if (n >= NULL_STR)
		n = NULL_STR - 1;
	put_u32(b, (uint32_t)n);
	pg_buf_put(b, s, n);
}

void pg_record_encode(pg_buf *out, const pg_findings *f, const pg_units *u,
                            const void *extra, size_t extra_len)
{
	size_t nf = f ? f->len : 0, nu = u ? u->len : 0;
	put_u32(out, REC_MAGIC);
	put_u32(out, (uint32_t)nf);
	put_u32(out, (uint32_t)nu);
	put_u32(out, (uint32_t)extra_len);
	for (size_t i = 0; i < nf; i++) {
		const pg_finding *x = &f->items[i];
		put_str(out, x->path);
		put_str(out, x->function);
		put_str(out, x->message);
		put_str(out, x->path_text);
		put_str(out, x->hint);
		put_u32(out, x->line);
		put_u32(out, x->column);
		put_u32(out, (uint32_t)x->kind);
		put_u32(out, x->order);
		put_u32(out, (uint32_t)x->via);
		put_u32(out, x->exit_line);
		put_u32(out, x->fn_line);
		put_u32(out, x->fn_end);
		put_u32(out, (uint32_t)(int32_t)x->introduced);
	}
	for (size_t i = 0; i < nu; i++) {
		const pg_unit *x = &u->items[i];
		put_str(out, x->name);
		put_u32(out, x->line);
		put_u32(out, x->end);
		put_u32(out, x->start_byte);
		put_u32(out, x->end_byte);
		put_u32(out, x->has_acquisition ? 1 : 0);
	}
	if (extra_len)
		pg_buf_put(out, extra, extra_len);
}

typedef struct {
	const uint8_t *p;
	size_t left;
	int bad;
} reader;

static uint32_t get_u32(reader *r)
{
	uint32_t v;
	if (r->left < 4) {
		r->bad = 1;
		return 0;
	}
	v = pg_le32_get(r->p);
	r->p += 4;
	r->left -= 4;
	return v;
}

static char *get_str(reader *r)
{
	uint32_t n = get_u32(r);
	char *s;
	if (r->bad || n == NULL_STR)
		return NULL;
	if (n > r->left || memchr(r->p, '\0', n)) {
		r->bad = 1;
		return NULL;
	}
	s = pg_xstrndup((const char *)r->p, n);
	r->p += n;
	r->left -= n;
	return s;
}

/* Shifts a line or byte position; marks the reader bad when it leaves uint32. */
static uint32_t shifted(reader *r, uint32_t v, int64_t delta, int keep_zero)
{
	int64_t x;
	if (keep_zero && v == 0)
		return 0;
	x = (int64_t)v + delta;
	if (x < (keep_zero ? 1 : 0) || x > (int64_t)UINT32_MAX) {
		r->bad = 1;
		return 0;
	}
	return (uint32_t)x;
}

int pg_record_decode(const void *data, size_t len, const pg_record_shift *shift,
                           pg_findings *f, pg_units *u, pg_buf *extra)
{
	reader r = {data, len, 0};
	pg_findings tf;
	pg_units tu;
	uint32_t nf, nu, nx;
	int64_t dl = shift ? shift->line_delta : 0, db = shift ? shift->byte_delta : 0;

	pg_findings_init(&tf);
	pg_units_init(&tu);
	if (!data || get_u32(&r) != REC_MAGIC)
		return pg_error_set(PG_EINVALID, "cache: not a stored result");
	nf = get_u32(&r);
	nu = get_u32(&r);
	nx = get_u32(&r);
	if (r.bad || nf > r.left / MIN_FINDING || nu > r.left / MIN_UNIT || nx > r.left)
		return pg_error_set(PG_EINVALID, "cache: stored result is truncated");
	for (uint32_t i = 0; i < nf && !r.bad; i++) {
		pg_finding *x;
		uint32_t kind, via, intro;
		PG_GROW(tf.items, tf.cap, tf.len + 1);
		x = &tf.items[tf.len++];
		memset(x, 0, sizeof(*x));
		x->path = get_str(&r);
		x->function = get_str(&r);
		x->message = get_str(&r);
		x->path_text = get_str(&r);
		x->hint = get_str(&r);
		x->line = shifted(&r, get_u32(&r), dl, 1);
		x->column = get_u32(&r);
		kind = get_u32(&r);
		x->order = get_u32(&r);
		via = get_u32(&r);
		x->exit_line = shifted(&r, get_u32(&r), dl, 1);
		x->fn_line = shifted(&r, get_u32(&r), dl, 1);
		x->fn_end = shifted(&r, get_u32(&r), dl, 1);
		intro = get_u32(&r);
		if (kind > PG_KIND_DISCARDED || via > PG_VIA_END ||
		    (intro != 0 && intro != 1 && intro != 0xffffffffu))
			r.bad = 1;
		x->kind = (pg_kind)kind;
		x->via = (pg_via)via;
		x->introduced = intro == 0xffffffffu ? -1 : (int)intro;
		if (shift && shift->path && !r.bad) {
			free(x->path);
			x->path = pg_xstrdup(shift->path);
		}
	}
	for (uint32_t i = 0; i < nu && !r.bad; i++) {
		pg_unit *x;
		uint32_t acq;
		PG_GROW(tu.items, tu.cap, tu.len + 1);
		x = &tu.items[tu.len++];
		memset(x, 0, sizeof(*x));
		x->name = get_str(&r);
		x->line = shifted(&r, get_u32(&r), dl, 1);
		x->end = shifted(&r, get_u32(&r), dl, 1);
		x->start_byte = shifted(&r, get_u32(&r), db, 0);
		x->end_byte = shifted(&r, get_u32(&r), db, 0);
		acq = get_u32(&r);
		if (acq > 1)
			r.bad = 1;
		x->has_acquisition = (int)acq;
	}
	if (!r.bad && r.left != nx)
		r.bad = 1;
	if (r.bad) {
		pg_findings_free(&tf);
		pg_units_free(&tu);
		return pg_error_set(PG_EINVALID, "cache: stored result is malformed");
	}
	if (f) {
		for (size_t i = 0; i < tf.len; i++) {
			PG_GROW(f->items, f->cap, f->len + 1);
			f->items[f->len++] = tf.items[i];
		}
		tf.len = 0;
	}
	if (u) {
		for (size_t i = 0; i < tu.len; i++) {
			PG_GROW(u->items, u->cap, u->len + 1);
			u->items[u->len++] = tu.items[i];
		}
		tu.len = 0;
	}
	if (extra) {
		pg_buf_clear(extra);
		pg_buf_put(extra, r.p, nx);
	}
	pg_findings_free(&tf);
	pg_units_free(&tu);
	return 0;
}
