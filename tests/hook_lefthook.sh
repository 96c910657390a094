#!/usr/bin/env bash
# tests/hook_lefthook.sh - real lefthook (from npm, pinned) runs the line the
# README gives for it: a leaking commit is blocked, PGLEAK_SKIP=1 lets it
# through (issue 12, items 3 and 5).  npm's downloads are kept in
# build/npm-cache so that a second run does not fetch them again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

LEFTHOOK_VERSION=1.7.18
export npm_config_cache=$ROOT/build/npm-cache

test_lefthook_blocks_leak_and_honours_pgleak_skip() {
	git init -q repo && cd repo || return 1
	printf '{ "name": "t", "version": "1.0.0", "private": true }\n' >package.json
	printf 'node_modules\n' >.gitignore
	npm install --prefer-offline --silent --no-audit --no-fund "lefthook@$LEFTHOOK_VERSION" >npm.log 2>&1 ||
		{ fail "npm install lefthook@$LEFTHOOK_VERSION failed: $(tail -n 3 npm.log)"; return 1; }
	rm npm.log
	printf 'pre-commit:\n  commands:\n    pgleak:\n      run: pgleak-hook run\n' >lefthook.yml
	npx --no-install lefthook install >/dev/null 2>&1 || { fail "lefthook install failed"; return 1; }
	mkdir -p ../bin && ln -s "$PGLEAK_BIN" ../bin/pgleak-hook
	export PATH="$PWD/../bin:$PATH"
	{ js_pool_header; js_safe_fn listUsers; } >users.js
	git add package.json package-lock.json .gitignore lefthook.yml users.js
	commit_ok || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addUser" || return 1
	PGLEAK_SKIP=1 commit_ok || return 1
	assert_contains "$OUT" "PGLEAK_SKIP=1"
}

run_tests
