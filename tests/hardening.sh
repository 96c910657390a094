#!/usr/bin/env bash
# tests/hardening.sh - the real binary on issue 6's hostile inputs, each
# within a time limit: a 50 MB file (skipped under the default ceiling,
# analysed when .pgleak.json raises it, skipped in a commit), 10,000-deep
# nesting of every construct the analysis walks (inside a function that
# checks a client out, so the control-flow builder sees it), a function of
# 100,000 statements, one of 2,000 checkouts, a file of one 5 MB line, invalid UTF-8 and NUL bytes
# inside code, and the fuzzers' regression inputs (tests/fuzz/regress/).
# tests/hostile.sh covers the smaller cases of issue 2 (nesting outside an
# acquiring function, 20 MB, bytes in comments and strings); nothing here
# repeats them.
#
# How it works: a Python generator (gen, below) writes each input and the
# findings it must produce ("line column kind" rows), counted while
# writing, so no result is hard-coded.  Every input also holds ordinary
# leaking functions before and after the hostile part: the checker must not
# only survive but still find them.  The deep function releases in a
# `finally`, so it may be analysed (no finding) or refused with a notice
# that names it and says why; a finding in it is a false alarm.
#
# Limits (seconds, for a build without sanitizers; multiplied by 5 when the
# binary is built with AddressSanitizer): 10 for the deep nesting and the
# byte tests (each file is under 300 KB), 30 for 100,000 statements and the
# 5 MB line, 20 to skip and 120 to analyse 50 MB (HARDENING_TIME_SCALE
# overrides the multiplier; measured here, the ASan build took 1.5 to 3
# times as long: 53 s for 50 MB, 14 s for the 5 MB line).  The time each test took
# is printed on stderr and, when HARDENING_TIMES names a file, appended to
# it ("test seconds" rows) for bench notes.
source "$(dirname "$0")/lib.sh"

# Sanitizers exit 1 by default, which would pass for "findings".
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

SCALE=1
if grep -qa __asan_init "$PGLEAK_BIN" 2>/dev/null; then
	SCALE=5
fi
SCALE=${HARDENING_TIME_SCALE:-$SCALE}

# gen KIND FILE: writes FILE and FILE.expected.
gen() {
	python3 - "$@" <<'PY'
import sys

kind, path = sys.argv[1], sys.argv[2]
N = 10000
lines = []     # bytes, without line ends
expected = []  # (line, column, kind)

def add(*ls):
    lines.extend(l if isinstance(l, bytes) else l.encode() for l in ls)

def header():
    add("import { Pool } from 'pg';", "", "const pool = new Pool({ max: 5 });", "")

def connect_at(kind):
    expected.append((len(lines), lines[-1].index(b"connect") + 1, kind))

def leak(name):
    """Corpus case 002's shape: query, return, never released."""
    add("export async function %s(month) {" % name, "  const client = await pool.connect();")
    connect_at("never-released")
    add("  const { rows } = await client.query('SELECT region FROM invoices WHERE month = $1', [month]);",
        "  return rows;", "}", "")

def deep(body):
    """The hostile part inside a function that checks out and releases in finally."""
    add("export async function deep(x, a, b) {", "  const client = await pool.connect();", "  try {")
    add(*body)
    add("  } finally {", "    client.release();", "  }", "}", "")

def transfer(i, leaking):
    add("export async function transferStock%d(sku, from, to, qty) {" % i, "  const client = await pool.connect();")
    if leaking:
        connect_at("release-not-guaranteed")
    add("  try {", "    await client.query('BEGIN');",
        "    await client.query('UPDATE stock SET qty = qty - $1 WHERE sku = $2 AND warehouse_id = $3', [qty, sku, from]);",
        "    await client.query('UPDATE stock SET qty = qty + $1 WHERE sku = $2 AND warehouse_id = $3', [qty, sku, to]);",
        "    await client.query('COMMIT');", "  } catch (err) {", "    await client.query('ROLLBACK');", "    throw err;")
    if leaking:
        add("  }", "  client.release();")
    else:
        add("  } finally {", "    client.release();", "  }")
    add("}", "")

deep_kinds = {
    "arrays":    lambda: ["    const v = " + "[" * N + "await client.query('x')" + "]" * N + ";"],
    "objects":   lambda: ["    const v = " + "{ a: " * N + "await client.query('x')" + " }" * N + ";"],
    "else-if":   lambda: ["    if (x === 0) { await client.query('q0'); }" +
                          "".join(" else if (x === %d) { await client.query('q%d'); }" % (i, i) for i in range(1, N)) +
                          " else { await client.query('none'); }"],
    "binops":    lambda: ["    const v = " + " + ".join("a%d" % (i % 10) for i in range(N)) + ";",
                          "    const w = " + " && ".join("(await client.query('q%d'))" % i for i in range(N)) + ";"],
    "calls":     lambda: ["    const v = client" + "".join(".m%d()" % (i % 10) for i in range(N)) + ";"],
    "members":   lambda: ["    const v = a" + "".join(".p%d" % (i % 10) for i in range(N)) + ";"],
    "blocks":    lambda: ["    " + "{ " * N + "await client.query('x');" + " }" * N],
    "parens":    lambda: ["    const v = " + "(" * N + "await client.query('x')" + ")" * N + ";"],
    "ifs":       lambda: ["    " + "if (a) " * N + "await client.query('x');"],
    "loops":     lambda: ["    " + "while (a) " * N + "await client.query('x');"],
    "try":       lambda: ["    " + "try { " * N + "await client.query('x');" + " } finally { b(); }" * N],
    "ternaries": lambda: ["    const v = " + "".join("a%d ? %d : " % (i % 10, i) for i in range(N)) + "0;"],
    "arrows":    lambda: ["    const f = " + "() => " * N + "client.query('x');", "    await f();"],
    "functions": lambda: ["    const f = " + "function () { return " * N + "1" + "; }" * N + ";"],
    "awaits":    lambda: ["    const v = " + "await " * N + "client.query('x');"],
    # many checkouts in one function, each released in its own finally
    "acquisitions": lambda: [l for i in range(2000) for l in
                             ("    const c%d = await pool.connect();" % i,
                              "    try { await c%d.query('x'); } finally { c%d.release(); }" % (i, i))],
    "loop-acquisitions": lambda: ["    for (const x%d of a) { const c = await pool.connect(); "
                                  "try { if (x%d) continue; if (b) break; await c.query('x'); } finally { c.release(); } }"
                                  % (i, i) for i in range(2000)],
}

if kind in deep_kinds:
    header(); leak("before"); deep(deep_kinds[kind]()); leak("after")
elif kind == "statements":
    header(); leak("before")
    add("export async function longBatch(rows) {", "  const client = await pool.connect();")
    connect_at("release-not-guaranteed")   # the first query may throw before the release
    for i in range(100000):
        add("  await client.query('UPDATE t SET v = $1 WHERE id = %d', [rows[%d]]);" % (i, i % 97))
    add("  client.release();", "}", "")
    add("export async function longSafeBatch(rows) {", "  const client = await pool.connect();", "  try {")
    for i in range(100000):
        add("    rows[%d] = await client.query('SELECT %d');" % (i % 97, i))
    add("  } finally {", "    client.release();", "  }", "}", "")
    leak("after")
elif kind == "one-line":
    # A minified bundle: everything on line 1; three leaking functions spread over 5 MB.
    safe = "async function s%d(m){const c=await pool.connect();try{await c.query('SELECT 1',[m]);}finally{c.release();}}"
    bad = "async function l%d(m){const c=await pool.connect();const r=await c.query('SELECT 2',[m]);return r.rows;}"
    out = "import{Pool}from'pg';const pool=new Pool();"
    parts, size, i = [out], len(out), 0
    marks = (0, 2 * 1024 * 1024, 5 * 1024 * 1024 - 200)
    placed = 0
    while size < 5 * 1024 * 1024:
        if placed < 3 and size >= marks[placed]:
            s = bad % i
            expected.append((1, size + s.index("connect") + 1, "never-released"))
            placed += 1
        else:
            s = safe % i
        parts.append(s); size += len(s); i += 1
    lines = ["".join(parts).encode()]
elif kind == "big50":
    add("import { Pool } from 'pg';", "const pool = new Pool();", "")
    size, i, placed = 0, 0, False
    while size < 50 * 1024 * 1024:
        n = len(lines)
        leaking = not placed and size > 40 * 1024 * 1024
        placed = placed or leaking
        transfer(i, leaking)
        size += sum(len(l) + 1 for l in lines[n:])
        i += 1
elif kind == "utf8-code":
    # Invalid UTF-8 where the lexer meets it: identifiers, a regex, a template, JSX text,
    # property names; each function still checks out on a line of its own.
    header(); leak("before")
    add(b"export async function caf\xe9\xff(m) {", b"  const client = await pool.connect();",
        b"  const re = /\xc3\x28+\xed\xa0\x80/u;", b"  return `\xf0\x28\x8c\x28 ${m}` + re.source;", b"}", b"")
    add(b"const table = { ['\xc0\xaf']: 1, k\xfe: async () => {", b"  const c = await pool.connect();",
        b"  await c.query('\xff');", b"} };", b"")
    add(b"export const View = () => <div title=\"\xc3\x28\">\xff\xfe</div>;", b"")
    leak("after")
elif kind == "nul-code":
    header(); leak("before")
    add(b"export async function n\x00ul(m) {", b"  const client = await pool.connect();",
        b"  return client.query(`\x00${m}\x00`, [/\x00/]);", b"}", b"")
    add(b"const o = { \"k\x00ey\": async () => {", b"  const c = await pool.connect();", b"  await c.query('x');",
        b"}, \x00: 1 };", b"")
    leak("after")
else:
    sys.exit("gen: unknown kind " + kind)

with open(path, "wb") as f:
    f.write(b"\n".join(lines) + b"\n")
with open(path + ".expected", "w") as f:
    for row in expected:
        f.write("%d %d %s\n" % row)
PY
}

# timed LIMIT NAME CMD...: runs CMD under `timeout LIMIT*SCALE`, stdout to out.txt,
# stderr to err.txt; sets RC; fails on a hang, a signal or a sanitizer report.
timed() {
	local limit=$(($1 * SCALE)) name=$2 t0 t1 secs
	shift 2
	t0=$(date +%s.%N)
	timeout "$limit" "$@" >out.txt 2>err.txt
	RC=$?
	t1=$(date +%s.%N)
	secs=$(python3 -c "print('%.2f' % ($t1 - $t0))")
	echo "time $name: $secs s (limit $limit s, exit $RC)" >&2
	if [ -n "${HARDENING_TIMES:-}" ]; then
		echo "$name $secs $RC" >>"$HARDENING_TIMES"
	fi
	assert_sound_exit "$RC" err.txt "$name: $*" "$limit"
}

# check_json FILE: out.txt must be cli.md's JSON (valid UTF-8) with exactly
# FILE.expected's findings, RC 1 when any is expected and 0 otherwise; a
# notice that a function was not analysed must name it and say why.
check_json() {
	python3 - "$1" "$RC" out.txt err.txt <<'PY'
import json, os, re, sys

path, rc, out, err = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
stderr = open(err, errors="replace").read()
want = set()
for row in open(path + ".expected"):
    line, col, kind = row.split()
    want.add((int(line), int(col), kind))
problems = []
try:
    doc = json.loads(open(out, "rb").read().decode("utf-8"))
except ValueError as e:
    print("  stdout is not valid UTF-8 JSON (%s): %r" % (e, open(out, "rb").read()[:300]))
    print("  stderr: " + stderr[-1500:])
    sys.exit(1)
if not isinstance(doc, dict) or doc.get("version") != 1 or not isinstance(doc.get("findings"), list):
    print("  JSON is not cli.md's shape: %r" % (str(doc)[:300],))
    sys.exit(1)
got = set()
for f in doc["findings"]:
    try:
        if os.path.normpath(f["path"]) != os.path.normpath(path):
            problems.append("finding for another path: %r" % f)
        if f["function"] == "deep":
            problems.append("false alarm in the deep function (it releases in finally): %r" % f)
        got.add((f["line"], f["column"], f["kind"]))
    except (KeyError, TypeError) as e:
        problems.append("finding lacks %s: %r" % (e, f))
for m in sorted(want - got):
    problems.append("missed (line, column, kind) %r" % (m,))
for x in sorted(got - want):
    problems.append("unexpected (line, column, kind) %r" % (x,))
if rc != (1 if want else 0):
    problems.append("exit %d, expected %d" % (rc, 1 if want else 0))
for l in stderr.splitlines():
    if "not analysed" in l and not re.search(r":\d+: \S+: not analysed: \S", l):
        problems.append("a notice that does not say which function and why: %r" % l)
if problems:
    for p in problems[:20]:
        print("  " + p)
    print("  stderr: " + stderr[-1500:])
    sys.exit(1)
PY
}

# hardened LIMIT KIND FILE: generate, check with the JSON format, compare.
hardened() {
	gen "$2" "$3" || return 1
	timed "$1" "$2" "$PGLEAK_BIN" check --format json "$3" || return 1
	check_json "$3"
}

raise_ceiling() { # BYTES
	git init -q . || return 1
	printf '{ "maxFileBytes": %d }\n' "$1" >.pgleak.json
}

# --- a 50 MB file ----------------------------------------------------------

test_50mb_file_skipped_under_default_ceiling() {
	gen big50 big.mjs || return 1
	[ "$(wc -c <big.mjs)" -ge $((50 * 1024 * 1024)) ] || fail "generated file is under 50 MB" || return 1
	timed 20 50mb-skipped "$PGLEAK_BIN" check --format json big.mjs || return 1
	: >none.expected
	cp none.expected big.mjs.expected # skipped: no finding, exit 0
	check_json big.mjs || return 1
	assert_contains "$(cat err.txt)" "big.mjs: skipped" || return 1
	assert_contains "$(cat err.txt)" "maxFileBytes"
}

test_50mb_file_analysed_when_ceiling_raised() {
	raise_ceiling $((64 * 1024 * 1024)) || return 1
	gen big50 big.mjs || return 1
	[ "$(wc -l <big.mjs.expected)" -eq 1 ] || fail "generator placed no leak" || return 1
	timed 120 50mb-analysed "$PGLEAK_BIN" check --format json big.mjs || return 1
	check_json big.mjs
}

test_50mb_file_in_a_commit_is_skipped_with_notice() {
	git init -q repo && cd repo || return 1
	git commit -q --allow-empty -m init || return 1
	gen big50 bundle.js || return 1
	rm bundle.js.expected
	git add bundle.js || return 1
	timed 30 50mb-run "$PGLEAK_BIN" run || return 1
	[ "$RC" -eq 0 ] || fail "run: exit $RC on a skipped file: $(tail -c 1000 err.txt)" || return 1
	assert_contains "$(cat err.txt)" "bundle.js: skipped"
}

# --- 10,000-deep nesting inside an acquiring function ------------------------

test_deep_arrays() { hardened 10 arrays deep.js; }
test_deep_objects() { hardened 10 objects deep.js; }
test_deep_else_if_chain() { hardened 10 else-if deep.js; }
test_deep_binary_operator_chains() { hardened 10 binops deep.js; }
test_deep_call_chain() { hardened 10 calls deep.js; }
test_deep_member_chain() { hardened 10 members deep.js; }
test_deep_blocks_in_acquiring_function() { hardened 10 blocks deep.js; }
test_deep_parentheses_in_acquiring_function() { hardened 10 parens deep.js; }
test_deep_nested_ifs() { hardened 10 ifs deep.js; }
test_deep_nested_loops() { hardened 10 loops deep.js; }
test_deep_try_finally() { hardened 10 try deep.js; }
test_deep_ternaries() { hardened 10 ternaries deep.ts; }
test_deep_arrow_functions() { hardened 10 arrows deep.ts; }
test_deep_function_expressions() { hardened 10 functions deep.js; }
test_deep_awaits() { hardened 10 awaits deep.mjs; }

# One adversarial function must not stall a commit: 2,000 checkouts (each
# released in a finally) in one function, in sequence and in 2,000 loops.
test_function_of_2000_acquisitions() { hardened 10 acquisitions many.js; }
test_function_of_2000_loops_with_acquisitions() { hardened 10 loop-acquisitions many.js; }

# A commit asks for every function of a file (to map hunks), even without a checkout in it.
test_deep_arrow_functions_in_a_commit() {
	git init -q repo && cd repo || return 1
	git commit -q --allow-empty -m init || return 1
	python3 -c "print('export const f = ' + '() => ' * 10000 + '1;')" >arrows.js
	git add arrows.js || return 1
	timed 10 deep-arrows-run "$PGLEAK_BIN" run || return 1
	[ "$RC" -eq 0 ] || fail "run: exit $RC on a file without a checkout: $(tail -c 1000 err.txt)"
}

# --- long functions and lines ------------------------------------------------

test_function_of_100000_statements() {
	raise_ceiling $((32 * 1024 * 1024)) || return 1
	hardened 30 statements long.js
}

test_one_5mb_line_skipped_under_default_ceiling() {
	gen one-line bundle.min.js || return 1
	[ "$(wc -l <bundle.min.js)" -eq 1 ] || fail "more than one line" || return 1
	timed 10 5mb-line-skipped "$PGLEAK_BIN" check --format json bundle.min.js || return 1
	: >bundle.min.js.expected
	check_json bundle.min.js || return 1
	assert_contains "$(cat err.txt)" "bundle.min.js: skipped"
}

test_one_5mb_line_analysed_when_ceiling_raised() {
	raise_ceiling $((8 * 1024 * 1024)) || return 1
	gen one-line bundle.min.js || return 1
	[ "$(wc -l <bundle.min.js.expected)" -eq 3 ] || fail "generator placed $(wc -l <bundle.min.js.expected) leaks" || return 1
	timed 30 5mb-line "$PGLEAK_BIN" check --format json bundle.min.js || return 1
	check_json bundle.min.js
}

# --- bytes that are not UTF-8 text, inside code ----------------------------

# The file's own functions must still be found; the JSON and SARIF must be
# valid UTF-8 JSON whatever bytes the names hold; the text format must end
# with the same exit code.
bytes_in_code() { # KIND FILE
	gen "$1" "$2" || return 1
	# expected: the two clean leaks; the damaged functions may or may not be recovered
	timed 10 "$1" "$PGLEAK_BIN" check --format json "$2" || return 1
	python3 - "$2" <<'PY' || return 1
import json, sys
path = sys.argv[1]
doc = json.loads(open("out.txt", "rb").read().decode("utf-8"))
want = set(tuple(r.split()) for r in open(path + ".expected"))
got = set((str(f["line"]), str(f["column"]), f["kind"]) for f in doc["findings"])
missing = want - got
if missing:
    print("  missed %r; got %r" % (sorted(missing), sorted(got)))
    sys.exit(1)
PY
	[ "$RC" -eq 1 ] || fail "json: exit $RC, expected 1" || return 1
	timed 10 "$1-sarif" "$PGLEAK_BIN" check --format sarif "$2" || return 1
	[ "$RC" -eq 1 ] || fail "sarif: exit $RC" || return 1
	python3 -c "import json; json.loads(open('out.txt','rb').read().decode('utf-8'))" ||
		fail "SARIF is not valid UTF-8 JSON" || return 1
	timed 10 "$1-text" "$PGLEAK_BIN" check "$2" || return 1
	[ "$RC" -eq 1 ] || fail "text: exit $RC" || return 1
	assert_contains "$(tr -d '\000' <out.txt)" "never-released"
}

test_invalid_utf8_in_code() { bytes_in_code utf8-code bytes.jsx; }
test_nul_bytes_in_code() { bytes_in_code nul-code bytes.js; }

# --- the fuzzers' findings ----------------------------------------------------

# Found by fuzz_hunks: `run` analyses the staged side with its units (every
# file is parsed) and HEAD's side without (a pre-scan for ".connect(" skips
# files first), so a checkout the pre-scan misses but the parser sees is
# "introduced" by any edit of its file, and `check` never reports it.
test_check_and_run_agree_when_connect_is_followed_by_a_comment() {
	git init -q repo && cd repo || return 1
	cat >a.js <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();
async function report(month) {
  const client = await pool.connect /* checkout */ ();
  return client.query('SELECT 1', [month]);
}
async function probe() {
  const client = await pool.connect?.();
  return client.query('SELECT 2');
}
module.exports = { report, probe };
EOF
	timed 10 prescan-check "$PGLEAK_BIN" check --format json a.js || return 1
	[ "$RC" -eq 1 ] || fail "check: exit $RC, expected 1 (two leaks): $(cat out.txt)" || return 1
	[ "$(python3 -c "import json; print(len(json.load(open('out.txt'))['findings']))")" = 2 ] ||
		fail "check found $(cat out.txt) instead of the leaks at lines 4 and 8" || return 1
	git add a.js && git commit -q --no-verify -m leaks || return 1
	echo "// an unrelated edit" >>a.js && git add a.js || return 1
	timed 10 prescan-run "$PGLEAK_BIN" run || return 1
	[ "$RC" -eq 0 ] || fail "run: exit $RC: leaks HEAD already had were called introduced: $(cat err.txt)"
}

# Found by fuzz_cached: a cached answer must be the fresh one.  In a file
# that does not parse cleanly, a blank line at the top changes tree-sitter's
# error recovery elsewhere, while the function records are keyed by the
# function's own bytes only.
test_cached_answer_equals_fresh_after_code_moves() {
	local f="$ROOT/tests/fuzz/regress/cached/moved-code-in-a-broken-file" warm cold
	cp "$f" input.js
	PGLEAK_CACHE_DIR=$PWD/cache timed 10 moved-first "$PGLEAK_BIN" check --format json input.js || return 1
	{ echo; cat "$f"; } >input.js
	PGLEAK_CACHE_DIR=$PWD/cache timed 10 moved-warm "$PGLEAK_BIN" check --format json input.js || return 1
	warm=$(python3 -c "import json; print(json.load(open('out.txt'))['findings'])")
	PGLEAK_CACHE_DIR=$PWD/cold timed 10 moved-cold "$PGLEAK_BIN" check --format json input.js || return 1
	cold=$(python3 -c "import json; print(json.load(open('out.txt'))['findings'])")
	[ "$warm" = "$cold" ] || fail "with the cache: $warm; without: $cold"
}


# Every input a fuzzer found (tests/fuzz/regress/<harness>/) run through the
# real binary: analysis inputs as a file of that language, configurations
# as .pgleak.json, the cache harness's inputs twice through one cache (the
# second answer, from the cache, must be the first).  Defined exits only:
# 0 or 1 for sources; 0 or 2 with a message for configurations.
test_fuzz_regressions_through_the_binary() {
	local dir="$ROOT/tests/fuzz/regress" f h n=0 first
	for h in js ts tsx cached; do
		for f in "$dir/$h"/*; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			case $h in cached) cp "$f" input.js ;; *) cp "$f" "input.$h" ;; esac
			[ "$h" = cached ] && h=js
			PGLEAK_CACHE_DIR=$PWD/cache timed 10 "regress-$(basename "$f")" \
				"$PGLEAK_BIN" check --format json "input.$h" || return 1
			[ "$RC" -le 1 ] || fail "$f: exit $RC: $(tail -c 500 err.txt)" || return 1
			python3 -c "import json; json.loads(open('out.txt','rb').read().decode('utf-8'))" ||
				fail "$f: stdout is not valid JSON" || return 1
			first=$(python3 -c "import json; print(json.load(open('out.txt'))['findings'])")
			PGLEAK_CACHE_DIR=$PWD/cache timed 10 "regress-$(basename "$f")-cached" \
				"$PGLEAK_BIN" check --format json "input.$h" || return 1
			assert_eq "$(python3 -c "import json; print(json.load(open('out.txt'))['findings'])")" "$first" || return 1
			rm -rf cache
		done
	done
	git init -q .
	echo "export const x = 1; // connect" >a.js
	for f in "$dir/config"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		cp "$f" .pgleak.json
		timed 10 "regress-config-$(basename "$f")" "$PGLEAK_BIN" check a.js || return 1
		case $RC in
		0) ;;
		2) [ -s err.txt ] || fail "$f: exit 2 without a message" || return 1 ;;
		*) fail "$f: exit $RC" || return 1 ;;
		esac
	done
	[ $n -gt 0 ] || fail "no regression inputs found under $dir"
}

run_tests
