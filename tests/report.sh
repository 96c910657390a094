#!/usr/bin/env bash
# tests/report.sh - the three report formats of `check`: text (first line,
# code frame with the caret under the column, CR stripped, long lines
# clipped, path and hint lines, colour only on a terminal and never with
# NO_COLOR), JSON (cli.md's fields and types, valid for any byte in a file
# name) and SARIF 2.1.0 (the shape GitHub code scanning reads, stable
# fingerprints).  Documents are parsed with python3's json module.
#
# Each leaking file is written by the test (the shape of corpus case 002),
# and where a test needs the position of the `connect` token it computes it
# from the file it wrote.
source "$(dirname "$0")/lib.sh"

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

# leak FILE [INDENT] [FUNCTION]: a leaking function; INDENT precedes the checkout line.
leak() {
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "const { Pool } = require('pg');" "const pool = new Pool();" "" \
		"async function ${3:-load}(id) {" \
		"${2:-  }const client = await pool.connect();" \
		"  const { rows } = await client.query('SELECT 1 WHERE \$1', [id]);" \
		"  return rows;" "}" "module.exports = { ${3:-load} };" >"$1"
}

# connect_col FILE: the 1-based byte column of "connect(" on line 5.
connect_col() {
	python3 -c 'import sys; l=open(sys.argv[1],"rb").read().split(b"\n")[4]; print(l.index(b"connect(")+1)' "$1"
}

test_text_first_line_frame_path_hint() {
	local out col
	leak src/a.js
	col=$(connect_col src/a.js)
	out=$("$PGLEAK_BIN" check src/a.js 2>/dev/null); [ $? = 1 ] || fail "expected exit 1" || return 1
	printf '%s\n' "$out" >out.txt
	assert_contains "$(sed -n 1p out.txt)" "src/a.js:5:$col: error: " || return 1
	assert_contains "$(sed -n 1p out.txt)" " [never-released]" || return 1
	assert_contains "$(sed -n 2p out.txt)" " 5 |   const client = await pool.connect();" || return 1
	# The caret sits under the column: same offset after the gutter as `connect` in the line.
	python3 - "$col" <<'PY' || return 1
import sys
col = int(sys.argv[1])
lines = open("out.txt").read().split("\n")
src, caret = lines[1], lines[2]
g = src.index("| ") + 2
assert caret.index("| ") + 2 == g, (src, caret)
assert caret[g:] == " " * (col - 1) + "^", repr(caret)
PY
	assert_contains "$(sed -n 4p out.txt)" "  " || return 1
	assert_contains "$(sed -n 4p out.txt)" "(in load)" || return 1
	assert_contains "$(sed -n 5p out.txt)" "  hint: " || return 1
	assert_not_contains "$out" $'\033' || return 1
}

test_text_caret_with_tabs_and_utf8() {
	local out
	# A tab and a two-byte character before the checkout: columns count bytes, the caret must still line up.
	leak t.js $'\t/* \xc3\xa9 */ '
	out=$("$PGLEAK_BIN" check t.js 2>/dev/null)
	printf '%s\n' "$out" >out.txt
	python3 - <<'PY' || return 1
lines = open("out.txt", encoding="utf-8").read().split("\n")
src, caret = lines[1], lines[2]
g = src.index("| ") + 2
line, under = src[g:], caret[g:]
assert under.endswith("^"), repr(under)
# Same cell count (one per character), tabs kept as tabs.
assert len(under) - 1 == line.index("connect("), (line, under)
assert under[0] == "\t", repr(under)
PY
}

test_text_crlf_is_stripped() {
	local out
	leak crlf.js
	sed -i 's/$/\r/' crlf.js
	out=$("$PGLEAK_BIN" check crlf.js 2>/dev/null); [ $? = 1 ] || fail "expected exit 1" || return 1
	assert_not_contains "$out" $'\r'
}

test_text_long_line_is_clipped_around_the_column() {
	local pad out
	pad=$(printf '%*s' 3000 '' | tr ' ' 'x')
	leak long.js "  /*$pad*/ "
	out=$("$PGLEAK_BIN" check long.js 2>/dev/null); [ $? = 1 ] || fail "expected exit 1" || return 1
	printf '%s\n' "$out" >out.txt
	[ "$(sed -n 2p out.txt | wc -c)" -lt 300 ] || fail "the frame line was not clipped" || return 1
	assert_contains "$(sed -n 2p out.txt)" "...xxx" || return 1
	assert_contains "$(sed -n 2p out.txt)" "pool.connect()" || return 1
	python3 - <<'PY' || return 1
lines = open("out.txt").read().split("\n")
src, caret = lines[1], lines[2]
assert caret.endswith("^")
assert src[len(caret) - 1:].startswith("connect("), (src, caret)
PY
}

test_text_control_characters_do_not_reach_the_terminal() {
	local out
	leak $'esc\033[31m.js'
	out=$("$PGLEAK_BIN" check $'esc\033[31m.js' 2>/dev/null); [ $? = 1 ] || fail "expected exit 1" || return 1
	assert_not_contains "$out" $'\033' || return 1
	assert_contains "$out" 'esc?[31m.js:5:'
}

test_no_findings_prints_nothing_on_stdout() {
	local out
	printf 'const x = 1;\n' >ok.js
	out=$("$PGLEAK_BIN" check ok.js 2>/dev/null); [ $? = 0 ] || fail "expected exit 0" || return 1
	assert_eq "$out" ""
}

# on_tty CMD...: runs CMD with stdout on a pseudo-terminal (script(1)), output in tty.out.
on_tty() {
	script -qec "$(printf '%q ' "$@")" /dev/null >tty.out 2>&1 </dev/null
}

test_colour_only_on_a_terminal_and_never_with_no_color() {
	leak a.js
	on_tty "$PGLEAK_BIN" check a.js
	grep -q $'\033\\[' tty.out || { cat -v tty.out; fail "no colour on a terminal"; return 1; }
	on_tty env NO_COLOR=1 "$PGLEAK_BIN" check a.js
	grep -q $'\033\\[' tty.out && { fail "colour despite NO_COLOR=1"; return 1; }
	# no-color.org: an empty NO_COLOR is as if unset
	on_tty env NO_COLOR= "$PGLEAK_BIN" check a.js
	grep -q $'\033\\[' tty.out || { cat -v tty.out; fail "no colour with an empty NO_COLOR"; return 1; }
	grep -q 'a.js:5:' tty.out || { fail "no report on the terminal"; return 1; }
	on_tty env TERM=dumb "$PGLEAK_BIN" check a.js
	grep -q $'\033\\[' tty.out && { fail "colour on TERM=dumb"; return 1; }
	grep -q 'a.js:5:' tty.out || { fail "no report on the dumb terminal"; return 1; }
	"$PGLEAK_BIN" check a.js >pipe.out 2>&1
	grep -q $'\033' pipe.out && { fail "colour into a pipe"; return 1; }
	return 0
}

# FORCE_COLOR (force-color.org): colour even into a pipe or on TERM=dumb; NO_COLOR still wins;
# FORCE_COLOR=0 and an empty FORCE_COLOR do not force it.
test_force_color() {
	leak a.js
	FORCE_COLOR=1 TERM=dumb "$PGLEAK_BIN" check a.js >pipe.out 2>/dev/null
	grep -q $'\033\\[' pipe.out || { fail "no colour with FORCE_COLOR=1"; return 1; }
	NO_COLOR=1 FORCE_COLOR=1 "$PGLEAK_BIN" check a.js >pipe.out 2>/dev/null
	grep -q $'\033' pipe.out && { fail "colour with NO_COLOR=1 FORCE_COLOR=1"; return 1; }
	FORCE_COLOR= "$PGLEAK_BIN" check a.js >pipe.out 2>/dev/null
	grep -q $'\033' pipe.out && { fail "colour with an empty FORCE_COLOR"; return 1; }
	on_tty env FORCE_COLOR=0 "$PGLEAK_BIN" check a.js
	grep -q $'\033\\[' tty.out && { fail "colour with FORCE_COLOR=0"; return 1; }
	return 0
}

test_json_contract() {
	leak src/a.js
	leak src/b.ts "  " byId
	printf 'const x = 1;\n' >src/c.js
	"$PGLEAK_BIN" check --format json src >out.json 2>err; [ $? = 1 ] || { cat err; fail "expected exit 1"; return 1; }
	python3 - "$(connect_col src/a.js)" <<'PY'
import json, sys
doc = json.load(open("out.json"))
assert set(doc) == {"version", "findings", "stats"}, doc.keys()
assert doc["version"] == 1
fs = doc["findings"]
assert [f["path"] for f in fs] == ["src/a.js", "src/b.ts"], fs
for f in fs:
    assert set(f) == {"path", "line", "column", "kind", "function", "message", "exit"}, f.keys()
    assert f["line"] == 5 and f["column"] == int(sys.argv[1]), f
    assert f["kind"] in ("never-released", "release-not-guaranteed", "discarded"), f
    assert isinstance(f["message"], str) and f["message"], f
    assert set(f["exit"]) == {"via", "line"} and f["exit"]["via"] in ("return", "throw", "exception", "end")
    assert isinstance(f["exit"]["line"], int)
assert [f["function"] for f in fs] == ["load", "byId"], fs
st = doc["stats"]
assert set(st) == {"files", "functions", "analyzed", "cached"}, st
assert st["files"] == 3, st
assert all(isinstance(v, int) and v >= 0 for v in st.values()), st
assert st["functions"] >= 2
PY
}

test_json_no_findings_is_still_a_document() {
	printf 'const x = 1;\n' >ok.js
	"$PGLEAK_BIN" check --format json ok.js >out.json; [ $? = 0 ] || fail "expected exit 0" || return 1
	python3 -c 'import json; d=json.load(open("out.json")); assert d["findings"]==[] and d["stats"]["files"]==1, d'
}

test_json_any_file_name_gives_valid_json() {
	local name=$'we"ird\\\x01\xff\xfe na\xc3\xa9me.js'
	leak "$name"
	"$PGLEAK_BIN" check --format json -- "$name" >out.json 2>/dev/null; [ $? = 1 ] || fail "expected exit 1" || return 1
	python3 - <<'PY'
import json
raw = open("out.json", "rb").read()
raw.decode("utf-8")  # the document itself is valid UTF-8
doc = json.loads(raw)
p = doc["findings"][0]["path"]
assert p == 'we"ird\\\x01\ufffd\ufffd na\u00e9me.js', repr(p)
PY
}

test_json_no_introduced_for_check() {
	leak a.js
	"$PGLEAK_BIN" check --format json a.js >out.json 2>/dev/null
	assert_not_contains "$(cat out.json)" "introduced"
}

test_sarif_shape() {
	leak src/a.js
	leak "src/sp ace#.ts" "  " byId
	"$PGLEAK_BIN" check --format sarif src >out.sarif 2>/dev/null; [ $? = 1 ] || fail "expected exit 1" || return 1
	python3 - "$(cat "$ROOT/VERSION")" <<'PY'
import json, sys
d = json.load(open("out.sarif"))
assert d["version"] == "2.1.0" and "sarif" in d["$schema"]
assert len(d["runs"]) == 1
run = d["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "pgleak-hook" and drv["version"] == sys.argv[1]
assert "informationUri" not in drv or drv["informationUri"].startswith("https://")
ids = [r["id"] for r in drv["rules"]]
assert ids == ["pgleak/never-released", "pgleak/release-not-guaranteed", "pgleak/discarded"], ids
for r in drv["rules"]:
    for k in ("shortDescription", "fullDescription", "help"):
        assert r[k]["text"], (r, k)
    assert r["defaultConfiguration"]["level"] == "error"
res = run["results"]
assert len(res) == 2, res
uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in res)
assert uris == ["src/a.js", "src/sp%20ace%23.ts"], uris
for r in res:
    assert ids[r["ruleIndex"]] == r["ruleId"]
    assert r["level"] == "error"
    assert r["message"]["text"]
    loc = r["locations"][0]["physicalLocation"]
    assert not loc["artifactLocation"]["uri"].startswith("/")
    reg = loc["region"]
    assert reg["startLine"] == 5 and reg["startColumn"] >= 1
    fp = r["partialFingerprints"]["pgleakFunction/v1"]
    assert isinstance(fp, str) and len(fp) >= 8
assert len({r["partialFingerprints"]["pgleakFunction/v1"] for r in res}) == 2
PY
}

test_sarif_fingerprint_ignores_line_numbers() {
	leak a.js
	"$PGLEAK_BIN" check --format sarif a.js >one.sarif 2>/dev/null
	{ printf '// moved down\n\n\n'; cat a.js; } >a2.js && mv a2.js a.js
	"$PGLEAK_BIN" check --format sarif a.js >two.sarif 2>/dev/null
	python3 - <<'PY'
import json
def fp(p):
    r = json.load(open(p))["runs"][0]["results"][0]
    return r["partialFingerprints"]["pgleakFunction/v1"], r["locations"][0]["physicalLocation"]["region"]["startLine"]
(a, la), (b, lb) = fp("one.sarif"), fp("two.sarif")
assert la + 3 == lb, (la, lb)
assert a == b, (a, b)
PY
	# ... but another function is another alert.
	sed -i 's/load/other/g' a.js
	"$PGLEAK_BIN" check --format sarif a.js >three.sarif 2>/dev/null
	python3 -c '
import json
f = lambda p: json.load(open(p))["runs"][0]["results"][0]["partialFingerprints"]["pgleakFunction/v1"]
assert f("one.sarif") != f("three.sarif")'
}

test_sarif_columns_count_characters() {
	leak u.js $'  /* \xc3\xa9\xc3\xa9 */ '
	"$PGLEAK_BIN" check --format sarif u.js >out.sarif 2>/dev/null
	"$PGLEAK_BIN" check --format json u.js >out.json 2>/dev/null
	python3 - <<'PY'
import json
s = json.load(open("out.sarif"))["runs"][0]
j = json.load(open("out.json"))["findings"][0]
col = s["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"]
assert s.get("columnKind") == "unicodeCodePoints"
assert col == j["column"] - 2, (col, j["column"])  # two 2-byte characters before it
PY
}

test_sarif_no_findings() {
	printf 'const x = 1;\n' >ok.js
	"$PGLEAK_BIN" check --format sarif ok.js >out.sarif; [ $? = 0 ] || fail "expected exit 0" || return 1
	python3 -c 'import json; r=json.load(open("out.sarif"))["runs"][0]; assert r["results"]==[] and len(r["tool"]["driver"]["rules"])==3'
}

# SARIF from check run in a subfolder with ../ and absolute paths: URIs relative to the
# repository root, with %SRCROOT% named in originalUriBaseIds; a file outside the repository
# gets an absolute file URI.  `run` names the root too.
test_sarif_uris_relative_to_the_repository_root() {
	git init -q repo && cd repo || return 1
	leak src/a.js && leak "src/b c.js" && mkdir sub && leak ../outside.js
	cd sub || return 1
	"$PGLEAK_BIN" check --format sarif ../src/a.js "$PWD/../src/b c.js" ../../outside.js >../out.sarif 2>/dev/null
	[ $? = 1 ] || fail "expected exit 1" || return 1
	cd .. || return 1
	python3 - "$PWD" <<'PY' || return 1
import json, sys, urllib.parse
run = json.load(open("out.sarif"))["runs"][0]
root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
assert root == "file://" + urllib.parse.quote(sys.argv[1]) + "/", root
locs = sorted((l["uri"], l.get("uriBaseId")) for l in
              (r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]))
outside = "file://" + urllib.parse.quote(sys.argv[1].rsplit("/", 1)[0]) + "/outside.js"
assert locs == sorted([("src/a.js", "%SRCROOT%"), ("src/b%20c.js", "%SRCROOT%"), (outside, None)]), locs
PY
	git add src && git commit -q -m leaks --no-verify || return 1
	leak src/d.js && git add src/d.js
	"$PGLEAK_BIN" run --format sarif >run.sarif 2>/dev/null; [ $? = 1 ] || fail "run: expected exit 1" || return 1
	python3 - "$PWD" <<'PY'
import json, sys, urllib.parse
run = json.load(open("run.sarif"))["runs"][0]
assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://" + urllib.parse.quote(sys.argv[1]) + "/"
loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
assert loc == {"uri": "src/d.js", "uriBaseId": "%SRCROOT%"}, loc
PY
}

run_tests
