#!/usr/bin/env bash
# tests/hook_install.sh - install/uninstall where git really runs hooks, and
# the ways around the hook (issue 3, "Done when" item 8).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# A snapshot of a folder: names, modes and contents.
snapshot() { (cd "$1" && find . -type f -o -type l | sort | while read -r f; do stat -c '%n %a' "$f"; cksum <"$f"; done); }

leak_users() { js_leaky_fn addUser >>users.js && git add users.js; }

test_core_hooks_path_honoured() {
	git init -q repo && cd repo || return 1
	git config core.hooksPath .githooks
	"$PGLEAK_BIN" install >/dev/null || { fail "install failed"; return 1; }
	[ -x .githooks/pre-commit ] || { fail "no hook in core.hooksPath"; return 1; }
	[ ! -e .git/hooks/pre-commit ] || { fail "hook written to .git/hooks, which git will not run"; return 1; }
	{ js_pool_header; js_leaky_fn addUser; } >users.js && git add users.js
	commit_blocked
}

test_core_hooks_path_absolute_outside_repo() {
	mkdir hooks && git init -q repo && cd repo || return 1
	git config core.hooksPath "$PWD/../hooks"
	"$PGLEAK_BIN" install >/dev/null || return 1
	[ -x ../hooks/pre-commit ] || { fail "no hook in the absolute core.hooksPath"; return 1; }
	{ js_pool_header; js_leaky_fn addUser; } >users.js && git add users.js
	commit_blocked
}

test_existing_hook_chained_and_restored() {
	git init -q repo && cd repo || return 1
	mkdir -p .git/hooks
	printf '#!/bin/sh\necho theirs-ran >>"$(git rev-parse --git-dir)/theirs.log"\n[ ! -e block-me ]\n' >.git/hooks/pre-commit
	chmod 755 .git/hooks/pre-commit
	local before; before=$(snapshot .git/hooks)
	"$PGLEAK_BIN" install >/dev/null || return 1
	{ js_pool_header; js_safe_fn listUsers; } >users.js && git add users.js
	commit_ok || return 1
	[ -s .git/theirs.log ] || { fail "the existing hook did not run"; return 1; }
	touch block-me
	printf '// more\n' >>users.js && git add users.js
	local rc; git commit -q -m blocked-by-theirs >/dev/null 2>&1; rc=$?
	[ $rc -ne 0 ] || { fail "the chained hook failed but the commit went through"; return 1; }
	rm block-me
	leak_users
	commit_blocked || return 1
	"$PGLEAK_BIN" uninstall >/dev/null || return 1
	assert_eq "$(snapshot .git/hooks)" "$before"
}

test_install_twice_changes_nothing_uninstall_restores() {
	git init -q repo && cd repo || return 1
	mkdir -p .git/hooks
	local before first; before=$(snapshot .git/hooks)
	"$PGLEAK_BIN" install >/dev/null || return 1
	first=$(snapshot .git/hooks)
	expect_exit 0 "$PGLEAK_BIN" install >/dev/null || return 1
	assert_eq "$(snapshot .git/hooks)" "$first" || return 1
	"$PGLEAK_BIN" uninstall >/dev/null || return 1
	assert_eq "$(snapshot .git/hooks)" "$before" || return 1
	expect_exit 0 "$PGLEAK_BIN" uninstall >/dev/null
}

test_linked_worktree() {
	new_repo || return 1
	git worktree add -q ../wt 2>/dev/null || { fail "git worktree add failed"; return 1; }
	cd ../wt || return 1
	expect_exit 0 "$PGLEAK_BIN" install >/dev/null || return 1
	[ -z "$(ls "$(git rev-parse --git-dir)"/hooks 2>/dev/null)" ] || { fail "hook written into the worktree's private dir"; return 1; }
	leak_users
	commit_blocked || return 1
	{ js_pool_header; js_safe_fn listUsers; js_safe_fn addUser; } >users.js && git add users.js
	commit_ok
}

test_no_verify_and_pgleak_skip() {
	new_repo || return 1
	leak_users
	commit_ok --no-verify || return 1
	js_leaky_fn another >>users.js && git add users.js
	PGLEAK_SKIP=1 commit_ok || return 1
	assert_contains "$OUT" "PGLEAK_SKIP" || return 1
	js_leaky_fn third >>users.js && git add users.js
	PGLEAK_SKIP=0 commit_blocked
}

test_missing_binary_blocks_with_advice() {
	git init -q repo && cd repo || return 1
	cp "$PGLEAK_BIN" ../pgleak-copy
	../pgleak-copy install >/dev/null || return 1
	rm ../pgleak-copy
	{ js_pool_header; js_safe_fn listUsers; } >users.js && git add users.js
	local out rc; out=$(git commit -q -m x 2>&1); rc=$?
	[ $rc -ne 0 ] || { fail "commit allowed with the binary missing"; return 1; }
	assert_contains "$out" "cannot find" || return 1
	assert_contains "$out" "npm install" || return 1
	assert_contains "$out" "PGLEAK_SKIP=1" || return 1
	assert_eq "$(printf '%s\n' "$out" | wc -l)" 1 || return 1
	PGLEAK_SKIP=1 commit_ok
}

# A teammate's `npm install` puts the binary in node_modules/.bin: the hook
# finds it there before PATH (here PATH's pgleak-hook allows everything).
test_hook_prefers_project_node_modules_bin() {
	git init -q repo && cd repo || return 1
	cp "$PGLEAK_BIN" ../pgleak-copy
	../pgleak-copy install >/dev/null || return 1
	rm ../pgleak-copy
	mkdir -p node_modules/.bin ../fakebin
	cp "$PGLEAK_BIN" node_modules/.bin/pgleak-hook
	printf '#!/bin/sh\nexit 0\n' >../fakebin/pgleak-hook && chmod +x ../fakebin/pgleak-hook
	printf 'node_modules\n' >.gitignore
	{ js_pool_header; js_safe_fn listUsers; } >users.js && git add .gitignore users.js
	PATH="$PWD/../fakebin:$PATH" commit_ok || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	PATH="$PWD/../fakebin:$PATH" commit_blocked || return 1
	rm -r node_modules
	PATH="$PWD/../fakebin:$PATH" commit_ok
}

# With the npm package installed, the hook runs the platform package's binary
# itself rather than the JS launcher in .bin (no node started per commit):
# here a .bin/pgleak-hook that allows everything is not the one that runs.
test_hook_prefers_npm_platform_binary_over_launcher() {
	git init -q repo && cd repo || return 1
	"$PGLEAK_BIN" install >/dev/null || return 1
	mkdir -p node_modules/.bin node_modules/@pgleak-hook/linux-x64/bin
	cp "$PGLEAK_BIN" node_modules/@pgleak-hook/linux-x64/bin/pgleak-hook
	printf '#!/bin/sh\nexit 0\n' >node_modules/.bin/pgleak-hook && chmod +x node_modules/.bin/pgleak-hook
	printf 'node_modules\n' >.gitignore
	{ js_pool_header; js_safe_fn listUsers; } >users.js && git add .gitignore users.js
	commit_ok || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked
}

test_internal_error_blocks_with_exit_2() {
	new_repo || return 1
	printf '{"pools": 42}\n' >.pgleak.json && git add .pgleak.json
	leak_users
	local out rc; out=$("$PGLEAK_BIN" run 2>&1); rc=$?
	[ $rc -eq 2 ] || { fail "expected exit 2 on a bad .pgleak.json, got $rc: $out"; return 1; }
	assert_contains "$out" ".pgleak.json" || return 1
	assert_contains "$out" "PGLEAK_SKIP=1"
}

test_run_outside_repository_is_exit_2() {
	local out rc; out=$(GIT_CEILING_DIRECTORIES=$PWD "$PGLEAK_BIN" run 2>&1); rc=$?
	[ $rc -eq 2 ] || { fail "expected exit 2, got $rc"; return 1; }
	assert_contains "$out" "not a git repository"
}

test_husky_hooks_path_refused_without_flag() {
	git init -q repo && cd repo || return 1
	mkdir -p .husky/_ && printf '#!/bin/sh\n' >.husky/_/h
	git config core.hooksPath .husky/_
	local out rc; out=$("$PGLEAK_BIN" install 2>&1); rc=$?
	[ $rc -eq 2 ] || { fail "expected exit 2, got $rc: $out"; return 1; }
	assert_contains "$out" "--husky"
}

run_tests
