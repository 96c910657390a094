#!/usr/bin/env python3
"""gen.py - the benchmark's generated repository, deterministic from a seed.

    gen.py [--seed N] [--files N] OUT          the repository's files, under OUT
    gen.py [--seed N] [--files N] --change OUT  the 5 changed files of the hook benchmark

A back end of the usual shape: per domain (orders, invoices, ...) Express
route files, TypeScript repositories (classes over a pg Pool), services,
validators and utilities, about 20 functions per file (declarations,
methods, arrows, callbacks), so that 10,000 files hold about 200,000
functions.  A small share of the functions check a client out of a pool
(transactions in repositories, health checks and batch jobs in routes), and
about one in eight of those leaks it (release outside `finally`, an early
return before it, no release at all).  Some files mention "connect" without
acquiring anything (connectionString, socket.connect), as real code does.

Everything comes from one random.Random(seed): the same seed gives the same
bytes on every machine and Python 3 version (only randrange/choice/random are
used, whose sequences Python keeps stable for a given seed).

--change writes, under OUT, the five files of the benchmarked commit: four
existing files each with a new, correct function and one repository with a
new method that leaks its client.  Paths are relative to the repository.
"""
import argparse
import os
import random
import re
import sys

DOMAINS = """order invoice customer product cart payment shipment refund coupon
review tenant user session audit report webhook subscription plan ticket message
inventory warehouse supplier catalog price discount address notification export
import job schedule metric alert team project task comment attachment
""".split()
FIELDS = "id name status email total amount createdAt updatedAt ownerId tenantId note code".split()
VERBS = "load find list count create update remove archive restore sync refresh validate".split()


def write(out, path, text):
    full = os.path.join(out, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as fh:
        fh.write(text)


def cap(s):
    return s[0].upper() + s[1:]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.acquiring = 0
        self.leaking = 0

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def field(self):
        return self.pick(FIELDS)

    # ------------------------------------------------------------ pool code
    def acquire_method(self, d, i, ts, member, leak=None):
        """A function that checks a client out; `leak` forces (True) or forbids (False) a leak."""
        self.acquiring += 1
        if leak is None:
            leak = self.r.random() < 0.125
        if leak:
            self.leaking += 1
        pool = "this.pool" if member else "pool"
        head = (f"  async {VERBS[i % len(VERBS)]}{cap(d)}Tx{i}(id{': string' if ts else ''}, rows{': Row[]' if ts else ''}) {{"
                if member else
                f"async function {VERBS[i % len(VERBS)]}{cap(d)}Tx{i}(id, rows) {{")
        ind = "    " if member else "  "
        body = [head, f"{ind}const client = await {pool}.connect();"]
        shape = self.r.randrange(3)
        if not leak:
            body += [f"{ind}try {{", f"{ind}  await client.query('BEGIN');"]
            if shape == 0:
                body += [f"{ind}  for (const row of rows) {{",
                         f"{ind}    await client.query('UPDATE {d}s SET {self.field()} = $1 WHERE id = $2', [row.value, id]);",
                         f"{ind}  }}"]
            else:
                body += [f"{ind}  const {{ rows: found }} = await client.query('SELECT * FROM {d}s WHERE id = $1 FOR UPDATE', [id]);",
                         f"{ind}  if (found.length === 0) {{", f"{ind}    await client.query('ROLLBACK');",
                         f"{ind}    return null;", f"{ind}  }}"]
            body += [f"{ind}  await client.query('COMMIT');", f"{ind}  return id;",
                     f"{ind}}} catch (err) {{", f"{ind}  await client.query('ROLLBACK');", f"{ind}  throw err;",
                     f"{ind}}} finally {{", f"{ind}  client.release();", f"{ind}}}"]
        elif shape == 0:  # release after a query that may throw
            body += [f"{ind}const res = await client.query('SELECT {self.field()} FROM {d}s WHERE id = $1', [id]);",
                     f"{ind}client.release();", f"{ind}return res.rows;"]
        elif shape == 1:  # an early return skips the release
            body += [f"{ind}try {{",
                     f"{ind}  const res = await client.query('SELECT * FROM {d}s WHERE id = $1', [id]);",
                     f"{ind}  if (res.rows.length === 0) return null;",
                     f"{ind}  client.release();", f"{ind}  return res.rows[0];",
                     f"{ind}}} catch (err) {{", f"{ind}  client.release();", f"{ind}  throw err;", f"{ind}}}"]
        else:  # never released
            body += [f"{ind}await client.query('DELETE FROM {d}s WHERE id = $1', [id]);", f"{ind}return true;"]
        body.append("  }" if member else "}")
        return "\n".join(body)

    # ------------------------------------------------------------ plain code
    def util_function(self, d, i):
        f = self.field()
        k = self.r.randrange(5)
        if k == 0:
            return (f"function format{cap(d)}{cap(f)}{i}(value, fallback = '') {{\n"
                    f"  if (value === null || value === undefined) return fallback;\n"
                    f"  return String(value).trim().slice(0, {self.r.randrange(16, 200)});\n}}")
        if k == 1:
            return (f"const pick{cap(d)}{i} = (items) => items\n"
                    f"  .filter((item) => item.{f} !== undefined)\n"
                    f"  .map((item) => ({{ id: item.id, {f}: item.{f} }}));")
        if k == 2:
            return (f"function group{cap(d)}By{cap(f)}{i}(items) {{\n  const out = new Map();\n"
                    f"  for (const item of items) {{\n    const key = item.{f};\n"
                    f"    if (!out.has(key)) out.set(key, []);\n    out.get(key).push(item);\n  }}\n  return out;\n}}")
        if k == 3:
            return (f"function sum{cap(d)}{i}(rows) {{\n"
                    f"  return rows.reduce((acc, row) => acc + Number(row.{f} || 0), 0);\n}}")
        return (f"async function retry{cap(d)}{i}(fn, attempts = {self.r.randrange(2, 6)}) {{\n"
                f"  let last;\n  for (let n = 0; n < attempts; n++) {{\n    try {{\n      return await fn();\n"
                f"    }} catch (err) {{\n      last = err;\n      await new Promise((r) => setTimeout(r, 2 ** n * 10));\n"
                f"    }}\n  }}\n  throw last;\n}}")

    def route(self, d, i):
        f = self.field()
        verb = self.pick(["get", "post", "put", "delete"])
        if self.r.randrange(2):
            return (f"router.{verb}('/{d}s/:id/{f.lower()}{i}', async (req, res, next) => {{\n"
                    f"  try {{\n    const item = await service.{VERBS[i % len(VERBS)]}{cap(d)}(req.params.id);\n"
                    f"    if (!item) return res.status(404).json({{ error: 'not found' }});\n"
                    f"    res.json({{ {f}: item.{f} }});\n  }} catch (err) {{\n    next(err);\n  }}\n}});")
        return (f"router.{verb}('/{d}s/{i}', (req, res) => {{\n"
                f"  const page = Math.max(1, Number(req.query.page) || 1);\n"
                f"  service.list{cap(d)}s({{ page }}).then((rows) => res.json(rows.map((r) => r.{f})), (err) => res.status(500).send(err.message));\n}});")

    def repo_method(self, d, i):
        f = self.field()
        k = self.r.randrange(3)
        if k == 0:
            return (f"  async find{cap(f)}{i}(id: string): Promise<Row | undefined> {{\n"
                    f"    const {{ rows }} = await this.pool.query<Row>('SELECT * FROM {d}s WHERE id = $1', [id]);\n"
                    f"    return rows[0];\n  }}")
        if k == 1:
            return (f"  async list{cap(f)}{i}(limit = 50): Promise<Row[]> {{\n"
                    f"    const res = await this.pool.query<Row>('SELECT * FROM {d}s ORDER BY {f} LIMIT $1', [limit]);\n"
                    f"    return res.rows.filter((row) => row.{f} !== null);\n  }}")
        return (f"  toRow{i}(input: Record<string, unknown>): Row {{\n"
                f"    return {{ id: String(input.id), {f}: input.{f} ?? null }} as Row;\n  }}")

    def service_method(self, d, i):
        f = self.field()
        if self.r.randrange(2):
            return (f"  async {VERBS[i % len(VERBS)]}{cap(d)}{i}(id: string) {{\n"
                    f"    const row = await this.repo.find{cap(f)}{i}(id);\n"
                    f"    if (!row) throw new NotFoundError('{d}', id);\n"
                    f"    this.events.emit('{d}.{VERBS[i % len(VERBS)]}', {{ id }});\n    return row;\n  }}")
        return (f"  summarize{i}(rows: Row[]): Summary {{\n"
                f"    const total = rows.reduce((acc, r) => acc + Number(r.{f} ?? 0), 0);\n"
                f"    return {{ count: rows.length, total, average: rows.length ? total / rows.length : 0 }};\n  }}")

    # ------------------------------------------------------------ files
    def util_file(self, d, n):
        parts = ["'use strict';", ""]
        names = []
        for i in range(n):
            src = self.util_function(d, i)
            parts += [src, ""]
            names.append(re.match(r"(?:async )?(?:function|const) (\w+)", src).group(1))
        if self.r.random() < 0.02:  # mentions "connect" but acquires nothing
            parts += ["function connectTimeout(config) {",
                      "  return config.connectionTimeoutMillis || 5000;", "}", ""]
            names.append("connectTimeout")
        parts.append("module.exports = { " + ", ".join(names) + " };")
        return "\n".join(parts) + "\n"

    def route_file(self, d, n):
        parts = ["'use strict';", "const express = require('express');",
                 f"const service = require('./{d}.service');", "const { pool } = require('../../db/pool');", "",
                 "const router = express.Router();", ""]
        acquire = self.r.random() < 0.06
        for i in range(n):
            parts += [self.route(d, i), ""]
        if acquire:
            parts += [self.acquire_method(d, n, False, False), ""]
            parts += [f"router.post('/{d}s/batch', async (req, res) => {{",
                      f"  res.json(await {VERBS[n % len(VERBS)]}{cap(d)}Tx{n}(req.body.id, req.body.rows));", "});", ""]
        parts.append("module.exports = router;")
        return "\n".join(parts) + "\n"

    def repo_file(self, d, n):
        parts = ["import { Pool } from 'pg';", "import type { Row } from '../../types';", "",
                 f"export class {cap(d)}Repository {{", "  constructor(private readonly pool: Pool) {}", ""]
        ntx = 0
        if self.r.random() < 0.25:
            ntx = 1 + self.r.randrange(2)
        for i in range(n - ntx):
            parts += [self.repo_method(d, i), ""]
        for t in range(ntx):
            parts += [self.acquire_method(d, n + t, True, True), ""]
        parts.append("}")
        return "\n".join(parts) + "\n"

    def service_file(self, d, n):
        parts = ["import { EventEmitter } from 'node:events';",
                 f"import {{ {cap(d)}Repository }} from './{d}.repository';",
                 "import { NotFoundError } from '../../errors';", "import type { Row, Summary } from '../../types';", "",
                 f"export class {cap(d)}Service {{",
                 f"  constructor(private readonly repo: {cap(d)}Repository, private readonly events: EventEmitter) {{}}", ""]
        for i in range(n):
            parts += [self.service_method(d, i), ""]
        parts.append("}")
        return "\n".join(parts) + "\n"

    def build(self, nfiles):
        """The repository's files: {path: text}."""
        kinds = [("routes", ".js", self.route_file, 8), ("repository", ".ts", self.repo_file, 17),
                 ("service", ".ts", self.service_file, 18), ("utils", ".js", self.util_file, 9),
                 ("validators", ".js", self.util_file, 9)]
        files = {
            "package.json": '{\n  "name": "bench-app",\n  "private": true,\n  "dependencies": { "express": "^4.19.0", "pg": "^8.11.0" }\n}\n',
            "src/db/pool.js": "const { Pool } = require('pg');\n\nconst pool = new Pool({\n"
                              "  connectionString: process.env.DATABASE_URL,\n  max: 10,\n});\n\nmodule.exports = { pool };\n",
            "src/types.ts": "export type Row = { id: string; [k: string]: unknown };\n"
                            "export type Summary = { count: number; total: number; average: number };\n",
            "src/errors.ts": "export class NotFoundError extends Error {\n"
                             "  constructor(kind: string, id: string) {\n    super(`${kind} ${id} not found`);\n  }\n}\n",
        }
        i = 0
        while len(files) < nfiles:
            d = DOMAINS[i % len(DOMAINS)]
            mod = f"src/modules/{d}{i // len(DOMAINS)}"
            for name, ext, make, mean in kinds:
                if len(files) >= nfiles:
                    break
                n = max(2, mean + self.r.randrange(-mean // 2, mean // 2 + 1))
                fname = f"{d}.{name}{ext}" if name in ("repository", "service") else f"{name}{ext}"
                files[f"{mod}/{fname}"] = make(d, n)
            i += 1
        return files

    def write_change(self, out, files):
        """Five files of `files` changed: four with a correct addition, one with a new leak."""
        paths = sorted(p for p in files if p.startswith("src/modules/"))
        repos = [p for p in paths if p.endswith(".repository.ts")]
        utils = [p for p in paths if p.endswith("/utils.js")]
        services = [p for p in paths if p.endswith(".service.ts")]
        leaky = self.pick(repos)
        chosen = [(leaky, "leak"), (self.pick(repos), "tx"), (self.pick(services), "svc"),
                  (self.pick(utils), "util"), (self.pick(utils), "util")]
        for path, what in chosen:
            text = files[path]
            d = path.split("/")[2].rstrip("0123456789")
            if what in ("leak", "tx"):
                add = self.acquire_method(d, 900, True, True, leak=(what == "leak"))
                text = text[:text.rstrip().rfind("}")] + "\n" + add + "\n}\n"
            elif what == "svc":
                add = self.service_method(d, 900)
                text = text[:text.rstrip().rfind("}")] + "\n" + add + "\n}\n"
            else:
                text = text.replace("module.exports", self.util_function(d, 900) + "\n\nmodule.exports", 1)
            write(out, path, text)
            print(path)


def main():
    ap = argparse.ArgumentParser(description="the benchmark's generated repository")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--change", action="store_true", help="write the hook benchmark's 5 changed files")
    ap.add_argument("out")
    a = ap.parse_args()
    g = Gen(a.seed)
    files = g.build(a.files)
    if a.change:  # the same generation, then the change from the same random stream
        g.write_change(a.out, files)
        return
    for path, text in files.items():
        write(a.out, path, text)
    sys.stderr.write(f"gen.py: {len(files)} files, {g.acquiring} functions acquiring a client, {g.leaking} leaking\n")

if __name__ == "__main__":
    main()
