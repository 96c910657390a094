#!/usr/bin/env python3
"""bench/lsp.py [BIN] - `make bench`: the language server's answer time.

Starts `BIN lsp` (default build/pgleak-hook), opens a generated 2,000-line
JavaScript file (100 functions of 20 lines, every fifth leaking its client)
and measures, N times (BENCH_RUNS, default 5), the wall time from sending a
full-text didChange to receiving its publishDiagnostics: the cold first
analysis and the edited re-analyses (one line changed each time, so the
cache serves the other functions).  Prints the median and the worst, in ms.
"""
import json, os, statistics, subprocess, sys, tempfile, time

BIN = sys.argv[1] if len(sys.argv) > 1 else "build/pgleak-hook"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def source(edit):
    out = ["const { Pool } = require('pg');", "const pool = new Pool();", "// edit %d" % edit]
    for i in range(100):
        leak = i % 5 == 0
        out.append("async function f%d(id) {" % i)
        out.append("  const client = await pool.connect();")
        if not leak:
            out.append("  try {")
        for j in range(20 - (5 if not leak else 3)):
            out.append("    const r%d = await client.query('SELECT %d WHERE $1', [id]);" % (j, j))
        if not leak:
            out.append("  } finally {")
            out.append("    client.release();")
            out.append("  }")
        out.append("}")
    return "\n".join(out) + "\n"


def send(p, msg):
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()


def receive(p):
    length = None
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("lsp: the server closed its output")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(p.stdout.read(length))


def main():
    cache = tempfile.mkdtemp(prefix="pgleak-bench-lsp-")
    env = dict(os.environ, PGLEAK_CACHE_DIR=cache)
    path = os.path.join(cache, "big.js")
    uri = "file://" + path
    p = subprocess.Popen([BIN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    send(p, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    receive(p)
    send(p, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    lines = source(0).count("\n")
    times = []
    for k in range(RUNS + 1):
        text = source(k)
        t0 = time.perf_counter()
        if k == 0:
            send(p, {"jsonrpc": "2.0", "method": "textDocument/didOpen",
                     "params": {"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": text}}})
        else:
            send(p, {"jsonrpc": "2.0", "method": "textDocument/didChange",
                     "params": {"textDocument": {"uri": uri, "version": k + 1}, "contentChanges": [{"text": text}]}})
        while True:
            m = receive(p)
            if m.get("method") == "textDocument/publishDiagnostics":
                break
        times.append((time.perf_counter() - t0) * 1000)
        n = len(m["params"]["diagnostics"])
    send(p, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    receive(p)
    send(p, {"jsonrpc": "2.0", "method": "exit"})
    p.wait()
    edits = times[1:]
    print("lsp: %d-line file, %d diagnostics: open (cold) %.1f ms; edit median %.1f ms, worst %.1f ms (%d edits)"
          % (lines, n, times[0], statistics.median(edits), max(edits), len(edits)))


main()
