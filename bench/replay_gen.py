#!/usr/bin/env python3
"""replay_gen.py - the real-history replay's repository and commit stream.

    replay_gen.py --entries N --seed S init OUT     the repository's files
    replay_gen.py --entries N --seed S commit K OUT  applies commit K of the stream

A TypeScript monorepo of the shape the issue measured (packages/*/src with
folders 3-7 deep, tests, JSON and Markdown beside the sources, about 1 % of
the sources using a pg Pool), so that the index has N entries.  The stream
is what real history looks like: 1-20 files a commit (most 1-4), nine in
ten touching no pg code; a commit that edits a pg file adds a correct
function (try/finally), so that the hook allows every commit.

Deterministic from the seed: the files of commit K depend only on (seed, K)
and on the repository's file list, which depends only on (seed, N).
"""
import os
import random
import sys

WORDS = "core api auth billing ui model store util shared hooks server client cli db jobs mail search".split()


def layout(entries, seed):
    r = random.Random(seed)
    files = []
    npk = max(4, entries // 350)
    while len(files) < entries:
        pkg = "packages/%s-%d" % (r.choice(WORDS), r.randrange(npk))
        depth = r.randrange(3, 8)
        folder = "/".join([pkg, "src"] + [r.choice(WORDS) + str(r.randrange(6)) for _ in range(depth - 2)])
        kind = r.random()
        name = r.choice(WORDS) + str(r.randrange(1000))
        if kind < 0.72:
            files.append("%s/%s.ts" % (folder, name))
        elif kind < 0.80:
            files.append("%s/%s.test.ts" % (folder, name))
        elif kind < 0.86:
            files.append("%s/%s.tsx" % (folder, name))
        elif kind < 0.93:
            files.append("%s/%s.json" % (folder, name))
        else:
            files.append("%s/%s.md" % (folder, name))
    files = sorted(set(files))
    pg = set(f for f in files if f.endswith(".ts") and random.Random(f + str(seed)).random() < 0.01)
    return files, pg


def plain(r, n):
    out = []
    for i in range(n):
        out.append("export function f%d_%d(x: number): number {\n  const y = x * %d;\n  return [y].map((z) => z + 1)[0];\n}\n"
                   % (i, r.randrange(10**6), r.randrange(100)))
    return "import { helper } from './helper';\n\n" + "\n".join(out)


def pgfile(r, n):
    out = ["import { Pool } from 'pg';\n\nconst pool = new Pool();\n"]
    for i in range(n):
        out.append("export async function q%d_%d(id: string) {\n  const client = await pool.connect();\n  try {\n"
                   "    return await client.query('SELECT $1', [id]);\n  } finally {\n    client.release();\n  }\n}\n"
                   % (i, r.randrange(10**6)))
    return "\n".join(out)


def text_of(path, r, is_pg):
    if path.endswith(".json"):
        return '{ "name": "%s", "v": %d }\n' % (os.path.basename(path), r.randrange(1000))
    if path.endswith(".md"):
        return "# %s\n\nNotes %d.\n" % (path, r.randrange(1000))
    return pgfile(r, r.randrange(2, 8)) if is_pg else plain(r, r.randrange(3, 25))


def main():
    a = sys.argv[1:]
    entries, seed = int(a[a.index("--entries") + 1]), int(a[a.index("--seed") + 1])
    files, pg = layout(entries, seed)
    if "init" in a:
        out = a[a.index("init") + 1]
        for f in files:
            p = os.path.join(out, f)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as fh:
                fh.write(text_of(f, random.Random(f), f in pg))
        return
    k = int(a[a.index("commit") + 1])
    out = a[a.index("commit") + 2]
    r = random.Random("%d/%d" % (seed, k))
    n = r.choice([1, 1, 1, 2, 2, 3, 4, 4, 6, 9, 14, 20])
    srcs = [f for f in files if f.endswith((".ts", ".tsx")) and f not in pg]
    picked = [r.choice(srcs) for _ in range(n)]
    if r.random() < 0.1:
        picked[0] = r.choice(sorted(pg))
    for f in picked:
        p = os.path.join(out, f)
        with open(p, "a") as fh:
            fh.write("\n" + (pgfile(r, 1).split("\n", 3)[3] if f in pg else plain(r, 1).split("\n", 2)[2]))
    print(len(set(picked)))


main()
