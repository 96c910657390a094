#!/usr/bin/env bash
# tests/fuzz/seeds.sh OUT - writes each harness's seed inputs into OUT/<harness>/.
#
# The analysis harnesses (js ts tsx cached) start from the project's own
# analysis cases (tests/cases) and, when it is there, the shared corpus's
# cases (every file, folders included: the fuzzer learns imports from
# them); the hunk
# harness from the same files behind a header of line ranges (its format
# is at the top of fuzz_hunks.c); the configuration harness from small
# configurations, valid and not; the cache harness from one input per mode
# (fuzz_cache.c).  The committed regression inputs (regress/<harness>/)
# are seeds too, so the fuzzer starts where earlier findings were.
set -eu
out=${1:?usage: seeds.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${PGLEAK_CORPUS:-$here/../../../shared/corpus}/cases
dirs=$here/../cases
if [ -d "$corpus" ]; then
	dirs="$dirs:$corpus"
else
	echo "seeds.sh: no corpus at $corpus (set PGLEAK_CORPUS): seeding from tests/cases alone" >&2
fi
mkdir -p "$out"/{js,ts,tsx,config,cache,hunks,cached,lsp}

python3 - "$dirs" "$out" <<'PY'
import hashlib, json, os, struct, sys

dirs, out = sys.argv[1].split(":"), sys.argv[2]

def put(harness, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, harness, name), "wb") as f:
        f.write(data)

files = []
for cases in dirs:
    for root, _, names in os.walk(cases):
        for n in sorted(names):
            if n.rsplit(".", 1)[-1] in ("js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"):
                files.append(os.path.join(root, n))
files.sort()
for p in files:
    data = open(p, "rb").read()
    ext = p.rsplit(".", 1)[-1]
    put("js", data)
    put("cached", data)
    put("ts", data)
    if ext in ("tsx", "jsx", "ts"):
        put("tsx", data)
    # hunks: language in bits 0-1 (js ts tsx jsx), "new file" in bit 2, range count in bits 3-7
    lang = {"ts": 1, "tsx": 2, "jsx": 3}.get(ext, 0)
    nlines = data.count(b"\n") + 1
    ranges = [(1, 2, 0), (nlines // 2, nlines // 2 + 3, 0), (nlines // 3, nlines // 3, 1)]
    hdr = bytes([lang | len(ranges) << 3]) + b"".join(struct.pack("<IIB", a, b, d) for a, b, d in ranges)
    put("hunks", hdr + data)
    put("hunks", bytes([lang | 4]) + data)

configs = [
    b'{}',
    b'{ "pools": ["db", "this.pg"], "acquire": ["connect", "checkout"], "release": ["release"] }',
    b'{ "releaseHelpers": ["returnClient"], "ignore": ["dist", "legacy/old.js", "**/*.min.js"] }',
    b'{ "maxFileBytes": 2097152 }',
    b'{ "ignore": ["a/**/b/*.js", "*.?s", "**", "x/**/", "/root.js"] }',
    b'\xef\xbb\xbf{ "pools": ["\\u00e9\\ud83d\\ude00"] }',
    b'{ "pool": ["typo"] }',
    b'{ "maxFileBytes": -1 }',
    b'{ "maxFileBytes": 1e400 }',
    b'[[[[[[[[[[1]]]]]]]]]]',
    b'{ "acquire": "connect" }',
    b'{ "pools": ["a",], }',
    b'{ "pools": ["a"], "pools": ["b"] }',
    b'"\\ud800"',
    b'{"a":{"b":{"c":[true,false,null,0.5e-3,-0,"x"]}}}',
]
for c in configs:
    put("config", c)

# cache: mode 0 (a value to decode), 1 (raw files), 2 (checksummed files); see fuzz_cache.c
put("cache", b"\x00" + b"\x00" * 16)
put("cache", b"\x00\x01\x00\x00\x00\x02\x00\x00\x00" + b"src/a.js\x00" * 4)
put("cache", b"\x01" + struct.pack("<H", 64) + b"PGLKSEG1" + b"\x00" * 56 + b"PGLKLOG1" + b"\x00" * 24)
for mode in (2, 2 | 0x40, 2 | 0x80 | 0x40):
    body = struct.pack("<QIII", 7, 1, 3, 4) + bytes([3])
    for i in range(3):
        body += struct.pack("<QQII", i, 1000 + i, 5, 24) + bytes(range(24))
    body += b"\x00" * 8 * 16 * 2 + bytes([2]) + struct.pack("<QQII", 9, 9, 1, 8) + b"abcdefgh"
    put("cache", bytes([mode]) + body)
# lsp: a session (initialize, a leaking buffer opened then changed, shutdown, exit), framed
def frame(body):
    return b"Content-Length: %d\r\n\r\n" % len(body) + body
leak = json.dumps("const { Pool } = require('pg');\nconst pool = new Pool();\nasync function f(){\n  const c = await pool.connect();\n  await c.query('x');\n}\n").encode()
session = (frame(b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}')
           + frame(b'{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///nonexistent/a.js","text":' + leak + b'}}}')
           + frame(b'{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///nonexistent/a.js"},"contentChanges":[{"text":"x"}]}}')
           + frame(b'{"jsonrpc":"2.0","id":"s","method":"shutdown"}') + frame(b'{"jsonrpc":"2.0","method":"exit"}'))
put("lsp", session)
put("lsp", frame(b'{"jsonrpc":"2.0","id":2,"method":"nope"}') + frame(b'{'))
# a buffer check --fix can rewrite, then a code action on its line (fix.c through the server)
fixable = json.dumps("const { Pool } = require('pg');\nconst pool = new Pool();\nasync function f(){\n  const c = await pool.connect();\n  await c.query('x');\n  c.release();\n}\n").encode()
put("lsp", frame(b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}')
           + frame(b'{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///nonexistent/b.js","text":' + fixable + b'}}}')
           + frame(b'{"jsonrpc":"2.0","id":3,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///nonexistent/b.js"},"range":{"start":{"line":3,"character":0},"end":{"line":3,"character":0}},"context":{"diagnostics":[]}}}')
           + frame(b'{"jsonrpc":"2.0","id":"s","method":"shutdown"}') + frame(b'{"jsonrpc":"2.0","method":"exit"}'))
PY

for h in js ts tsx config cache hunks cached lsp; do
	if [ -d "$here/regress/$h" ]; then
		cp "$here/regress/$h"/* "$out/$h/" 2>/dev/null || true
	fi
done
