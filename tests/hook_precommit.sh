#!/usr/bin/env bash
# tests/hook_precommit.sh - the real pre-commit framework (Debian's
# pre-commit 3.0.4) running this repository's .pre-commit-hooks.yaml: as a
# `repo: local` hook (issue 3, item 10), and from a clone of this repository
# tagged v$VERSION as the README's `rev:` says, both entries: `pgleak`
# (language: system) and `pgleak-node` (language: node, which installs the
# npm package from the local registry of tests/npm_lib.sh; issue 12 item 4).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/hook_lib.sh"
source "$(dirname "$0")/npm_lib.sh"

# pgleak-hook on PATH, as `language: system` expects.
path_with_binary() {
	mkdir -p "$1" && ln -sf "$PGLEAK_BIN" "$1/pgleak-hook"
}

# manifest_entry ID: the lines of that hook in .pre-commit-hooks.yaml
manifest_entry() {
	awk -v id="$1" '/^- id: / { on = ($3 == id) } on' "$ROOT/.pre-commit-hooks.yaml"
}

# tagged_clone DIR: this repository's committed HEAD cloned into DIR and
# tagged v$VERSION, the `rev:` the README gives (the release tag is made on main).
tagged_clone() {
	git clone -q "$ROOT" "$1" || { fail "git clone $ROOT failed"; return 1; }
	git -C "$1" tag "v$PG_VERSION" 2>/dev/null || git -C "$1" rev-parse -q --verify "v$PG_VERSION" >/dev/null
}

# precommit_project ID [EXTRA]: ./repo with a .pre-commit-config.yaml using hook ID of the
# tagged clone ./hooks at rev v$VERSION (EXTRA: more lines for that hook), installed.
precommit_project() {
	tagged_clone "$PWD/hooks" || return 1
	export PRE_COMMIT_HOME=$PWD/pre-commit-home
	git init -q repo && cd repo || return 1
	printf 'repos:\n- repo: %s\n  rev: v%s\n  hooks:\n  - id: %s\n%s' "$PWD/../hooks" "$PG_VERSION" "$1" "${2:-}" >.pre-commit-config.yaml
	{ js_pool_header; js_safe_fn listUsers; } >users.js
	git add .pre-commit-config.yaml users.js
	pre-commit install >/dev/null || { fail "pre-commit install failed"; return 1; }
}

test_precommit_system_entry_from_tagged_rev() {
	command -v pre-commit >/dev/null || { fail "pre-commit is not installed (apt-get install pre-commit)"; return 1; }
	path_with_binary "$PWD/bin" && export PATH="$PWD/bin:$PATH"
	precommit_project pgleak || return 1
	commit_ok || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addUser"
}

# No pgleak-hook anywhere on PATH: pre-commit installs the npm package itself.
test_precommit_node_entry_installs_itself() {
	command -v pre-commit >/dev/null || { fail "pre-commit is not installed (apt-get install pre-commit)"; return 1; }
	! command -v pgleak-hook >/dev/null || { fail "pgleak-hook is on PATH, so this would not show the install"; return 1; }
	npm_registry_up || return 1
	precommit_project pgleak-node $'    language_version: system\n' || return 1
	commit_ok || return 1
	assert_contains "$(ls "$PRE_COMMIT_HOME"/repo*/node_env-system/bin/)" "pgleak-hook" || return 1
	js_leaky_fn addUser >>users.js && git add users.js
	commit_blocked || return 1
	assert_contains "$OUT" "addUser" || return 1
	# the binary honours it (pre-commit shows a passing hook's output only with verbose: true)
	PGLEAK_SKIP=1 commit_ok
}

test_precommit_framework_blocks_leak() {
	command -v pre-commit >/dev/null || { fail "pre-commit is not installed (apt-get install pre-commit)"; return 1; }
	path_with_binary "$PWD/bin" && export PATH="$PWD/bin:$PATH"
	git init -q repo && cd repo || return 1
	{ printf 'repos:\n- repo: local\n  hooks:\n'; manifest_entry pgleak | sed 's/^/  /'; } >.pre-commit-config.yaml
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
	assert_contains "$(manifest_entry pgleak-node)" "language: node" || return 1
	assert_contains "$m" "pass_filenames: false" || return 1
	assert_contains "$m" "require_serial: true"
}

run_tests
