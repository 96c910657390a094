/*
 * report.c - writes findings as text, JSON (cli.md) or SARIF 2.1.0.
 *
 * Text is for a person at a terminal: the compiler-style first line that
 * editors make clickable, a code frame with a caret under the `connect`
 * token, the leaking path and a hint.  Anything that comes from the files
 * (paths, source lines) is sanitised so that a hostile file name or a
 * control character in the source cannot drive the terminal.
 *
 * JSON and SARIF are for machines: every string goes through one escaper
 * that emits valid JSON for any byte sequence (invalid UTF-8 becomes
 * U+FFFD), so a strange file name never makes the whole report unreadable.
 *
 * The report is built in memory and written at once; on a failed write
 * errno is kept, so a caller can tell a reader that went away (EPIPE,
 * `pgleak-hook check | head`) from a full disk.
 */
#include "report.h"
#include "fix.h"
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>


/* Longest source line shown whole in a code frame; longer ones are clipped around the column. */
#define FRAME_WIDTH 120

int pg_format_parse(const char *name, pg_format *out)
{
	if (!strcmp(name, "text"))
		*out = PG_FORMAT_TEXT;
	else if (!strcmp(name, "json"))
		*out = PG_FORMAT_JSON;
	else if (!strcmp(name, "sarif"))
		*out = PG_FORMAT_SARIF;
	else
		return pg_error_set(PG_EINVALID, "unknown format '%s' (use text, json or sarif)", name);
	return PG_OK;
}

/* Set and not empty, as no-color.org and force-color.org read their variables. */
static const char *env_set(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

int pg_report_color_wanted(FILE *f)
{
	const char *force = env_set("FORCE_COLOR"), *term = getenv("TERM");
	if (env_set("NO_COLOR"))
		return 0;
	if (force) /* FORCE_COLOR=0 (or false), as Node's tools read it, asks for none */
		return strcmp(force, "0") != 0 && strcmp(force, "false") != 0;
	if (term && !strcmp(term, "dumb"))
		return 0;
	return isatty(fileno(f));
}

/* ----------------------------------------------------------------- JSON */

static void json_key(pg_buf *b, const char *indent, const char *key)
{
	pg_buf_puts(b, indent);
	pg_json_put_string(b, key);
	pg_buf_puts(b, ": ");
}

static void write_json(pg_buf *b, const pg_report_opts *o, const pg_findings *fs, const pg_stats *st)
{
	pg_buf_puts(b, "{\n  \"version\": 1,\n  \"findings\": [");
	for (size_t i = 0; i < fs->len; i++) {
		const pg_finding *f = &fs->items[i];
		pg_buf_puts(b, i ? ",\n    {\n" : "\n    {\n");
		json_key(b, "      ", "path");
		pg_json_put_string(b, f->path);
		pg_buf_printf(b, ",\n      \"line\": %u,\n      \"column\": %u,\n", (unsigned)f->line,
		              (unsigned)f->column);
		json_key(b, "      ", "kind");
		pg_json_put_string(b, pg_kind_name(f->kind));
		pg_buf_puts(b, ",\n");
		json_key(b, "      ", "function");
		pg_json_put_string(b, f->function);
		pg_buf_puts(b, ",\n");
		json_key(b, "      ", "message");
		pg_json_put_string(b, f->message);
		pg_buf_puts(b, ",\n      \"exit\": { \"via\": ");
		pg_json_put_string(b, pg_via_name(f->via));
		pg_buf_printf(b, ", \"line\": %u }", (unsigned)f->exit_line);
		if (o->with_introduced)
			pg_buf_printf(b, ",\n      \"introduced\": %s", f->introduced == 0 ? "false" : "true");
		pg_buf_puts(b, "\n    }");
	}
	pg_buf_puts(b, fs->len ? "\n  ],\n" : "],\n");
	pg_buf_printf(b, "  \"stats\": { \"files\": %zu, \"functions\": %zu, \"analyzed\": %zu, \"cached\": %zu }\n}\n",
	              st ? st->files : 0, st ? st->functions : 0, st ? st->analyzed : 0, st ? st->cached : 0);
}

/* ---------------------------------------------------------------- SARIF */

static const struct {
	pg_kind kind;
	const char *name;
	const char *short_desc;
	const char *full_desc;
	const char *help;
} rules[] = {
	{PG_KIND_NEVER_RELEASED, "NeverReleased",
	 "A pooled PostgreSQL client is checked out and never released.",
	 "A client acquired with pool.connect() is not released on any path of the function, so every "
	 "call keeps one pool connection until the pool is exhausted and the application hangs.",
	 "Release the client on every path: `const client = await pool.connect(); try { ... } finally "
	 "{ client.release(); }`. If the client is meant to outlive the function, return it or hand it to "
	 "the code that releases it."},
	{PG_KIND_NOT_GUARANTEED, "ReleaseNotGuaranteed",
	 "A pooled PostgreSQL client is not released on every path.",
	 "A client acquired with pool.connect() is released on some paths but not on others: typically "
	 "an exception from a query, an early return or a throw skips the release, and each such call "
	 "leaks one pool connection.",
	 "Move the release into a `finally` block so that it runs whatever happens: `try { ... } finally "
	 "{ client.release(); }`."},
	{PG_KIND_DISCARDED, "Discarded",
	 "The result of pool.connect() is thrown away.",
	 "pool.connect() checks a client out of the pool; when its result is not kept, nothing can ever "
	 "release that client and the pool loses a connection on every call.",
	 "Keep the client and release it (`const client = await pool.connect(); try { ... } finally { "
	 "client.release(); }`), or use pool.query(...), which checks a client out and returns it by "
	 "itself."},
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static size_t rule_index(pg_kind k)
{
	for (size_t i = 0; i < NRULES; i++)
		if (rules[i].kind == k)
			return i;
	return 0;
}

/* Percent-encodes everything but unreserved characters and '/', so the URI is valid whatever the name. */
static void uri_escape(pg_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~' || c == '/') {
			pg_buf_putc(b, (char)c);
		} else {
			pg_buf_putc(b, '%');
			pg_buf_putc(b, hex[c >> 4]);
			pg_buf_putc(b, hex[c & 15]);
		}
	}
}

/*
 * Fingerprint by what survives edits above the finding: file, function,
 * order within it and kind; never by line numbers, so code scanning keeps
 * tracking the same alert when lines move.
 */
static uint64_t fingerprint(const pg_finding *f)
{
	pg_buf b = PG_BUF_INIT;
	uint64_t h;
	pg_buf_printf(&b, "%s%c%s%c%u%c%s", f->path ? f->path : "", 0, f->function ? f->function : "", 0,
	              (unsigned)f->order, 0, pg_kind_name(f->kind));
	h = XXH3_64bits(b.data, b.len);
	pg_buf_free(&b);
	return h;
}

/* ---------------------------------------------------- reading the sources */

/* The file last read for a code frame: findings are sorted by path, so one is enough. */
typedef struct {
	const pg_source *src;
	char *path;
	pg_buf data;
	int ok;
	pg_fix_probe *fix; /* the file's parse for the fix line, made on first use */
} frame_cache;

static int cache_get(frame_cache *c, const char *path)
{
	if (!c->src || !path)
		return 0;
	if (c->path && !strcmp(c->path, path))
		return c->ok;
	free(c->path);
	c->path = pg_xstrdup(path);
	pg_fix_probe_free(c->fix);
	c->fix = NULL;
	pg_buf_clear(&c->data);
	c->ok = c->src->read(c->src->ctx, path, &c->data) == PG_OK;
	if (!c->ok)
		pg_error_clear(); /* no frame is not an error of the report */
	return c->ok;
}

static void cache_free(frame_cache *c)
{
	pg_fix_probe_free(c->fix);
	free(c->path);
	pg_buf_free(&c->data);
}

/* The end of the line that starts at p: its LF, its lone CR (pg_has_lone_cr), or NULL at the end. */
static const char *line_break(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p == '\n' || (*p == '\r' && (p + 1 == end || p[1] != '\n')))
			return p;
	return NULL;
}

/* Finds line `line` (1-based) in the cached file; the CR of a CRLF ending is not part of it. */
static int source_line(frame_cache *c, uint32_t line, const char **start, size_t *len)
{
	const char *p = c->data.data, *end = c->data.data + c->data.len;
	uint32_t n = 1;
	if (line == 0)
		return 0;
	while (n < line) {
		const char *nl = line_break(p, end);
		if (!nl)
			return 0;
		p = nl + 1;
		n++;
	}
	{
		const char *nl = line_break(p, end);
		const char *e = nl ? nl : end;
		if (e > p && e[-1] == '\r')
			e--;
		if (p == end && !nl && line > 1 && (p[-1] == '\n' || p[-1] == '\r'))
			return 0; /* past the last line */
		*start = p;
		*len = (size_t)(e - p);
	}
	return 1;
}

/* Byte column (1-based) to a column counted in code points, for SARIF's unicodeCodePoints. */
static uint32_t codepoint_column(frame_cache *c, const pg_finding *f)
{
	const char *s;
	size_t len;
	uint32_t col = 1;
	if (!cache_get(c, f->path) || !source_line(c, f->line, &s, &len))
		return f->column;
	for (size_t i = 0; i + 1 < f->column && i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			col++;
	return col;
}

static void write_sarif(pg_buf *b, const pg_report_opts *o, const pg_findings *fs, const pg_source *src)
{
	frame_cache cache;
	memset(&cache, 0, sizeof(cache));
	cache.src = src;
	pg_buf_puts(b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
	               "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n"
	               "      \"tool\": {\n        \"driver\": {\n          \"name\": \"pgleak-hook\",\n"
	               "          \"version\": ");
	pg_json_put_string(b, PG_VERSION);
	/* no informationUri: it is optional in SARIF, and the project has no public address yet */
	pg_buf_puts(b, ",\n          \"rules\": [");
	for (size_t i = 0; i < NRULES; i++) {
		pg_buf_puts(b, i ? ",\n            {\n" : "\n            {\n");
		pg_buf_printf(b, "              \"id\": \"pgleak/%s\",\n", pg_kind_name(rules[i].kind));
		pg_buf_printf(b, "              \"name\": \"%s\",\n", rules[i].name);
		pg_buf_puts(b, "              \"shortDescription\": { \"text\": ");
		pg_json_put_string(b, rules[i].short_desc);
		pg_buf_puts(b, " },\n              \"fullDescription\": { \"text\": ");
		pg_json_put_string(b, rules[i].full_desc);
		pg_buf_puts(b, " },\n              \"help\": { \"text\": ");
		pg_json_put_string(b, rules[i].help);
		pg_buf_puts(b, ", \"markdown\": ");
		pg_json_put_string(b, rules[i].help);
		pg_buf_puts(b, " },\n              \"defaultConfiguration\": { \"level\": \"error\" },\n"
		               "              \"properties\": { \"tags\": [\"reliability\", \"postgresql\"], \"precision\": \"high\" }\n"
		               "            }");
	}
	pg_buf_puts(b, "\n          ]\n        }\n      },\n");
	if (o->root) {
		/* where %SRCROOT% is, so that a viewer can open the files; a folder URI ends in '/' */
		pg_buf_puts(b, "      \"originalUriBaseIds\": { \"%SRCROOT%\": { \"uri\": \"file://");
		uri_escape(b, o->root);
		pg_buf_puts(b, o->root[0] && o->root[strlen(o->root) - 1] == '/' ? "\" } },\n" : "/\" } },\n");
	}
	pg_buf_puts(b, "      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [");
	for (size_t i = 0; i < fs->len; i++) {
		const pg_finding *f = &fs->items[i];
		const char *path = f->path ? f->path : "";
		int warning = o->with_introduced && f->introduced == 0;
		pg_buf msg = PG_BUF_INIT;
		pg_buf_puts(&msg, f->message ? f->message : "pool client leak");
		if (f->path_text)
			pg_buf_printf(&msg, " (%s)", f->path_text);
		pg_buf_puts(b, i ? ",\n        {\n" : "\n        {\n");
		pg_buf_printf(b, "          \"ruleId\": \"pgleak/%s\",\n          \"ruleIndex\": %zu,\n"
		                 "          \"level\": \"%s\",\n          \"message\": { \"text\": ",
		              pg_kind_name(f->kind), rule_index(f->kind), warning ? "warning" : "error");
		pg_json_put_string(b, msg.data);
		pg_buf_free(&msg);
		pg_buf_puts(b, " },\n          \"locations\": [\n            {\n"
		               "              \"physicalLocation\": {\n                \"artifactLocation\": { \"uri\": \"");
		if (o->root_paths && o->root_paths[i] && o->root_paths[i][0])
			path = o->root_paths[i];
		while (path[0] == '.' && path[1] == '/')
			path += 2;
		if (path[0] == '/') {
			/* outside the root: an absolute file URI, which a viewer can still open */
			pg_buf_puts(b, "file://");
			uri_escape(b, path);
			pg_buf_puts(b, "\" },\n");
		} else {
			uri_escape(b, path);
			pg_buf_puts(b, "\", \"uriBaseId\": \"%SRCROOT%\" },\n");
		}
		pg_buf_printf(b, "                \"region\": { \"startLine\": %u, \"startColumn\": %u }\n"
		                 "              }\n            }\n          ],\n",
		              (unsigned)(f->line ? f->line : 1), (unsigned)(f->column ? codepoint_column(&cache, f) : 1));
		pg_buf_printf(b, "          \"partialFingerprints\": { \"pgleakFunction/v1\": \"%016llx\" }",
		              (unsigned long long)fingerprint(f));
		if (f->function) {
			pg_buf_puts(b, ",\n          \"properties\": { \"function\": ");
			pg_json_put_string(b, f->function);
			pg_buf_printf(b, ", \"exit\": { \"via\": \"%s\", \"line\": %u } }", pg_via_name(f->via),
			              (unsigned)f->exit_line);
		}
		pg_buf_puts(b, "\n        }");
	}
	pg_buf_puts(b, fs->len ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n");
	cache_free(&cache);
}

/* ----------------------------------------------------------------- text */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[36m"
#define C_DIM "\033[2m"

static void color(pg_buf *b, const pg_report_opts *o, const char *code)
{
	if (o->color)
		pg_buf_puts(b, code);
}

/* Control characters (an ESC in a file name or a source line) are shown as '?' rather than sent to the terminal. */
static void text_put(pg_buf *b, const char *s, size_t n, int keep_tabs)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(keep_tabs && c == '\t')) || c == 0x7f)
			pg_buf_putc(b, '?');
		else
			pg_buf_putc(b, (char)c);
	}
}

static void text_puts(pg_buf *b, const char *s)
{
	text_put(b, s, strlen(s), 0);
}

static const char *fallback_path_text(const pg_finding *f, pg_buf *tmp)
{
	switch (f->via) {
	case PG_VIA_RETURN: pg_buf_printf(tmp, "leaks through the return at line %u", (unsigned)f->exit_line); break;
	case PG_VIA_THROW: pg_buf_printf(tmp, "leaks through the throw at line %u", (unsigned)f->exit_line); break;
	case PG_VIA_EXCEPTION: pg_buf_printf(tmp, "leaks when the call at line %u throws", (unsigned)f->exit_line); break;
	case PG_VIA_END: pg_buf_printf(tmp, "leaks at the end of the function (line %u)", (unsigned)f->exit_line); break;
	}
	return tmp->data;
}

static const char *fallback_hint(pg_kind k)
{
	switch (k) {
	case PG_KIND_DISCARDED:
		return "keep the client and release it in a finally block, or use pool.query() which releases by itself";
	case PG_KIND_NEVER_RELEASED:
	case PG_KIND_NOT_GUARANTEED:
		break;
	}
	return "release the client in a finally block: try { ... } finally { client.release() }";
}

/* A path as the shell reads it back: quoted when it holds anything but [A-Za-z0-9._/+-]. */
static void shell_path(pg_buf *b, const char *path)
{
	int plain = *path != '\0' && *path != '-';
	for (const char *p = path; *p && plain; p++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+-", *p) != NULL;
	if (plain) {
		pg_buf_puts(b, path);
		return;
	}
	pg_buf_putc(b, '\'');
	for (const char *p = path; *p; p++)
		if (*p == '\'')
			pg_buf_puts(b, "'\\''");
		else
			pg_buf_putc(b, *p);
	pg_buf_putc(b, '\'');
}

/*
 * The fix line, only when `check --fix` would rewrite this acquisition (its
 * shape, as fix.c plans it, on the text the report reads, parsed once per
 * file, with the configuration that judged it: the hook's is the one being
 * committed, which `check --fix` reads from the work tree).
 */
static void write_fix_line(pg_buf *b, const pg_report_opts *o, frame_cache *c, const pg_finding *f)
{
	pg_lang lang = f->path ? pg_lang_from_path(f->path) : PG_LANG_NONE;
	pg_buf cmd = PG_BUF_INIT;
	if (!o->fix_cfg || lang == PG_LANG_NONE || !cache_get(c, f->path))
		return;
	if (!c->fix && pg_fix_probe_new(&c->fix, lang, o->fix_cfg, c->data.data, c->data.len) < 0) {
		pg_error_clear();
		return;
	}
	if (pg_fix_probe_possible(c->fix, f->line, f->column, NULL)) {
		pg_buf_puts(&cmd, "pgleak-hook check --fix ");
		shell_path(&cmd, f->path);
		pg_buf_puts(b, "  ");
		color(b, o, C_BOLD);
		pg_buf_puts(b, "fix:");
		color(b, o, C_RESET);
		pg_buf_puts(b, " `");
		text_puts(b, cmd.data);
		pg_buf_puts(b, "` moves the release into a finally block (add --dry-run to see the change first)\n");
	}
	pg_buf_free(&cmd);
}

/* The code frame: the line (clipped around the column when long) and a caret under the column. */
static void write_frame(pg_buf *b, const pg_report_opts *o, frame_cache *c, const pg_finding *f)
{
	const char *s;
	size_t len, from = 0, to, col;
	int clipped_left = 0, clipped_right = 0;
	char gutter[16];
	int gw;
	if (!cache_get(c, f->path) || !source_line(c, f->line, &s, &len))
		return;
	col = f->column ? f->column - 1 : 0;
	if (col > len)
		col = len;
	to = len;
	if (len > FRAME_WIDTH) {
		if (col > FRAME_WIDTH / 2) {
			from = col - FRAME_WIDTH / 2;
			while (from < col && ((unsigned char)s[from] & 0xc0) == 0x80)
				from++; /* do not start inside a UTF-8 sequence */
			clipped_left = 1;
		}
		if (len - from > FRAME_WIDTH) {
			to = from + FRAME_WIDTH;
			while (to > col && to < len && ((unsigned char)s[to] & 0xc0) == 0x80)
				to--;
			clipped_right = 1;
		}
	}
	gw = snprintf(gutter, sizeof(gutter), "%u", (unsigned)f->line);
	color(b, o, C_DIM);
	pg_buf_printf(b, " %s | ", gutter);
	color(b, o, C_RESET);
	if (clipped_left)
		pg_buf_puts(b, "...");
	text_put(b, s + from, to - from, 1);
	if (clipped_right)
		pg_buf_puts(b, "...");
	pg_buf_putc(b, '\n');
	color(b, o, C_DIM);
	pg_buf_printf(b, " %*s | ", gw, "");
	color(b, o, C_RESET);
	if (clipped_left)
		pg_buf_puts(b, "   ");
	/* Tabs stay tabs and a multi-byte character takes one cell, so the caret lines up. */
	for (size_t i = from; i < col; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\t')
			pg_buf_putc(b, '\t');
		else if ((ch & 0xc0) != 0x80)
			pg_buf_putc(b, ' ');
	}
	color(b, o, f->introduced == 0 && o->with_introduced ? C_YELLOW : C_RED);
	pg_buf_putc(b, '^');
	color(b, o, C_RESET);
	pg_buf_putc(b, '\n');
}

static void write_text(pg_buf *b, const pg_report_opts *o, const pg_findings *fs, const pg_source *src)
{
	frame_cache cache;
	memset(&cache, 0, sizeof(cache));
	cache.src = src;
	for (size_t i = 0; i < fs->len; i++) {
		const pg_finding *f = &fs->items[i];
		int warning = o->with_introduced && f->introduced == 0;
		pg_buf tmp = PG_BUF_INIT;
		if (i)
			pg_buf_putc(b, '\n');
		color(b, o, C_BOLD);
		text_puts(b, f->path ? f->path : "?");
		pg_buf_printf(b, ":%u:%u:", (unsigned)f->line, (unsigned)f->column);
		color(b, o, C_RESET);
		pg_buf_putc(b, ' ');
		color(b, o, warning ? C_YELLOW : C_RED);
		pg_buf_puts(b, warning ? "warning:" : "error:");
		color(b, o, C_RESET);
		pg_buf_putc(b, ' ');
		color(b, o, C_BOLD);
		text_puts(b, f->message ? f->message : "pool client leak");
		color(b, o, C_RESET);
		pg_buf_printf(b, " [%s]\n", pg_kind_name(f->kind));
		write_frame(b, o, &cache, f);
		pg_buf_puts(b, "  ");
		color(b, o, C_CYAN);
		text_puts(b, f->path_text ? f->path_text : fallback_path_text(f, &tmp));
		if (f->function) {
			pg_buf_puts(b, " (in ");
			text_puts(b, f->function);
			pg_buf_putc(b, ')');
		}
		color(b, o, C_RESET);
		pg_buf_puts(b, "\n  ");
		color(b, o, C_BOLD);
		pg_buf_puts(b, "hint:");
		color(b, o, C_RESET);
		pg_buf_putc(b, ' ');
		text_puts(b, f->hint ? f->hint : fallback_hint(f->kind));
		pg_buf_putc(b, '\n');
		write_fix_line(b, o, &cache, f);
		pg_buf_free(&tmp);
	}
	cache_free(&cache);
}

/* ---------------------------------------------------------------- entry */

int pg_report_write(FILE *out, const pg_report_opts *o, const pg_findings *fs, const pg_stats *st,
                    const pg_source *src)
{
	pg_buf b = PG_BUF_INIT;
	int rc = PG_OK;
	switch (o->format) {
	case PG_FORMAT_TEXT: write_text(&b, o, fs, src); break;
	case PG_FORMAT_JSON: write_json(&b, o, fs, st); break;
	case PG_FORMAT_SARIF: write_sarif(&b, o, fs, src); break;
	}
	/* One write of the whole report: a reader never sees half a JSON document from an interleaved stderr line. */
	if ((b.len && fwrite(b.data, 1, b.len, out) != b.len) || fflush(out) != 0) {
		int e = errno;
		rc = pg_error_set(PG_ERROR, "cannot write the report: %s", strerror(e));
		errno = e; /* the caller tells a closed pipe (EPIPE) from a real failure */
	}
	pg_buf_free(&b);
	return rc;
}
