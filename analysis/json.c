/*
 * json.c - the strict JSON reader of json.h.
 *
 * One loop reads tokens; an explicit stack (of node indices) holds the
 * arrays and objects that are open, and a small state says what may come
 * next (a value, a key, a comma or a closing bracket).  Values are appended
 * to a flat node array and linked to their parent by index, so the C stack
 * depth never depends on the input.
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *s;
	size_t len, pos;
	uint32_t line, col;
	const char *origin;
	pg_json_doc *doc;
} reader;

static int fail_at(reader *r, uint32_t line, uint32_t col, const char *what)
{
	return pg_error_set(PG_EINVALID, "%s:%u:%u: %s", r->origin, (unsigned)line, (unsigned)col, what);
}

static int fail(reader *r, const char *what)
{
	return fail_at(r, r->line, r->col, what);
}

/* Advances one byte, counting lines and characters (UTF-8 continuation bytes take no column). */
static void advance(reader *r)
{
	unsigned char c = (unsigned char)r->s[r->pos++];
	if (c == '\n') {
		r->line++;
		r->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		r->col++;
	}
}

static void skip_ws(reader *r)
{
	while (r->pos < r->len) {
		char c = r->s[r->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		advance(r);
	}
}

static size_t new_node(reader *r, pg_json_type t, uint32_t line, uint32_t col)
{
	pg_json_doc *d = r->doc;
	pg_json_node *n;
	PG_GROW(d->nodes, d->cap, d->len + 1);
	n = &d->nodes[d->len];
	memset(n, 0, sizeof(*n));
	n->type = t;
	n->line = line;
	n->column = col;
	n->first = n->last = n->next = PG_JSON_NONE;
	return d->len++;
}

static void link_child(pg_json_doc *d, size_t parent, size_t child)
{
	pg_json_node *p = &d->nodes[parent];
	if (p->last == PG_JSON_NONE)
		p->first = child;
	else
		d->nodes[p->last].next = child;
	p->last = child;
	p->count++;
}

static int read_hex4(reader *r, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		int h;
		if (r->pos >= r->len || (h = pg_hex_digit(r->s[r->pos])) < 0)
			return fail(r, "expected four hexadecimal digits after \\u");
		v = (v << 4) | (uint32_t)h;
		advance(r);
	}
	*out = v;
	return 0;
}

static void put_utf8(pg_buf *b, uint32_t cp)
{
	if (cp < 0x80) {
		pg_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		pg_buf_putc(b, (char)(0xc0 | (cp >> 6)));
		pg_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		pg_buf_putc(b, (char)(0xe0 | (cp >> 12)));
		pg_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		pg_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		pg_buf_putc(b, (char)(0xf0 | (cp >> 18)));
		pg_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		pg_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		pg_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Length of the valid UTF-8 sequence at s, 0 when invalid (overlong, surrogate, > U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

/* Reads a string token (r->pos at the opening quote) into *out. */
static int read_string(reader *r, pg_buf *out)
{
	uint32_t line = r->line, col = r->col;
	pg_buf_clear(out);
	pg_buf_put(out, "", 0);
	advance(r); /* " */
	for (;;) {
		unsigned char c;
		if (r->pos >= r->len)
			return fail_at(r, line, col, "unterminated string");
		c = (unsigned char)r->s[r->pos];
		if (c == '"') {
			advance(r);
			return 0;
		}
		if (c >= 0x20 && c < 0x80 && c != '\\') {
			/* a run of plain ASCII is copied at once: a source file in an LSP message is mostly that */
			size_t end = r->pos + 1;
			while (end < r->len && (unsigned char)r->s[end] >= 0x20 && (unsigned char)r->s[end] < 0x80 &&
			       r->s[end] != '"' && r->s[end] != '\\')
				end++;
			pg_buf_put(out, r->s + r->pos, end - r->pos);
			r->col += (uint32_t)(end - r->pos);
			r->pos = end;
			continue;
		}
		if (c < 0x20)
			return fail(r, c == '\n' ? "unterminated string (a newline must be written \\n)"
			                         : "control character in a string (escape it)");
		if (c == '\\') {
			uint32_t cp;
			advance(r);
			if (r->pos >= r->len)
				return fail_at(r, line, col, "unterminated string");
			c = (unsigned char)r->s[r->pos];
			switch (c) {
			case '"': case '\\': case '/': pg_buf_putc(out, (char)c); advance(r); continue;
			case 'b': pg_buf_putc(out, '\b'); advance(r); continue;
			case 'f': pg_buf_putc(out, '\f'); advance(r); continue;
			case 'n': pg_buf_putc(out, '\n'); advance(r); continue;
			case 'r': pg_buf_putc(out, '\r'); advance(r); continue;
			case 't': pg_buf_putc(out, '\t'); advance(r); continue;
			case 'u': break;
			default: return fail(r, "invalid escape in a string");
			}
			advance(r);
			if (read_hex4(r, &cp))
				return PG_EINVALID;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(r, "lone low surrogate in \\u escape");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				uint32_t lo;
				if (r->pos + 1 >= r->len || r->s[r->pos] != '\\' || r->s[r->pos + 1] != 'u')
					return fail(r, "high surrogate \\u escape not followed by a low surrogate");
				advance(r);
				advance(r);
				if (read_hex4(r, &lo))
					return PG_EINVALID;
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(r, "high surrogate \\u escape not followed by a low surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			put_utf8(out, cp);
			continue;
		}
		{
			size_t n = utf8_len((const unsigned char *)r->s + r->pos, r->len - r->pos);
			if (n == 0)
				return fail(r, "invalid UTF-8 in a string");
			pg_buf_put(out, r->s + r->pos, n);
			for (size_t i = 0; i < n; i++)
				advance(r);
		}
	}
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int read_number(reader *r, size_t node)
{
	size_t start = r->pos;
	pg_json_node *n;
	char *text;
	if (r->s[r->pos] == '-')
		advance(r);
	if (r->pos >= r->len || !is_digit(r->s[r->pos]))
		return fail(r, "expected a digit");
	if (r->s[r->pos] == '0') {
		advance(r);
		if (r->pos < r->len && is_digit(r->s[r->pos]))
			return fail(r, "numbers do not start with 0");
	} else {
		while (r->pos < r->len && is_digit(r->s[r->pos]))
			advance(r);
	}
	if (r->pos < r->len && r->s[r->pos] == '.') {
		advance(r);
		if (r->pos >= r->len || !is_digit(r->s[r->pos]))
			return fail(r, "expected a digit after the decimal point");
		while (r->pos < r->len && is_digit(r->s[r->pos]))
			advance(r);
	}
	if (r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
		advance(r);
		if (r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-'))
			advance(r);
		if (r->pos >= r->len || !is_digit(r->s[r->pos]))
			return fail(r, "expected a digit in the exponent");
		while (r->pos < r->len && is_digit(r->s[r->pos]))
			advance(r);
	}
	text = pg_xstrndup(r->s + start, r->pos - start);
	n = &r->doc->nodes[node];
	n->str = text;
	n->str_len = r->pos - start;
	n->number = strtod(text, NULL);
	return 0;
}

static int match_word(reader *r, const char *w)
{
	size_t n = strlen(w);
	if (r->len - r->pos < n || memcmp(r->s + r->pos, w, n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		advance(r);
	return 1;
}

/* What the parser expects next. */
enum { WANT_VALUE, WANT_KEY, WANT_COLON, WANT_COMMA_OR_CLOSE };

static int parse(reader *r)
{
	size_t *stack = NULL, depth = 0, cap = 0;
	pg_buf key = PG_BUF_INIT, str = PG_BUF_INIT;
	char *pending_key = NULL;
	size_t pending_len = 0;
	uint32_t pkey_line = 0, pkey_col = 0;
	int state = WANT_VALUE, rc = 0, first_in_container = 0;

	/* A UTF-8 byte order mark is not JSON, but editors write it and it means nothing. */
	if (r->len >= 3 && memcmp(r->s, "\xef\xbb\xbf", 3) == 0)
		r->pos = 3;

	for (;;) {
		char c;
		skip_ws(r);
		if (r->pos >= r->len) {
			if (depth == 0 && r->doc->len > 0)
				break;
			rc = fail(r, r->doc->len == 0 ? "empty document (expected a JSON value)"
			                              : "unexpected end of the document (an array or object is not closed)");
			goto out;
		}
		c = r->s[r->pos];
		if (depth == 0 && r->doc->len > 0) {
			rc = fail(r, "unexpected text after the JSON value");
			goto out;
		}
		if (c == '/') {
			rc = fail(r, "comments are not allowed in JSON");
			goto out;
		}
		switch (state) {
		case WANT_KEY:
			if (c == '}' && first_in_container) {
				advance(r);
				depth--;
				state = WANT_COMMA_OR_CLOSE;
				continue;
			}
			if (c != '"') {
				rc = fail(r, c == '}' ? "trailing comma before '}'" : "expected a member name in double quotes");
				goto out;
			}
			pkey_line = r->line;
			pkey_col = r->col;
			if ((rc = read_string(r, &key)) != 0)
				goto out;
			free(pending_key);
			pending_len = key.len;
			pending_key = pg_buf_detach(&key);
			state = WANT_COLON;
			continue;
		case WANT_COLON:
			if (c != ':') {
				rc = fail(r, "expected ':' after the member name");
				goto out;
			}
			advance(r);
			state = WANT_VALUE;
			first_in_container = 0;
			continue;
		case WANT_COMMA_OR_CLOSE: {
			pg_json_node *top = &r->doc->nodes[stack[depth - 1]];
			char close = top->type == PG_JSON_ARRAY ? ']' : '}';
			if (c == ',') {
				advance(r);
				state = top->type == PG_JSON_ARRAY ? WANT_VALUE : WANT_KEY;
				first_in_container = 0;
				continue;
			}
			if (c == close) {
				advance(r);
				depth--;
				state = WANT_COMMA_OR_CLOSE;
				continue;
			}
			rc = fail(r, close == ']' ? "expected ',' or ']' in the array" : "expected ',' or '}' in the object");
			goto out;
		}
		default:
			break;
		}

		/* WANT_VALUE */
		if (c == ']' && depth > 0 && first_in_container &&
		    r->doc->nodes[stack[depth - 1]].type == PG_JSON_ARRAY) {
			advance(r);
			depth--;
			state = WANT_COMMA_OR_CLOSE;
			continue;
		}
		{
			uint32_t line = r->line, col = r->col;
			size_t node;
			pg_json_type t;
			switch (c) {
			case '{': t = PG_JSON_OBJECT; break;
			case '[': t = PG_JSON_ARRAY; break;
			case '"': t = PG_JSON_STRING; break;
			case 't': case 'f': t = PG_JSON_BOOL; break;
			case 'n': t = PG_JSON_NULL; break;
			default:
				if (c == '-' || is_digit(c)) {
					t = PG_JSON_NUMBER;
					break;
				}
				if (c == ']' || c == '}')
					rc = fail(r, "trailing comma or missing value before the closing bracket");
				else if (c == '\'')
					rc = fail(r, "strings must use double quotes");
				else
					rc = fail(r, "expected a JSON value");
				goto out;
			}
			node = new_node(r, t, line, col);
			if (depth > 0) {
				pg_json_node *n = &r->doc->nodes[node];
				if (r->doc->nodes[stack[depth - 1]].type == PG_JSON_OBJECT) {
					n->key = pending_key;
					n->key_len = pending_len;
					n->key_line = pkey_line;
					n->key_column = pkey_col;
					pending_key = NULL;
				}
				link_child(r->doc, stack[depth - 1], node);
			}
			switch (t) {
			case PG_JSON_OBJECT:
			case PG_JSON_ARRAY:
				if (depth >= PG_JSON_MAX_DEPTH) {
					rc = pg_error_set(PG_ELIMIT, "%s:%u:%u: nested deeper than %d levels", r->origin,
					                  (unsigned)line, (unsigned)col, PG_JSON_MAX_DEPTH);
					goto out;
				}
				advance(r);
				PG_GROW(stack, cap, depth + 1);
				stack[depth++] = node;
				state = t == PG_JSON_OBJECT ? WANT_KEY : WANT_VALUE;
				first_in_container = 1;
				continue;
			case PG_JSON_STRING:
				if ((rc = read_string(r, &str)) != 0)
					goto out;
				r->doc->nodes[node].str_len = str.len;
				r->doc->nodes[node].str = pg_buf_detach(&str);
				break;
			case PG_JSON_BOOL:
				if (match_word(r, "true")) {
					r->doc->nodes[node].boolean = 1;
				} else if (!match_word(r, "false")) {
					rc = fail(r, "expected a JSON value");
					goto out;
				}
				break;
			case PG_JSON_NULL:
				if (!match_word(r, "null")) {
					rc = fail(r, "expected a JSON value");
					goto out;
				}
				break;
			case PG_JSON_NUMBER:
				if ((rc = read_number(r, node)) != 0)
					goto out;
				break;
			}
			state = WANT_COMMA_OR_CLOSE;
			first_in_container = 0;
		}
	}
out:
	free(stack);
	free(pending_key);
	pg_buf_free(&key);
	pg_buf_free(&str);
	return rc;
}

int pg_json_parse(pg_json_doc *doc, const char *text, size_t len, const char *origin)
{
	reader r = {text, len, 0, 1, 1, origin ? origin : "<json>", doc};
	int rc;
	pg_json_free(doc);
	rc = parse(&r);
	if (rc)
		pg_json_free(doc);
	return rc;
}

void pg_json_free(pg_json_doc *doc)
{
	for (size_t i = 0; i < doc->len; i++) {
		free(doc->nodes[i].key);
		free(doc->nodes[i].str);
	}
	free(doc->nodes);
	doc->nodes = NULL;
	doc->len = doc->cap = 0;
}

const pg_json_node *pg_json_root(const pg_json_doc *doc)
{
	return doc->len ? &doc->nodes[0] : NULL;
}

const pg_json_node *pg_json_first(const pg_json_doc *doc, const pg_json_node *n)
{
	if (!n || (n->type != PG_JSON_ARRAY && n->type != PG_JSON_OBJECT) || n->first == PG_JSON_NONE)
		return NULL;
	return &doc->nodes[n->first];
}

const pg_json_node *pg_json_next(const pg_json_doc *doc, const pg_json_node *n)
{
	if (!n || n->next == PG_JSON_NONE)
		return NULL;
	return &doc->nodes[n->next];
}

const pg_json_node *pg_json_get(const pg_json_doc *doc, const pg_json_node *obj, const char *key)
{
	const pg_json_node *found = NULL;
	size_t n = strlen(key);
	if (!obj || obj->type != PG_JSON_OBJECT)
		return NULL;
	for (const pg_json_node *c = pg_json_first(doc, obj); c; c = pg_json_next(doc, c))
		if (c->key_len == n && memcmp(c->key, key, n) == 0)
			found = c;
	return found;
}

const char *pg_json_type_name(pg_json_type t)
{
	switch (t) {
	case PG_JSON_NULL: return "null";
	case PG_JSON_BOOL: return "a boolean";
	case PG_JSON_NUMBER: return "a number";
	case PG_JSON_STRING: return "a string";
	case PG_JSON_ARRAY: return "an array";
	case PG_JSON_OBJECT: return "an object";
	}
	return "a value";
}

/* ------------------------------------------------------------ writing */

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when the
 * bytes there are not one (overlong forms, surrogates and values above
 * U+10FFFF included).  *cp receives the code point.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void pg_json_put_string(pg_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0;
	pg_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t len;
		switch (c) {
		case '"': pg_buf_puts(b, "\\\""); i++; continue;
		case '\\': pg_buf_puts(b, "\\\\"); i++; continue;
		case '\n': pg_buf_puts(b, "\\n"); i++; continue;
		case '\r': pg_buf_puts(b, "\\r"); i++; continue;
		case '\t': pg_buf_puts(b, "\\t"); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			pg_buf_printf(b, "\\u%04x", c);
			i++;
			continue;
		}
		len = utf8_seq(p + i, n - i, &cp);
		if (len == 0) {
			pg_buf_puts(b, "\\ufffd");
			i++;
			continue;
		}
		pg_buf_put(b, p + i, len);
		i += len;
	}
	pg_buf_putc(b, '"');
}
