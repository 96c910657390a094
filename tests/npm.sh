#!/usr/bin/env bash
# tests/npm.sh - the npm packages (issue 12, item 2), installed with the real
# npm from a local registry (tests/npm_lib.sh): `npm i -D pgleak-hook` gives
# node_modules/.bin/pgleak-hook running the prebuilt static binary of the
# optional @pgleak-hook/linux-x64; with husky it blocks a leaking commit; a
# teammate's clone gets the binary with `npm install`; the launcher passes
# arguments, streams, exit codes and signals through; without the platform
# package the binary is built on first run from the shipped sources, or the
# message names what is missing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"
source "$(dirname "$0")/npm_lib.sh"

test_npm_tarballs_hold_launcher_sources_and_static_binary() {
	npm_registry_up || return 1
	local main=registry/pgleak-hook-$PG_VERSION.tgz plat=registry/pgleak-hook-linux-x64-$PG_VERSION.tgz list
	list=$(tar -tzf "$main") || return 1
	assert_contains "$list" "package/packaging/npm/bin/pgleak-hook.js" || return 1
	assert_contains "$list" "package/analysis/grammars/pins.txt" || return 1
	assert_contains "$list" "package/Makefile" || return 1
	assert_not_contains "$list" "package/build/" || return 1
	assert_not_contains "$list" "package/tests/" || return 1
	tar -xzf "$main" package/package.json && mv package main || return 1
	node -e '
const p = require("./main/package.json"), v = process.argv[1];
if (p.version !== v) throw new Error("version " + p.version);
if (p.optionalDependencies["@pgleak-hook/linux-x64"] !== v) throw new Error("pin " + JSON.stringify(p.optionalDependencies));
if (p.bin["pgleak-hook"] !== "packaging/npm/bin/pgleak-hook.js") throw new Error("bin");' "$PG_VERSION" ||
		{ fail "the main package.json does not pin the platform package to $PG_VERSION"; return 1; }
	tar -xzf "$plat" && mv package plat || return 1
	[ -x plat/bin/pgleak-hook ] || { fail "the platform package's binary is not executable"; return 1; }
	assert_contains "$(ldd plat/bin/pgleak-hook 2>&1)" "not a dynamic executable" || return 1
	assert_eq "$(plat/bin/pgleak-hook --version)" "pgleak-hook $PG_VERSION" || return 1
	node -e 'const p = require("./plat/package.json");
if (p.name !== "@pgleak-hook/linux-x64" || p.os[0] !== "linux" || p.cpu[0] !== "x64" || p.version !== process.argv[1]) process.exit(1);' "$PG_VERSION" ||
		fail "the platform package.json is not @pgleak-hook/linux-x64 $PG_VERSION for linux/x64"
}

test_npm_husky_blocks_leak_and_teammate_clone_gets_binary() {
	npm_registry_up || return 1
	git init -q --bare origin.git || return 1
	js_project app || return 1
	npm_quiet install --save-dev --save-exact "pgleak-hook@$PG_VERSION" "husky@$HUSKY_VERSION" || return 1
	[ -x node_modules/@pgleak-hook/linux-x64/bin/pgleak-hook ] || { fail "npm did not install the optional platform package"; return 1; }
	assert_eq "$(npx --no-install pgleak-hook --version)" "pgleak-hook $PG_VERSION" || return 1
	npx --no-install husky init >/dev/null || { fail "husky init failed"; return 1; }
	[ "$(git config core.hooksPath)" = ".husky/_" ] || { fail "husky did not set core.hooksPath"; return 1; }
	: >.husky/pre-commit   # husky init's sample runs `npm test`
	npx --no-install pgleak-hook install --husky >/dev/null || { fail "npx pgleak-hook install --husky failed"; return 1; }
	assert_contains "$(cat .husky/pre-commit)" "node_modules/@pgleak-hook/linux-x64/bin/pgleak-hook run" || return 1
	# committed for every teammate: no path of this machine in it
	assert_not_contains "$(cat .husky/pre-commit)" "$PWD" || return 1
	{ js_pool_header; js_safe_fn listUsers; } >users.js
	git add -A && commit_ok || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addUser" || return 1
	git checkout -q users.js 2>/dev/null; git reset -q --hard
	git remote add origin ../origin.git && git push -q origin HEAD:main || return 1

	# a teammate: clone, npm install (husky's "prepare" sets core.hooksPath), commit
	cd .. && git clone -q origin.git mate && cd mate || return 1
	[ ! -e node_modules ] || { fail "node_modules was committed"; return 1; }
	npm_quiet install || return 1
	[ -x node_modules/@pgleak-hook/linux-x64/bin/pgleak-hook ] || { fail "the teammate's npm install did not bring the binary"; return 1; }
	[ "$(git config core.hooksPath)" = ".husky/_" ] || { fail "the teammate's npm install did not set up husky"; return 1; }
	js_leaky_fn addOrder >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addOrder" || return 1
	{ js_pool_header; js_safe_fn listUsers; js_safe_fn addOrder; } >users.js && git add users.js
	commit_ok
}

# lefthook from npm too: the README's line for an npm project blocks a leak.
test_npm_lefthook_runs_the_npm_binary() {
	npm_registry_up || return 1
	js_project app || return 1
	npm_quiet install --save-dev "pgleak-hook@$PG_VERSION" "lefthook@$LEFTHOOK_VERSION" || return 1
	local line; line=$(grep -o 'run: node_modules/.bin/pgleak-hook run' "$ROOT/README.md" | head -n 1)
	[ -n "$line" ] || { fail "README gives no lefthook line for an npm project"; return 1; }
	printf 'pre-commit:\n  commands:\n    pgleak:\n      %s\n' "$line" >lefthook.yml
	npx --no-install lefthook install >/dev/null 2>&1 || { fail "lefthook install failed"; return 1; }
	! command -v pgleak-hook >/dev/null || { fail "pgleak-hook is on PATH, so this would not show the npm binary running"; return 1; }
	{ js_pool_header; js_safe_fn listUsers; } >users.js
	git add -A && commit_ok || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addUser"
}

test_npm_launcher_passes_streams_exit_codes_and_signals() {
	npm_registry_up || return 1
	js_project app || return 1
	npm_quiet install --save-dev "pgleak-hook@$PG_VERSION" || return 1
	local bin=node_modules/.bin/pgleak-hook out rc
	leaky_js src/db.js
	out=$("$bin" check --format json src/db.js 2>/dev/null); rc=$?
	assert_eq "$rc" 1 || return 1
	assert_eq "$(printf '%s' "$out" | jq -r '.findings[0].kind')" "never-released" || return 1
	"$bin" check no/such/file.js 2>/dev/null; rc=$?
	assert_eq "$rc" 2 || return 1
	safe_js src/db.js
	"$bin" check src/db.js 2>/dev/null; rc=$?
	assert_eq "$rc" 0 || return 1
	# stdin reaches the binary: the language server answers an initialize request
	local req='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}'
	out=$(printf 'Content-Length: %d\r\n\r\n%s' "${#req}" "$req" | timeout 20 "$bin" lsp 2>/dev/null)
	assert_contains "$out" '"serverInfo"' || return 1
	# a binary killed by a signal: the launcher dies of the same signal
	printf '#!/bin/sh\nkill -TERM $$\n' >selfkill && chmod +x selfkill
	PGLEAK_HOOK_BINARY=$PWD/selfkill "$bin"; rc=$?
	assert_eq "$rc" 143
}

test_npm_without_prebuilt_says_what_is_missing() {
	npm_registry_up || return 1
	js_project app || return 1
	export CC=/nonexistent/cc   # no C compiler, so no source build either
	npm_quiet install --save-dev --omit=optional "pgleak-hook@$PG_VERSION" || return 1
	[ ! -e node_modules/@pgleak-hook/linux-x64 ] || { fail "--omit=optional still installed the platform package"; return 1; }
	local out rc
	out=$(node_modules/.bin/pgleak-hook --version 2>&1); rc=$?
	assert_eq "$rc" 2 || return 1
	assert_contains "$out" "a C compiler (/nonexistent/cc)" || return 1
	assert_contains "$out" "apt-get install build-essential" || return 1
	assert_contains "$out" "then run pgleak-hook again" || return 1
	[ ! -e node_modules/pgleak-hook/build ] || { fail "a build was tried without a compiler"; return 1; }
	# as the hook: the commit is blocked with that message, PGLEAK_SKIP=1 lets it through
	"$PGLEAK_BIN" install >/dev/null || return 1
	{ js_pool_header; js_safe_fn listUsers; } >users.js && git add users.js
	out=$(git commit -q -m x 2>&1); rc=$?
	[ $rc -ne 0 ] || { fail "commit allowed without a binary"; return 1; }
	assert_contains "$out" "a C compiler" || return 1
	PGLEAK_SKIP=1 commit_ok
}

# No platform package (as on macOS or linux-arm64): the first run builds the
# binary from the sources in the package, fetching the pinned grammars (from
# the local registry here), says so on stderr, and later runs reuse it.
test_npm_builds_from_source_on_first_run_without_prebuilt() {
	npm_registry_up || return 1
	js_project app || return 1
	npm_quiet install --save-dev --omit=optional "pgleak-hook@$PG_VERSION" || return 1
	[ ! -e node_modules/pgleak-hook/build ] || { fail "npm install ran a build (no install scripts expected)"; return 1; }
	local out err
	out=$(node_modules/.bin/pgleak-hook --version 2>err)
	assert_eq "$out" "pgleak-hook $PG_VERSION" || { cat err | tail -n 5; return 1; }
	assert_contains "$(cat err)" "building it from source" || return 1
	[ -x node_modules/pgleak-hook/build/pgleak-hook ] || { fail "no node_modules/pgleak-hook/build/pgleak-hook"; return 1; }
	[ -z "$(ls -d node_modules/pgleak-hook/build/tmp-* 2>/dev/null)" ] || { fail "the build folder was left behind"; return 1; }
	leaky_js db.js
	expect_exit 1 node_modules/.bin/pgleak-hook check db.js 2>err || return 1
	assert_not_contains "$(cat err)" "building"
}

run_tests
