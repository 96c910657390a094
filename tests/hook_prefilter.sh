#!/usr/bin/env bash
# tests/hook_prefilter.sh - the hook's pre-filter (analysis/prescan.c, used by reuse/engine.c,
# pg_may_acquire): a changed file that names no acquire method, on either
# side, is not parsed; the json stats count the functions of the files
# parsed or reused, so a commit of such files reports 0 functions.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

stat_of() { # FILE KEY: a figure of the stats object of a json report
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stats"][sys.argv[2]])' "$1" "$2"
}

# Three plain functions, no pool anywhere.
plain_js() { # FILE WORD
	printf 'export function a(x) {\n  return x + 1;\n}\nexport function b(x) {\n  return [x].map((y) => y * 2);\n}\n// %s\n' "$2" >"$1"
}

test_no_pg_commit_parses_nothing() {
	new_repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	plain_js util.js one && git add util.js && git commit -q -m util || return 1
	plain_js util.js two && mkdir -p src/deep && plain_js src/deep/more.ts new && git add -A || return 1
	"$PGLEAK_BIN" run --format json >r.json 2>err; assert_eq "$?" 0 || { cat r.json err; return 1; }
	assert_eq "$(stat_of r.json files)" 2 || return 1
	assert_eq "$(stat_of r.json functions)" 0 || return 1
	commit_ok || return 1
}

# The filter looks at member calls, not words: a comment saying "connect" is no acquisition,
# while a file gaining one is parsed and blocked as before.
test_prefilter_keeps_findings() {
	new_repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	plain_js util.js "connect() the pool later" && git add util.js || return 1
	"$PGLEAK_BIN" run --format json >r.json 2>err; assert_eq "$?" 0 || { cat r.json err; return 1; }
	assert_eq "$(stat_of r.json functions)" 0 || return 1
	commit_ok || return 1
	{ js_pool_header; js_leaky_fn leak; } >util.js && git add util.js || return 1
	"$PGLEAK_BIN" run --format json >r.json 2>err; assert_eq "$?" 1 || { cat r.json err; return 1; }
	[ "$(stat_of r.json functions)" -gt 0 ] || fail "the file that gained pool.connect() was not parsed" || return 1
	commit_blocked || return 1
}

# A leaking file whose pool call goes away: the new side names no acquire method and is
# not parsed; nothing is introduced.
test_removed_acquire_not_parsed() {
	new_repo || return 1
	export PGLEAK_CACHE_DIR=$PWD/../cache
	{ js_pool_header; js_leaky_fn leak; } >users.js && git add users.js && git commit -q --no-verify -m leak || return 1
	plain_js users.js gone && git add users.js || return 1
	"$PGLEAK_BIN" run --format json >r.json 2>err; assert_eq "$?" 0 || { cat r.json err; return 1; }
	assert_eq "$(stat_of r.json functions)" 0 || return 1
	commit_ok || return 1
}

run_tests
