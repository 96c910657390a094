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

#include "cachedir.h"
#include "commands.h"
#include "engine.h"
#include "json.h"

/* A larger message is refused: no source file we analyse is near this. */
#define LSP_MAX_BODY (64u * 1024 * 1024)
/* A header line longer than this is not LSP. */
#define LSP_MAX_HEADER 1024

typedef struct {
	char *uri;
	pg_buf text;
} lsp_doc;

typedef struct {
	FILE *in, *out;
	lsp_doc *docs;
	size_t ndocs, cap;
	int shutdown;
	pg_config cfg;
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
	PG_GROW(body->data, body->cap, (size_t)length + 1);
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

static lsp_doc *lsp_doc_open(lsp_server *s, const char *uri)
{
	lsp_doc *d = lsp_doc_find(s, uri);
	if (d)
		return d;
	PG_GROW(s->docs, s->cap, s->ndocs + 1);
	d = &s->docs[s->ndocs++];
	d->uri = pg_xstrdup(uri);
	d->text = (pg_buf)PG_BUF_INIT;
	return d;
}

static void lsp_doc_close(lsp_server *s, const char *uri)
{
	lsp_doc *d = lsp_doc_find(s, uri);
	if (!d)
		return;
	free(d->uri);
	pg_buf_free(&d->text);
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

/* ------------------------------------------------------------ diagnostics */

static int read_disk(void *ctx, const char *path, pg_buf *out)
{
	(void)ctx;
	return pg_read_file(path, out);
}

/* The offset of the start of 1-based `line` in text. */
static size_t line_start(const pg_buf *text, uint32_t line)
{
	size_t i = 0;
	for (uint32_t l = 1; l < line && i < text->len; i++)
		if (text->data[i] == '\n')
			l++;
	return i;
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

static void lsp_put_diagnostic(pg_buf *b, const char *uri, const pg_buf *text, const pg_finding *f)
{
	uint32_t line = f->line ? f->line - 1 : 0, bytes = f->column ? f->column - 1 : 0;
	uint32_t exit_line = f->exit_line ? f->exit_line - 1 : line;
	size_t start = line_start(text, f->line);
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

/* Analyses the document's text and publishes its diagnostics (an empty list clears them). */
static void lsp_publish(lsp_server *s, const char *uri, const pg_buf *text)
{
	pg_source src = {read_disk, NULL, NULL};
	pg_engine *e = NULL;
	pg_findings fs;
	pg_buf b = PG_BUF_INIT;
	char *path = lsp_uri_path(uri);

	pg_findings_init(&fs);
	if (path && text && pg_lang_from_path(path) != PG_LANG_NONE && pg_engine_new(&e, &s->cfg, &src) == 0) {
		pg_engine_set_cache(e, s->cache);
		if (pg_engine_check_buffer(e, path, text->data ? text->data : "", text->len, &fs, NULL) < 0)
			fprintf(stderr, "pgleak-hook lsp: %s: %s\n", path, pg_error_last());
		pg_findings_sort(&fs);
	}
	pg_buf_puts(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
	pg_json_put_string(&b, uri);
	pg_buf_puts(&b, ",\"diagnostics\":[");
	for (size_t i = 0; i < fs.len; i++) {
		if (i)
			pg_buf_putc(&b, ',');
		lsp_put_diagnostic(&b, uri, text, &fs.items[i]);
	}
	pg_buf_puts(&b, "]}}");
	lsp_send(s, &b);
	pg_buf_free(&b);
	pg_findings_free(&fs);
	pg_engine_free(e);
	free(path);
	/* The server may be killed rather than told to exit: what was learnt is kept now. */
	if (s->cache)
		pg_cache_flush(s->cache);
}

/* --------------------------------------------------------------- dispatch */

static const char *str_member(const pg_json_doc *d, const pg_json_node *obj, const char *key)
{
	const pg_json_node *n = pg_json_get(d, obj, key);
	return n && n->type == PG_JSON_STRING ? n->str : NULL;
}

/* didOpen, didChange, didSave, didClose: the text kept, then analysed. */
static void lsp_document(lsp_server *s, const pg_json_doc *d, const pg_json_node *params, const char *method)
{
	const pg_json_node *td = pg_json_get(d, params, "textDocument");
	const char *uri = str_member(d, td, "uri"), *text = NULL;
	size_t text_len = 0;
	lsp_doc *doc;
	if (!uri)
		return;
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
	doc = lsp_doc_open(s, uri);
	if (text) {
		pg_buf_clear(&doc->text);
		pg_buf_put(&doc->text, text, text_len);
	} else if (!doc->text.data) {
		char *path = lsp_uri_path(uri);
		if (!path || pg_read_file(path, &doc->text) < 0)
			pg_buf_put(&doc->text, "", 0);
		free(path);
	}
	lsp_publish(s, uri, &doc->text);
}

static const char initialize_result[] =
	"{\"capabilities\":{\"textDocumentSync\":{\"openClose\":true,\"change\":1,\"save\":{\"includeText\":true}}},"
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
 * runs without the cache.  A fresh engine per analysis keeps no stale view of
 * the sibling modules; the cache makes the unchanged functions cheap.
 */
int pg_lsp_serve(FILE *in, FILE *out, int use_cache)
{
	lsp_server s;
	pg_buf body = PG_BUF_INIT;
	int code = 1, rc;

	memset(&s, 0, sizeof(s));
	s.in = in;
	s.out = out;
	pg_config_init(&s.cfg);
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
	}
	free(s.docs);
	pg_buf_free(&body);
	pg_config_free(&s.cfg);
	pg_cache_close(s.cache);
	return code;
}

static const char usage[] =
	"usage: pgleak-hook lsp\n"
	"\n"
	"A language server (LSP, JSON-RPC over stdin/stdout) for editors: the leaks\n"
	"of each open JavaScript/TypeScript buffer, unsaved edits included, are\n"
	"published as diagnostics.  Editors start it themselves; see README.md.\n"
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
