#!/usr/bin/env bash
# tests/lsp.sh - `pgleak-hook lsp` driven over a real pipe with framed
# JSON-RPC messages: the handshake, diagnostics of an opened buffer (its
# unsaved text, not the file on disk), a change that fixes the leak clearing
# them, and hostile input (a body that is not JSON, an unknown method, a
# Content-Length over the cap, a frame cut short) answered with JSON-RPC
# errors and a defined exit code, never a crash; and a real client, headless
# Neovim, showing the diagnostics.
source "$(dirname "$0")/lib.sh"

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
export LC_ALL=C # ${#body} counts bytes

# frame JSON: one message with its Content-Length header.
frame() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }

# json_text FILE: the file's text as a JSON string (the JSON writer is python's: an independent one).
json_text() { python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$1"; }

init() {
	frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}'
	frame '{"jsonrpc":"2.0","method":"initialized","params":{}}'
}
bye() {
	frame '{"jsonrpc":"2.0","id":99,"method":"shutdown"}'
	frame '{"jsonrpc":"2.0","method":"exit"}'
}

# serve: runs the server on stdin, its output in out.txt, its stderr in err.txt.
serve() {
	local rc
	timeout 20 "$PGLEAK_BIN" lsp >out.txt 2>err.txt; rc=$?
	assert_sound_exit "$rc" err.txt "lsp" 20 || return 99
	return "$rc"
}

test_diagnostics_of_the_unsaved_buffer() {
	leaky_js buffer.js
	# On disk the file is clean: the diagnostics must come from the buffer's text.
	printf 'module.exports = {};\n' >src.js
	local uri="file://$PWD/src.js"
	{ init
	  frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"$uri\",\"languageId\":\"javascript\",\"version\":1,\"text\":$(json_text buffer.js)}}}"
	  bye; } | serve || return 1
	local out; out=$(cat out.txt)
	assert_contains "$out" '"id":1,"result":{"capabilities":{"textDocumentSync"' || return 1
	assert_contains "$out" '"method":"textDocument/publishDiagnostics"' || return 1
	assert_contains "$out" "\"uri\":\"$uri\"" || return 1
	# The connect token at line 5 (0-based 4), columns 28..35.
	assert_contains "$out" '"range":{"start":{"line":4,"character":28},"end":{"line":4,"character":35}}' || return 1
	assert_contains "$out" '"severity":1,"source":"pgleak","code":"never-released"' || return 1
	assert_contains "$out" '"relatedInformation":[{"location":{"uri":' || return 1
	assert_contains "$out" '"id":99,"result":null' || return 1
}

test_a_change_that_fixes_the_leak_clears_the_diagnostics() {
	leaky_js leak.js
	safe_js fixed.js
	local uri="file://$PWD/a.js"
	{ init
	  frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"$uri\",\"languageId\":\"javascript\",\"version\":1,\"text\":$(json_text leak.js)}}}"
	  frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"$uri\",\"version\":2},\"contentChanges\":[{\"text\":$(json_text fixed.js)}]}}"
	  bye; } | serve || return 1
	local n; n=$(grep -o '"method":"textDocument/publishDiagnostics"' out.txt | wc -l)
	assert_eq "$n" 2 || return 1
	assert_contains "$(cat out.txt)" '"code":"never-released"' || return 1
	# The last publication (after the change) is empty.
	assert_contains "$(tail -c 200 out.txt)" '"diagnostics":[]}}' || return 1
}

# A save notification without the text, for a file the server never saw opened: what the
# editor has is the file on disk, so that is what is analysed (not an empty buffer).
test_save_without_text_of_an_unopened_file_reads_the_disk() {
	leaky_js disk.js
	local uri="file://$PWD/disk.js"
	{ init
	  frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didSave\",\"params\":{\"textDocument\":{\"uri\":\"$uri\"}}}"
	  bye; } | serve || return 1
	assert_contains "$(cat out.txt)" "\"uri\":\"$uri\"" || return 1
	assert_contains "$(cat out.txt)" '"code":"never-released"'
}

test_bad_json_and_unknown_methods_get_errors() {
	{ init
	  frame '{"jsonrpc":"2.0","id":2,"method":'
	  frame '{"jsonrpc":"2.0","id":3,"method":"workspace/noSuchThing"}'
	  frame '[1,2,3]'
	  bye; } | serve || return 1
	local out; out=$(cat out.txt)
	assert_contains "$out" '"id":null,"error":{"code":-32700' || return 1
	assert_contains "$out" '"id":3,"error":{"code":-32601' || return 1
	assert_contains "$out" '"error":{"code":-32600' || return 1
	assert_contains "$out" '"id":99,"result":null' || return 1
}

test_huge_content_length_is_refused() {
	{ init; printf 'Content-Length: 99999999999\r\n\r\n{}'; } | serve
	local rc=$?
	assert_eq "$rc" 2 || return 1
	assert_contains "$(cat out.txt)" '"error":{"code":-32700' || return 1
	assert_contains "$(cat err.txt)" 'the limit is' || return 1
}

test_cut_frame_and_missing_length() {
	{ init; printf 'Content-Length: 50\r\n\r\n{"jsonrpc"'; } | serve
	assert_eq "$?" 2 || return 1
	{ printf 'X-Other: 1\r\n\r\n{}'; } | serve
	assert_eq "$?" 2 || return 1
	assert_contains "$(cat err.txt)" 'without Content-Length' || return 1
}

test_exit_without_shutdown_is_1() {
	{ init; frame '{"jsonrpc":"2.0","method":"exit"}'; } | serve
	assert_eq "$?" 1
}

# A real client: headless Neovim (tests/lsp/nvim.lua) starts the server, opens a
# leaking file, and writes the diagnostics it received.
test_neovim_shows_the_leak() {
	command -v nvim >/dev/null || { fail "nvim is needed (apt-get install neovim; install.sh does it)"; return 1; }
	leaky_js leak.js
	PGLEAK_NVIM_FILE=leak.js PGLEAK_NVIM_OUT=diags.txt timeout 60 \
		nvim --headless --clean -c "luafile $ROOT/tests/lsp/nvim.lua" >nvim.log 2>&1 || { fail "nvim failed: $(cat nvim.log)"; return 1; }
	local got; got=$(cat diags.txt)
	assert_contains "$got" '4:28:35:1:never-released:pgleak' || return 1
	assert_contains "$got" 'is never released: leaks when the function returns at line 7' || return 1
}

# LSP columns are UTF-16 units: é is 2 bytes and 1 unit, the emoji 4 bytes and 2 units.
test_columns_count_utf16_units() {
	cat >u.js <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();
async function f(id) {
  const c = /* é😀 */ await pool.connect();
  return (await c.query('SELECT $1', [id])).rows;
}
EOF
	local uri="file://$PWD/u.js"
	{ init
	  frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"$uri\",\"text\":$(json_text u.js)}}}"
	  bye; } | serve || return 1
	assert_contains "$(cat out.txt)" '"range":{"start":{"line":3,"character":33},"end":{"line":3,"character":40}}'
}

# open_doc URI FILE / change_doc URI VERSION FILE / save_doc URI: the notifications, the text from FILE.
open_doc() { frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"$1\",\"languageId\":\"javascript\",\"version\":1,\"text\":$(json_text "$2")}}}"; }
change_doc() { frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"$1\",\"version\":$2},\"contentChanges\":[{\"text\":$(json_text "$3")}]}}"; }
save_doc() { frame "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didSave\",\"params\":{\"textDocument\":{\"uri\":\"$1\"}}}"; }

# messages FILE: the framed JSON-RPC messages of FILE, one JSON document a line (python's reader).
messages() {
	python3 -c '
import json, sys
data = open(sys.argv[1], "rb").read()
while data:
    head, _, rest = data.partition(b"\r\n\r\n")
    n = int(head.split(b":")[1])
    print(json.dumps(json.loads(rest[:n])))
    data = rest[n:]' "$1"
}

# fixable_js FILE: released after the query, so that check --fix can rewrite it.
fixable_js() {
	printf '%s\n' "const { Pool } = require('pg');" "const pool = new Pool();" "" "async function load(id) {" \
		"  const client = await pool.connect();" "  const { rows } = await client.query('SELECT 1 WHERE \$1', [id]);" \
		"  client.release();" "  return rows;" "}" "module.exports = { load };" >"$1"
}

# code_action ID URI LINE0 LINE1: a codeAction request for those (0-based) lines.
code_action() {
	frame "{\"jsonrpc\":\"2.0\",\"id\":$1,\"method\":\"textDocument/codeAction\",\"params\":{\"textDocument\":{\"uri\":\"$2\"},\"range\":{\"start\":{\"line\":$3,\"character\":0},\"end\":{\"line\":$4,\"character\":0}},\"context\":{\"diagnostics\":[]}}}"
}

# Item 3: the same rewrite as check --fix, as a quickfix; its edit applied to
# the buffer gives exactly what --fix writes.  No action where nothing is fixable.
test_code_action_offers_the_fix() {
	fixable_js a.js && cp a.js fixed.js && "$PGLEAK_BIN" check --fix --quiet fixed.js 2>/dev/null
	leaky_js never.js
	local uri="file://$PWD/a.js" uri2="file://$PWD/never.js"
	{ init; open_doc "$uri" a.js; open_doc "$uri2" never.js
	  code_action 7 "$uri" 4 4; code_action 8 "$uri" 0 1; code_action 9 "$uri2" 0 9
	  bye; } | serve || return 1
	assert_contains "$(cat out.txt)" '"codeActionProvider":{"codeActionKinds":["quickfix"]}' || return 1
	assert_contains "$(cat out.txt)" '"id":8,"result":[]' || return 1
	assert_contains "$(cat out.txt)" '"id":9,"result":[]' || return 1
	messages out.txt >msgs.txt || return 1
	python3 - "$uri" a.js fixed.js msgs.txt <<'PY' || return 1
import json, sys
uri, src, want, msgs = sys.argv[1:]
res = [m for m in map(json.loads, open(msgs)) if m.get("id") == 7][0]["result"]
assert len(res) == 1, res
act = res[0]
assert act["kind"] == "quickfix" and act["title"].startswith("Release the client in a finally block"), act
assert act["diagnostics"][0]["code"] == "release-not-guaranteed", act
text = open(src).read()
lines = text.split("\n")
def off(p):
    return sum(len(l) + 1 for l in lines[:p["line"]]) + p["character"]
for e in sorted(act["edit"]["changes"][uri], key=lambda e: off(e["range"]["start"]), reverse=True):
    text = text[:off(e["range"]["start"])] + e["newText"] + text[off(e["range"]["end"]):]
if text != open(want).read():
    sys.exit("the edit gives:\n" + text)
PY
}

# The code action through a real client: Neovim asks for it and applies its
# WorkspaceEdit itself (tests/lsp/nvim_fix.lua); the buffer then holds what --fix writes.
test_neovim_applies_the_code_action() {
	command -v nvim >/dev/null || { fail "nvim is needed (apt-get install neovim; install.sh does it)"; return 1; }
	fixable_js a.js && cp a.js fixed.js && "$PGLEAK_BIN" check --fix --quiet fixed.js 2>/dev/null
	PGLEAK_NVIM_FILE=a.js PGLEAK_NVIM_OUT=buffer.txt timeout 60 \
		nvim --headless --clean -c "luafile $ROOT/tests/lsp/nvim_fix.lua" >nvim.log 2>&1 || { fail "nvim failed: $(cat nvim.log)"; return 1; }
	cmp -s buffer.txt fixed.js || fail "the buffer after the code action differs from check --fix: $(diff -u fixed.js buffer.txt)"
}

# pubs_of FILE NAME: the number of diagnostics in each publication for the URI ending in NAME.
pubs_of() {
	messages "$1" | python3 -c '
import json, sys
print(" ".join(str(len(m["params"]["diagnostics"])) for m in map(json.loads, sys.stdin)
               if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"].endswith(sys.argv[1])))' "$2"
}

# Item 1: the .pgleak.json of the document's work tree applies (a configured
# release method), is re-read when it changes on disk (seen at the next
# change) and when the editor saves it (every open document re-published).
test_the_work_trees_configuration_applies_and_is_reread() {
	git init -q repo && mkdir -p repo/src || return 1
	cat >repo/src/a.js <<'EOF'
const { Pool } = require('pg');
const pool = new Pool();
async function f(id) {
  const client = await pool.connect();
  try {
    return await client.query('SELECT $1', [id]);
  } finally {
    client.giveBack();
  }
}
module.exports = { f };
EOF
	printf '{"release": ["giveBack"]}\n' >repo/.pgleak.json
	local uri="file://$PWD/repo/src/a.js"
	{ init; open_doc "$uri" repo/src/a.js
	  sleep 0.3; printf '{}\n' >repo/.pgleak.json
	  change_doc "$uri" 2 repo/src/a.js
	  sleep 0.3; printf '{"release": ["giveBack"], "ignore": ["src/**"]}\n' >repo/.pgleak.json
	  save_doc "file://$PWD/repo/.pgleak.json"
	  bye; } | serve || return 1
	# with the helper: clean; without it: the leak; ignored: clean
	assert_eq "$(pubs_of out.txt /a.js)" "0 1 0"
}

test_a_bad_configuration_is_said_and_the_defaults_used() {
	git init -q repo && leaky_js repo/a.js && printf '{"relase": []}\n' >repo/.pgleak.json
	local uri="file://$PWD/repo/a.js"
	{ init; open_doc "$uri" repo/a.js; bye; } | serve || return 1
	assert_contains "$(cat out.txt)" '"method":"window/showMessage","params":{"type":1,"message":"pgleak: ' || return 1
	assert_contains "$(cat out.txt)" '"code":"never-released"'
}

run_tests
