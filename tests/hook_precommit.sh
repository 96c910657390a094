#!/usr/bin/env bash
# tests/hook_precommit.sh - the real pre-commit framework (Debian's
# pre-commit 3.0.4) running this repository's .pre-commit-hooks.yaml as a
# `repo: local` hook blocks a leaking commit (issue 3, item 10).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"

# pgleak-hook on PATH, as `language: system` expects.
path_with_binary() {
	mkdir -p "$1" && ln -sf "$PGLEAK_BIN" "$1/pgleak-hook"
}

test_precommit_framework_blocks_leak() {
	command -v pre-commit >/dev/null || { fail "pre-commit is not installed (apt-get install pre-commit)"; return 1; }
	path_with_binary "$PWD/bin" && export PATH="$PWD/bin:$PATH"
	git init -q repo && cd repo || return 1
	{ printf 'repos:\n- repo: local\n  hooks:\n'; grep -v '^#' "$ROOT/.pre-commit-hooks.yaml" | sed 's/^/  /'; } >.pre-commit-config.yaml
	{ js_pool_header; js_safe_fn listUsers; } >users.js
	git add .pre-commit-config.yaml users.js
	pre-commit install >/dev/null || { fail "pre-commit install failed"; return 1; }
	commit_ok || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addUser" || return 1
	# pre-commit stashes unstaged changes: a fix only in the work tree must not let it through.
	{ js_pool_header; js_safe_fn listUsers; js_safe_fn addUser; } >users.js
	commit_blocked || return 1
	git add users.js
	commit_ok
}

test_precommit_manifest_fields() {
	local m; m=$(cat "$ROOT/.pre-commit-hooks.yaml")
	assert_contains "$m" "id: pgleak" || return 1
	assert_contains "$m" "entry: pgleak-hook run" || return 1
	assert_contains "$m" "language: system" || return 1
	assert_contains "$m" "pass_filenames: false" || return 1
	assert_contains "$m" "require_serial: true"
}

run_tests
