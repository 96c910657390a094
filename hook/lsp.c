/*
 * lsp.c - `pgleak-hook lsp`: a Language Server Protocol server on stdin and
 * stdout, so that an editor shows the leaks of the buffer being edited.
 *
 * Messages are JSON-RPC 2.0 framed by a `Content-Length` header.  Each body
 * is read whole (the length is capped: a client cannot make us allocate
 * without limit), parsed with the project's own JSON reader and dispatched
 * on its method.  Documents are synchronised in full (textDocumentSync 1):
 * every didOpen/didChange carries the whole text, which is kept per URI and
 * analysed through the engine's buffer entry point, so unsaved edits are
 * what is checked while sibling modules are read from disk.  Each analysis
 * is answered with textDocument/publishDiagnostics.
 *
 * One engine per configuration stays alive across messages: its parser,
 * its table of sibling modules and the cache handle are reused, so an edit
 * costs the parse of the buffer and the analysis of the functions whose
 * bytes changed (the others come from the cache).  The module table is a
 * view of the disk: it is dropped when a document is saved, opened or
 * closed, or the client reports changed files, and rebuilt on demand.
 *
 * Configuration: a document gets the `.pgleak.json` at the root of the git
 * work tree around it, as `check` and the hook do (its "ignore" globs are
 * honoured: an ignored file has no diagnostics).  Before each analysis the
 * file's size, time and inode are compared with those it was read with; a
 * change (or a didSave/didChange of the configuration itself, or
 * workspace/didChangeWatchedFiles) reloads it and re-publishes every open
 * document.  A configuration that does not parse is said with
 * window/showMessage and the defaults are used until it is fixed.
 *
 * Code actions: for a diagnostic that `check --fix` can rewrite (fix.h),
 * textDocument/codeAction offers a quickfix whose WorkspaceEdit replaces
 * the changed lines with the rewritten ones.
 *
 * Bad input never ends the server: a body that is not JSON gets a Parse
 * error, a request for a method we do not serve gets Method not found;
 * only a broken frame (no length, over the cap, end of input) stops it,
 * because the stream cannot be resynchronised after that.
 *
 * Positions: LSP counts characters in UTF-16 units, the engine reports byte
 * columns: the bytes before the token on its line are counted again in
 * UTF-16 units (a 4-byte sequence is two).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cachedir.h"
#include "commands.h"
#include "engine.h"
#include "fix.h"
#include "json.h"

/* A larger message is refused: no source file we analyse is near this. */
#define LSP_MAX_BODY (64u * 1024 * 1024)
/* A header line longer than this is not LSP. */
#define LSP_MAX_HEADER 1024

typedef struct {
	char *uri;
	pg_buf text;
	pg_findings found; /* as last published: what a code action can fix */
} lsp_doc;

/* One configuration (a work tree's .pgleak.json, or none) and the engine that uses it. */
typedef struct {
	char *root;        /* the work tree's folder; "" outside any */
	pg_config cfg;
	uint64_t fp[3];    /* size, mtime, inode of its .pgleak.json as read; all 0: none */
	int stale;         /* re-read before the next analysis */
	pg_source src;
	pg_engine *e;      /* NULL until needed, dropped when the disk may have changed */
} lsp_ctx;

typedef struct {
	FILE *in, *out;
	lsp_doc *docs;
	size_t ndocs, cap;
	lsp_ctx **ctxs;    /* pointers: an engine keeps a pointer to its ctx's cfg */
	size_t nctx, ctx_cap;
	int shutdown;
	pg_cache *cache; /* NULL: none */
} lsp_server;

/* ---------------------------------------------------------------- framing */

/*
 * Reads one frame's body into *body.  0 on success, 1 at a clean end of
 * input, negative when the frame is broken (message set).
 */
static int lsp_read_frame(FILE *in, pg_buf *body)
{
	char line[LSP_MAX_HEADER];
	long long length = -1;
	int any = 0;
	for (;;) {
		size_t n;
		if (!fgets(line, sizeof(line), in))
			return any ? pg_error_set(PG_EINVALID, "end of input inside the headers") : 1;
		any = 1;
		n = strlen(line);
		if (n == 0 || line[n - 1] != '\n')
			return pg_error_set(PG_EINVALID, "header line too long or unterminated");
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			break;
		if (!strncmp(line, "Content-Length:", 15)) {
			char *end;
			length = strtoll(line + 15, &end, 10);
			while (*end == ' ' || *end == '\t')
				end++;
			if (*end || length < 0)
				return pg_error_set(PG_EINVALID, "bad Content-Length '%s'", line + 15);
		}
	}
	if (length < 0)
		return pg_error_set(PG_EINVALID, "a message without Content-Length");
	if ((unsigned long long)length > LSP_MAX_BODY)
		return pg_error_set(PG_ELIMIT, "a message of %lld bytes (the limit is %u)", length, LSP_MAX_BODY);
	pg_buf_clear(body);
	pg_buf_reserve(body, (size_t)length + 1);
	if (fread(body->data, 1, (size_t)length, in) != (size_t)length)
		return pg_error_set(PG_EINVALID, "end of input inside a message body");
	body->len = (size_t)length;
	body->data[body->len] = '\0';
	return 0;
}

static void lsp_send(lsp_server *s, const pg_buf *body)
{
	fprintf(s->out, "Content-Length: %zu\r\n\r\n", body->len);
	fwrite(body->data, 1, body->len, s->out);
	fflush(s->out);
}

/* Appends the request's id as it came (a number, a string) or null. */
static void lsp_put_id(pg_buf *b, const pg_json_node *id)
{
	if (id && id->type == PG_JSON_NUMBER)
		pg_buf_puts(b, id->str);
	else if (id && id->type == PG_JSON_STRING)
		pg_json_put_string(b, id->str);
	else
		pg_buf_puts(b, "null");
}

static void lsp_reply(lsp_server *s, const pg_json_node *id, const char *result)
{
	pg_buf b = PG_BUF_INIT;
	pg_buf_puts(&b, "{\"jsonrpc\":\"2.0\",\"id\":");
	lsp_put_id(&b, id);
	pg_buf_printf(&b, ",\"result\":%s}", result);
	lsp_send(s, &b);
	pg_buf_free(&b);
}

static void lsp_error(lsp_server *s, const pg_json_node *id, int code, const char *message)
{
	pg_buf b = PG_BUF_INIT;
	pg_buf_puts(&b, "{\"jsonrpc\":\"2.0\",\"id\":");
	lsp_put_id(&b, id);
	pg_buf_printf(&b, ",\"error\":{\"code\":%d,\"message\":", code);
	pg_json_put_string(&b, message);
	pg_buf_puts(&b, "}}");
	lsp_send(s, &b);
	pg_buf_free(&b);
}

/* -------------------------------------------------------------- documents */

static lsp_doc *lsp_doc_find(lsp_server *s, const char *uri)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (!strcmp(s->docs[i].uri, uri))
			return &s->docs[i];
	return NULL;
}

/* The document of `uri`, made (empty) when the server had none; *made says which. */
static lsp_doc *lsp_doc_open(lsp_server *s, const char *uri, int *made)
{
	lsp_doc *d = lsp_doc_find(s, uri);
	*made = d == NULL;
	if (d)
		return d;
	PG_GROW(s->docs, s->cap, s->ndocs + 1);
	d = &s->docs[s->ndocs++];
	d->uri = pg_xstrdup(uri);
	d->text = (pg_buf)PG_BUF_INIT;
	pg_findings_init(&d->found);
	return d;
}

static void lsp_doc_close(lsp_server *s, const char *uri)
{
	lsp_doc *d = lsp_doc_find(s, uri);
	if (!d)
		return;
	free(d->uri);
	pg_buf_free(&d->text);
	pg_findings_free(&d->found);
	*d = s->docs[--s->ndocs];
}

/* The file path of a file:// URI (percent-decoded), or NULL for other schemes. */
static char *lsp_uri_path(const char *uri)
{
	pg_buf b = PG_BUF_INIT;
	if (strncmp(uri, "file://", 7))
		return NULL;
	for (const char *p = uri + 7; *p; p++) {
		int hi, lo;
		if (*p == '%' && (hi = pg_hex_digit(p[1])) >= 0 && (lo = pg_hex_digit(p[2])) >= 0 && (hi || lo)) {
			pg_buf_putc(&b, (char)(hi * 16 + lo));
			p += 2;
		} else {
			pg_buf_putc(&b, *p);
		}
	}
	return pg_buf_detach(&b);
}

/* --------------------------------------------------------- configuration */

static int read_disk(void *ctx, const char *path, pg_buf *out)
{
	(void)ctx;
	return pg_read_file(path, out);
}

static void lsp_notify_message(lsp_server *s, int type, const char *message)
{
	pg_buf b = PG_BUF_INIT;
	pg_buf_printf(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"window/showMessage\",\"params\":{\"type\":%d,\"message\":", type);
	pg_json_put_string(&b, message);
	pg_buf_puts(&b, "}}");
	lsp_send(s, &b);
	pg_buf_free(&b);
}

/* The root of the git work tree holding `path` (a `.git` file or folder above it), or "" (caller frees). */
static char *lsp_worktree_root(const char *path)
{
	char *dir = pg_path_dirname(path);
	for (;;) {
		struct stat st;
		char *git = pg_path_join(dir, ".git");
		int found = lstat(git, &st) == 0;
		size_t n = strlen(dir);
		free(git);
		if (found)
			return dir;
		while (n > 0 && dir[n - 1] != '/')
			n--;
		if (n <= 1) {
			free(dir);
			return pg_xstrdup("");
		}
		dir[n - 1] = '\0';
	}
}

static void config_fingerprint(const char *root, uint64_t fp[3])
{
	struct stat st;
	char *path = pg_path_join(root, ".pgleak.json");
	fp[0] = fp[1] = fp[2] = 0;
	if (*root && stat(path, &st) == 0) {
		fp[0] = (uint64_t)st.st_size + 1;
		fp[1] = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
		fp[2] = (uint64_t)st.st_ino;
	}
	free(path);
}

/* Drops every engine: the next analysis reads the sibling modules from disk again. */
static void lsp_forget_disk(lsp_server *s)
{
	for (size_t i = 0; i < s->nctx; i++) {
		pg_engine_free(s->ctxs[i]->e);
		s->ctxs[i]->e = NULL;
	}
}

/* (Re)reads the context's configuration; a bad one is said and the defaults are used. */
static void ctx_load(lsp_server *s, lsp_ctx *c)
{
	pg_engine_free(c->e);
	c->e = NULL;
	pg_config_free(&c->cfg);
	pg_config_init(&c->cfg);
	config_fingerprint(c->root, c->fp);
	c->stale = 0;
	if (c->fp[0]) {
		char *path = pg_path_join(c->root, ".pgleak.json");
		int rc = pg_config_load(&c->cfg, path);
		if (rc < 0 && rc != PG_ENOTFOUND) {
			char *msg = pg_xasprintf("pgleak: %s (the defaults are used until it is fixed)", pg_error_last());
			fprintf(stderr, "pgleak-hook lsp: %s\n", pg_error_last());
			pg_config_free(&c->cfg);
			pg_config_init(&c->cfg);
			lsp_notify_message(s, 1, msg);
			free(msg);
		}
		free(path);
	}
}

/* The context of a document's file, its configuration current and its engine made. */
static lsp_ctx *lsp_ctx_for(lsp_server *s, const char *path)
{
	char *root = lsp_worktree_root(path);
	lsp_ctx *c = NULL;
	uint64_t fp[3];
	for (size_t i = 0; i < s->nctx && !c; i++)
		if (!strcmp(s->ctxs[i]->root, root))
			c = s->ctxs[i];
	if (!c) {
		PG_GROW(s->ctxs, s->ctx_cap, s->nctx + 1);
		c = s->ctxs[s->nctx++] = pg_xcalloc(1, sizeof(*c));
		c->root = root;
		root = NULL;
		c->src = (pg_source){read_disk, NULL, NULL};
		pg_config_init(&c->cfg);
		c->stale = 1;
	}
	free(root);
	config_fingerprint(c->root, fp);
	if (c->stale || memcmp(fp, c->fp, sizeof(fp)))
		ctx_load(s, c);
	if (!c->e && pg_engine_new(&c->e, &c->cfg, &c->src) == 0)
		pg_engine_set_cache(c->e, s->cache);
	return c;
}

/* Is `path` ignored by the context's "ignore" globs (relative to its root)? */
static int ctx_ignores(const lsp_ctx *c, const char *path)
{
	size_t n = strlen(c->root);
	if (!c->cfg.ignore.len || !n || strncmp(path, c->root, n) || path[n] != '/')
		return 0;
	return pg_config_ignores(&c->cfg, path + n + 1);
}

static void ctx_free(lsp_ctx *c)
{
	pg_engine_free(c->e);
	pg_config_free(&c->cfg);
	free(c->root);
	free(c);
}

/* ------------------------------------------------------------ diagnostics */

/* The offsets of the starts of the text's lines (0-based index). */
typedef struct {
	size_t *at;
	size_t n;
} line_index;

static void line_index_build(line_index *li, const pg_buf *text)
{
	size_t cap = 0;
	li->at = NULL;
	li->n = 0;
	PG_GROW(li->at, cap, 1);
	li->at[li->n++] = 0;
	for (size_t i = 0; i < text->len; i++)
		if (text->data[i] == '\n') {
			PG_GROW(li->at, cap, li->n + 1);
			li->at[li->n++] = i + 1;
		}
}

/* The offset of the start of 1-based `line`. */
static size_t line_start(const line_index *li, const pg_buf *text, uint32_t line)
{
	if (line == 0)
		return 0;
	return line - 1 < li->n ? li->at[line - 1] : text->len;
}

/* UTF-16 units in the `n` bytes at `from` (UTF-8; a stray byte counts as one). */
static uint32_t utf16_units(const pg_buf *text, size_t from, size_t n)
{
	uint32_t u = 0;
	for (size_t i = from; i < from + n && i < text->len; i++) {
		unsigned char c = (unsigned char)text->data[i];
		if ((c & 0xc0) != 0x80)
			u += c >= 0xf0 ? 2 : 1;
	}
	return u;
}

/* The length in bytes of the identifier at byte offset i: the connect token. */
static size_t token_length(const pg_buf *text, size_t i)
{
	size_t n = 0;
	while (i + n < text->len) {
		char c = text->data[i + n];
		if (!(c == '_' || c == '$' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			break;
		n++;
	}
	return n ? n : 1;
}

static void lsp_put_diagnostic(pg_buf *b, const char *uri, const pg_buf *text, const line_index *li,
                               const pg_finding *f)
{
	uint32_t line = f->line ? f->line - 1 : 0, bytes = f->column ? f->column - 1 : 0;
	uint32_t exit_line = f->exit_line ? f->exit_line - 1 : line;
	size_t start = line_start(li, text, f->line);
	uint32_t col = utf16_units(text, start, bytes);
	size_t len = token_length(text, start + bytes);
	char *message = pg_xasprintf("%s: %s", f->message, f->path_text);
	pg_buf_printf(b,
	              "{\"range\":{\"start\":{\"line\":%u,\"character\":%u},\"end\":{\"line\":%u,\"character\":%u}},"
	              "\"severity\":1,\"source\":\"pgleak\",\"code\":",
	              line, col, line, col + utf16_units(text, start + bytes, len));
	pg_json_put_string(b, pg_kind_name(f->kind));
	pg_buf_puts(b, ",\"message\":");
	pg_json_put_string(b, message);
	pg_buf_puts(b, ",\"relatedInformation\":[{\"location\":{\"uri\":");
	pg_json_put_string(b, uri);
	pg_buf_printf(b, ",\"range\":{\"start\":{\"line\":%u,\"character\":0},\"end\":{\"line\":%u,\"character\":0}}},",
	              exit_line, exit_line);
	free(message);
	message = pg_xasprintf("the leaking path leaves here (%s)", pg_via_name(f->via));
	pg_buf_puts(b, "\"message\":");
	pg_json_put_string(b, message);
	pg_buf_puts(b, "}]}");
	free(message);
}

/*
 * Analyses the document's text and publishes its diagnostics (an empty list
 * clears them: a closed document, `text` NULL).  The findings are kept on
 * the document for code actions.
 */
static void lsp_publish(lsp_server *s, const char *uri, lsp_doc *doc)
{
	const pg_buf *text = doc ? &doc->text : NULL;
	pg_findings fs;
	pg_buf b = PG_BUF_INIT;
	line_index li = {NULL, 0};
	char *path = lsp_uri_path(uri);

	pg_findings_init(&fs);
	if (path && text && pg_lang_from_path(path) != PG_LANG_NONE) {
		lsp_ctx *c = lsp_ctx_for(s, path);
		if (c->e && !ctx_ignores(c, path)) {
			if (pg_engine_check_buffer(c->e, path, text->data, text->len, &fs, NULL) < 0)
				fprintf(stderr, "pgleak-hook lsp: %s: %s\n", path, pg_error_last());
			pg_findings_sort(&fs);
		}
	}
	pg_buf_puts(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
	pg_json_put_string(&b, uri);
	pg_buf_puts(&b, ",\"diagnostics\":[");
	if (fs.len)
		line_index_build(&li, text);
	for (size_t i = 0; i < fs.len; i++) {
		if (i)
			pg_buf_putc(&b, ',');
		lsp_put_diagnostic(&b, uri, text, &li, &fs.items[i]);
	}
	pg_buf_puts(&b, "]}}");
	lsp_send(s, &b);
	pg_buf_free(&b);
	free(li.at);
	if (doc) {
		pg_findings_free(&doc->found);
		doc->found = fs;
	} else {
		pg_findings_free(&fs);
	}
	free(path);
	/* The server may be killed rather than told to exit: what was learnt is kept now. */
	if (s->cache)
		pg_cache_flush(s->cache);
}

static void lsp_publish_all(lsp_server *s)
{
	for (size_t i = 0; i < s->ndocs; i++)
		lsp_publish(s, s->docs[i].uri, &s->docs[i]);
}

/* ----------------------------------------------------------- code actions */

/* Line and UTF-16 character of byte offset `at`. */
static void lsp_position(const pg_buf *text, const line_index *li, size_t at, uint32_t *line, uint32_t *character)
{
	size_t lo = 0, hi = li->n;
	while (hi - lo > 1) { /* the last line start <= at */
		size_t mid = lo + (hi - lo) / 2;
		if (li->at[mid] <= at)
			lo = mid;
		else
			hi = mid;
	}
	*line = (uint32_t)lo;
	*character = utf16_units(text, li->at[lo], at - li->at[lo]);
}

/*
 * The TextEdit that turns `old` into `new_text`: the lines between their
 * common first and last lines, replaced whole.
 */
static void lsp_put_text_edit(pg_buf *b, const pg_buf *old, const pg_buf *new_text)
{
	size_t pre = 0, suf = 0, max = old->len < new_text->len ? old->len : new_text->len;
	uint32_t l0, c0, l1, c1;
	line_index li;
	while (pre < max && old->data[pre] == new_text->data[pre])
		pre++;
	while (pre > 0 && old->data[pre - 1] != '\n')
		pre--;
	while (suf < max - pre && old->data[old->len - 1 - suf] == new_text->data[new_text->len - 1 - suf])
		suf++;
	while (suf > 0 && old->len - suf > pre && old->data[old->len - suf - 1] != '\n')
		suf--; /* the edit ends at a line start (or at the end of the text) */
	line_index_build(&li, old);
	lsp_position(old, &li, pre, &l0, &c0);
	lsp_position(old, &li, old->len - suf, &l1, &c1);
	free(li.at);
	pg_buf_printf(b, "{\"range\":{\"start\":{\"line\":%u,\"character\":%u},\"end\":{\"line\":%u,\"character\":%u}},"
	              "\"newText\":", l0, c0, l1, c1);
	{
		pg_buf t = PG_BUF_INIT;
		pg_buf_put(&t, new_text->data + pre, new_text->len - suf - pre);
		pg_json_put_string(b, t.data);
		pg_buf_free(&t);
	}
	pg_buf_putc(b, '}');
}

static const char *str_member(const pg_json_doc *d, const pg_json_node *obj, const char *key)
{
	const pg_json_node *n = pg_json_get(d, obj, key);
	return n && n->type == PG_JSON_STRING ? n->str : NULL;
}

/* A JSON integer member of obj, or `dflt`. */
static long num_member(const pg_json_doc *d, const pg_json_node *obj, const char *key, long dflt)
{
	const pg_json_node *n = pg_json_get(d, obj, key);
	return n && n->type == PG_JSON_NUMBER ? strtol(n->str, NULL, 10) : dflt;
}

/*
 * textDocument/codeAction: one quickfix per published finding in the range
 * that --fix can rewrite, its edit the rewrite of that acquisition alone.
 */
static void lsp_code_action(lsp_server *s, const pg_json_doc *d, const pg_json_node *id, const pg_json_node *params)
{
	const pg_json_node *td = pg_json_get(d, params, "textDocument"), *range = pg_json_get(d, params, "range");
	const char *uri = str_member(d, td, "uri");
	lsp_doc *doc = uri ? lsp_doc_find(s, uri) : NULL;
	long first = num_member(d, pg_json_get(d, range, "start"), "line", 0);
	long last = num_member(d, pg_json_get(d, range, "end"), "line", first);
	char *path = uri ? lsp_uri_path(uri) : NULL;
	pg_buf b = PG_BUF_INIT, fixed = PG_BUF_INIT;
	int any = 0;

	pg_buf_putc(&b, '[');
	for (size_t i = 0; doc && path && i < doc->found.len; i++) {
		const pg_finding *f = &doc->found.items[i];
		lsp_ctx *c;
		pg_fix_results res = {0};
		line_index li;
		if ((long)f->line - 1 < first || (long)f->line - 1 > last)
			continue;
		c = lsp_ctx_for(s, path);
		if (!c->e || pg_fix_buffer(&(pg_fix_checker){pg_engine_check_text, c->e}, &c->cfg, path, doc->text.data, doc->text.len,
		                           f->line, &fixed, &res, NULL) < 0) {
			pg_fix_results_free(&res);
			continue;
		}
		for (size_t r = 0; r < res.len; r++) {
			if (res.items[r].reason || res.items[r].column != f->column)
				continue;
			if (any++)
				pg_buf_putc(&b, ',');
			pg_buf_puts(&b, "{\"title\":");
			{
				char *title = pg_xasprintf("Release the client in a finally block (in %s)", f->function);
				pg_json_put_string(&b, title);
				free(title);
			}
			pg_buf_puts(&b, ",\"kind\":\"quickfix\",\"isPreferred\":true,\"diagnostics\":[");
			line_index_build(&li, &doc->text);
			lsp_put_diagnostic(&b, uri, &doc->text, &li, f);
			free(li.at);
			pg_buf_puts(&b, "],\"edit\":{\"changes\":{");
			pg_json_put_string(&b, uri);
			pg_buf_puts(&b, ":[");
			lsp_put_text_edit(&b, &doc->text, &fixed);
			pg_buf_puts(&b, "]}}}");
		}
		pg_fix_results_free(&res);
	}
	pg_buf_putc(&b, ']');
	lsp_reply(s, id, b.data);
	pg_buf_free(&b);
	pg_buf_free(&fixed);
	free(path);
}

/* --------------------------------------------------------------- dispatch */

static int is_config_uri(const char *uri)
{
	size_t n = strlen(uri);
	return n >= 12 && !strcmp(uri + n - 12, ".pgleak.json") && (n == 12 || uri[n - 13] == '/');
}

/* The configuration changed (or may have): every context re-reads it, every document is analysed again. */
static void lsp_config_changed(lsp_server *s)
{
	for (size_t i = 0; i < s->nctx; i++)
		s->ctxs[i]->stale = 1;
	lsp_publish_all(s);
}

/* didOpen, didChange, didSave, didClose: the text kept, then analysed. */
static void lsp_document(lsp_server *s, const pg_json_doc *d, const pg_json_node *params, const char *method)
{
	const pg_json_node *td = pg_json_get(d, params, "textDocument");
	const char *uri = str_member(d, td, "uri"), *text = NULL;
	size_t text_len = 0;
	lsp_doc *doc;
	int made;
	if (!uri)
		return;
	if (is_config_uri(uri)) {
		/* the configuration edited in the editor: its saved state is what counts */
		if (!strcmp(method, "textDocument/didSave") || !strcmp(method, "textDocument/didClose"))
			lsp_config_changed(s);
		return;
	}
	/* Only an edit of this buffer keeps the view of the disk; the rest may follow a write. */
	if (strcmp(method, "textDocument/didChange"))
		lsp_forget_disk(s);
	if (!strcmp(method, "textDocument/didClose")) {
		lsp_doc_close(s, uri);
		lsp_publish(s, uri, NULL);
		return;
	}
	if (!strcmp(method, "textDocument/didOpen")) {
		const pg_json_node *t = pg_json_get(d, td, "text");
		if (t && t->type == PG_JSON_STRING)
			text = t->str, text_len = t->str_len;
	} else if (!strcmp(method, "textDocument/didChange")) {
		const pg_json_node *changes = pg_json_get(d, params, "contentChanges");
		/* Full sync: the last change holds the whole text. */
		for (const pg_json_node *c = pg_json_first(d, changes); c; c = pg_json_next(d, c)) {
			const pg_json_node *t = pg_json_get(d, c, "text");
			if (t && t->type == PG_JSON_STRING)
				text = t->str, text_len = t->str_len;
		}
	} else { /* didSave: with the text when the client includes it */
		const pg_json_node *t = pg_json_get(d, params, "text");
		if (t && t->type == PG_JSON_STRING)
			text = t->str, text_len = t->str_len;
	}
	doc = lsp_doc_open(s, uri, &made);
	if (text) {
		pg_buf_clear(&doc->text);
		pg_buf_put(&doc->text, text, text_len);
	} else if (made) {
		/* saved without its text, never opened here: the file is what the editor has */
		char *path = lsp_uri_path(uri);
		if (!path || pg_read_file(path, &doc->text) < 0)
			pg_buf_put(&doc->text, "", 0);
		free(path);
	}
	lsp_publish(s, uri, doc);
}

static const char initialize_result[] =
	"{\"capabilities\":{\"textDocumentSync\":{\"openClose\":true,\"change\":1,\"save\":{\"includeText\":true}},"
	"\"codeActionProvider\":{\"codeActionKinds\":[\"quickfix\"]}},"
	"\"serverInfo\":{\"name\":\"pgleak-hook\",\"version\":\"" PG_VERSION "\"}}";

/* Handles one message body.  Returns 1 when the server is to exit (*code set), else 0. */
static int lsp_dispatch(lsp_server *s, const char *body, size_t len, int *code)
{
	pg_json_doc d = PG_JSON_DOC_INIT;
	const pg_json_node *root, *id, *params;
	const char *method;
	int done = 0;

	if (pg_json_parse(&d, body, len, "message") < 0) {
		lsp_error(s, NULL, -32700, pg_error_last());
		return 0;
	}
	root = pg_json_root(&d);
	id = pg_json_get(&d, root, "id");
	method = str_member(&d, root, "method");
	params = pg_json_get(&d, root, "params");
	if (!root || root->type != PG_JSON_OBJECT || !method) {
		if (!id || pg_json_get(&d, root, "result") == NULL)
			lsp_error(s, id, -32600, "not a JSON-RPC request: no method");
	} else if (!strcmp(method, "initialize")) {
		lsp_reply(s, id, initialize_result);
	} else if (!strcmp(method, "shutdown")) {
		s->shutdown = 1;
		lsp_reply(s, id, "null");
	} else if (!strcmp(method, "exit")) {
		*code = s->shutdown ? 0 : 1;
		done = 1;
	} else if (!strncmp(method, "textDocument/did", 16)) {
		if (!strcmp(method + 16, "Open") || !strcmp(method + 16, "Change") || !strcmp(method + 16, "Save") ||
		    !strcmp(method + 16, "Close"))
			lsp_document(s, &d, params, method);
	} else if (!strcmp(method, "textDocument/codeAction")) {
		if (id)
			lsp_code_action(s, &d, id, params);
	} else if (!strcmp(method, "workspace/didChangeWatchedFiles")) {
		lsp_forget_disk(s);
		lsp_config_changed(s);
	} else if (id && strncmp(method, "$/", 2)) {
		char *msg = pg_xasprintf("method '%s' is not served", method);
		lsp_error(s, id, -32601, msg);
		free(msg);
	}
	/* Other notifications (initialized, $/cancelRequest, ...) need no answer. */
	pg_json_free(&d);
	return done;
}

/*
 * Serves one stream to its end.  Shared with the fuzzer (tests/fuzz), which
 * runs without the cache.
 */
int pg_lsp_serve(FILE *in, FILE *out, int use_cache)
{
	lsp_server s;
	pg_buf body = PG_BUF_INIT;
	int code = 1, rc;

	memset(&s, 0, sizeof(s));
	s.in = in;
	s.out = out;
	if (use_cache) {
		s.cache = pg_cachedir_open(NULL, "pgleak-hook lsp", 0);
	}
	while ((rc = lsp_read_frame(in, &body)) == 0)
		if (lsp_dispatch(&s, body.data, body.len, &code))
			break;
	if (rc < 0) {
		fprintf(stderr, "pgleak-hook lsp: %s\n", pg_error_last());
		lsp_error(&s, NULL, -32700, pg_error_last());
		code = 2;
	}
	for (size_t i = 0; i < s.ndocs; i++) {
		free(s.docs[i].uri);
		pg_buf_free(&s.docs[i].text);
		pg_findings_free(&s.docs[i].found);
	}
	free(s.docs);
	for (size_t i = 0; i < s.nctx; i++)
		ctx_free(s.ctxs[i]);
	free(s.ctxs);
	pg_buf_free(&body);
	pg_cache_close(s.cache);
	return code;
}

static const char usage[] =
	"usage: pgleak-hook lsp\n"
	"\n"
	"A language server (LSP, JSON-RPC over stdin/stdout) for editors: the leaks\n"
	"of each open JavaScript/TypeScript buffer, unsaved edits included, are\n"
	"published as diagnostics, with a quickfix code action where\n"
	"`pgleak-hook check --fix` would rewrite the code.  The .pgleak.json at\n"
	"the root of each document's git work tree applies.  Editors start it\n"
	"themselves; see README.md.\n"
	"\n"
	"Exit: 0 after shutdown then exit, 1 on exit without shutdown or end of\n"
	"input, 2 on a broken stream (no Content-Length, a message over the limit).\n";

int pg_cmd_lsp(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "pgleak-hook lsp: unexpected argument '%s'\n%s", argv[1], usage);
		return 2;
	}
	return pg_lsp_serve(stdin, stdout, 1);
}
