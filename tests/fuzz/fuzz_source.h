/*
 * fuzz_source.h - a pg_source (core/types.h) over a few fixed files in
 * memory, shared by the harnesses that run the analysis.
 *
 * The analysed input is served too, under its own path, so that an input
 * importing itself ('./input') or a fixed file that imports it back makes
 * the cross-file resolution walk a cycle.  The fixed files cover each kind
 * of pool module the corpus has (CommonJS, named, default, renamed TS
 * export), a release helper and a re-export cycle, so that the fuzzer can
 * reach the cross-file paths by mutating an import specifier.
 */
#ifndef PG_FUZZ_SOURCE_H
#define PG_FUZZ_SOURCE_H

#include <string.h>

#include "engine.h"
#include "util.h"

typedef struct {
	const char *path;
	const char *text;
} fuzz_file;

static const fuzz_file fuzz_files[] = {
	{"src/db.js", "const { Pool } = require('pg');\nconst pool = new Pool({ max: 10 });\nmodule.exports = pool;\n"},
	{"src/pool.js", "import { Pool } from 'pg';\nexport const pool = new Pool();\n"},
	{"src/pool.mjs", "import { Pool } from 'pg';\nconst pool = new Pool({ max: 12 });\nexport default pool;\n"},
	{"db/pool.ts", "import { Pool } from 'pg';\nexport const pgPool: Pool = new Pool({ max: 10 });\n"},
	{"src/client-utils.js",
	 "export function returnClient(client, err) {\n  if (err instanceof Error) client.release(err);\n"
	 "  else client.release();\n}\nexport const helper = (c) => { try { return 1; } finally { c.release(); } };\n"},
	{"src/session.js", "import { pool } from './pool.js';\nexport async function applySessionSettings(client) {\n"
	                   "  await client.query('SET x = 1');\n  return client;\n}\nexport { pool };\n"},
	{"src/a.js", "export * from './b.js';\nexport { pool } from './input';\n"},
	{"src/b.js", "export * from './a.js';\nexport { default } from './pool.mjs';\n"},
	{"src/index.js", "module.exports = require('./input');\n"},
};

typedef struct {
	const char *self_path;
	const char *self;
	size_t self_len;
} fuzz_source_ctx;

static inline int fuzz_read(void *vctx, const char *path, pg_buf *out)
{
	const fuzz_source_ctx *ctx = vctx;
	size_t i;
	if (!strcmp(path, ctx->self_path)) {
		pg_buf_put(out, ctx->self, ctx->self_len);
		return PG_OK;
	}
	for (i = 0; i < sizeof(fuzz_files) / sizeof(fuzz_files[0]); i++)
		if (!strcmp(path, fuzz_files[i].path)) {
			pg_buf_puts(out, fuzz_files[i].text);
			return PG_OK;
		}
	return PG_ENOTFOUND;
}

#endif
