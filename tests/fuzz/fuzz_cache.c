/*
 * fuzz_cache.c - libFuzzer harness: everything the cache reads back, on
 * arbitrary bytes.
 *
 * Byte 0 chooses what the rest is:
 *   0  a stored value, given to pg_record_decode (findings, units and
 *      a blob, with a shift); a value that decodes is encoded again and
 *      must decode to the same counts.
 *   1  the raw files: a 16-bit length, then that many bytes of cache.seg,
 *      then the log of the segment's id (or of id 0), written as they are.
 *   2  checksummed files: the harness writes a valid segment header with
 *      fuzzed slot count, entry count and probe length, a fuzzed slot table,
 *      and records built from the input with correct checksums (so lookups
 *      get past the checksums to the lengths, offsets and values behind
 *      them), and a log of such records, sometimes torn at the end.
 * Then the cache is opened in a private directory, the keys of those
 * records (and a few others) are looked up, values that come back are
 * decoded, the cache is verified, and closed, which flushes and may
 * compact: the writer must cope with whatever it read, and what it left
 * must open again.
 *
 * cache_int.h is included for the on-disk layout: the harness is the one
 * place outside cache/ that needs it, to reach past the checksums.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_int.h"
#include "record.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];


typedef struct {
	const uint8_t *p;
	size_t n;
} input;

static uint32_t take32(input *in)
{
	uint32_t v = 0;
	for (int i = 0; i < 4 && in->n; i++, in->p++, in->n--)
		v |= (uint32_t)*in->p << (8 * i);
	return v;
}

static uint64_t take64(input *in)
{
	uint64_t lo = take32(in);
	return lo | (uint64_t)take32(in) << 32;
}

static void empty_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char *p;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = pg_xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
}

static void remove_dir(void)
{
	empty_dir();
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/pgleak-fuzz-cache-%ld", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
	         (long)getpid());
	atexit(remove_dir);
	return 0;
}

static void write_file(const char *name, const void *data, size_t len)
{
	char *p = pg_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
		abort();
	free(p);
}

static void log_name(char *name, size_t n, uint64_t id)
{
	snprintf(name, n, PG_LOG_PREFIX "%016llx", (unsigned long long)id);
}

static void decode_value(const void *v, size_t n, int check_roundtrip)
{
	pg_findings f;
	pg_units u;
	pg_buf extra = PG_BUF_INIT;
	pg_record_shift shift = {"moved/file.js", 3, -7};

	pg_findings_init(&f);
	pg_units_init(&u);
	if (pg_record_decode(v, n, n & 1 ? &shift : NULL, &f, &u, &extra) == PG_OK) {
		if (check_roundtrip) {
			pg_buf again = PG_BUF_INIT;
			pg_findings f2;
			pg_units u2;
			pg_findings_init(&f2);
			pg_units_init(&u2);
			pg_record_encode(&again, &f, &u, extra.data, extra.len);
			if (pg_record_decode(again.data, again.len, NULL, &f2, &u2, NULL) != PG_OK ||
			    f2.len != f.len || u2.len != u.len)
				abort();
			pg_findings_free(&f2);
			pg_units_free(&u2);
			pg_buf_free(&again);
		}
	} else if (f.len || u.len) {
		abort(); /* cache.h: left as they were */
	}
	pg_findings_free(&f);
	pg_units_free(&u);
	pg_buf_free(&extra);
}

/* Mode 2: records with valid checksums, built from the input. */
static void build_records(input *in, pg_buf *out, pg_cache_key *keys, size_t *nkeys, size_t max_keys)
{
	size_t count = in->n ? *in->p % 8 : 0;
	if (in->n) {
		in->p++;
		in->n--;
	}
	for (size_t i = 0; i < count && in->n >= 4; i++) {
		pg_cache_key k;
		uint32_t type = in->n && (*in->p & 1) ? PG_REC_TOUCH : PG_REC_VALUE;
		uint32_t len, stamp;
		k.hi = take64(in);
		k.lo = take64(in);
		stamp = take32(in);
		len = take32(in) % 512;
		if (len > in->n)
			len = (uint32_t)in->n;
		pg_rec_append(out, type, &k, stamp, in->p, len);
		in->p += len;
		in->n -= len;
		if (*nkeys < max_keys)
			keys[(*nkeys)++] = k;
	}
}

static void files_checksummed(input *in, pg_cache_key *keys, size_t *nkeys, size_t max_keys)
{
	pg_buf seg = PG_BUF_INIT, recs = PG_BUF_INIT, log = PG_BUF_INIT;
	pg_seg_hdr h;
	uint8_t hdr[PG_SEG_HDR];
	uint32_t table_bytes;
	size_t first = *nkeys;
	char name[64];

	memset(&h, 0, sizeof(h));
	h.id = take64(in) | 1;
	h.slots = 8u << (take32(in) % 6);
	h.entries = take32(in) % (h.slots + 1);
	h.max_probe = take32(in) % (h.slots + 2);
	table_bytes = h.slots * PG_SLOT_SIZE;
	build_records(in, &recs, keys, nkeys, max_keys);

	/* the slot table: fuzzed bytes, then one slot per record where its key hashes (when the input says so) */
	pg_buf_put(&seg, hdr, sizeof(hdr));
	for (uint32_t i = 0; i < table_bytes; i++) {
		uint8_t b = in->n ? *in->p : 0;
		if (in->n) {
			in->p++;
			in->n--;
		}
		pg_buf_putc(&seg, (char)b);
	}
	{
		size_t off = PG_SEG_HDR + table_bytes;
		const uint8_t *r = (const uint8_t *)recs.data;
		for (size_t i = first; i < *nkeys && r; i++) {
			uint32_t len = pg_le32_get(r + 4);
			uint8_t *s = (uint8_t *)seg.data + PG_SEG_HDR + (keys[i].lo & (h.slots - 1)) * PG_SLOT_SIZE;
			pg_le64_put(s, keys[i].lo);
			pg_le32_put(s + 8, (uint32_t)(off / 8));
			off += pg_rec_size(len);
			r += pg_rec_size(len);
		}
	}
	pg_buf_put(&seg, recs.data, recs.len);
	/* trailing fuzzed garbage after the records */
	if (in->n && (*in->p & 0x80)) {
		size_t g = *in->p % 64 < in->n ? *in->p % 64 : in->n;
		pg_buf_put(&seg, in->p, g);
		in->p += g;
		in->n -= g;
	}
	h.file_size = seg.len;
	pg_seg_hdr_write(hdr, &h);
	memcpy(seg.data, hdr, sizeof(hdr));
	write_file(PG_SEG_NAME, seg.data, seg.len);

	pg_buf_put(&log, hdr, PG_LOG_HDR); /* room for the header */
	pg_log_hdr_write((uint8_t *)log.data, h.id);
	build_records(in, &log, keys, nkeys, max_keys);
	if (in->n) { /* a torn tail: the rest of the input, raw */
		pg_buf_put(&log, in->p, in->n);
		in->p += in->n;
		in->n = 0;
	}
	log_name(name, sizeof(name), h.id);
	write_file(name, log.data, log.len);
	pg_buf_free(&seg);
	pg_buf_free(&recs);
	pg_buf_free(&log);
}

static void files_raw(input *in)
{
	size_t seg_len = in->n >= 2 ? (size_t)(in->p[0] | in->p[1] << 8) : 0;
	pg_seg_hdr h;
	char name[64];
	if (in->n >= 2) {
		in->p += 2;
		in->n -= 2;
	}
	if (seg_len > in->n)
		seg_len = in->n;
	write_file(PG_SEG_NAME, in->p, seg_len);
	log_name(name, sizeof(name), pg_seg_hdr_read(in->p, seg_len, &h) == 0 ? h.id : 0);
	write_file(name, in->p + seg_len, in->n - seg_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input in = {data + 1, size ? size - 1 : 0};
	pg_cache_key keys[40];
	size_t nkeys = 0;
	pg_cache *c = NULL;
	pg_cache_stats st;
	pg_buf v = PG_BUF_INIT;

	if (size < 1)
		return 0;
	if (data[0] % 3 == 0) {
		decode_value(in.p, in.n, 1);
		return 0;
	}
	empty_dir();
	rmdir(dir);
	if (mkdir(dir, 0700) != 0)
		abort();
	if (data[0] % 3 == 1)
		files_raw(&in);
	else
		files_checksummed(&in, keys, &nkeys, 32);
	keys[nkeys].hi = 0, keys[nkeys++].lo = 0;
	keys[nkeys].hi = ~0ull, keys[nkeys++].lo = ~0ull;

	pg_cache_open(&c, dir, 64 * 1024); /* the smallest limit: compaction on close is likely */
	if (!pg_cache_enabled(c))
		abort(); /* the directory is ours and writable */
	for (size_t i = 0; i < nkeys; i++)
		if (pg_cache_get(c, &keys[i], &v) == PG_OK)
			decode_value(v.data, v.len, 0);
	if (data[0] & 0x40) {
		static const char val[] = "stored by the fuzzer";
		pg_cache_put(c, &keys[0], val, sizeof(val));
		if (pg_cache_get(c, &keys[0], &v) != PG_OK || v.len != sizeof(val) || memcmp(v.data, val, v.len))
			abort(); /* cache.h: visible to this handle at once */
	}
	(void)pg_cache_verify(c);
	(void)pg_cache_stats_get(c, &st);
	pg_cache_close(c);
	if (data[0] & 0x80) {
		/* whatever the close left must open and answer again (it need not verify: a bad segment that
		 * nothing replaced is still there) */
		pg_cache_open(&c, dir, 64 * 1024);
		for (size_t i = 0; i < nkeys; i++)
			if (pg_cache_get(c, &keys[i], &v) == PG_OK)
				decode_value(v.data, v.len, 0);
		pg_cache_close(c);
	}
	pg_buf_free(&v);
	empty_dir();
	pg_error_clear();
	return 0;
}
