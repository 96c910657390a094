#!/usr/bin/env python3
"""bench/lsp.py [BIN] [--callgrind] - `make bench`: the language server's answer time.

Starts `BIN lsp` (default build/pgleak-hook), opens a generated 2,000-line
JavaScript file (100 functions of 20 lines, every fifth leaking its client)
and measures, N times (BENCH_RUNS, default 20), the wall time from sending a
full-text didChange to receiving its publishDiagnostics: the cold first
analysis and the edited re-analyses (one line changed each time, so the
cache serves the other functions).  Prints the median, p90 and worst, in ms.

The machine is shared, so wall times move with its load; --callgrind
counts instead the instructions one edit costs (valgrind needed): the same
stream of messages is served twice under callgrind, with the open alone and
with 10 edits, after a run that warmed the cache with other edits; the
difference divided by 10 is the cost of an edit, independent of the load.
"""
import json, os, statistics, subprocess, sys, tempfile, time

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
BIN = ARGS[0] if ARGS else "build/pgleak-hook"
RUNS = int(os.environ.get("BENCH_RUNS", "20"))


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
    edits = sorted(times[1:])
    p90 = edits[min(len(edits) - 1, int(round(0.9 * (len(edits) - 1))))]
    print("lsp: %d-line file, %d diagnostics: open (cold) %.1f ms; edit median %.1f ms, p90 %.1f ms, "
          "worst %.1f ms (%d edits, load average %.1f)"
          % (lines, n, times[0], statistics.median(edits), p90, max(edits), len(edits), os.getloadavg()[0]))


def stream(path, edits, offset):
    """The framed messages of a session: open, `edits` full-text changes, shutdown, exit."""
    uri = "file://" + path
    msgs = [{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen",
             "params": {"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": source(0)}}}]
    for k in range(1, edits + 1):
        msgs.append({"jsonrpc": "2.0", "method": "textDocument/didChange",
                     "params": {"textDocument": {"uri": uri, "version": k + 1},
                                "contentChanges": [{"text": source(k + offset)}]}})
    msgs += [{"jsonrpc": "2.0", "id": 2, "method": "shutdown"}, {"jsonrpc": "2.0", "method": "exit"}]
    out = b""
    for m in msgs:
        body = json.dumps(m).encode()
        out += b"Content-Length: %d\r\n\r\n" % len(body) + body
    return out


def callgrind():
    work = tempfile.mkdtemp(prefix="pgleak-bench-lsp-cg-")
    env = dict(os.environ, PGLEAK_CACHE_DIR=os.path.join(work, "cache"))
    path = os.path.join(work, "big.js")
    subprocess.run([BIN, "lsp"], input=stream(path, 10, 1000), stdout=subprocess.DEVNULL, env=env, check=True)
    counts = {}
    for edits in (0, 10):
        r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + os.path.join(work, "cg.%d" % edits),
                            BIN, "lsp"], input=stream(path, edits, 0), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env)
        line = [l for l in r.stderr.decode().splitlines() if "Collected :" in l]
        if not line:
            raise SystemExit("lsp --callgrind: no count from valgrind: " + r.stderr.decode()[-500:])
        counts[edits] = int(line[-1].split(":")[-1])
    print("lsp: callgrind: %d instructions per edit of the %d-line file (open alone %d, open and 10 edits %d; "
          "profiles in %s)" % ((counts[10] - counts[0]) // 10, source(0).count("\n"), counts[0], counts[10], work))


if "--callgrind" in sys.argv[1:]:
    callgrind()
else:
    main()
