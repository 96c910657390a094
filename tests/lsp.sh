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

run_tests
